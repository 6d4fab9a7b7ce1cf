"""Results kept in Django's cache until the data changes.

The key holds ``data_as_of()`` — the latest change of any record, in one query — so that any
write makes new keys at once, with no signal and no explicit invalidation; today's date, as a
certificate stops being valid at midnight without any write; and the language. A deletion
leaves "data as of" unchanged: ``CACHE_SECONDS`` bounds how long it may go unseen.
"""

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone, translation

from core.context_processors import data_as_of

CACHE_SECONDS = 15 * 60
T = TypeVar("T")


def cached_until_changed(
    name: str, build: Callable[[date], T], *parts
) -> tuple[T, datetime | None]:
    """``build(today)``, from the cache while nothing has changed; and the data's time."""
    as_of = data_as_of()
    today = timezone.localdate()
    facts = repr((name, parts, as_of, today, translation.get_language()))
    key = f"{name.split('.')[0]}:" + hashlib.sha256(facts.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build(today)
        cache.set(key, value, CACHE_SECONDS)
    return value, as_of
