import pytest

from tests.conftest import officer_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_on_a_phone_and_sees_their_own_district(live_server, page, can_tho):
    officer_of("925", username="codo", full_name="Lê Văn Cờ Đỏ")

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Đăng nhập dành cho cán bộ").click()
    page.get_by_label("Tên đăng nhập").fill("codo")
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem-1")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(f"{live_server.url}/")
    main = page.locator("main")
    assert "Đăng nhập thành công" in main.inner_text()
    assert "Huyện Cờ Đỏ" in main.inner_text()
    assert "Quận Ninh Kiều" not in main.inner_text()
    # Usable at phone width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
