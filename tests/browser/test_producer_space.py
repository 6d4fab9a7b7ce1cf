"""The producer's space and its invitation in Chromium with axe-core (WCAG 2.1 A and AA), at 1366
and 360 px: no serious or critical violation, no page wider than the phone; and the invited
person's journey on a phone, from the e-mail's link to the space."""

import re
from datetime import date

import pytest
from django.core import mail

from accounts.models import User
from producer_space import services
from tests.browser.test_accessibility import AXE, WIDTHS, scan
from tests.conftest import officer_of
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


@pytest.fixture
def records(can_tho, co_do, settings):
    settings.PORTAL_URL = ""
    officer = officer_of("925", username="codo", full_name="Lê Văn Cờ Đỏ")
    producer = ProducerFactory(
        name="Hợp tác xã nông nghiệp dịch vụ có tên rất dài Thới Hưng Cờ Đỏ", area=co_do
    )
    for n in range(2):
        product = ProductFactory(
            producer=producer, name=f"Gạo thơm đặc sản có tên khá dài để thử màn hình nhỏ {n}"
        )
        CertificateFactory(product=product, decision_date=date(2024, 4, 12 + n))
    ProductFactory(producer=producer, name="Bánh phồng chưa có chứng nhận")
    account = UserFactory(username="chuthe", role=User.Role.PRODUCER, producer=producer)
    services.invite(
        producer=producer,
        email="nguoi.moi@example.com",
        full_name="Người Được Mời",
        by=officer,
        base_url="http://testserver",
    )
    token = re.search(r"/producer/invitation/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)
    return {"producer": producer, "account": account, "token": token}


def sign_in(page, base_url: str, username: str, lands_on: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}{lands_on}")


@pytest.mark.parametrize("role", ["public", "chuthe", "codo"])
def test_the_space_and_its_accounts_have_no_serious_accessibility_violation(
    live_server, browser, records, role
):
    assert AXE.exists(), "axe-core is missing: npm ci"
    context = browser.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900}, locale="vi-VN", bypass_csp=True
    )
    page = context.new_page()
    producer = records["producer"]
    if role == "public":
        paths = [f"/producer/invitation/{records['token']}/"]
    elif role == "chuthe":
        sign_in(page, live_server.url, "chuthe", "/producer/")
        product = producer.products.order_by("pk").first()
        paths = [
            "/producer/",
            "/producer/products/",
            "/producer/certificates/",
            "/producer/labels/",
            f"/producer/labels/?product={product.pk}&copies=6",
        ]
    else:
        sign_in(page, live_server.url, "codo", "/")
        paths = [f"/producers/{producer.pk}/", f"/producer/producers/{producer.pk}/invite/"]
    try:
        report = scan(page, live_server.url, paths)
    finally:
        context.close()
    assert not report, "\n".join(report)


def test_the_invited_person_opens_the_account_on_a_phone(live_server, page, records):
    page.goto(f"{live_server.url}/producer/invitation/{records['token']}/")
    assert page.get_by_label("Tên đăng nhập").input_value() == "nguoi.moi"
    page.get_by_label("Điện thoại").fill("0292 3821 234")
    page.locator("#id_password1").fill("lua-thom-co-do-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("lua-thom-co-do-2026")
    page.get_by_role("button", name="Mở tài khoản và đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/producer/")
    assert page.get_by_role("heading", name="Việc cần làm tiếp theo").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert User.objects.get(username="nguoi.moi").producer == records["producer"]
    # The same link again: gone.
    page.context.clear_cookies()
    response = page.goto(f"{live_server.url}/producer/invitation/{records['token']}/")
    assert response.status == 410
