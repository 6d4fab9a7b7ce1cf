"""What every edit form of the portal shares: the version it was loaded at, and one way to run
its write so that any refusal — a service's rule, a stale version, a rule of the database —
ends up on the form, with the user's input still on screen."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.integrity import error_dict, rule_error
from core.text import multi_line, single_line
from core.versioning import StaleSave

T = TypeVar("T")


class VersionedFormMixin:
    """Carries the version of the record the form was loaded with (a hidden ``version``).

    On a ModelForm of a saved ``Versioned`` record, the version comes from the instance and is
    handed back to it once the form is clean (``expect_version``), so that saving the instance
    claims the version the user saw. A form for a service gets ``initial={"version": …}`` and
    hands ``cleaned_data["version"]`` to the service (``core.versioning.check_version``). A new
    record has nothing to be stale against: a ModelForm of an unsaved instance has no version.

    When a save is refused as stale, the form shows who changed what, keeps everything typed,
    and now carries the current version: saving again is a deliberate overwrite."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is None:
            return
        message = _("Biểu mẫu thiếu phiên bản của bản ghi: hãy mở lại trang rồi sửa lần nữa.")
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            min_value=1,
            error_messages={"required": message, "invalid": message, "min_value": message},
        )
        if instance is not None:
            self.fields["version"].initial = instance.version

    @property
    def edited_fields(self) -> list[str]:
        return [name for name in self.fields if name != "version"]

    def _post_clean(self):
        super()._post_clean()
        if "version" in self._errors:
            # A hidden field's error would show nowhere: say it above the form.
            self.add_error(None, self._errors["version"][0])
        instance = getattr(self, "instance", None)
        version = self.cleaned_data.get("version")
        if instance is not None and version is not None:
            instance.expect_version(version, self.edited_fields)

    def add_error(self, field, error):
        if isinstance(error, StaleSave) and error.current_version is not None:
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = str(error.current_version)
        super().add_error(field, error)


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a refusal next to the fields it names, the rest above the form."""
    for field, errors in error_dict(error, form.fields).items():
        for each in errors:
            form.add_error(field, each)


def save_or_refuse(form: forms.BaseForm, write: Callable[[], T] | None = None, *, checked=()):
    """Run the form's write (``form.save`` unless given) in a savepoint. Returns what it
    returned, or None when it was refused: a ValidationError (a service's rule, StaleSave) or a
    rule of the database, which then shows on the form; nothing of the write is kept.

    `checked`: records besides ``form.instance`` whose rules may refuse the write."""
    write = write or form.save
    records = [record for record in (getattr(form, "instance", None), *checked) if record]
    # Rolled back, a new record must look new again (no id), or the page shows it as saved.
    new = [record for record in records if record._state.adding]
    try:
        with transaction.atomic():
            return write()
    except ValidationError as error:
        add_errors(form, error)
    except IntegrityError as error:
        add_errors(form, rule_error(error, records))
    for record in new:
        record.pk = None
        record._state.adding = True
    return None


class AutocompleteSelect(forms.Select):
    """A choice among thousands (the 3,392 communes and former districts of the country): the
    page carries only the chosen option, never the whole list, and static/js/autocomplete.js
    adds a search box that asks ``url`` (JSON: ``{"results": [{"id", "text"}]}``) for the
    options matching what is typed. The field keeps its whole queryset: a value is still
    validated against it."""

    def __init__(self, url: str, attrs=None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-autocomplete-url": str(self.url),
            "data-autocomplete-placeholder": _("Gõ tên để tìm…"),
        }
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        # Only the empty choice and the chosen one: the rest of the list is never read.
        chosen = {str(v) for v in value if v not in (None, "")}
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is not None:
            field = choices.field
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            keys = [v for v in chosen if v.isdigit()]
            picked = [
                (obj.pk, field.label_from_instance(obj)) for obj in queryset.filter(pk__in=keys)
            ]
        else:
            empty, picked = [], [(k, v) for k, v in choices if str(k) in chosen or k == ""]
        groups = []
        for index, (option_value, label) in enumerate([*empty, *picked]):
            selected = str(option_value) in chosen or (option_value == "" and not chosen)
            option = self.create_option(name, option_value, label, selected, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups


def text_field(
    label, *, required=True, rows=None, max_length=None, help_text="", required_message=""
):
    """A text field that refuses control characters (line breaks too, on one line)."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        validators=[multi_line if rows else single_line],
    )
    if required_message:
        field.error_messages["required"] = required_message
    return field
