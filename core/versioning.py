"""No lost updates: a record that people edit carries a version, and a save is refused when the
record was saved by someone else after the editor loaded it.

An edit form hands the version the user loaded to its record (``core.forms.VersionedFormMixin``,
``Versioned.expect_version``); the save claims it with one conditional UPDATE (``… WHERE id = …
AND version = …``): it wins, and locks the row until the transaction ends, or it finds another
version and raises ``StaleSave`` having written nothing. The claim compares against what the
user saw, not against what the request read. Every other save moves the version on.

``StaleSave`` says who changed what since then, from the record's history
(django-simple-history keeps the version in each historical row)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

AFTER = _("Thay đổi của bạn chưa được lưu; xem lại rồi lưu lần nữa.")


class StaleSave(ValidationError):
    """The record was saved by someone else after `expected` was read: nothing was written.

    A ValidationError, so that every page that shows a refused write on its form shows this one
    too; ``current_version`` is what a form sends back to save deliberately over the change."""

    def __init__(self, message: str, *, model, pk, expected: int, current_version: int | None):
        super().__init__(message, code="stale")
        self.model = model
        self.pk = pk
        self.expected = expected
        self.current_version = current_version

    @classmethod
    def of(cls, instance: models.Model, expected: int, fields=None) -> "StaleSave":
        model = type(instance)
        current = model._base_manager.filter(pk=instance.pk).first()
        return cls(
            stale_message(model, instance.pk, expected, current, fields),
            model=model,
            pk=instance.pk,
            expected=expected,
            current_version=current.version if current is not None else None,
        )


class Versioned(models.Model):
    """A record edited through forms: ``version`` goes up by one with every save.

    A save after ``expect_version(v)`` (what an edit form does) is refused with StaleSave unless
    the stored row is still at `v`. Any other save — a workflow step, an import, the admin, a
    revert — just takes the next version, so that every form opened before it becomes stale."""

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        expected = self.__dict__.pop("_expected_version", None)
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        model = type(self)
        using = kwargs.get("using") or router.db_for_write(model, instance=self)
        stored = model._base_manager.using(using).filter(pk=self.pk)
        before = self.version
        # The UPDATE locks the row until the transaction ends. Nothing is written when the claim
        # fails, so StaleSave is raised outside the block and the caller's transaction goes on.
        with transaction.atomic(using=using, savepoint=False):
            if expected is None:
                claimed = True
                stored.update(version=models.F("version") + 1)
                self.version = stored.values_list("version", flat=True).first() or before
            else:
                claimed = bool(stored.filter(version=expected).update(version=expected + 1))
                self.version = expected + 1 if claimed else before
            if claimed:
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
                try:
                    super().save(*args, **kwargs)
                except BaseException:
                    self.version = before
                    raise
        if not claimed:
            raise StaleSave.of(self, expected, getattr(self, "_edited_fields", None))

    def expect_version(self, version: int, fields=None) -> None:
        """Make the next save refuse unless the record is still at `version`; `fields`: those
        the user edited, compared first in the refusal's message."""
        self._expected_version = version
        self._edited_fields = fields


def check_version(instance: Versioned, version: int, fields=None) -> None:
    """For a service holding the row locked: refuse unless it is still at the version the user
    loaded (`version`). Use it before writing anything."""
    if instance.version != version:
        raise StaleSave.of(instance, version, fields)


# --- the message ---------------------------------------------------------------------------


def stale_message(model, pk, expected: int, current, fields=None) -> str:
    """“Trần Thị B đã sửa lúc 10:42: Tên sản phẩm → “…”; Điện thoại → “…”. Thay đổi của bạn
    chưa được lưu; xem lại rồi lưu lần nữa.” — the fields compared are the form's (`fields`),
    or, when none of those changed, any the user can edit."""
    if current is None:
        return gettext("Bản ghi này vừa bị xóa; thay đổi của bạn chưa được lưu.")
    history = getattr(model, "history", None)
    loaded = latest = None
    if history is not None:
        rows = history.filter(**{model._meta.pk.attname: pk}).select_related("history_user")
        rows = rows.order_by("-history_date", "-history_id")
        loaded = rows.filter(version=expected).first()
        latest = rows.filter(version__gt=expected).first()
    changes = _changes(model, loaded, current, fields) if loaded is not None else []
    if latest is None:
        opening = gettext("Bản ghi này vừa được người khác sửa")
    else:
        who = latest.history_user.get_full_name() if latest.history_user else gettext("Hệ thống")
        opening = gettext("%(who)s đã sửa lúc %(when)s") % {
            "who": who,
            "when": _moment(latest.history_date),
        }
    if changes:
        listed = "; ".join(
            gettext("%(field)s → “%(value)s”") % {"field": label, "value": value}
            for label, value in changes
        )
        return f"{opening}: {listed}. {AFTER}"
    return f"{opening}. {AFTER}"


def _changes(model, loaded, current, fields) -> list[tuple[str, str]]:
    editable = [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name != "version"
    ]
    wanted = [field for field in editable if fields is None or field.name in fields]
    for candidates in (wanted, editable):
        changed = [
            (capfirst(field.verbose_name), _shown(current, field))
            for field in candidates
            if getattr(loaded, field.attname) != getattr(current, field.attname)
        ]
        if changed:
            return changed
    return []


def _shown(instance, field) -> str:
    value = getattr(instance, field.name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int) and not isinstance(field, models.ForeignKey):
        # Amounts and decimals grouped (1.900.000.000; 52,7), years and counts as they are.
        grouped = isinstance(field, models.BigIntegerField | models.DecimalField)
        return formats.number_format(value, use_l10n=True, force_grouping=grouped)
    return str(value)


def _moment(when: datetime) -> str:
    when = timezone.localtime(when)
    time = formats.time_format(when, "H:i")
    if when.date() == timezone.localdate():
        return time
    return gettext("%(time)s ngày %(day)s") % {
        "time": time,
        "day": formats.date_format(when, "SHORT_DATE_FORMAT"),
    }
