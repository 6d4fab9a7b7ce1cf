"""Year plans: who reads which part, results counted from the certificates, the budget by
source and activity, published figures beside the records, and writes that refuse bad input
whole (the database refuses it too)."""

from datetime import date
from decimal import Decimal

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from factory.django import DjangoModelFactory

from areas.models import Area
from budgets import services
from budgets.models import BudgetLine, Measure, Plan, PublishedFigure, Target, Unit
from budgets.reports import YearRecords, budget_summary, compare, target_results
from core.numbers import format_percent, share_percent
from tests.conftest import district
from tests.factories import AreaFactory, CertificateFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db


def province() -> Area:
    return Area.objects.get(code="92", valid_until__isnull=True)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = "budgets.Plan"

    province = factory.LazyFunction(province)
    year = 2023
    document_number = "80/KH-UBND"


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = "budgets.Target"

    plan = factory.SubFactory(PlanFactory)
    indicator = Measure.NEW_PRODUCTS
    value = Decimal(20)


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = "budgets.BudgetLine"

    plan = factory.SubFactory(PlanFactory)
    source = BudgetLine.Source.LOCAL
    activity = BudgetLine.Activity.TRAINING
    amount = 300_000_000


class DisbursementFactory(DjangoModelFactory):
    class Meta:
        model = "budgets.Disbursement"

    line = factory.SubFactory(BudgetLineFactory)
    paid_on = date(2023, 5, 16)
    amount = 100_000_000
    document = factory.Sequence(lambda n: f"UNC {n:04d}/2023")


class PublishedFigureFactory(DjangoModelFactory):
    class Meta:
        model = "budgets.PublishedFigure"

    province = factory.LazyFunction(province)
    year = 2022
    measure = Measure.NEW_PRODUCTS
    value = Decimal(51)
    unit = Unit.PRODUCTS
    document = "Báo cáo tổng kết năm 2022"
    published_on = date(2023, 1, 15)


def certificate(area: Area, decided: date, stars: int = 4, kind: str = "new", **extra):
    producer = ProducerFactory(area=area)
    return CertificateFactory(
        product__producer=producer,
        area=area,
        decision_date=decided,
        stars=stars,
        kind=kind,
        legal_basis="1048/QĐ-TTg",
        **extra,
    )


def other_province() -> Area:
    return AreaFactory(code="99", name="Tỉnh Thử Nghiệm", kind=Area.Kind.PROVINCE)


# --- Who reads what -----------------------------------------------------------------------


def test_plan_is_read_by_everyone_in_its_province_and_nobody_else(
    officer_co_do, city_reviewer, administrator
):
    plan = PlanFactory()
    for user in (officer_co_do, city_reviewer, administrator):
        assert list(Plan.objects.visible_to(user)) == [plan]
    outsider = UserFactory(areas=[other_province()])
    assert not Plan.objects.visible_to(outsider).exists()
    assert not Plan.objects.visible_to(UserFactory()).exists()  # no areas assigned


def test_anonymous_reads_no_part_of_a_plan(can_tho):
    from django.contrib.auth.models import AnonymousUser

    PublishedFigureFactory()
    TargetFactory()
    for model in (Plan, Target, BudgetLine, PublishedFigure):
        assert not model.objects.visible_to(AnonymousUser()).exists()


def test_rows_without_an_area_are_province_wide_rows_with_one_are_their_areas(
    officer_co_do, officer_ninh_kieu, city_reviewer, co_do, ninh_kieu
):
    plan = PlanFactory()
    everyone = TargetFactory(plan=plan)
    in_co_do = TargetFactory(plan=plan, area=co_do, value=2)
    in_ninh_kieu = TargetFactory(plan=plan, area=ninh_kieu, value=2)
    line = BudgetLineFactory(plan=plan, area=co_do)
    DisbursementFactory(line=line)
    assert set(Target.objects.visible_to(officer_co_do)) == {everyone, in_co_do}
    assert set(Target.objects.visible_to(officer_ninh_kieu)) == {everyone, in_ninh_kieu}
    assert Target.objects.visible_to(city_reviewer).count() == 3
    assert BudgetLine.objects.visible_to(officer_co_do).get() == line
    assert not BudgetLine.objects.visible_to(officer_ninh_kieu).exists()
    from budgets.models import Disbursement

    assert Disbursement.objects.visible_to(officer_co_do).count() == 1
    assert not Disbursement.objects.visible_to(officer_ninh_kieu).exists()


