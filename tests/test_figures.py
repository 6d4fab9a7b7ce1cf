"""Figures that mean one thing: one row per sector whatever the classification, published
figures that agree only once rounded as published, and one rule for the year a record counts
in (core.counting)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Measure, Unit
from budgets.reports import compare
from core import counting
from dashboards import reports
from dashboards.rows import read_certificates
from products.models import Certificate, ProductCategory, sector_key
from tests.factories import (
    CertificateFactory,
    ProducerFactory,
    ProductFactory,
    category_26,
    category_148,
)
from tests.test_budgets import BudgetLineFactory, PlanFactory, PublishedFigureFactory
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
)

pytestmark = pytest.mark.django_db


# --- Sectors ------------------------------------------------------------------------------------


def category_1048(code: str = "1.3"):
    return ProductCategory.objects.get(scheme="1048/QĐ-TTg", code=code)


def test_a_sector_is_one_whatever_the_classification():
    assert sector_key("Sản phẩm thực phẩm") == sector_key("Thực phẩm") == "thuc pham"
    assert sector_key("Sản phẩm đồ uống") == sector_key("Đồ uống")
    assert sector_key("Thảo dược") != sector_key("Dược liệu và sản phẩm từ dược liệu")


def test_the_sector_table_has_one_food_row_for_every_classification(co_do, login, city_reviewer):
    decided = date(2024, 3, 15)
    for category in (category_148("I.3.c"), category_26("I.3.c"), category_1048("1.3")):
        product = ProductFactory(producer=ProducerFactory(area=co_do), category=category)
        CertificateFactory(product=product, decision_date=decided)
    drink = ProductFactory(producer=ProducerFactory(area=co_do), category=category_148("II.2.a"))
    CertificateFactory(product=drink, decision_date=decided)
    rows = reports.by_sector(read_certificates(Certificate.objects.all()), 2024, date(2024, 12, 31))
    assert [(row.label, row.certified, row.new) for row in rows] == [
        ("Thực phẩm", 3, 3),
        ("Đồ uống", 1, 1),
    ]
    food = rows[0]
    assert len(food.sector_ids) == 3
    # The row's link lists the three products, whichever sector id it carries.
    client = login(city_reviewer)
    listed = client.get(reverse("products:list"), {"sector": food.sector_id})
    assert listed.context["page"].paginator.count == 3
    page = client.get(reverse("dashboards:city"), {"year": 2024}).content.decode()
    assert page.count(">Sản phẩm thực phẩm<") == 0


# --- Published figures --------------------------------------------------------------------------


def shares(state: int, socialised: int, *published: str) -> list:
    plan = PlanFactory()
    BudgetLineFactory(plan=plan, source="local", amount=state)
    BudgetLineFactory(plan=plan, source="socialised", amount=socialised)
    return compare(
        PublishedFigureFactory(
            year=2023,
            measure=Measure.BUDGET_STATE_SHARE,
            value=Decimal(value),
            unit=Unit.PERCENT,
            document=value,
        )
        for value in published
    )


def test_a_share_agrees_after_rounding_to_the_published_decimals(can_tho):
    # 52,75% in the records: 52,8% published with one decimal agrees once rounded.
    rounded, lower, exact_two = shares(527_500_000, 472_500_000, "52.8", "52.7", "52.75")
    assert rounded.recorded == Decimal("52.75")
    assert (rounded.agrees, rounded.agrees_rounded, rounded.verdict) == (
        True,
        True,
        "khớp (làm tròn)",
    )
    assert (lower.agrees, lower.agrees_rounded, lower.verdict) == (False, False, "không khớp")
    assert (exact_two.agrees, exact_two.agrees_rounded, exact_two.verdict) == (True, False, "khớp")


def test_a_share_that_rounds_elsewhere_stays_a_mismatch(can_tho):
    # 52,7% in the records beside 52,8% published: no rounding makes them equal.
    (row,) = shares(527_000_000, 473_000_000, "52.8")
    assert (row.agrees, row.verdict) == (False, "không khớp")


def test_money_agrees_rounded_only_within_its_published_precision(can_tho):
    plan = PlanFactory()
    BudgetLineFactory(plan=plan, amount=3_612_000_000)
    rows = compare(
        PublishedFigureFactory(
            year=2023, measure=Measure.BUDGET_TOTAL, value=Decimal(v), unit=Unit.VND, document=v
        )
        for v in ("3600000000", "3800000000", "3612000000")
    )
    assert [row.verdict for row in rows] == ["khớp (làm tròn)", "không khớp", "khớp"]


def test_a_count_agrees_exactly_and_never_rounded(can_tho, co_do):
    for _ in range(3):
        CertificateFactory(
            product=ProductFactory(producer=ProducerFactory(area=co_do)),
            decision_date=date(2022, 6, 1),
        )
    (row,) = compare([PublishedFigureFactory(value=3)])
    assert (row.agrees, row.agrees_rounded, row.verdict) == (True, False, "khớp")


def test_the_dashboard_and_the_plan_say_khop_lam_tron(can_tho, login, city_reviewer):
    shares(527_500_000, 472_500_000, "52.8")
    client = login(city_reviewer)
    for url in (reverse("dashboards:city") + "?year=2023", reverse("budgets:detail", args=[2023])):
        assert "khớp (làm tròn)" in client.get(url).content.decode(), url


# --- The year a record counts in ----------------------------------------------------------------


def test_the_rule_is_the_rounds_year_and_the_decisions_year():
    assert counting.year_lookup(counting.EVALUATION) == "round__year"
    assert counting.year_lookup(counting.CERTIFICATE) == "decision_date__year"
    assert counting.year_lookup(counting.CERTIFICATE, "certificate__") == (
        "certificate__decision_date__year"
    )


@pytest.fixture
def evaluations_2023_and_2026(criteria_sets, co_do, officer_co_do):
    """Both opened today (2026): one in a round of 2023, one in a round of 2026."""
    old_round = make_round("148/QĐ-TTg", opens_on=date(2023, 3, 1))
    new_round = make_round("26/2026/QĐ-TTg", number=2)
    assert (old_round.year, new_round.year) == (2023, 2026)
    late = open_evaluation(old_round, make_product(co_do, "Trà 2023"), officer_co_do)
    current = open_evaluation(new_round, make_product(co_do, "Trà 2026"), officer_co_do)
    assert late.created_at.year == current.created_at.year == 2026
    return late, current


def test_an_evaluation_counts_in_its_rounds_year(evaluations_2023_and_2026, login, city_reviewer):
    late, current = evaluations_2023_and_2026
    client = login(city_reviewer)
    for year, expected in ((2023, late), (2026, current)):
        response = client.get(reverse("dashboards:city"), {"year": year})
        pipeline = {row.status: row.count for row in response.context["dashboard"].pipeline}
        assert pipeline[expected.status] == 1, year
        listed = client.get(reverse("evaluations:list"), {"year": year})
        assert [e.pk for e in listed.context["page"]] == [expected.pk], year
    response = client.get(reverse("dashboards:years"), {"first": 2023, "last": 2026})
    columns = {c.year: c.evaluations for c in response.context["columns"]}
    assert columns[2023] == 1 and columns[2026] == 1
    assert columns[2024] == columns[2025] == 0


def test_the_dashboard_says_the_rule(can_tho, login, city_reviewer):
    page = login(city_reviewer).get(reverse("dashboards:city")).content.decode()
    assert "hồ sơ đánh giá tính vào năm của đợt đánh giá" in page
    assert "giấy chứng nhận tính vào năm của ngày quyết định công nhận" in page
