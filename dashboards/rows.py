"""The certificates a dashboard counts, read once: every figure about certificates (stars by
year, areas, kinds, sectors, expiring, the re-rating of those due in the year) is counted from
these rows, where a grouped query per figure read the province's certificates once each.

A province's rows are kept in the cache between requests (``kept_rows``) and patched with the
rows of the certificates, products and producers saved since, where a save anywhere in the
province made the dashboard read them all again: their *version* changes only when a row does,
and the figures counted from them are kept by version
(``dashboards.reports.certificate_figures``)."""

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Exists, FloatField, Func, OuterRef, Sum
from django.utils import timezone

from areas.models import Area
from core import jobs
from core.caching import CACHE_SECONDS, generations, kinds_of
from core.counting import CERTIFICATE, year_of
from core.policy import under
from products.models import Certificate, Product, sector_of, valid_span
from subjects.models import Producer

#: The records a figure counted by the producers' areas is read from besides its own: the
#: areas, the producers and their products.
PRODUCERS_PLACES = ("areas", Producer._meta.label_lower, Product._meta.label_lower)
#: What makes the province's rows read again in full: a change of an area (its path), a
#: certificate's deletion (a product's or producer's deletes theirs first). A certificate, a
#: product or a producer saved is read again by itself (``kept_rows``); a change of the product
#: categories, which have no ``updated_at``, is seen within ``CACHE_SECONDS``.
ROW_KINDS = ("areas", kinds_of(Certificate, removed=True)[-1])
#: The records whose rows are read again when one is saved: a row says something of each.
PATCHED = (Certificate, Product, Producer)
#: A transaction may commit after one that started later: the records saved this long before
#: the last look are looked at again (a few rows), so that none saved meanwhile is missed.
OVERLAP = timedelta(minutes=5)
#: More products saved since the last look than this (an import, a data load), and the rows are
#: read in full again rather than patched product by product.
PATCH_LIMIT = 1000
#: Moved on when what is kept changes shape: a new release never reads the former one's.
FORMAT = 4
FIELDS = (
    "pk",
    "product_id",
    "product__producer_id",
    "product__producer__kind",
    # Whose certificate it is (``visible_to``): a producer moved makes it another reader's. The
    # key, not the path: one more join and the planner, past its limit of eight, reads every
    # certificate of the country (43 → 128 ms).
    "product__producer__area_id",
    "area__path",
    "kind",
    "level",
    "stars",
    "score",
    "decision_date",
    "valid_until",
    "extended_until",
    "revoked_on",
    "sector_id",
    "sector_name",
)


def _read(certificates) -> list[dict]:
    """The rows of ``certificates`` (a queryset, ``counted`` annotated or not), with what every
    figure asks of a row computed once: the year it counts in, the days it is valid."""
    sector_id, sector_name = sector_of()
    values = [*FIELDS, "counted"] if "counted" in certificates.query.annotations else FIELDS
    rows = certificates.annotate(sector_id=sector_id, sector_name=sector_name).values(*values)
    for row in rows:
        row["year"] = year_of(CERTIFICATE, row)
        row["first"], row["last"] = valid_span(
            decided=row["decision_date"],
            until=row["valid_until"],
            extended=row["extended_until"],
            revoked=row["revoked_on"],
        )
    return list(rows)


def read_certificates(certs) -> list[dict]:
    """One query: every certificate of the products that have one of ``certs`` (wherever it
    was recognised, so that the certificate each product carries is the same for every
    scope), with what the figures group by; ``counted``: it is one of ``certs``. The
    dashboard's certificate figures are counted from these rows, where a conditional
    aggregate per figure read the scope's certificates once per figure."""
    counted = certs.order_by()
    return _read(
        Certificate.objects.filter(product__in=counted.values("product"))
        .annotate(counted=Exists(counted.filter(pk=OuterRef("pk"))))
        .order_by()
    )


def with_counted(rows: list[dict], counted_pks: set[int]) -> list[dict]:
    """The rows of the products that have one of ``counted_pks``, each told whether it is one:
    ``read_certificates`` of those certificates, from a province's kept rows."""
    products = {row["product_id"] for row in rows if row["pk"] in counted_pks}
    return [
        {**row, "counted": row["pk"] in counted_pks}
        for row in rows
        if row["product_id"] in products
    ]


# --- A province's rows, kept between requests --------------------------------------------------


def _digest(row: dict) -> bytes:
    """What a row says, in 8 bytes the same in every worker (``hash()`` is salted per process)."""
    return hashlib.blake2b(repr([row[name] for name in FIELDS]).encode(), digest_size=8).digest()