def test_province_wide_rows_of_another_province_stay_hidden(officer_co_do):
    plan = PlanFactory(province=other_province())
    TargetFactory(plan=plan)
    PublishedFigureFactory(province=plan.province)
    assert not Target.objects.visible_to(officer_co_do).exists()
    assert not PublishedFigure.objects.visible_to(officer_co_do).exists()


# --- Results from the records ------------------------------------------------------------


def test_results_count_the_certificates_decided_in_the_year(can_tho, co_do, ninh_kieu):
    for _ in range(3):
        certificate(co_do, date(2022, 5, 10), stars=3)
    certificate(ninh_kieu, date(2022, 8, 1), stars=4)
    certificate(ninh_kieu, date(2022, 9, 1), stars=5, level="central")
    certificate(co_do, date(2022, 10, 1), stars=4, kind="renewal")
    certificate(co_do, date(2022, 11, 1), stars=4, kind="upgrade")
    certificate(co_do, date(2021, 12, 31), stars=3)  # another year
    certificate(co_do, date(2023, 1, 1), stars=3)  # another year
    records = YearRecords(province(), 2022)
    assert records.value(Measure.NEW_PRODUCTS) == 5
    assert records.value(Measure.NEW_3_STAR) == 3
    assert records.value(Measure.NEW_4_STAR) == 1
    assert records.value(Measure.NEW_5_STAR) == 1
    assert records.value(Measure.STANDARDISED) == 2
    assert records.value(Measure.PRODUCERS_NEW) == 5
    assert records.value(Measure.NEW_PRODUCTS, co_do.path) == 3
    assert records.value(Measure.NEW_PRODUCTS, ninh_kieu.path) == 2
    assert records.value(Measure.TOURISM_VILLAGES) is None


def test_results_leave_out_another_province(can_tho):
    elsewhere = AreaFactory(parent=other_province(), kind=Area.Kind.RURAL_DISTRICT)
    certificate(elsewhere, date(2022, 5, 10))
    assert YearRecords(province(), 2022).value(Measure.NEW_PRODUCTS) == 0


def test_potential_five_star_and_year_end_counts(can_tho, co_do):
    certificate(co_do, date(2022, 3, 1), stars=4, score=92)  # potential 5★
    certificate(co_do, date(2022, 3, 1), stars=4, score=85)
    certificate(co_do, date(2021, 3, 1), stars=3)
    revoked = certificate(co_do, date(2021, 3, 1), stars=3)
    revoked.revoked_on, revoked.revoked_reason = date(2022, 6, 1), "Không duy trì chất lượng"
    revoked.save()
    records = YearRecords(province(), 2022)
    assert records.value(Measure.POTENTIAL_5_STAR) == 1
    assert records.value(Measure.CERTIFIED) == 3
    assert records.value(Measure.CERTIFIED_4_STAR) == 2
    assert records.value(Measure.CERTIFIED_3_STAR) == 1


def test_an_upgraded_product_counts_once_with_its_latest_stars(can_tho, co_do):
    first = certificate(co_do, date(2021, 3, 1), stars=3)
    CertificateFactory(
        product=first.product, area=co_do, decision_date=date(2022, 6, 1), stars=4, kind="upgrade"
    )
    records = YearRecords(province(), 2022)
    assert records.value(Measure.CERTIFIED) == 1
    assert records.value(Measure.CERTIFIED_4_STAR) == 1
    assert records.value(Measure.CERTIFIED_3_STAR) == 0


