"""Every form of the portal that writes is sent once: the page renders it with a random token
(``{% form_token %}``, a hidden field), and the first sending that does its work keeps the
token. Sent again — a double click, a reload, the back button — it does not write a second
time: it leads to what the first sending made.

The token is claimed in the database, in the same transaction as the write, before the write:
two sendings at the same moment wait for each other on the unique index, so exactly one does
the work. A sending that is refused (the form shows errors) gives its token back, so that the
corrected form can be sent. A form sent without a token (a page rendered before tokens
existed) is handled as before."""

import re
import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.models import SubmittedForm

TOKEN_FIELD = "form_token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

CREATED = _("Biểu mẫu này đã được gửi; đây là bản ghi đã tạo.")
SAVED = _("Biểu mẫu này đã được gửi và đã lưu; đây là bản ghi sau khi lưu.")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _earlier(request: HttpRequest, token: str) -> SubmittedForm | None:
    return SubmittedForm.objects.filter(user=request.user, token=token).first()


def _lead_to(request: HttpRequest, earlier: SubmittedForm, message) -> HttpResponse:
    messages.info(request, message)
    return redirect(earlier.result_url or request.path)


def submit_once(view: Callable | None = None, *, replayed=CREATED) -> Callable:
    """Decorate a view whose successful POST ends in a redirect (to what it made or saved);
    put it below the permission checks. `replayed`: the message shown on a second sending."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def once(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
            if not (request.user.is_authenticated and _TOKEN.fullmatch(token)):
                return view(request, *args, **kwargs)
            if earlier := _earlier(request, token):
                return _lead_to(request, earlier, replayed)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        claim = SubmittedForm.objects.create(
                            user=request.user, token=token, path=request.path[:500]
                        )
                except IntegrityError:
                    # The same form, sent a moment before, has just done its work.
                    if earlier := _earlier(request, token):
                        return _lead_to(request, earlier, replayed)
                    claim = None
                response = view(request, *args, **kwargs)
                if claim is None:
                    return response
                if response.status_code in (301, 302, 303) and response.has_header("Location"):
                    claim.result_url = response["Location"][:500]
                    claim.save(update_fields=["result_url"])
                else:
                    claim.delete()  # refused: the corrected form may be sent with this token
                return response

        return once

    return decorate(view) if view is not None else decorate
