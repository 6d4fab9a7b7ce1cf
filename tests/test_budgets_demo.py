"""The demo plans of Cần Thơ on their pages: every target with its result and achievement, the
2023 budget by source and by activity with its disbursement, and each published figure beside
what the records say — asserted on the known demo data. Also: the loader is idempotent."""

from decimal import Decimal

import pytest
from django.core import serializers
from django.urls import reverse

from accounts.models import User
from budgets.demo import load_plans
from budgets.models import BudgetLine, Disbursement, Plan, PublishedFigure, Target
from core.numbers import format_percent, format_vnd, share_percent

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture
def as_user(demo, client):
    def _as(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return _as


def targets_by_label(rows) -> dict:
    return {
        (row.target.area.name if row.target.area_id else None, row.target.indicator): row
        for row in rows
    }


# --- 2022 ----------------------------------------------------------------------------------

#: 2022 per district: at least 2 new products of 3★ or more; the certificates of 2022 give these.
DISTRICT_RESULTS_2022 = {
    "Quận Ninh Kiều": (10, "500%"),
    "Quận Ô Môn": (3, "150%"),
    "Quận Bình Thủy": (9, "450%"),
    "Quận Cái Răng": (0, "0%"),
    "Quận Thốt Nốt": (5, "250%"),
    "Huyện Vĩnh Thạnh": (5, "250%"),
    "Huyện Cờ Đỏ": (4, "200%"),
    "Huyện Phong Điền": (4, "200%"),
    "Huyện Thới Lai": (11, "550%"),
}

#: (measure, document starts with, published, records, difference, agrees)
FIGURES_2022 = [
    ("certified_4_star", "Bài viết tháng 11/2022", 58, 58, 0, True),
    ("certified_3_star", "Bài viết tháng 11/2022", 32, 34, -2, False),
    ("new_products", "Báo cáo tổng kết", 51, 51, 0, True),
    ("new_4_star", "Báo cáo tổng kết", 33, 33, 0, True),
    ("new_3_star", "Báo cáo tổng kết", 18, 18, 0, True),
    ("certified", "Báo cáo tổng kết", 92, 92, 0, True),
    ("certified_4_star", "Báo cáo tổng kết", 58, 58, 0, True),
    ("certified_3_star", "Báo cáo tổng kết", 34, 34, 0, True),
    ("potential_5_star", "Báo cáo tổng kết", 2, 2, 0, True),
    ("new_products", "Tin về Kế hoạch 80/KH-UBND", 58, 51, 7, False),
    ("producers_new", "Tin về Kế hoạch 80/KH-UBND", 46, 27, 19, False),
]


def test_2022_plan_new_products_255_percent(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2022]))
    plan = response.context["plan"]
    assert (plan.status, plan.document_number) == (Plan.Status.APPROVED, "")
    (row,) = response.context["province_targets"]
    assert (row.target.indicator, row.target.value, row.result) == ("new_products", 20, 51)
    assert format_percent(row.achievement) == "255%"
    assert row.bar == 100 and row.is_met
    assert "255%" in response.text


def test_2022_targets_per_district(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2022]))
    rows = response.context["area_targets"]
    assert len(rows) == 9
    got = {row.target.area.name: (int(row.result), format_percent(row.achievement)) for row in rows}
    assert got == DISTRICT_RESULTS_2022
    assert all(row.target.value == 2 for row in rows)
    # 8 of 9 districts met it: Cái Răng had no product recognised in 2022.
    assert [row.target.area.name for row in rows if not row.is_met] == ["Quận Cái Răng"]
    for name, (_result, achievement) in DISTRICT_RESULTS_2022.items():
        assert name in response.text and achievement in response.text


def test_2022_has_no_budget(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2022]))
    assert response.context["budget"].total.planned == 0
    assert "Kế hoạch chưa có dòng kinh phí nào." in response.text


def test_2022_published_figures_beside_the_records(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2022]))
    got = [
        (
            row.figure.measure,
            row.published,
            row.recorded,
            row.difference,
            row.agrees,
        )
        for row in response.context["comparisons"]
    ]
    assert got == [
        (measure, published, records, difference, agrees)
        for measure, _doc, published, records, difference, agrees in FIGURES_2022
    ]
    for row, (_m, document, *_rest) in zip(
        response.context["comparisons"], FIGURES_2022, strict=True
    ):
        assert row.figure.document.startswith(document)
    assert response.text.count("không khớp") == 3
    for shown in ("+7", "+19", "−2"):
        assert shown in response.text


