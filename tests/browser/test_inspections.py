"""The inspection pages and the public report form in Chromium with axe-core (WCAG 2.1 A and
AA), at 1366 and 360 px: no serious or critical violation, no page wider than the phone."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from inspections import services
from inspections.models import InspectionPlan, points
from tests.browser.test_accessibility import AXE, WIDTHS, scan, sign_in
from tests.conftest import officer_of
from tests.factories import CertificateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


@pytest.fixture
def records(can_tho, co_do):
    """A plan with a recorded line, a corrective follow-up, an ad-hoc inspection from a public
    report, and an open report."""
    city = UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    officer = officer_of("925", username="codo")
    today = timezone.localdate()
    products = [
        CertificateFactory(
            product__name=f"Sản phẩm kiểm tra có tên khá dài để thử màn hình nhỏ {n}",
            product__producer__area=co_do,
            decision_date=date(today.year - 1, 3, 15),
        ).product
        for n in range(3)
    ]
    plan = services.plan_create(
        plan=InspectionPlan(province=can_tho, year=today.year, title="Kế hoạch kiểm tra"), by=city
    )
    line = services.line_add(plan=plan, product=products[0], by=city, planned_month=6)
    services.line_add(plan=plan, product=products[1], by=city, planned_month=9)
    results = {point.code: ("met", "") for point in points()}
    results["label"] = ("not_met", "Nhãn thiếu hạn sử dụng.")
    services.record(
        inspection=line,
        by=officer,
        done_on=today,
        inspectors="Nguyễn Văn A (Sở), Lê Văn B (xã)",
        findings="Nhãn chưa đúng.",
        results=results,
    )
    services.follow_up(
        inspection=line,
        kind="corrective",
        deadline=today + timedelta(days=30),
        actions="In lại nhãn.",
        by=city,
    )
    report = services.report_submit(
        product=products[2], kind="mark", description="Tem OCOP sai.", contact_name="Dân"
    )
    adhoc = services.report_to_inspection(report=report, by=city)
    open_report = services.report_submit(product=products[2], kind="quality", description="Mốc.")
    return {
        "product": products[2],
        "plan": plan,
        "line": line,
        "reinspection": line.reinspections.get(),
        "adhoc": adhoc,
        "report": report,
        "open_report": open_report,
    }


def pages_of(role: str, r: dict) -> list[str]:
    if role == "public":
        return [f"/catalogue/{r['product'].pk}/bao-cao/"]
    pages = [
        "/inspections/",
        "/inspections/plans/",
        f"/inspections/plans/{r['plan'].pk}/",
        f"/inspections/{r['line'].pk}/",
        f"/inspections/{r['reinspection'].pk}/",
        f"/inspections/{r['reinspection'].pk}/record/",
        f"/inspections/{r['adhoc'].pk}/",
        "/inspections/reports/",
        f"/inspections/reports/{r['report'].pk}/",
        f"/inspections/reports/{r['open_report'].pk}/",
    ]
    if role == "city":
        pages += [
            "/inspections/plans/new/",
            f"/inspections/plans/{r['plan'].pk}/edit/",
            f"/inspections/plans/{r['plan'].pk}/lines/new/",
            "/inspections/new/",
        ]
    return pages


@pytest.mark.parametrize("role", ["public", "codo", "city"])
def test_the_inspection_pages_have_no_serious_accessibility_violation(
    live_server, browser, records, role
):
    assert AXE.exists(), "axe-core is missing: npm ci"
    context = browser.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900}, locale="vi-VN", bypass_csp=True
    )
    page = context.new_page()
    if role != "public":
        sign_in(page, live_server.url, role, PASSWORD)
    try:
        report = scan(page, live_server.url, pages_of(role, records))
    finally:
        context.close()
    assert not report, "\n".join(report)


def test_a_member_of_the_public_reports_a_problem(live_server, page, records):
    """From the catalogue page to the thank-you page with its reference."""
    product = records["product"]
    page.goto(f"{live_server.url}/catalogue/{product.pk}/")
    page.get_by_role("link", name="Báo cáo vấn đề về sản phẩm này").click()
    page.get_by_label("Chất lượng sản phẩm").check()
    page.get_by_label("Nội dung phản ánh").fill("Hũ mật ong bị lên men, mua tại chợ.")
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_selector("#reference")
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("PA-")
    from inspections.models import PublicReport

    assert PublicReport.objects.filter(reference=reference).exists()
