import re

import pytest

from tests.conftest import officer_of
from tests.factories import ProducerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_officer_registers_a_producer_and_a_product_and_cannot_reach_another_district(
    live_server, page, can_tho
):
    officer_of("925", username="codo")
    other = ProducerFactory(
        name="Hộ kinh doanh Bánh Ninh Kiều", area=can_tho.children.get(code="916")
    )
    sign_in(page, live_server.url, "codo")

    page.goto(f"{live_server.url}/producers/new/")
    page.get_by_label("Loại hình").select_option(label="Hợp tác xã")
    page.get_by_label("Tên chủ thể").fill("Hợp tác xã Mãng cầu Thới Hưng")
    page.get_by_label("Người đại diện theo pháp luật").fill("Trần Văn Năm")
    page.get_by_label("Địa bàn").select_option(label="Xã Thới Hưng, Thành phố Cần Thơ")
    page.get_by_label("Mã số thuế / số đăng ký kinh doanh").fill("18-sai")
    page.get_by_role("button", name="Lưu").click()
    # A bad value is explained next to its field, and what was typed is still there.
    assert "Mã số thuế gồm 10 chữ số" in page.locator("main").inner_text()
    assert page.get_by_label("Tên chủ thể").input_value() == "Hợp tác xã Mãng cầu Thới Hưng"
    page.get_by_label("Mã số thuế / số đăng ký kinh doanh").fill("1801999888")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/producers/\d+/$"))
    assert "Đã đăng ký chủ thể" in page.locator("main").inner_text()

    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.get_by_label("Tên sản phẩm").fill("Trà mãng cầu Thới Hưng")
    page.get_by_label("Bộ sản phẩm").select_option(label="I.5.b Sản phẩm chè từ thực vật khác")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    main = page.locator("main").inner_text()
    assert "Đã đăng ký sản phẩm" in main
    assert "Chưa có chứng nhận" in main

    page.goto(f"{live_server.url}/products/?q=tra+mang+cau")
    assert "Trà mãng cầu Thới Hưng" in page.locator("main").inner_text()

    response = page.goto(f"{live_server.url}/producers/{other.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/producers/")
    assert "Bánh Ninh Kiều" not in page.locator("main").inner_text()