def _province_certificates(province):
    """Every certificate of the products recognised in the province, wherever each was (the
    province's areas by their keys, which the certificates' index finds)."""
    areas = Area.objects.filter(under("path", province.path)).values_list("pk", flat=True)
    inside = Certificate.objects.filter(area__in=list(areas))
    return Certificate.objects.filter(product__in=inside.values("product")).order_by()


@dataclass(frozen=True)
class Kept:
    """A province's rows as kept: ``version`` moves on when a row says something else;
    ``base``, the key of their last full read, and ``patched``, the certificates whose rows
    said something else since; ``load()`` gives the rows (from the cache only when asked:
    figures kept by version need none)."""

    version: str
    base: str
    patched: frozenset[int]
    load: Callable[[], list[dict]]


def _key(province) -> str:
    return (
        f"dashboard-rows:{FORMAT}:"
        + hashlib.sha256(
            repr((province.code, generations(province.code, ROW_KINDS))).encode()
        ).hexdigest()
    )


def kept_rows(province) -> Kept:
    """The province's rows, as kept (``Kept``).

    Read in full when one of ``ROW_KINDS`` changed in the province, and every
    ``CACHE_SECONDS`` (what the signals cannot see: ``QuerySet.update``, raw SQL): on the task
    queue when one is configured, the request going on with the rows it has, else by the
    request. Between full reads, each call asks whether a certificate, a product or a producer
    was saved since the last look (``_saved_since``); when one was, the rows of the products
    concerned (``_products_saved_since``: saved since then, or up to ``OVERLAP`` before for late
    commits) are read again and kept beside the rows as *patches* (more than ``PATCH_LIMIT``
    products, an import: the rows are read in full), and the version moves on only when a row
    says something else than its kept one (or is new to the province)."""
    key = _key(province)
    now = timezone.now()
    index = cache.get(key)
    if index is None or index["until"] <= now:
        return _read_all(province, key, now)
    if index["refresh"] <= now and cache.add(f"{key}:refreshing", True, CACHE_SECONDS):
        jobs.enqueue(refresh_rows, province.pk)
    # Nothing saved since the last look (three aggregates over the indexes of ``updated_at``):
    # the rows as kept, whatever was saved before it (an import's thousands of records).
    seen = _saved_since(index["read_at"] - OVERLAP)
    if seen != index["seen"]:
        products = _products_saved_since(index["checked_at"] - OVERLAP)
        if len(products) > PATCH_LIMIT:
            return _read_all(province, key, now)
        _patch(index, province, products)
        index["seen"], index["checked_at"] = seen, now
        cache.set(key, index, _seconds_left(index, now))

    def rows() -> list[dict]:
        base = _base(index["base"])
        if base is None:  # evicted meanwhile
            return _read_all(province, key, now).load()
        by_pk = {row["pk"]: row for row in base}
        by_pk.update(index["patches"])
        return list(by_pk.values())

    return Kept(index["version"], index["base"], frozenset(index["patches"]), rows)


def _patch(index: dict, province, products: set[int]) -> None:
    """The rows of ``products`` read again into ``index``: those that say something else than
    their kept row (or are new to the province) become patches, and move the version on."""
    saved = _read(Certificate.objects.filter(product__in=products).order_by()) if products else []
    # Certificates of the province's products only: a product elsewhere has no row here.
    inside = {
        row["product_id"] for row in saved if (row["area__path"] or "").startswith(province.path)
    }
    digests = index["digests"]
    changed = {}
    for row in saved:
        digest = _digest(row)
        if (row["pk"] in digests or row["product_id"] in inside) and digests.get(
            row["pk"]
        ) != digest:
            changed[row["pk"]] = (row, digest)
    if changed:
        index["version"] = hashlib.sha256(
            (index["version"] + "".join(digest.hex() for _, digest in changed.values())).encode()
        ).hexdigest()
        index["digests"] = {**digests, **{pk: digest for pk, (_, digest) in changed.items()}}
        index["patches"] = {**index["patches"], **{pk: row for pk, (row, _) in changed.items()}}


