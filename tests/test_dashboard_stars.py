"""The dashboard's certified products by stars: the certificate each product carries on a
counting day, computed once for the day, gives the figures the correlated subqueries gave."""

from datetime import date

import pytest
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dashboards.reports import STARS, carried_stars, counted_on
from products.models import Certificate
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
    totals = carried_stars(Certificate.objects.all(), [2022, 2023], today)
    assert (totals["v2022_3"], totals["v2022_4"]) == (1, 0)
    assert (totals["v2023_3"], totals["v2023_4"]) == (0, 1)
    upgrade.revoked_on, upgrade.revoked_reason = date(2023, 6, 1), "Vi phạm"
    upgrade.save()
    totals = carried_stars(Certificate.objects.all(), [2023], today)
    assert (totals["v2023_3"], totals["v2023_4"]) == (1, 0)


@pytest.mark.parametrize("size", [1, 12])
def test_one_query_however_many_years(can_tho, co_do, size, django_assert_num_queries):
    for n in range(size):
        CertificateFactory(
            product=ProductFactory(producer=ProducerFactory(area=co_do)),
            decision_date=date(2021 + n % 3, 3, 1),
        )
    with django_assert_num_queries(1):
        carried_stars(Certificate.objects.all(), YEARS, timezone.localdate())


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
    totals = carried_stars(Certificate.objects.all(), [2023], today)
    assert (totals["v2023_3"], totals["v2023_4"], totals["v2023_5"]) == (1, 1, 1)
    assert totals == stars_by_subqueries(Certificate.objects.all(), [2023], today)
