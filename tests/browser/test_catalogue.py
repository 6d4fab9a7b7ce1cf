import re
from datetime import timedelta

import pytest
from django.utils import timezone

from areas.models import Area
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, category_148

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_on_a_phone_finds_gao_st25_and_sees_its_qr_code(live_server, page, can_tho):
    today = timezone.localdate()
    producer = ProducerFactory(
        name="Doanh nghiệp tư nhân Hồ Quang Trí",
        area=Area.objects.current().get(name="Xã Tài Văn", parent__code="92"),
    )
    product = ProductFactory(
        producer=producer, name="Gạo ST25 Hồ Quang Trí", category=category_148("I.2.a")
    )
    CertificateFactory(product=product, stars=5, decision_date=today - timedelta(days=100))
    CertificateFactory(product=ProductFactory(name="Trà mãng cầu"), stars=3)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Xem danh mục sản phẩm OCOP").click()
    page.get_by_label("Tìm sản phẩm, chủ thể").fill("gao st25")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"/catalogue/\?q=gao\+st25"))
    assert "Trà mãng cầu" not in page.locator("main").inner_text()

    page.get_by_role("link", name="Gạo ST25 Hồ Quang Trí").click()
    page.wait_for_url(re.compile(rf"/catalogue/{product.pk}-gao-st25-ho-quang-tri/$"))
    assert page.get_by_role("heading", name="Gạo ST25 Hồ Quang Trí").is_visible()
    code = page.get_by_role("img", name="Mã QR dẫn đến trang Gạo ST25 Hồ Quang Trí")
    code.scroll_into_view_if_needed()
    assert code.is_visible()
    assert code.evaluate("image => image.complete && image.naturalWidth > 0")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
