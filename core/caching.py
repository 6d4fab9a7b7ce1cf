"""Results kept in Django's cache until the data they are made of changes.

Each key holds a *generation* per province and per kind of record (the app a model belongs to:
"products", "subjects", "evaluations", "budgets"…, or one model of it: "products.product"; and
"products.certificate:removed" for deletions only): a counter kept in the cache itself and
moved on by every save or deletion of a record (``record_changed``, connected in core's app
config), for the record's province only. A change in Cần Thơ then leaves An Giang's dashboard
warm, and a change of a budget leaves the catalogue warm. A record whose province cannot be told
moves the *epoch*, which every key holds: everything is rebuilt, never served stale.

The key holds today's date too, as a certificate stops being valid at midnight without any
write, and the language. A write the signals do not see (``QuerySet.update``, raw SQL) is seen
within ``CACHE_SECONDS`` at most. The counters live in the same cache as the results: in
production that is Redis (``CACHE_URL``), shared by every worker, so that a write in one worker
makes the others' keys new too.
"""

import hashlib
import io
import pickle
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

from asgiref.local import Local
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils import timezone, translation
from django.utils.functional import Promise

CACHE_SECONDS = 15 * 60
#: Moved on when what ``cached_until_changed`` keeps changes shape.
FORMAT = 2
#: The province of a national key: moved on by a change in any province.
EVERYWHERE = "*"
#: The kind of a key that depends on every kind of record.
EVERY_KIND = "*"
EPOCH = "gen:epoch"
T = TypeVar("T")


def _generation_key(province: str, kind: str) -> str:
    return f"gen:{province}:{kind}"


def _fresh() -> int:
    # Unique across restarts: a counter lost by the cache never comes back to an old value.
    return time.time_ns()


def generations(province: str | None, kinds: Iterable[str] | None) -> tuple:
    """The generations a result for ``province`` (None: every province) made of ``kinds``
    (None: every kind) depends on, in one round trip to the cache."""
    keys = [EPOCH] + [
        _generation_key(province or EVERYWHERE, kind) for kind in sorted(kinds or [EVERY_KIND])
    ]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # add(): two workers starting a counter at once keep the same one.
            cache.add(key, _fresh(), None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (yet, or evicted): a new value is just as good
        cache.set(key, _fresh(), None)


def changed(province: str | None, *kinds: str) -> None:
    """Make new keys for what depends on records of ``kinds`` in ``province`` (None: unknown,
    every key is made new)."""
    if province is None:
        _bump(EPOCH)
        return
    for place in (province, EVERYWHERE):
        for what in (*kinds, EVERY_KIND):
            _bump(_generation_key(place, what))


def kinds_of(model, removed: bool = False) -> tuple[str, ...]:
    """The kinds a save (or, ``removed``, a deletion) of a ``model`` record moves on: its app,
    the model itself, and for a deletion the model's removals (what is kept row by row and
    patched from ``updated_at`` sees a save, never a deletion)."""
    label = model._meta.label_lower
    return (model._meta.app_label, label, *([f"{label}:removed"] if removed else []))


def province_of(instance) -> str | None:
    """The code of the province a record belongs to, through its queryset's
    ``area_path_lookup`` (an area's path starts with its province's code), or None."""
    # __class__, not type(): a related user may be the request's lazy one.
    queryset = instance.__class__._default_manager.get_queryset()
    lookup = getattr(queryset, "area_path_lookup", None)
    if not lookup:
        # A score sheet's province is its evaluation's, a plan's its province area's.
        for field in instance._meta.concrete_fields:
            related = getattr(instance, field.name, None) if field.many_to_one else None
            if related and hasattr(
                related.__class__._default_manager.get_queryset(), "area_path_lookup"
            ):
                return province_of(related)
        return None
    value = instance
    try:
        for attribute in lookup.split("__"):
            value = getattr(value, attribute)
    except Exception:  # a relation not set or gone: the province is unknown
        return None
    return value.split("/")[0] if value else None


def record_changed(sender, instance, **kwargs) -> None:
    """A record was saved or deleted: its province's keys of its kind are made new at once
    (the writer's next page shows the change) and again once the transaction commits (a page
    built meanwhile from the data before the commit is not kept); a save's time is noted as
    the latest change (``note_change``)."""
    forget_request_values()
    removed = kwargs.get("signal") is post_delete
    province = province_of(instance)
    kinds = kinds_of(sender, removed=removed)
    changed(province, *kinds)
    transaction.on_commit(lambda: changed(province, *kinds))
    if not removed:
        note_change(getattr(instance, "updated_at", None))


#: The latest change noted, and when the tables were last asked for it
#: (``core.context_processors.data_as_of``).
NOTED = "core:latest-change"


def note_change(when: datetime | None) -> None:
    """A record was saved at ``when`` (its ``updated_at``): the latest change, if later than the
    one noted. Nothing noted: the next reader asks the tables."""
    if when is None:
        return
    noted = cache.get(NOTED)
    if noted is not None and (noted[0] is None or when > noted[0]):
        cache.set(NOTED, (when, noted[1]), None)


def cached_until_changed(
    name: str,
    build: Callable[[date], T],
    *parts,
    province: str | None = None,
    kinds: Iterable[str] | None = None,
    as_of: bool = True,
) -> tuple[T, datetime | None]:
    """``build(today)``, from the cache while nothing it depends on has changed; and the time
    of the data it was built from (``data_as_of`` then, kept with the result: a hit makes no
    query; None without ``as_of``, for a part of a page that shows no such time)."""
    from core.context_processors import data_as_of

    today = timezone.localdate()
    language = translation.get_language()
    facts = repr((FORMAT, name, parts, generations(province, kinds), today, language))
    key = f"{name.split('.')[0]}:" + hashlib.sha256(facts.encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return pickle.loads(kept)
    found = (build(today), data_as_of() if as_of else None)
    cache.set(key, _in_words(found), CACHE_SECONDS)
    return found


class _Pickler(pickle.Pickler):
    """Translations still to be made (lazy) pickled as the text they make now, in the language
    the key holds: unpickled, each lazy one built a class of its own again (0.1 ms each; a
    dashboard holds some fifty, 4 ms of its 28)."""

    def reducer_override(self, obj):
        if isinstance(obj, Promise):
            return str, (str(obj),)
        return NotImplemented


def _in_words(value) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


# --- Kept for one request ----------------------------------------------------------------------

#: The values kept while a request is answered (None outside a request: nothing kept).
_request = Local()


def begin_request(**kwargs) -> None:
    _request.values = {}


def end_request(**kwargs) -> None:
    _request.values = None


def forget_request_values() -> None:
    """A record changed while a request is answered: what was kept for it may be out of date."""
    if getattr(_request, "values", None):
        _request.values = {}


def per_request(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request: a value read from the shared cache dozens of times while
    one page is drawn (the installation's province, for each row of a list) costs one round
    trip to Redis instead of one a row. Outside a request (a command, a job), computed each
    time. Connected to ``request_started``/``request_finished`` in core's app config."""
    values = getattr(_request, "values", None)
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]