# --- 2023 ----------------------------------------------------------------------------------

#: 80/KH-UBND: indicator → (target, result from the records or None when not reported yet)
TARGETS_2023 = {
    "new_3_star": (10, 0),
    "new_4_star": (10, 0),
    "new_5_star": (2, 0),
    # The 2023 round's eight re-ratings (the evaluations demo).
    "standardised": (92, 8),
    "tourism_villages": (1, None),
    "officials_trained": (100, None),
    "leaders_trained": (100, None),
}

#: source → (planned, share of the total, disbursed, disbursed share)
BY_SOURCE_2023 = {
    "local": (950_000_000, "26,4%", 900_000_000, "94,7%"),
    "ntp_rural": (600_000_000, "16,7%", 200_000_000, "33,3%"),
    "ntp_poverty": (200_000_000, "5,6%", 0, "0%"),
    "ntp_ethnic": (150_000_000, "4,2%", 90_000_000, "60%"),
    "socialised": (1_700_000_000, "47,2%", 450_000_000, "26,5%"),
}
BY_ACTIVITY_2023 = {
    "training": (450_000_000, "12,5%", 360_000_000, "80%"),
    "promotion": (1_000_000_000, "27,8%", 830_000_000, "83%"),
    "evaluation": (250_000_000, "6,9%", 250_000_000, "100%"),
    "packaging": (850_000_000, "23,6%", 200_000_000, "23,5%"),
    "traceability": (350_000_000, "9,7%", 0, "0%"),
    "tourism_village": (600_000_000, "16,7%", 0, "0%"),
    "it": (100_000_000, "2,8%", 0, "0%"),
}


def test_2023_plan_80_kh_ubnd_targets_and_results(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2023]))
    assert response.context["plan"].document_number == "80/KH-UBND"
    rows = response.context["province_targets"]
    assert [row.target.indicator for row in rows] == list(TARGETS_2023)
    for row in rows:
        value, result = TARGETS_2023[row.target.indicator]
        assert (row.target.value, row.result) == (value, result), row.target.indicator
        if result is None:
            assert row.achievement is None
        else:
            assert round(row.achievement, 2) == round(Decimal(result) * 100 / value, 2)
        assert row.from_records == (result is not None)
    assert response.context["area_targets"] == []
    assert response.text.count("Chưa có báo cáo kết quả") == 3
    assert "100%" in response.text


def test_2023_budget_36_billion_by_funds(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2023]))
    budget = response.context["budget"]
    assert (budget.total.planned, budget.total.disbursed) == (3_600_000_000, 1_640_000_000)
    assert (budget.state.planned, budget.socialised.planned) == (1_900_000_000, 1_700_000_000)
    assert share_percent(budget.state.planned, budget.total.planned) == "52,8%"
    assert share_percent(budget.socialised.planned, budget.total.planned) == "47,2%"
    for text in (
        "3,6 tỷ đồng",
        "1,9 tỷ đồng",
        "1,7 tỷ đồng",
        "Ngân sách nhà nước (52,8%)",
        "Xã hội hóa (47,2%)",
        "1,6 tỷ đồng",
        "Đã giải ngân (45,6% kế hoạch)",
        "3.600.000.000 ₫",
        "1.640.000.000 ₫",
    ):
        assert text in response.text, text


@pytest.mark.parametrize(
    ("attribute", "expected"), [("by_source", BY_SOURCE_2023), ("by_activity", BY_ACTIVITY_2023)]
)
def test_2023_budget_by_source_and_by_activity(as_user, attribute, expected):
    response = as_user("city").get(reverse("budgets:detail", args=[2023]))
    budget = response.context["budget"]
    got = {
        row.key: (
            row.planned,
            share_percent(row.planned, budget.total.planned),
            row.disbursed,
            share_percent(row.disbursed, row.planned),
        )
        for row in getattr(budget, attribute)
    }
    assert got == expected
    for planned, share, disbursed, disbursed_share in expected.values():
        for text in (format_vnd(planned), share, format_vnd(disbursed), disbursed_share):
            assert text in response.text


def test_2023_lines_and_disbursements_for_the_city(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2023]))
    lines = response.context["lines"]
    assert len(lines) == 12 and all(line.is_illustrative for line in lines)
    assert sum(line.amount for line in lines) == 3_600_000_000
    disbursements = list(response.context["disbursements"])
    assert [(d.paid_on.isoformat(), d.amount) for d in disbursements] == [
        ("2023-05-16", 120_000_000),
        ("2023-07-14", 90_000_000),
        ("2023-08-02", 380_000_000),
        ("2023-09-21", 150_000_000),
        ("2023-10-12", 200_000_000),
        ("2023-11-10", 250_000_000),
        ("2023-12-15", 450_000_000),
    ]
    assert "minh họa" in response.text