def test_achievement_is_result_over_target_in_percent(can_tho, co_do):
    plan = PlanFactory(year=2022)
    target = TargetFactory(plan=plan, value=20)
    per_district = TargetFactory(plan=plan, value=2, area=co_do)
    training = TargetFactory(
        plan=plan,
        indicator=Measure.OFFICIALS_TRAINED,
        value=100,
        reported_value=Decimal("87.5"),
        reported_source="Báo cáo 25/BC-SNN",
        reported_on=date(2023, 1, 10),
    )
    for _ in range(51):
        certificate(district("916"), date(2022, 6, 1))
    certificate(co_do, date(2022, 6, 1))
    rows = {
        row.target: row
        for row in target_results(plan.targets.all(), YearRecords(plan.province, 2022))
    }
    assert rows[target].result == 52
    assert format_percent(rows[target].achievement) == "260%"
    assert rows[target].bar == 100 and rows[target].is_met
    assert rows[per_district].result == 1
    assert format_percent(rows[per_district].achievement) == "50%"
    assert rows[per_district].bar == 50 and not rows[per_district].is_met
    assert rows[training].result == Decimal("87.5") and not rows[training].from_records
    assert format_percent(rows[training].achievement) == "87,5%"


def test_province_wide_targets_come_first_then_by_area(co_do, ninh_kieu):
    plan = PlanFactory()
    later = TargetFactory(plan=plan, area=co_do, value=2)
    first_area = TargetFactory(plan=plan, area=ninh_kieu, value=2)
    tourism = TargetFactory(plan=plan, indicator=Measure.TOURISM_VILLAGES, value=1)
    new = TargetFactory(plan=plan)
    rows = target_results(plan.targets.select_related("area"), YearRecords(plan.province, 2023))
    # Ninh Kiều (916) sorts before Cờ Đỏ (925) by path.
    assert [row.target for row in rows] == [new, tourism, first_area, later]


# --- Budget -------------------------------------------------------------------------------


def test_budget_by_funds_source_and_activity_with_shares_rounded_half_up(can_tho):
    plan = PlanFactory()
    rural = BudgetLineFactory(
        plan=plan, source="ntp_rural", activity="packaging", amount=600_000_000
    )
    BudgetLineFactory(plan=plan, source="local", activity="training", amount=1_300_000_000)
    BudgetLineFactory(plan=plan, source="socialised", activity="promotion", amount=1_700_000_000)
    DisbursementFactory(line=rural, amount=200_000_000)
    lines = list(BudgetLine.objects.filter(plan=plan).with_disbursed())
    summary = budget_summary(lines)
    assert summary.total.planned == 3_600_000_000
    assert summary.total.disbursed == 200_000_000
    assert summary.state.planned == 1_900_000_000
    assert summary.socialised.planned == 1_700_000_000
    assert share_percent(summary.state.planned, summary.total.planned) == "52,8%"
    assert share_percent(summary.socialised.planned, summary.total.planned) == "47,2%"
    assert [(row.key, row.planned, row.disbursed) for row in summary.by_source] == [
        ("local", 1_300_000_000, 0),
        ("ntp_rural", 600_000_000, 200_000_000),
        ("socialised", 1_700_000_000, 0),
    ]
    assert [row.key for row in summary.by_activity] == ["training", "promotion", "packaging"]
    records = YearRecords(plan.province, plan.year)
    assert records.value(Measure.BUDGET_TOTAL) == 3_600_000_000
    assert records.value(Measure.DISBURSED) == 200_000_000
    assert format_percent(records.value(Measure.BUDGET_STATE_SHARE)) == "52,8%"


def test_a_year_without_budget_lines_has_no_budget_figures(can_tho):
    PlanFactory()
    assert YearRecords(province(), 2023).value(Measure.BUDGET_TOTAL) is None


def test_the_database_refuses_a_negative_amount(can_tho):
    plan = PlanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(plan=plan, source="local", activity="it", amount=-1)


def test_the_database_refuses_a_second_plan_for_a_year(can_tho):
    PlanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(province=province(), year=2023)


def test_the_database_refuses_a_changed_target_without_a_reason(can_tho):
    target = TargetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.filter(pk=target.pk).update(original_value=25)


def test_the_database_refuses_a_percent_above_100(can_tho):
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(indicator=Measure.LEADERS_TRAINED, value=120)


# --- Published figures beside the records ------------------------------------------------


def test_counts_compare_exactly(can_tho, co_do):
    for _ in range(51):
        certificate(co_do, date(2022, 6, 1))
    agreeing = PublishedFigureFactory(value=51)
    disagreeing = PublishedFigureFactory(value=58, document="Tin tháng 5/2023")
    rows = {row.figure: row for row in PublishedFigure.objects.comparisons()}
    assert rows[agreeing].agrees is True and rows[agreeing].difference == 0
    assert rows[disagreeing].agrees is False
    assert rows[disagreeing].recorded == 51 and rows[disagreeing].difference == 7


