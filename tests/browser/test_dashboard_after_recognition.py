"""The dashboard's "Sau công nhận" in Chromium with axe-core: its cards and tables, with figures
in every table, have no serious or critical violation at 1366 and 360 px, and the page stays
within the phone's width."""

import pytest

from tests.browser.test_accessibility import AXE, scan, sign_in
from tests.test_dashboard_after_recognition import (  # noqa: F401 (fixtures)
    due_2026,
    inspections_2026,
    revocations_2026,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("due_2026", "revocations_2026", "inspections_2026")
def test_the_section_has_no_serious_accessibility_violation(live_server, browser, city_reviewer):
    assert AXE.exists(), "axe-core is missing: npm ci"
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, live_server.url, city_reviewer.username, "mat-khau-thu-nghiem-1")
    try:
        page.goto(f"{live_server.url}/dashboard/?year=2026")
        assert page.locator("#after-recognition table").count() == 6
        report = scan(page, live_server.url, ["/dashboard/?year=2026", "/dashboard/years/"])
    finally:
        context.close()
    assert not report, "\n".join(report)
