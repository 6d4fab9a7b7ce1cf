"""Files people attach to a record (a dossier's documents, an inspection's photos and minutes):
PDF and images only, their type read from the file's first bytes (never its name or what the
browser says), at most ``settings.OCOP_DOCUMENT_MAX_BYTES`` each; stored through Django's
default storage under a random name in ``PRIVATE_DIR``, which the web server never serves
(ocop_portal/urls.py, deploy/nginx.conf); downloaded only through the portal, as attachments,
by those who see the record (``attachment_response``).

A view that takes files puts the size limit in front of the request's upload handlers before
anything reads the body (``limits_uploads``): a huge upload fills neither memory nor the disk,
and the form says why the file is missing (``CheckedUploadsMixin``)."""

import hashlib
import re
import secrets
from functools import wraps

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.numbers import format_number

#: The accepted types and the extension each is stored and downloaded under.
ACCEPTED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}
#: A hint for the file picker only: the type is read from the file's content.
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_TYPES)

#: The folder of the default storage holding files that are never served publicly.
PRIVATE_DIR = "dossiers"

#: The first bytes of each accepted type.
_SIGNATURES = (
    ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
)
assert {name for name, _test in _SIGNATURES} == set(ACCEPTED_TYPES)

WRONG_TYPE = _(
    "Chỉ nhận tệp PDF hoặc ảnh PNG, JPEG, WebP: nội dung tệp này không phải PDF hay ảnh "
    "(tên tệp không quyết định loại tệp)."
)
EMPTY = _("Tệp rỗng: hãy chọn lại tệp.")


def max_bytes() -> int:
    return settings.OCOP_DOCUMENT_MAX_BYTES


def format_size(size: int) -> str:
    """A file size the way the language writes it: 20 MB, 1,5 MB, 850 KB, 120 byte."""
    if size >= 1024 * 1024:
        return f"{format_number(size / (1024 * 1024), 1, trim=True)} MB"
    if size >= 1024:
        return f"{format_number(size / 1024, 0)} KB"
    return _("%(size)s byte") % {"size": format_number(size)}


def too_large() -> ValidationError:
    return ValidationError(
        _("Tệp quá lớn: tối đa %(limit)s mỗi tệp.") % {"limit": format_size(max_bytes())},
        code="document_too_large",
    )


def detect_type(upload) -> str | None:
    """The accepted type the file's first bytes show, or None."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(16)
    finally:
        upload.seek(position)
    for name, test in _SIGNATURES:
        if test(head):
            return name
    return None


def check_upload(upload) -> str:
    """The file's detected type; a ValidationError saying why it is refused otherwise."""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError(EMPTY, code="document_empty")
    if size > max_bytes():
        raise too_large()
    content_type = detect_type(upload)
    if content_type is None:
        raise ValidationError(WRONG_TYPE, code="document_type")
    return content_type


def digest(upload) -> str:
    """The SHA-256 of the file's content, in hex."""
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def private_name(folder: str, content_type: str) -> str:
    """<PRIVATE_DIR>/<folder>/<random hex>.<extension of the detected type>: the name a user
    gave the file is never part of where it is stored."""
    extension = ACCEPTED_TYPES.get(content_type, "bin")
    return f"{PRIVATE_DIR}/{folder}/{secrets.token_hex(16)}.{extension}"


def download_name(title: str, content_type: str) -> str:
    """The name a file is downloaded under: its title and the detected type's extension."""
    return f"{title[:100]}.{ACCEPTED_TYPES.get(content_type, 'bin')}"


# --- Receiving ---------------------------------------------------------------------------------


class SizeLimitedUpload(FileUploadHandler):
    """Stops storing a file as soon as it passes the limit: Django reads the rest of the
    request and throws it away, so a huge upload fills neither memory nor the disk. The field
    is remembered in ``oversized`` for the form to say why."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = max_bytes() if limit is None else limit
        self.oversized: set[str] = set()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.oversized.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def limit_upload(request) -> SizeLimitedUpload:
    """Put the size limit in front of the request's upload handlers (before its body is read:
    a view doing so is csrf_exempt and checks CSRF itself once this is done)."""
    handler = SizeLimitedUpload(request)
    if not hasattr(request, "_files"):
        request.upload_handlers.insert(0, handler)
    return handler


def limits_uploads(view):
    """Decorate a view that takes files: the size limit goes in front of the upload handlers,
    then CSRF is checked (the middleware would read the body first, so the view is exempt from
    it and checks here). The view receives ``oversized``: the fields whose file passed the
    limit. Put ``login_required`` above it, so that an anonymous request is sent to sign in."""
    protected = csrf_protect(view)

    @wraps(view)
    def limited(request, *args, **kwargs):
        handler = limit_upload(request)
        return protected(request, *args, oversized=handler.oversized, **kwargs)

    return csrf_exempt(limited)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none is chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CheckedUploadsMixin:
    """A form whose file fields (``upload_fields``) take only what ``check_upload`` accepts,
    with the refusal next to the field; a file stopped at the size limit (``oversized``, from
    ``limits_uploads``) is said to be too large rather than missing."""

    upload_fields: tuple[str, ...] = ("file",)

    def __init__(self, *args, oversized=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = set(oversized)

    def _clean_fields(self):
        super()._clean_fields()
        for name in self.upload_fields:
            value = self.cleaned_data.get(name)
            files = value if isinstance(value, list) else [value] if value else []
            try:
                for upload in files:
                    check_upload(upload)
            except ValidationError as error:
                self.add_error(name, error)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name in self.oversized & set(self.upload_fields):
            # Its upload was stopped at the limit: the field received no file.
            self._errors[name] = self.error_class([too_large().message])
            self.cleaned_data.pop(name, None)


# --- Sending -----------------------------------------------------------------------------------

#: Characters a downloaded file's name does not carry.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')


def attachment_response(record) -> FileResponse:
    """The stored file of a record (``core.models.AttachedFile``) as an attachment of its
    detected type, never shown inline nor sniffed into another type, never kept by a cache;
    404 if the storage has lost it."""
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_UNSAFE_NAME.sub("_", record.filename),
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
