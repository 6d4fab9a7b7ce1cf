"""Idempotent loading of data files (the demo): write only what differs, validated, counted."""

from collections.abc import Callable


class RecordWriter:
    """Creates or updates one row at a time, validating what it writes and counting it.

    ``prepare`` sets derived fields (search keys, computed dates) before validation, which
    checks them as required values.
    """

    def __init__(self, prepare: Callable[[object], None] | None = None) -> None:
        self.created = 0
        self.updated = 0
        self.prepare = prepare

    def upsert(self, instance, existing, values: dict):
        if existing is None:
            for name, value in values.items():
                setattr(instance, name, value)
            self._save(instance)
            self.created += 1
            return instance
        changed = {name: value for name, value in values.items() if differs(existing, name, value)}
        if changed:
            for name, value in changed.items():
                setattr(existing, name, value)
            self._save(existing)
            self.updated += 1
        return existing

    def _save(self, instance) -> None:
        if self.prepare:
            self.prepare(instance)
        # Fields (formats, choices, related rows) and the model's own rules; the database
        # enforces the unique and check constraints on save, without a query per constraint.
        instance.clean_fields()
        instance.clean()
        instance.save()


def differs(instance, name: str, value) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value
