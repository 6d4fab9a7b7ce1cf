"""The certificates a dashboard counts, read once: every figure about certificates (stars by
year, areas, kinds, sectors, expiring, the re-rating of those due in the year) is counted from
these rows, where a grouped query per figure read the province's certificates once each."""

from datetime import date

from django.db.models import Exists, OuterRef

from core.counting import CERTIFICATE, year_of
from products.models import Certificate, sector_of, valid_span


def read_certificates(certs) -> list[dict]:
    """One query: every certificate of the products that have one of ``certs`` (wherever it
    was recognised, so that the certificate each product carries is the same for every
    scope), with what the figures group by; ``counted``: it is one of ``certs``. The
    dashboard's certificate figures are counted from these rows, where a conditional
    aggregate per figure read the scope's certificates once per figure."""
    counted = certs.order_by()
    sector_id, sector_name = sector_of()
    rows = (
        Certificate.objects.filter(product__in=counted.values("product"))
        .annotate(
            counted=Exists(counted.filter(pk=OuterRef("pk"))),
            sector_id=sector_id,
            sector_name=sector_name,
        )
        .order_by()
        .values(
            "pk",
            "product_id",
            "product__producer_id",
            "product__producer__kind",
            "area__path",
            "kind",
            "level",
            "stars",
            "score",
            "decision_date",
            "valid_until",
            "extended_until",
            "revoked_on",
            "counted",
            "sector_id",
            "sector_name",
        )
    )
    for row in rows:
        # What every figure asks of a row, once: the year it counts in, the days it is valid.
        row["year"] = year_of(CERTIFICATE, row)
        row["first"], row["last"] = valid_span(
            decided=row["decision_date"],
            until=row["valid_until"],
            extended=row["extended_until"],
            revoked=row["revoked_on"],
        )
    return list(rows)


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