def test_money_and_shares_compare_at_the_precision_they_were_published(can_tho):
    plan = PlanFactory()
    BudgetLineFactory(plan=plan, source="local", amount=1_912_000_000)
    BudgetLineFactory(plan=plan, source="socialised", amount=1_700_000_000)
    figures = [
        PublishedFigureFactory(
            year=2023, measure=measure, value=Decimal(value), unit=unit, document=str(value)
        )
        for measure, value, unit in [
            (Measure.BUDGET_TOTAL, "3600000000", Unit.VND),  # 3,6 tỷ: 3,612 rounds to it
            (Measure.BUDGET_TOTAL, "3800000000", Unit.VND),
            (Measure.BUDGET_TOTAL, "3612000000", Unit.VND),
            (Measure.BUDGET_STATE_SHARE, "52.9", Unit.PERCENT),  # 52,93…
            (Measure.BUDGET_STATE_SHARE, "52.7", Unit.PERCENT),
            (Measure.BUDGET_STATE_SHARE, "53", Unit.PERCENT),
        ]
    ]
    rows = compare(figures)
    assert [row.agrees for row in rows] == [True, False, True, True, False, True]
    assert rows[1].difference == 200_000_000
    assert rows[4].compared == Decimal("52.9") and rows[4].difference == Decimal("-0.2")


def test_a_figure_no_record_counts_is_shown_without_a_verdict(can_tho):
    figure = PublishedFigureFactory(
        measure=Measure.CUSTOM, unit=Unit.OTHER, value=12, note="12 lớp tập huấn"
    )
    (row,) = compare([figure])
    assert row.recorded is None and row.difference is None and row.agrees is None


def test_comparisons_read_a_fixed_number_of_queries(can_tho, co_do, django_assert_num_queries):
    for value in range(10):
        PublishedFigureFactory(value=value, document=f"Văn bản {value}")
    certificate(co_do, date(2022, 6, 1))
    # figures, then the certificates decided in 2022; the year-end and budget records are
    # read only when a figure asks for them
    with django_assert_num_queries(2):
        rows = PublishedFigure.objects.all().comparisons()
    assert len(rows) == 10


# --- Writes: validated whole, one transaction --------------------------------------------


def test_plan_refuses_a_document_date_in_the_future(can_tho, city_reviewer):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            plan=Plan(province=province(), year=2024, document_date=date(2999, 1, 1)),
            by=city_reviewer,
        )
    assert "document_date" in error.value.message_dict
    assert not Plan.objects.exists()


def test_approving_needs_targets_and_happens_once(can_tho, city_reviewer):
    plan = PlanFactory()
    with pytest.raises(ValidationError, match="chưa có chỉ tiêu"):
        services.plan_approve(plan=plan, by=city_reviewer)
    TargetFactory(plan=plan)
    approved = services.plan_approve(plan=plan, by=city_reviewer)
    assert approved.is_approved and approved.approved_by == city_reviewer
    assert approved.history.first().history_user == city_reviewer
    with pytest.raises(ValidationError, match="đã được phê duyệt"):
        services.plan_approve(plan=plan, by=city_reviewer)


def test_changing_an_approved_target_needs_a_reason_and_keeps_the_original(can_tho, city_reviewer):
    plan = PlanFactory(status=Plan.Status.APPROVED, approved_at="2023-04-10T08:00:00+07:00")
    target = TargetFactory(plan=plan, value=25)
    target.value = Decimal(20)
    with pytest.raises(ValidationError) as error:
        services.target_save(target=target, by=city_reviewer)
    assert "change_reason" in error.value.message_dict
    target.refresh_from_db()
    assert target.value == 25 and target.original_value is None

    target.value = Decimal(20)
    services.target_save(target=target, by=city_reviewer, reason="Báo cáo 20–25: lấy mức thấp")
    target.value = Decimal(22)
    services.target_save(target=target, by=city_reviewer, reason="Điều chỉnh lần hai")
    target.refresh_from_db()
    assert (target.value, target.original_value) == (22, 25)
    assert target.change_reason == "Điều chỉnh lần hai"
    reasons = [h.history_change_reason for h in target.history.order_by("history_date")]
    assert reasons == [None, "Báo cáo 20–25: lấy mức thấp", "Điều chỉnh lần hai"]


