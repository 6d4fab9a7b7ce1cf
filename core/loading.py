"""Idempotent loading of data files (areas, classifications, criteria sets, the demo): write only
what differs, validated, counted. Every create-or-update loader of the portal goes through it."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class RecordWriter:
    """Creates or updates one row at a time, validating what it writes and counting it.

    ``prepare`` sets derived fields (search keys, computed dates) before validation, which
    checks them as required values. ``refuse`` turns a validation error into the loader's own
    error (naming the data file, say); by default the ValidationError goes up as it is.
    """

    def __init__(
        self,
        prepare: Callable[[object], None] | None = None,
        refuse: Callable[[object, ValidationError], Exception] | None = None,
    ) -> None:
        self.created = 0
        self.updated = 0
        self.prepare = prepare
        self.refuse = refuse

    def put(self, model, lookup: dict, values: dict):
        """The row that ``lookup`` finds, created or brought up to date with ``values``."""
        existing = model._default_manager.filter(**lookup).first()
        fields = {name: value for name, value in lookup.items() if "__" not in name}
        return self.upsert(model(**fields), existing, values)

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
        try:
            instance.clean_fields()
            instance.clean()
        except ValidationError as error:
            if self.refuse is None:
                raise
            raise self.refuse(instance, error) from error
        instance.save()


def differs(instance, name: str, value) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        # The key the row stores: the primary key, or the field a foreign key points to.
        key = None if value is None else getattr(value, field.target_field.attname)
        return getattr(instance, field.attname) != key
    return getattr(instance, name) != value


def _datetime_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateTimeField)
    ]


def date_as_of(since: datetime, when: datetime, models_: Iterable) -> None:
    """Date as of ``when`` what was written since ``since`` in these models and their history:
    a demo replays past steps through the services, which stamp each write with the present
    time. Each time field of a row (created, updated, recorded, approved…) that holds a time
    from ``since`` on is set to ``when``; the others keep theirs."""
    for model in models_:
        managers = [model._base_manager]
        if hasattr(model, "history"):
            managers.append(model.history.model._base_manager)
        for manager in managers:
            for name in _datetime_fields(manager.model):
                manager.filter(**{f"{name}__gte": since}).update(**{name: when})


@contextmanager
def dated(when: datetime, models_: Iterable) -> Iterator[None]:
    """What is written in these models inside the block, dated as of ``when``
    (``date_as_of``)."""
    since = timezone.now()
    yield
    date_as_of(since, when, models_)
