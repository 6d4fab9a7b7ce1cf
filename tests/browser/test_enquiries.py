"""The buyers' enquiry pages in Chromium with axe-core (WCAG 2.1 A and AA), at 1366 and 360 px:
no serious or critical violation, no page wider than the phone; and a buyer's way from the
catalogue page to the thank-you page."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import User
from enquiries import services
from enquiries.models import Enquiry
from tests.browser.test_accessibility import AXE, WIDTHS, scan, sign_in
from tests.conftest import officer_of
from tests.factories import CertificateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


@pytest.fixture
def records(can_tho, co_do):
    """A product of Cờ Đỏ with an answered enquiry and a new one; its producer's account, the
    commune's officer and the city."""
    UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    officer_of("925", username="codo")
    product = CertificateFactory(
        product__name="Mật ong hoa tràm có tên khá dài để thử màn hình nhỏ của điện thoại",
        product__producer__area=co_do,
        decision_date=date(timezone.localdate().year - 1, 3, 15),
    ).product
    owner = UserFactory(username="chuthe", role=User.Role.PRODUCER, producer=product.producer)
    values = {
        "product": product,
        "kind": "hotel",
        "message": "Cần 200 hũ mỗi tháng cho quầy đặc sản, giao tại Ninh Kiều.",
        "contact_name": "Trần Thị Hồng, phụ trách mua hàng",
        "phone": "0292 3812 345",
        "email": "muahang.khachsan.song.hau@example.vn",
        "quantity": "200 hũ/tháng",
    }
    answered = services.submit(organisation="Khách sạn Sông Hậu Riverside", **values)
    services.answer(owner, answered, "Đã gửi báo giá, giao hàng ngày 1 và 15 hằng tháng.")
    waiting = services.submit(organisation="Chuỗi siêu thị Tây Đô", **values)
    return {"product": product, "answered": answered, "waiting": waiting}


def pages_of(role: str, r: dict) -> list[str]:
    if role == "public":
        return [f"/catalogue/{r['product'].pk}/lien-he/"]
    pages = [
        "/enquiries/",
        f"/enquiries/{r['answered'].pk}/",
        f"/enquiries/{r['waiting'].pk}/",
    ]
    if role != "chuthe":
        pages.append("/enquiries/summary/")
    return pages


@pytest.mark.parametrize("role", ["public", "chuthe", "codo", "city"])
def test_the_enquiry_pages_have_no_serious_accessibility_violation(
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


def test_a_buyer_asks_to_be_connected(live_server, page, records):
    """From the catalogue page to the thank-you page that says who answers."""
    product = records["product"]
    page.goto(f"{live_server.url}/catalogue/{product.pk}/")
    # The button at the top of the page, under the product's name (one step for a buyer).
    page.locator("header").get_by_role("link", name="Liên hệ kết nối tiêu thụ").click()
    page.get_by_label("Tên đơn vị mua hàng").fill("Nhà hàng Bến Ninh Kiều")
    page.get_by_label("Khách sạn, nhà hàng").check()
    page.get_by_label("Nội dung yêu cầu").fill("Cần mật ong cho món tráng miệng.")
    page.get_by_label("Người liên hệ").fill("Lê Văn Bếp")
    page.get_by_label("Thư điện tử").fill("bep@nhahang.example")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_selector("#reference")
    reference = page.locator("#reference").inner_text()
    assert "Chủ thể sẽ liên hệ lại với quý khách" in page.locator("#who-answers").inner_text()
    enquiry = Enquiry.objects.get(reference=reference)
    assert (enquiry.organisation, enquiry.email) == (
        "Nhà hàng Bến Ninh Kiều",
        "bep@nhahang.example",
    )
