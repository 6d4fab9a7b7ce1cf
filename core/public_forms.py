"""What the portal's public forms share (a report about a product, a buyer's enquiry): sent
without an account, so without an outside captcha. CSRF as every form; a form token so that a
form sent twice makes one record; at most so many sendings an hour from one client address
(core.ratelimit); and a field robots fill in and people never see (``website``: nothing is then
saved, and the robot is told what a person is told).

The form's page shows the contact fields and the trap with
``templates/includes/public_contact.html``."""

import re
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.forms import save_or_refuse
from core.network import client_address
from core.ratelimit import over_limit
from core.submissions import TOKEN_FIELD, new_token

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_PHONE = re.compile(r"\+?[0-9 .()-]{8,20}")


def email_field() -> forms.EmailField:
    """The contact's e-mail address, not required."""
    return forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.")},
    )


def checked_phone(value: str) -> str:
    """A phone number as typed, or a Vietnamese refusal: digits, spaces, + . ( ) - only."""
    phone = (value or "").strip()
    if phone and not _PHONE.fullmatch(phone):
        raise ValidationError(_("Số điện thoại chỉ gồm chữ số, ví dụ 0292 3820 123."))
    return phone


class PublicFormMixin:
    """A public form (before ``forms.Form``): the trap for robots, last of its fields, and the
    contact fields' hints to the browser.

    ``website`` is a trap for robots: hidden from people (and from screen readers), it is left
    empty by them and filled in by robots that fill in every field. ``CONTACT_FIELDS`` names the
    form's (name, phone, e-mail) fields."""

    HONEYPOT = "website"
    CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.HONEYPOT] = forms.CharField(label=_("Để trống ô này"), required=False)
        name, phone, email = self.CONTACT_FIELDS
        self.fields[self.HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields[phone].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields[name].widget.attrs["autocomplete"] = "name"
        self.fields[email].widget.attrs["autocomplete"] = "email"

    @property
    def is_trap_filled(self) -> bool:
        return bool(self.data.get(self.HONEYPOT, "").strip())


def receive(
    request: HttpRequest,
    form: PublicFormMixin,
    *,
    records,
    scope: str,
    limit: int,
    too_many: str,
    submit: Callable[[dict, str | None], object],
    thanks: Callable[[object | None], HttpResponse],
    template: str,
    context: dict,
) -> HttpResponse:
    """Answer a public form's GET or POST: the thank-you page once done, else the form's page
    (``template`` with ``context``, the form and its token), 429 once over the limit.

    `records`: the records that keep their ``form_token`` (a token sent again leads to what it
    made); `scope`, `limit`: the rate limit an hour per client address; `too_many`: the
    refusal once over it, with ``%(limit)s`` and ``%(office)s``; `submit(data, token)`: the
    service's write; `thanks(record)`: the thank-you page of a record, or of none for a robot
    (told what a person is told)."""
    token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else new_token()
    token = token if _TOKEN.fullmatch(token) else ""
    status = 200
    if request.method == "POST":
        if form.is_trap_filled:
            # A robot: nothing is saved, and it is told what a person is told.
            return thanks(None)
        earlier = records.filter(form_token=token).first() if token else None
        if earlier is not None:
            return thanks(earlier)
        if form.is_valid():
            if over_limit(scope, client_address(request) or "", limit):
                office = settings.OCOP_OFFICE_NAME
                form.add_error(None, too_many % {"limit": limit, "office": office})
                status = 429
            else:
                data = form.cleaned_data
                record = save_or_refuse(form, lambda: submit(data, token or None))
                if record is not None:
                    return thanks(record)
    context = {**context, "form": form, "token": token or new_token(), "token_field": TOKEN_FIELD}
    return render(request, template, context, status=status)
