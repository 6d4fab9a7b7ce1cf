"""A unique or check rule of the database that refuses a write becomes a ValidationError (the
rule's own message, next to its field when it has one), never a server error.

Forms and services check the rules before writing, but two requests can pass the same check at
once (a double click, two colleagues): the database then refuses the second. The write runs in
a savepoint, so the transaction goes on; the rules are then checked again against what is
stored now, which names the rule that refused it."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

REFUSED = _(
    "Không lưu được: bản ghi trùng hoặc mâu thuẫn với dữ liệu vừa được lưu. Kiểm tra lại rồi "
    "lưu lần nữa."
)


def rule_error(error: IntegrityError, instances) -> ValidationError:
    """The ValidationError that tells which rule refused the write of one of `instances`."""
    for instance in instances:
        if instance is None:
            continue
        try:
            instance.validate_unique()
            instance.validate_constraints()
        except ValidationError as found:
            return found
    # A rule not known to the models, or the other write was rolled back in the meantime.
    logger.warning("Write refused by the database: %s", error)
    return ValidationError(REFUSED, code="integrity")


@contextmanager
def rules_as_errors(*instances: models.Model) -> Iterator[None]:
    """Run the writes of the block in a savepoint; an IntegrityError becomes the ValidationError
    of the rule (checked on `instances`) that refused it."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise rule_error(error, instances) from error


def error_dict(error: ValidationError, fields) -> dict[str | None, list]:
    """The messages of `error` by form field; those of other fields go above the form (None)."""
    if not hasattr(error, "error_dict"):
        return {None: error.error_list}
    placed: dict[str | None, list] = {}
    for field, errors in error.error_dict.items():
        key = field if field in fields and field != NON_FIELD_ERRORS else None
        placed.setdefault(key, []).extend(errors)
    return placed
