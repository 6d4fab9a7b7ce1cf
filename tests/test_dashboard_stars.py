"""The dashboard's certificate figures, counted from one read of the certificates: the
certificate each product carries on a counting day gives the figures the correlated subqueries
gave, and the other figures those the conditional aggregates gave."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dashboards.reports import (
    STARS,
    by_area,
    by_kind,
    by_sector,
    carried_stars,
    counted_on,
    star_series,
)
from dashboards.rows import read_certificates
from products.models import EXPIRING_WITHIN_DAYS, Certificate, valid_on_q
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory


def stars_by_subqueries(certs, years, today) -> dict[str, int]:
    """The former way: a certificate valid on the day (``Certificate.objects.valid_on``: kept
    valid in a late re-rating's grace too) with no later one of its product valid then, asked
    for each certificate."""
    aggregates = {}
    for year in years:
        on = counted_on(year, today)
        later = Certificate.objects.valid_on(on).filter(product=OuterRef("product"))
        later = later.filter(
            Q(decision_date__gt=OuterRef("decision_date"))
            | Q(decision_date=OuterRef("decision_date"), pk__gt=OuterRef("pk"))
        )
        latest = Q(pk__in=Certificate.objects.valid_on(on).values("pk")) & ~Exists(later)
        for stars in STARS:
            aggregates[f"v{year}_{stars}"] = Count(
                "product", distinct=True, filter=latest & Q(stars=stars)
            )
    return certs.aggregate(**aggregates)


YEARS = list(range(2018, timezone.localdate().year + 1))


def test_an_upgrade_replaces_the_older_certificate_and_a_revocation_drops_it(can_tho, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do))
    CertificateFactory(product=product, stars=3, decision_date=date(2022, 3, 1))
    upgrade = CertificateFactory(
        product=product, stars=4, decision_date=date(2023, 5, 1), decision_number="9/QĐ"
    )
    today = timezone.localdate()
    totals = carried_stars(read_certificates(Certificate.objects.all()), [2022, 2023], today)
    assert (totals["v2022_3"], totals["v2022_4"]) == (1, 0)
    assert (totals["v2023_3"], totals["v2023_4"]) == (0, 1)
    upgrade.revoked_on, upgrade.revoked_reason = date(2023, 6, 1), "Vi phạm"
    upgrade.save()
    totals = carried_stars(read_certificates(Certificate.objects.all()), [2023], today)
    assert (totals["v2023_3"], totals["v2023_4"]) == (1, 0)


@pytest.mark.parametrize("size", [1, 12])
def test_one_query_however_many_years(can_tho, co_do, size, django_assert_num_queries):
    for n in range(size):
        CertificateFactory(
            product=ProductFactory(producer=ProducerFactory(area=co_do)),
            decision_date=date(2021 + n % 3, 3, 1),
        )
    with django_assert_num_queries(1):
        rows = read_certificates(Certificate.objects.all())
    with django_assert_num_queries(0):
        carried_stars(rows, YEARS, timezone.localdate())


def test_the_edges_of_a_counting_day(can_tho, co_do):
    """Decided on the counting day: carried that day. Revoked that day: not carried. Expiring
    that day: carried; expired the day before: not, unless its grace reaches the day. The same
    as the subqueries say."""
    day = date(2023, 12, 31)

    def product(stars, decided, **kwargs):
        return CertificateFactory(
            product=ProductFactory(producer=ProducerFactory(area=co_do)),
            stars=stars,
            decision_date=decided,
            **kwargs,
        )

    product(3, day)  # decided on the day
    product(4, date(2021, 1, 1), revoked_on=day, revoked_reason="Vi phạm")
    expired = product(5, date(2020, 1, 1))  # valid until 31/12/2022
    product(5, date(2020, 1, 2), extended_until=day)  # valid until 01/01/2023, kept to the day
    last_day = product(4, date(2021, 1, 1))  # valid until the day itself
    assert expired.valid_until < day == last_day.valid_until
    today = timezone.localdate()
    totals = carried_stars(read_certificates(Certificate.objects.all()), [2023], today)
    assert (totals["v2023_3"], totals["v2023_4"], totals["v2023_5"]) == (1, 1, 1)
    assert totals == stars_by_subqueries(Certificate.objects.all(), [2023], today)


# --- The other certificate figures, counted from the same rows ----------------------------------


def _products(condition):
    return Count("product", distinct=True, filter=condition)


def series_by_aggregates(certs, years, today) -> dict:
    """The former way: one conditional aggregate per figure and year."""
    aggregates = {}
    for year in years:
        on = counted_on(year, today)
        aggregates[f"p{year}"] = _products(
            valid_on_q(on) & Q(level=Certificate.Level.CITY, stars=4, score__gte=90)
        )
        decided = Q(kind=Certificate.Kind.NEW, decision_date__year=year)
        for stars in STARS:
            aggregates[f"n{year}_{stars}"] = _products(decided & Q(stars=stars))
        aggregates[f"n{year}"] = _products(decided)
        aggregates[f"r{year}"] = Count("product__producer", distinct=True, filter=decided)
    aggregates["expiring"] = _products(
        valid_on_q(today)
        & Q(valid_until__gte=today, valid_until__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS))
    )
    return certs.aggregate(**aggregates)


def areas_by_aggregates(certs, year, on) -> dict[str, tuple]:
    """Per area path: certified on the day, new, decided in the year (grouped in SQL)."""
    rows = certs.values("area__path").annotate(
        certified=_products(valid_on_q(on)),
        new=_products(Q(kind=Certificate.Kind.NEW, decision_date__year=year)),
        decided=_products(Q(decision_date__year=year)),
    )
    totals: dict[str, list] = {}
    for row in rows:
        if row["certified"] or row["decided"]:
            unit = "/".join(row["area__path"].split("/")[:2]) + "/"
            total = totals.setdefault(unit, [0, 0, 0])
            for i, name in enumerate(("certified", "new", "decided")):
                total[i] += row[name]
    return {unit: tuple(total) for unit, total in totals.items()}


def kinds_by_aggregates(certs, year) -> dict[str, tuple]:
    rows = (
        certs.filter(kind=Certificate.Kind.NEW, decision_date__year=year)
        .values("product__producer__kind")
        .annotate(
            producers=Count("product__producer", distinct=True),
            products=Count("product", distinct=True),
        )
    )
    return {r["product__producer__kind"]: (r["producers"], r["products"]) for r in rows}


def check_figures(certs, year, today):
    on = counted_on(year, today)
    rows = read_certificates(certs)
    years = [year - 1, year]
    totals = star_series(rows, years, today, expiring=True)
    reference = series_by_aggregates(certs, years, today)
    assert {key: totals[key] for key in reference} == reference
    area_rows, _ever = by_area(rows, year, on)
    assert {
        row.area.path: (row.certified, row.new, row.decided) for row in area_rows
    } == areas_by_aggregates(certs, year, on)
    kinds = kinds_by_aggregates(certs, year)
    for group in by_kind(rows, year):
        assert group.producers == sum(kinds.get(kind, (0, 0))[0] for kind in group.kinds)
        assert group.products == sum(kinds.get(kind, (0, 0))[1] for kind in group.kinds)
    sectors = by_sector(rows, year, on)
    valid = certs.filter(valid_on_q(on))
    assert sum(row.certified for row in sectors) == valid.values("product").distinct().count()
    return totals


def test_the_edges_of_the_other_figures(can_tho, co_do):
    """90 points is a potential 5★, 89.99 is not; a certificate expiring on the 90th day is
    expiring, one on the 91st or past its expiry in a grace is not; a re-rating is not a new
    product; a decision on 31 December counts in its year, one on 1 January in the next."""
    today = timezone.localdate()

    def certificate(**kwargs):
        product = ProductFactory(producer=ProducerFactory(area=co_do))
        return CertificateFactory(product=product, **kwargs)

    city = Certificate.Level.CITY
    certificate(stars=4, score=Decimal("90"), level=city, decision_date=date(2023, 3, 1))
    certificate(stars=4, score=Decimal("89.99"), level=city, decision_date=date(2023, 3, 1))
    # The expiry set as it stands (a save derives it from the decision).
    for days, extended in ((EXPIRING_WITHIN_DAYS, None), (EXPIRING_WITHIN_DAYS + 1, None), (-1, 9)):
        Certificate.objects.filter(pk=certificate(decision_date=date(2022, 3, 1)).pk).update(
            valid_until=today + timedelta(days=days),
            extended_until=today + timedelta(days=extended) if extended else None,
        )
    certificate(kind=Certificate.Kind.RENEWAL, decision_date=date(2024, 12, 31))
    certificate(decision_date=date(2024, 12, 31))
    certificate(decision_date=date(2024, 6, 1))
    certificate(decision_date=date(2025, 1, 1))
    rows = read_certificates(Certificate.objects.all())
    totals = star_series(rows, [2023, 2024, 2025], today, expiring=True)
    assert totals["p2023"] == 1
    assert totals["expiring"] == 1
    assert (totals["n2024"], totals["n2025"]) == (2, 1)
    assert totals == {
        **totals,
        **series_by_aggregates(Certificate.objects.all(), [2023, 2024, 2025], today),
    }
    area_rows, _ever = by_area(rows, 2024, date(2024, 12, 31))
    assert [(row.new, row.decided) for row in area_rows] == [(2, 3)]
