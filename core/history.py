"""Field-by-field history of a record (django-simple-history), for detail pages."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

CHANGE_TYPES = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


def history_entries(instance, limit: int = 20) -> list[HistoryEntry]:
    """The latest changes of a record, newest first, each with the fields it changed.

    Runs a fixed number of queries: the history rows with their users, then one query per
    kind of related record named in the changes.
    """
    model = type(instance)
    history = instance.history.select_related("history_user").order_by("-history_date")
    # One more than shown, so that the oldest shown entry can be compared with its predecessor.
    records = list(history[: limit + 1])
    pairs = list(zip(records, [*records[1:], None], strict=True))[:limit]

    raw = []
    wanted = defaultdict(set)
    for newer, older in pairs:
        changes = []
        if older is not None and newer.history_type == "~":
            for change in newer.diff_against(older).changes:
                model_field = model._meta.get_field(change.field)
                if not model_field.editable:
                    continue  # derived (search keys, timestamps): follows the fields shown
                changes.append((model_field, change.old, change.new))
                if isinstance(model_field, models.ForeignKey):
                    wanted[model_field.related_model].update({change.old, change.new} - {None})
        raw.append((newer, changes))

    names = {
        related: {obj.pk: str(obj) for obj in related._base_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
    }

    def display(model_field, value):
        if isinstance(model_field, models.ForeignKey) and value is not None:
            return names[model_field.related_model].get(value, f"#{value}")
        if model_field.choices and value not in (None, ""):
            return dict(model_field.flatchoices).get(value, value)
        if value in (None, ""):
            return "—"
        if value is True:
            return _("có")
        if value is False:
            return _("không")
        return value

    return [
        HistoryEntry(
            when=newer.history_date,
            who=newer.history_user.get_full_name() if newer.history_user else _("hệ thống"),
            action=CHANGE_TYPES.get(newer.history_type, newer.history_type),
            changes=[
                Change(str(f.verbose_name), display(f, old), display(f, new))
                for f, old, new in changes
            ],
        )
        for newer, changes in raw
    ]
