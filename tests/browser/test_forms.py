"""Work never lost (static/js/forms.js): leaving a form with changes asks first, its own
submit does not; after a failed submit the first field in error has the focus; an
irreversible step's button waits for its confirmation."""

import pytest

from accounts.models import User
from budgets.models import Measure
from tests.conftest import officer_of
from tests.factories import UserFactory
from tests.test_budgets import PlanFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_leaving_a_changed_form_asks_first_and_its_own_submit_does_not(live_server, page, can_tho):
    officer_of("925", username="codo")
    sign_in(page, live_server.url, "codo")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.goto(f"{live_server.url}/producers/new/")
    assert page.locator("main form[method=post]").get_attribute("data-warn-unsaved") == ""
    # Untouched: leaving asks nothing.
    page.get_by_role("link", name="Trang chủ").first.click()
    page.wait_for_url(f"{live_server.url}/")
    assert dialogs == []

    page.goto(f"{live_server.url}/producers/new/")
    page.get_by_label("Tên chủ thể").fill("Hợp tác xã Chưa Lưu")
    page.get_by_role("link", name="Trang chủ").first.click()
    page.wait_for_url(f"{live_server.url}/")
    assert dialogs == ["beforeunload"]

    # A failed submit: no question on the way, the first field in error has the focus, and
    # the form shown again counts as unsaved.
    page.goto(f"{live_server.url}/producers/new/")
    page.get_by_label("Tên chủ thể").fill("Hợp tác xã Thiếu Tin")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert dialogs == ["beforeunload"]
    focused = page.evaluate("document.activeElement.className")
    assert "is-invalid" in focused
    first_invalid = page.evaluate("document.querySelector('main .is-invalid').id")
    assert page.evaluate("document.activeElement.id") == first_invalid
    page.get_by_role("link", name="Trang chủ").first.click()
    page.wait_for_url(f"{live_server.url}/")
    assert dialogs == ["beforeunload", "beforeunload"]


def test_approving_a_plan_waits_for_the_confirmation(live_server, page, can_tho):
    UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    plan = PlanFactory(year=2026)
    TargetFactory(plan=plan, indicator=Measure.TOURISM_VILLAGES, value=1)
    sign_in(page, live_server.url, "city")
    page.goto(f"{live_server.url}/plans/2026/")
    page.get_by_role("button", name="Phê duyệt kế hoạch…").click()
    # The form slides open: a tick given while it is still moving may land beside the box.
    page.locator("#approve-plan.collapse.show").wait_for()
    form = page.locator("form[data-confirm]")
    form.wait_for(state="visible")
    assert "giá trị đã phê duyệt được giữ làm số gốc" in form.inner_text()
    button = form.get_by_role("button", name="Phê duyệt kế hoạch")
    assert button.is_disabled()
    form.get_by_label("Tôi đã đọc và xác nhận thực hiện").check()
    assert button.is_enabled()
    button.click()
    page.wait_for_load_state()
    assert "Đã phê duyệt" in page.locator("main").inner_text()
    plan.refresh_from_db()
    assert plan.is_approved