def test_2023_published_figures_beside_the_records(as_user):
    response = as_user("city").get(reverse("budgets:detail", args=[2023]))
    got = [
        (row.figure.measure, row.published, row.compared, row.difference, row.agrees)
        for row in response.context["comparisons"]
    ]
    assert got == [
        ("budget_total", Decimal(3_800_000_000), Decimal(3_600_000_000), 200_000_000, False),
        ("budget_total", Decimal(3_600_000_000), Decimal(3_600_000_000), 0, True),
        ("budget_state", Decimal(1_900_000_000), Decimal(1_900_000_000), 0, True),
        ("budget_state_share", Decimal("52.7"), Decimal("52.8"), Decimal("-0.1"), False),
        ("budget_socialised", Decimal(1_700_000_000), Decimal(1_700_000_000), 0, True),
        ("budget_socialised_share", Decimal("47.3"), Decimal("47.2"), Decimal("0.1"), False),
    ]
    for text in ("3.800.000.000 ₫", "+200.000.000 ₫", "52,7%", "52,8%", "−0,1", "47,3%", "+0,1"):
        assert text in response.text, text


def test_officer_reads_the_district_part_of_2023(as_user):
    response = as_user("codo").get(reverse("budgets:detail", args=[2023]))
    lines = response.context["lines"]
    # 9 province-wide lines and Cờ Đỏ's own; not Phong Điền's two tourism-village lines.
    assert len(lines) == 10
    assert {line.area.name for line in lines if line.area_id} == {"Huyện Cờ Đỏ"}
    assert response.context["budget"].total.planned == 3_600_000_000
    assert len(response.context["disbursements"]) == 7
    assert response.context["can_edit"] is False
    assert "Thêm dòng kinh phí" not in response.text

    response = as_user("ninhkieu").get(reverse("budgets:detail", args=[2023]))
    assert len(response.context["lines"]) == 9
    assert len(response.context["disbursements"]) == 6


def test_officer_reads_their_district_target_of_2022(as_user):
    response = as_user("codo").get(reverse("budgets:detail", args=[2022]))
    (row,) = response.context["area_targets"]
    assert (row.target.area.name, row.result, format_percent(row.achievement)) == (
        "Huyện Cờ Đỏ",
        4,
        "200%",
    )
    assert format_percent(response.context["province_targets"][0].achievement) == "255%"
    assert "Quận Ninh Kiều" not in response.text


def test_plan_list_of_the_demo(as_user):
    response = as_user("city").get(reverse("budgets:list"))
    rows = [
        (p.year, p.document_number, p.budget_total, p.disbursed_total)
        for p in response.context["plans"]
    ]
    assert rows == [(2023, "80/KH-UBND", 3_600_000_000, 1_640_000_000), (2022, "", 0, 0)]
    assert "3,6 tỷ đồng" in response.text and "45,6%" in response.text


def test_plan_page_query_count_on_the_demo(as_user, django_assert_max_num_queries):
    client = as_user("city")
    # The 2022 figures also read the certificates valid at the year end and the potential 5★.
    with django_assert_max_num_queries(17):
        client.get(reverse("budgets:detail", args=[2022]))
    with django_assert_max_num_queries(15):
        client.get(reverse("budgets:detail", args=[2023]))


# --- The loader -----------------------------------------------------------------------------


def snapshot() -> str:
    models = (Plan, Target, BudgetLine, Disbursement, PublishedFigure)
    rows = [row for model in models for row in model.objects.order_by("pk")]
    history = [model.history.count() for model in models]
    return serializers.serialize("json", rows) + str(history)


def test_loading_the_plans_again_changes_nothing(demo):
    before = snapshot()
    counts = load_plans()
    assert counts == {
        "plans": 2,
        "targets": 17,
        "budget_lines": 12,
        "disbursements": 7,
        "figures": 17,
        "created": 0,
        "updated": 0,
    }
    assert snapshot() == before


def test_loader_reports_progress(demo):
    calls = []
    load_plans(progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_demo_amounts_add_up_to_the_published_plan(demo):
    lines = BudgetLine.objects.filter(plan__year=2023)
    state = sum(line.amount for line in lines if line.is_state_budget)
    assert (state, sum(line.amount for line in lines) - state) == (1_900_000_000, 1_700_000_000)
