"""The revocation pages in Chromium with axe-core (WCAG 2.1 A and AA), at 1366 and 360 px: no
serious or critical violation, no page wider than the phone; the decision's confirmation must
be ticked before its button works."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from products import revocations
from products.catalogue_views import catalogue_url
from tests.browser.test_accessibility import AXE, RUN_AXE, WIDTHS
from tests.conftest import district
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


@pytest.fixture
def world(can_tho):
    today = timezone.localdate()
    area = district("916")
    proposer = UserFactory(username="de-nghi", role=User.Role.CITY, areas=[can_tho])
    decider = UserFactory(username="quyet-dinh", role=User.Role.CITY, areas=[can_tho])

    def certified(name):
        producer = ProducerFactory(area=area, name=f"Hợp tác xã {name}")
        product = ProductFactory(producer=producer, name=name)
        return CertificateFactory(product=product, decision_date=today - timedelta(days=400))

    def propose(certificate, **changes):
        values = {
            "ground": "d",
            "concluded_on": today - timedelta(days=3),
            "concluded_by": "Đoàn kiểm tra liên ngành",
            "findings": "Dùng nhãn OCOP sai quy định.",
            **changes,
        }
        return revocations.propose(certificate=certificate, by=proposer, **values)

    waiting = propose(certified("Bánh pía chờ quyết định"))
    propose(certified("Trà quá hạn"), ground="b", concluded_on=today - timedelta(days=20))
    decided = propose(certified("Mắm đã thu hồi"), ground="c")
    revocations.decide(
        revocation=decided, decision_number="125/QĐ-UBND", decision_date=today, by=decider
    )
    return {
        "decider": decider,
        "waiting": waiting,
        "decided": decided,
        "free": certified("Khô cá còn hiệu lực"),
    }


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def check(page, base_url: str, paths: dict[str, int]) -> list[str]:
    report = []
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 780})
        for path, status in paths.items():
            response = page.goto(base_url + path)
            assert response.status == status, f"{path}: {response.status}"
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            page.add_script_tag(path=str(AXE))
            if violations := page.evaluate(RUN_AXE):
                report.append(f"{label} {path}: {violations}")
            if width == WIDTHS["phone"]:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    report.append(f"{path}: {scroll} px wide on a 360 px phone")
    return report


def test_the_revocation_pages_are_accessible(live_server, browser, world):
    assert AXE.exists(), "axe-core is missing: npm ci"
    context = browser.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900}, locale="vi-VN", bypass_csp=True
    )
    page = context.new_page()
    try:
        public = check(
            page, live_server.url, {catalogue_url(world["decided"].certificate.product): 410}
        )
        sign_in(page, live_server.url, "quyet-dinh")
        waiting, free = world["waiting"], world["free"]
        report = check(
            page,
            live_server.url,
            {
                "/products/revocations/": 200,
                waiting.get_absolute_url(): 200,
                world["decided"].get_absolute_url(): 200,
                f"/products/certificates/{free.pk}/revoke/": 200,
                free.product.get_absolute_url(): 200,
                "/products/": 200,
            },
        )
    finally:
        context.close()
    assert not public + report, "\n".join(public + report)


def test_the_decision_waits_for_its_confirmation(live_server, browser, world):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "quyet-dinh")
        page.goto(live_server.url + world["waiting"].get_absolute_url())
        page.get_by_text("Ghi quyết định thu hồi").first.click()
        page.get_by_label("Số quyết định thu hồi").fill("130/QĐ-UBND")
        decide = page.locator("#decide button[type=submit]")
        assert decide.is_disabled()
        page.get_by_label("Tôi đã đọc và xác nhận thực hiện").check()
        assert decide.is_enabled()
        decide.click()
        page.wait_for_load_state()
        assert "Đã ghi quyết định thu hồi" in page.content()
    finally:
        context.close()
    world["waiting"].refresh_from_db()
    assert world["waiting"].decision_number == "130/QĐ-UBND"
