"""What the inspection pages share: the form page, a form's write, a one-click step."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from core.forms import save_or_refuse

FORM_METHODS = ["GET", "HEAD", "POST"]


def form_page(request, form, title: str, *, plan=None, inspection=None, back=None, **extra):
    context = {
        "form": form,
        "title": title,
        "plan": plan,
        "inspection": inspection,
        "back": back or (plan.get_absolute_url() if plan else ""),
        **extra,
    }
    return render(request, "inspections/form.html", context)


def saved(request, form, write: Callable[[], object], message: str):
    """Validate a posted form and run its write (``form.cleaned_data`` are the service's
    arguments): what was written, with ``message`` shown; or None, the refusal on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    written = save_or_refuse(form, write)
    if written is not None:
        messages.success(request, message)
    return written


def one_step(request, write: Callable[[], object], success: str, back):
    """A step taken with one click: its refusal or its success as a message, then back."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(back)
