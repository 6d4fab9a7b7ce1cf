"""Plan pages: the permission ladder, officers reading their district's part without edit
buttons, forms that refuse bad input next to the field and save nothing half-way, and query
counts that do not grow with the rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import Area
from budgets.models import BudgetLine, Disbursement, Measure, Plan, PublishedFigure, Target
from core.context_processors import data_as_of
from tests.factories import AreaFactory, UserFactory
from tests.test_budgets import (
    BudgetLineFactory,
    DisbursementFactory,
    PlanFactory,
    PublishedFigureFactory,
    TargetFactory,
    certificate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(can_tho, co_do, ninh_kieu):
    plan = PlanFactory(year=2023)
    TargetFactory(plan=plan, indicator=Measure.NEW_3_STAR, value=10)
    TargetFactory(plan=plan, indicator=Measure.TOURISM_VILLAGES, value=1)
    TargetFactory(plan=plan, indicator=Measure.NEW_3_STAR, area=co_do, value=2)
    TargetFactory(plan=plan, indicator=Measure.NEW_3_STAR, area=ninh_kieu, value=3)
    BudgetLineFactory(plan=plan, description="Tập huấn chung", amount=300_000_000)
    co_do_line = BudgetLineFactory(
        plan=plan, area=co_do, description="Tập huấn Cờ Đỏ", amount=150_000_000
    )
    BudgetLineFactory(plan=plan, area=ninh_kieu, description="Hội chợ Ninh Kiều", amount=99_000_000)
    DisbursementFactory(line=co_do_line, amount=90_000_000, document="UNC 0301/2023")
    PublishedFigureFactory(year=2023, measure=Measure.NEW_3_STAR, value=12)
    return plan


def form_urls(plan: Plan) -> list[str]:
    target = plan.targets.filter(indicator=Measure.TOURISM_VILLAGES).get()
    return [
        reverse("budgets:create"),
        reverse("budgets:edit", args=[plan.year]),
        reverse("budgets:target_create", args=[plan.year]),
        reverse("budgets:target_edit", args=[plan.year, target.pk]),
        reverse("budgets:target_result", args=[plan.year, target.pk]),
        reverse("budgets:budget_line_create", args=[plan.year]),
        reverse("budgets:disbursement_create", args=[plan.year]),
        reverse("budgets:figure_create", args=[plan.year]),
    ]


def read_urls(plan: Plan) -> list[str]:
    return [reverse("budgets:list"), plan.get_absolute_url()]


# --- The ladder ---------------------------------------------------------------------------


def test_every_page_needs_login(client, plan):
    for url in [*read_urls(plan), *form_urls(plan)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}"
    approve = reverse("budgets:approve", args=[plan.year])
    assert client.post(approve)["Location"].startswith(reverse("login"))


def test_someone_outside_the_province_finds_no_plan(login, plan):
    elsewhere = AreaFactory(code="99", name="Tỉnh Thử Nghiệm", kind=Area.Kind.PROVINCE)
    client = login(UserFactory(areas=[elsewhere], role="city"))
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("budgets:edit", args=[plan.year])).status_code == 404
    assert client.post(reverse("budgets:approve", args=[plan.year])).status_code == 404
    assert list(client.get(reverse("budgets:list")).context["plans"]) == []


def test_officers_read_plans_and_may_not_open_the_forms(login, officer_co_do, plan):
    client = login(officer_co_do)
    for url in read_urls(plan):
        assert client.get(url).status_code == 200, url
    for url in form_urls(plan):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.post(reverse("budgets:approve", args=[plan.year])).status_code == 403
    assert Plan.objects.get().status == Plan.Status.DRAFT


def test_city_reviewer_opens_every_form(login, city_reviewer, plan):
    client = login(city_reviewer)
    for url in [*read_urls(plan), *form_urls(plan)]:
        assert client.get(url).status_code == 200, url


def test_wrong_methods_are_refused(login, city_reviewer, plan):
    client = login(city_reviewer)
    for url in read_urls(plan):
        assert client.post(url).status_code == 405, url
    for url in form_urls(plan):
        assert client.put(url).status_code == 405, url
    assert client.get(reverse("budgets:approve", args=[plan.year])).status_code == 405


def test_unknown_year_and_hidden_target_are_404(login, city_reviewer, officer_co_do, plan):
    client = login(city_reviewer)
    assert client.get(reverse("budgets:detail", args=[2031])).status_code == 404
    computed = plan.targets.filter(indicator=Measure.NEW_3_STAR, area__isnull=True).get()
    # Results of computed indicators come from the records: no form to type them.
    assert client.get(reverse("budgets:target_result", args=[2023, computed.pk])).status_code == 404


# --- What each reader sees ---------------------------------------------------------------


def test_officer_reads_their_districts_part_and_the_province_totals(login, officer_co_do, plan):
    response = login(officer_co_do).get(plan.get_absolute_url())
    context = response.context
    assert [row.target.area for row in context["area_targets"]] == [
        Area.objects.get(code="925", valid_until__isnull=False)
    ]
    assert len(context["province_targets"]) == 2
    assert {line.description for line in context["lines"]} == {"Tập huấn chung", "Tập huấn Cờ Đỏ"}
    assert "Hội chợ Ninh Kiều" not in response.text
    # Totals stay province-wide: 300 + 150 + 99 million.
    assert context["budget"].total.planned == 549_000_000
    assert "549.000.000 ₫" in response.text
    assert [d.document for d in context["disbursements"]] == ["UNC 0301/2023"]
    assert context["can_edit"] is False
    for name in ("target_create", "budget_line_create", "disbursement_create", "figure_create"):
        assert reverse(f"budgets:{name}", args=[plan.year]) not in response.text
    assert "Phê duyệt kế hoạch" not in response.text and "Sửa" not in response.text


def test_another_officer_sees_another_districts_part(login, officer_ninh_kieu, plan):
    response = login(officer_ninh_kieu).get(plan.get_absolute_url())
    assert [row.target.value for row in response.context["area_targets"]] == [3]
    assert list(response.context["disbursements"]) == []
    assert "Tập huấn Cờ Đỏ" not in response.text


def test_city_reviewer_sees_every_part_and_the_buttons(login, city_reviewer, plan):
    response = login(city_reviewer).get(plan.get_absolute_url())
    assert len(response.context["area_targets"]) == 2
    assert len(response.context["lines"]) == 3
    assert reverse("budgets:target_create", args=[plan.year]) in response.text
    assert reverse("budgets:approve", args=[plan.year]) in response.text


def test_plan_list_sums_each_plans_budget(login, officer_co_do, plan):
    PlanFactory(year=2022)
    response = login(officer_co_do).get(reverse("budgets:list"))
    plans = list(response.context["plans"])
    assert [p.year for p in plans] == [2023, 2022]
    assert (plans[0].budget_total, plans[0].disbursed_total, plans[0].target_count) == (
        549_000_000,
        90_000_000,
        2,
    )
    assert "549 triệu đồng" in response.text
    assert "Tạo kế hoạch" not in response.text


def test_navigation_offers_the_plans_to_signed_in_users(client, login, officer_co_do):
    labels = [str(item.label) for item in login(officer_co_do).get("/").context["nav_items"]]
    assert "Kế hoạch" in labels


# --- Forms ---------------------------------------------------------------------------------


def test_city_reviewer_creates_a_plan_and_cannot_create_a_second_for_the_year(
    login, city_reviewer, can_tho
):
    client = login(city_reviewer)
    data = {"year": "2024", "document_number": "95/KH-UBND", "document_date": "2024-03-20"}
    response = client.post(reverse("budgets:create"), data, follow=True)
    plan = Plan.objects.get()
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "Đã tạo Kế hoạch OCOP năm 2024 (95/KH-UBND)." in response.text
    assert plan.province == can_tho and plan.status == Plan.Status.DRAFT
    assert plan.history.get().history_user == city_reviewer

    response = client.post(reverse("budgets:create"), {**data, "document_number": "96/KH"})
    assert response.context["form"].errors["year"] == [
        "Năm 2024 đã có kế hoạch: Kế hoạch OCOP năm 2024 (95/KH-UBND). Mỗi năm chỉ có một kế hoạch."
    ]
    assert Plan.objects.count() == 1


def test_plan_year_out_of_range_is_refused(login, city_reviewer, can_tho):
    response = login(city_reviewer).post(reverse("budgets:create"), {"year": "2015"})
    assert "year" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_approving_a_plan(login, city_reviewer, plan):
    client = login(city_reviewer)
    response = client.post(reverse("budgets:approve", args=[plan.year]), follow=True)
    assert "Đã phê duyệt" in response.text
    plan.refresh_from_db()
    assert plan.is_approved and plan.approved_by == city_reviewer
    response = client.post(reverse("budgets:approve", args=[plan.year]), follow=True)
    assert "Kế hoạch này đã được phê duyệt." in response.text


def test_adding_a_target_and_refusing_unknown_or_duplicate_indicators(
    login, city_reviewer, plan, co_do
):
    client = login(city_reviewer)
    url = reverse("budgets:target_create", args=[plan.year])
    response = client.post(url, {"indicator": "new_4_star", "value": "10"})
    assert response.status_code == 302
    assert plan.targets.filter(indicator="new_4_star").get().value == 10

    errors = client.post(url, {"indicator": "sao_vang", "value": "3"}).context["form"].errors
    assert errors["indicator"] == ["Không có chỉ tiêu “sao_vang” trong danh mục chỉ tiêu OCOP."]
    errors = client.post(url, {"indicator": "new_3_star", "value": "5"}).context["form"].errors
    assert errors["indicator"] == [
        "Kế hoạch đã có chỉ tiêu này cho toàn thành phố: hãy sửa chỉ tiêu đó."
    ]
    data = {"indicator": "new_3_star", "area": co_do.pk, "value": "5"}
    errors = client.post(url, data).context["form"].errors
    assert "Huyện Cờ Đỏ" in errors["indicator"][0]
    errors = client.post(url, {"indicator": "custom", "value": "-2"}).context["form"].errors
    assert errors["custom_name"] == ["Hãy ghi tên chỉ tiêu."]
    assert errors["custom_unit"] == ["Hãy ghi đơn vị tính."]
    assert errors["value"] == ["Chỉ tiêu không được âm."]
    errors = (
        client.post(url, {"indicator": "officials_trained", "value": "120"}).context["form"].errors
    )
    assert errors["value"] == ["Tỷ lệ phần trăm không quá 100."]
    assert plan.targets.count() == 5


def test_a_custom_target_with_its_unit(login, city_reviewer, plan):
    data = {
        "indicator": "custom",
        "custom_name": "Lớp tập huấn",
        "custom_unit": "lớp",
        "value": "4",
    }
    response = login(city_reviewer).post(reverse("budgets:target_create", args=[2023]), data)
    assert response.status_code == 302
    target = plan.targets.get(indicator="custom")
    assert (target.label, target.unit, target.is_reported) == ("Lớp tập huấn", "lớp", True)


def test_editing_an_approved_target_asks_for_a_reason_and_history_shows_both(
    login, city_reviewer, plan
):
    plan.status, plan.approved_at = Plan.Status.APPROVED, "2023-04-10T08:00:00+07:00"
    plan.save()
    target = plan.targets.get(indicator="new_3_star", area__isnull=True)
    client = login(city_reviewer)
    url = reverse("budgets:target_edit", args=[plan.year, target.pk])
    response = client.post(url, {"value": "8", "version": target.version})
    assert response.context["form"].errors["change_reason"] == ["Trường này là bắt buộc."]
    target.refresh_from_db()
    assert target.value == 10

    reason = "Điều chỉnh theo Kế hoạch bổ sung 120/KH-UBND"
    # The indicator of an approved target is fixed: a different one sent is ignored.
    data = {
        "value": "8",
        "change_reason": reason,
        "indicator": "new_4_star",
        "version": target.version,
    }
    assert client.post(url, data).status_code == 302
    target.refresh_from_db()
    assert (target.indicator, target.value, target.original_value) == ("new_3_star", 8, 10)

    page = client.get(plan.get_absolute_url())
    assert f"Đã điều chỉnh từ 10: {reason}" in page.text
    history = client.get(url).context["history"]
    changes = {change.field: (change.old, change.new) for change in history[0].changes}
    assert changes["chỉ tiêu kế hoạch"] == (Decimal("10.00"), Decimal("8.00"))
    assert changes["lý do điều chỉnh"] == ("—", reason)
    assert "Lý do điều chỉnh" in client.get(url).text


def test_recording_a_reported_result(login, city_reviewer, plan):
    target = plan.targets.get(indicator=Measure.TOURISM_VILLAGES)
    client = login(city_reviewer)
    url = reverse("budgets:target_result", args=[plan.year, target.pk])
    errors = client.post(url, {"reported_value": "1"}).context["form"].errors
    assert errors["reported_source"] == ["Hãy ghi văn bản báo cáo kết quả."]
    assert errors["reported_on"] == ["Hãy ghi ngày báo cáo."]
    errors = client.post(url, {"reported_source": "Báo cáo"}).context["form"].errors
    assert errors["reported_value"] == ["Trường này là bắt buộc."]
    data = {
        "reported_value": "1",
        "reported_source": "Báo cáo 12/BC-SNN",
        "reported_on": "2024-01-10",
        "version": target.version,
    }
    assert client.post(url, data).status_code == 302
    page = client.get(plan.get_absolute_url())
    row = next(r for r in page.context["province_targets"] if r.target == target)
    assert (row.result, row.achievement) == (1, 100)
    assert "Theo Báo cáo 12/BC-SNN, ngày 10/01/2024" in page.text


def test_budget_line_amounts_as_vietnamese_write_them(login, city_reviewer, plan):
    client = login(city_reviewer)
    url = reverse("budgets:budget_line_create", args=[plan.year])
    data = {"source": "ntp_rural", "activity": "packaging", "amount": "1.900.000.000"}
    assert client.post(url, data).status_code == 302
    assert plan.budget_lines.get(source="ntp_rural").amount == 1_900_000_000
    for amount, message in [
        ("-5", "Số tiền không được âm."),
        ("1,5", "Số tiền tính bằng đồng, không có phần lẻ."),
        ("một tỷ", "Hãy nhập số tiền bằng chữ số, ví dụ 1.900.000.000."),
    ]:
        errors = client.post(url, {**data, "amount": amount}).context["form"].errors
        assert errors["amount"] == [message]
    errors = client.post(url, {**data, "activity": "vui_choi"}).context["form"].errors
    assert "activity" in errors
    assert plan.budget_lines.count() == 4


def test_a_line_in_an_area_outside_the_plans_year_is_refused(login, city_reviewer, can_tho):
    plan = PlanFactory(year=2022)
    commune = Area.objects.current().filter(parent__code="92").first()
    data = {"source": "local", "activity": "it", "amount": "1000", "area": commune.pk}
    response = login(city_reviewer).post(reverse("budgets:budget_line_create", args=[2022]), data)
    assert "area" in response.context["form"].errors
    assert not plan.budget_lines.exists()


def test_disbursement_above_its_line_needs_the_box_ticked_after_the_warning(
    login, city_reviewer, plan
):
    line = plan.budget_lines.get(description="Tập huấn Cờ Đỏ")  # 150 million, 90 paid
    client = login(city_reviewer)
    url = reverse("budgets:disbursement_create", args=[plan.year])
    assert client.get(url, {"line": line.pk}).context["form"].initial["line"] == str(line.pk)
    assert "confirm_over_plan" not in client.get(url).context["form"].fields
    data = {"line": line.pk, "paid_on": "2023-10-02", "amount": "80.000.000", "document": "UNC 7"}
    response = client.post(url, data)
    form = response.context["form"]
    assert form.errors["amount"][0].startswith(
        "Vượt kế hoạch của dòng kinh phí: kế hoạch 150.000.000 ₫, đã giải ngân 90.000.000 ₫, "
        "còn lại 60.000.000 ₫."
    )
    assert "confirm_over_plan" in form.fields
    assert 'name="confirm_over_plan"' in response.text
    assert line.disbursements.count() == 1

    response = client.post(url, {**data, "confirm_over_plan": "on"})
    assert response.status_code == 302
    added = line.disbursements.get(document="UNC 7")
    assert added.amount == 80_000_000 and added.over_plan_confirmed
    page = client.get(plan.get_absolute_url())
    assert "vượt kế hoạch, đã xác nhận" in page.text


def test_disbursement_bad_values_are_explained(login, city_reviewer, plan):
    line = plan.budget_lines.get(description="Tập huấn chung")
    client = login(city_reviewer)
    url = reverse("budgets:disbursement_create", args=[plan.year])
    data = {"line": line.pk, "paid_on": "2022-12-31", "amount": "0", "document": ""}
    errors = client.post(url, data).context["form"].errors
    assert errors["amount"] == ["Số tiền giải ngân phải lớn hơn 0."]
    assert errors["paid_on"] == ["Kế hoạch năm 2023: ngày giải ngân từ 01/01/2023."]
    assert errors["document"] == ["Trường này là bắt buộc."]
    assert not line.disbursements.exists()


def test_recording_a_published_figure_shows_it_beside_the_records(
    login, city_reviewer, plan, co_do
):
    certificate(co_do, date(2023, 6, 1), stars=3)
    client = login(city_reviewer)
    url = reverse("budgets:figure_create", args=[plan.year])
    data = {
        "measure": "budget_total",
        "value": "3,8",
        "unit": "products",
        "document": "Tin báo chí",
        "published_on": "2023-01-15",
    }
    errors = client.post(url, data).context["form"].errors
    assert errors["unit"] == ["Số liệu này tính bằng “đồng”."]
    data = {**data, "value": "3.800.000.000", "unit": "vnd"}
    assert client.post(url, data).status_code == 302
    figure = PublishedFigure.objects.get(measure="budget_total")
    assert (figure.year, figure.value) == (2023, 3_800_000_000)
    page = client.get(plan.get_absolute_url())
    rows = {row.figure.measure: row for row in page.context["comparisons"]}
    assert rows["budget_total"].recorded == 549_000_000
    assert rows["new_3_star"].recorded == 1 and rows["new_3_star"].difference == 11
    assert "+11" in page.text


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_plan_page_queries_do_not_grow_with_the_rows(
    login, city_reviewer, plan, co_do, django_assert_max_num_queries
):
    client = login(city_reviewer)
    url = plan.get_absolute_url()
    count_queries(client, url)  # warm caches (content types, sessions)
    before = count_queries(client, url)
    for number in range(20):
        line = BudgetLineFactory(plan=plan, area=co_do, description=f"Dòng {number}")
        DisbursementFactory(line=line)
        TargetFactory(
            plan=plan, indicator="custom", custom_name=f"Chỉ tiêu {number}", custom_unit="lớp"
        )
        PublishedFigureFactory(year=2023, value=number, document=f"Văn bản {number}")
        certificate(co_do, date(2023, 6, 1))
    count_queries(client, url)  # the caches the new records made new (the footer's time)
    assert count_queries(client, url) == before
    # 2 savepoints, session, user, scope, plan, all lines, visible lines, targets, certificates
    # decided in the year, figures, plan history, years, disbursements, "as of"
    with django_assert_max_num_queries(15):
        client.get(url)


def test_plan_list_queries_do_not_grow_with_the_plans(
    login, officer_co_do, plan, django_assert_max_num_queries
):
    client = login(officer_co_do)
    data_as_of()  # the latest change asked once; each save notes it from then on
    before = count_queries(client, reverse("budgets:list"))
    for year in range(2018, 2023):
        BudgetLineFactory(plan=PlanFactory(year=year))
    assert count_queries(client, reverse("budgets:list")) == before
    # 2 savepoints, session, user, scope, plans with their sums
    with django_assert_max_num_queries(6):
        client.get(reverse("budgets:list"))


def test_nothing_is_saved_when_a_write_is_refused(login, city_reviewer, plan):
    counts = [m.objects.count() for m in (Plan, Target, BudgetLine, Disbursement, PublishedFigure)]
    client = login(city_reviewer)
    client.post(reverse("budgets:create"), {"year": "2023"})
    client.post(reverse("budgets:target_create", args=[2023]), {"indicator": "x", "value": "1"})
    client.post(reverse("budgets:budget_line_create", args=[2023]), {"amount": "-1"})
    client.post(reverse("budgets:disbursement_create", args=[2023]), {"amount": "-1"})
    client.post(reverse("budgets:figure_create", args=[2023]), {"value": "-1"})
    after = [m.objects.count() for m in (Plan, Target, BudgetLine, Disbursement, PublishedFigure)]
    assert after == counts


# --- Admin ----------------------------------------------------------------------------------

ADMIN_LISTS = ["plan", "target", "budgetline", "disbursement", "publishedfigure"]


def test_admin_lists_open_for_the_administrator(login, administrator, plan):
    client = login(administrator)
    for model in ADMIN_LISTS:
        assert client.get(f"/admin/budgets/{model}/").status_code == 200, model
    line = plan.budget_lines.first()
    assert client.get(f"/admin/budgets/budgetline/{line.pk}/change/").status_code == 200


def test_admin_shows_a_staff_officer_their_part_read_only(login, plan, co_do):
    from django.contrib.auth.models import Permission

    from tests.conftest import officer_of

    officer = officer_of("925", username="codo-staff", is_staff=True)
    for model in ADMIN_LISTS:
        officer.user_permissions.add(
            Permission.objects.get(codename=f"view_{model}"),
            Permission.objects.get(codename=f"change_{model}"),
        )
    client = login(officer)
    lines = client.get("/admin/budgets/budgetline/").context["cl"].result_list
    assert {line.description for line in lines} == {"Tập huấn chung", "Tập huấn Cờ Đỏ"}
    line = plan.budget_lines.get(description="Tập huấn Cờ Đỏ")
    response = client.get(f"/admin/budgets/budgetline/{line.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    hidden = plan.budget_lines.get(description="Hội chợ Ninh Kiều")
    response = client.get(f"/admin/budgets/budgetline/{hidden.pk}/change/")
    assert response.status_code == 302  # the admin's "not found" goes back to the index