class _Seconds(Func):
    """A time as seconds in SQL: their sum moves when any of the times does."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s) * 86400.0)", **extra
        )


def _saved_since(start: datetime) -> tuple:
    """What tells whether a record of ``PATCHED`` was saved since the last look: for each, how
    many were saved from ``start`` on and the sum of their times (one saved again, or
    committed late, moves it). A query each, by the index of ``updated_at``."""
    return tuple(
        tuple(
            model.objects.filter(updated_at__gte=start)
            .aggregate(saved=Count("pk"), seconds=Sum(_Seconds("updated_at")))
            .values()
        )
        for model in PATCHED
    )


def _products_saved_since(start: datetime) -> set[int]:
    """The products whose rows may say something else since ``start``: their certificates, the
    products or their producers saved since (by the indexes of ``updated_at``; as a subquery
    of the certificates the planner expects hundreds and reads every product). At most
    ``PATCH_LIMIT`` + 1 of them."""
    certificates = Certificate.objects.filter(updated_at__gte=start).values_list("product_id")
    products = Product.objects.filter(updated_at__gte=start).values_list("pk")
    producers = Product.objects.filter(producer__updated_at__gte=start).values_list("pk")
    found = (
        certificates.order_by()
        .union(products.order_by(), producers.order_by())
        .values_list("product_id", flat=True)[: PATCH_LIMIT + 1]
    )
    return set(found)


def refresh_rows(province_pk: int) -> None:
    """The task queue's full read of a province's rows (``kept_rows``)."""
    province = Area.objects.get(pk=province_pk)
    key = _key(province)
    _read_all(province, key, timezone.now())
    cache.delete(f"{key}:refreshing")


def _read_all(province, key: str, now: datetime) -> Kept:
    # Asked before the rows are read: a certificate committed in between is looked at again.
    seen = _saved_since(now - OVERLAP)
    rows = _read(_province_certificates(province))
    # A full read starts a new lineage of versions: what was counted before is never reused.
    version = uuid.uuid4().hex
    every = timedelta(seconds=CACHE_SECONDS)
    index = {
        "version": version,
        "read_at": now,
        # The last look at the certificates saved since (``kept_rows``) and what it saw.
        "checked_at": now,
        "seen": seen,
        # Read again by the queue from ``refresh`` on; by the request itself from ``until``
        # (no queue, or the queue's read not done).
        "refresh": now + every,
        "until": now + (2 * every if jobs.queue_configured() else every),
        "base": f"dashboard-rows-base:{version}",
        "digests": {row["pk"]: _digest(row) for row in rows},
        "patches": {},
    }
    cache.set_many({index["base"]: rows, key: index}, _seconds_left(index, now))
    _remember(index["base"], rows)
    return Kept(version, index["base"], frozenset(), lambda: rows)


#: The last full reads this process used, by their keys: a key always names the same rows, so
#: a worker unpickles a province's rows (a megabyte, 10–15 ms) once per full read, not once per
#: change. Never changed in place (``with_counted`` copies what it tells).
_bases: OrderedDict[str, list[dict]] = OrderedDict()
BASES_KEPT = 4
_bases_lock = threading.Lock()


def _base(key: str) -> list[dict] | None:
    with _bases_lock:
        if key in _bases:
            _bases.move_to_end(key)
            return _bases[key]
    rows = cache.get(key)
    if rows is not None:
        _remember(key, rows)
    return rows


def _remember(key: str, rows: list[dict]) -> None:
    with _bases_lock:
        _bases[key] = rows
        while len(_bases) > BASES_KEPT:
            _bases.popitem(last=False)


def scope_rows(certs, province, kept: Kept | None = None) -> list[dict]:
    """``read_certificates(certs)`` (``certs`` inside the province) from the province's kept
    rows. Which are ``certs`` is asked of the database once per full read of the rows (and
    per set of certificates: the SQL of ``certs`` is in the key), then only for the rows
    patched since: a certificate can only leave or join ``certs`` by a change of what its row
    says (its area, its product's producer, that producer's area), which patches it."""
    try:
        sql = str(certs.query)
    except EmptyResultSet:  # no certificate can be one of them
        return []
    kept = kept or kept_rows(province)
    key = "dashboard-counted:" + hashlib.sha256(f"{kept.base}:{sql}".encode()).hexdigest()
    keys = cache.get(key)
    if keys is None:
        keys = set(certs.values_list("pk", flat=True))
        cache.set(key, keys, CACHE_SECONDS)
    elif kept.patched:
        again = set(certs.filter(pk__in=kept.patched).values_list("pk", flat=True))
        keys = (keys - kept.patched) | again
    return with_counted(kept.load(), keys)


def _seconds_left(index: dict, now: datetime) -> int:
    return max(int((index["until"] - now).total_seconds()), 1)


def valid_on(row: dict, on: date) -> bool:
    """A certificate read by ``read_certificates`` valid on the day, as
    ``CertificateQuerySet.valid_on`` says (the grace of a late re-rating dossier included)."""
    return row["first"] <= on <= row["last"]


def counted(rows: list[dict]) -> list[dict]:
    """The scope's own certificates among the rows (the others are their products' elsewhere)."""
    return [row for row in rows if row["counted"]]


def by_product(rows: list[dict]) -> dict[int, list[dict]]:
    products: dict[int, list[dict]] = {}
    for row in rows:
        products.setdefault(row["product_id"], []).append(row)
    return products