def test_an_approved_target_keeps_its_indicator_and_area(can_tho, city_reviewer, co_do):
    plan = PlanFactory(status=Plan.Status.APPROVED, approved_at="2023-04-10T08:00:00+07:00")
    target = TargetFactory(plan=plan)
    target.area = co_do
    with pytest.raises(ValidationError, match="chỉ sửa được giá trị"):
        services.target_save(target=target, by=city_reviewer, reason="Chuyển về Cờ Đỏ")
    target.refresh_from_db()
    assert target.area is None


def test_a_draft_target_changes_freely(can_tho, city_reviewer):
    target = TargetFactory(value=25)
    target.value = Decimal(20)
    services.target_save(target=target, by=city_reviewer)
    target.refresh_from_db()
    assert target.value == 20 and target.original_value is None and target.change_reason == ""


def test_target_rules_are_explained_per_field(can_tho):
    plan = PlanFactory(year=2022)
    cases = [
        (Target(plan=plan, indicator="custom", value=1), {"custom_name", "custom_unit"}),
        (
            Target(plan=plan, indicator="new_3_star", custom_name="x", custom_unit="y", value=1),
            {"custom_name", "custom_unit"},
        ),
        (Target(plan=plan, indicator="officials_trained", value=120), {"value"}),
        (Target(plan=plan, indicator="new_3_star", value=-1), {"value"}),
        (
            Target(plan=plan, indicator="new_3_star", value=1, reported_value=3),
            {"reported_value", "reported_source", "reported_on"},
        ),
        (Target(plan=plan, indicator="what", value=1), {"indicator"}),
        # A commune created in 2025 did not exist in 2022.
        (
            Target(
                plan=plan,
                indicator="new_3_star",
                value=1,
                area=Area.objects.current().filter(parent__code="92").first(),
            ),
            {"area"},
        ),
    ]
    for target, fields in cases:
        with pytest.raises(ValidationError) as error:
            target.full_clean()
        assert fields <= set(error.value.message_dict), (target.indicator, error.value)


def test_a_disbursement_past_its_line_needs_confirmation(can_tho, city_reviewer):
    line = BudgetLineFactory(amount=300_000_000)
    DisbursementFactory(line=line, amount=250_000_000)
    from budgets.models import Disbursement

    over = Disbursement(line=line, paid_on=date(2023, 9, 1), amount=100_000_000, document="UNC 9")
    with pytest.raises(ValidationError) as error:
        services.disbursement_create(disbursement=over, by=city_reviewer)
    (message,) = error.value.message_dict["amount"]
    assert "kế hoạch 300.000.000 ₫, đã giải ngân 250.000.000 ₫, còn lại 50.000.000 ₫" in message
    assert line.disbursements.count() == 1
    saved = services.disbursement_create(
        disbursement=over, by=city_reviewer, confirm_over_plan=True
    )
    assert saved.over_plan_confirmed
    within = services.disbursement_create(
        disbursement=Disbursement(
            line=BudgetLineFactory(plan=line.plan),
            paid_on=date(2023, 9, 1),
            amount=1,
            document="UNC 10",
        ),
        by=city_reviewer,
        confirm_over_plan=True,
    )
    assert not within.over_plan_confirmed


def test_published_figure_unit_follows_what_it_counts(can_tho, city_reviewer):
    figure = PublishedFigure(
        province=province(),
        year=2023,
        measure=Measure.BUDGET_TOTAL,
        value=Decimal(3_800_000_000),
        unit=Unit.PRODUCTS,
        document="Báo cáo",
        published_on=date(2023, 1, 15),
    )
    with pytest.raises(ValidationError) as error:
        services.published_figure_create(figure=figure, by=city_reviewer)
    assert error.value.message_dict["unit"] == ["Số liệu này tính bằng “đồng”."]
    assert not PublishedFigure.objects.exists()
