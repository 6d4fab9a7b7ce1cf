"""Under the Content-Security-Policy (no inline script or style) the main pages load without a
single violation in Chromium: nothing the pages need is blocked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from evaluations import services
from evaluations.criteria import load_criteria_sets
from products.models import Certificate
from tests.conftest import officer_of
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory
from tests.test_evaluations_support import make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


def violations_on(page, url: str) -> list[str]:
    messages: list[str] = []

    def listen(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            messages.append(text)

    page.on("console", listen)
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("console", listen)
    assert response.status == 200, f"{url}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return messages


def sign_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_main_pages_log_no_csp_violation(live_server, page, can_tho):
    load_criteria_sets()
    officer = officer_of("925", username="codo")
    UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    UserFactory(username="root", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    co_do = officer.areas.get(code="925")
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Trà mãng cầu Thới Hưng")
    CertificateFactory(
        product=product, stars=4, decision_date=timezone.localdate() - timedelta(days=30)
    )
    evaluation = services.evaluation_create(
        product=product, round=make_round(members=2), kind=Certificate.Kind.UPGRADE, by=officer
    )
    sheet = evaluation.sheets.order_by("member__order").first()
    base = live_server.url

    public = ["/", "/accounts/login/", "/catalogue/", f"/catalogue/{product.pk}/"]
    found = {path: violations_on(page, base + path) for path in public}

    sign_in(page, base, "codo")
    for path in [
        "/products/",
        f"/products/{product.pk}/",
        f"/evaluations/{evaluation.pk}/",
        f"/evaluations/{evaluation.pk}/sheets/{sheet.pk}/",
    ]:
        found[path] = violations_on(page, base + path)

    sign_in(page, base, "city")
    found["/dashboard/"] = violations_on(page, base + "/dashboard/")

    sign_in(page, base, "root")
    admin = ["/admin/", "/admin/products/product/", f"/admin/products/product/{product.pk}/change/"]
    for path in admin:
        found[path] = violations_on(page, base + path)

    assert not {path: messages for path, messages in found.items() if messages}


def test_the_score_sheet_script_runs_under_the_policy(live_server, page, can_tho):
    """The one script of the portal's own (static/js/score-sheet.js) is allowed and works."""
    load_criteria_sets()
    officer = officer_of("925", username="codo")
    product = ProductFactory(producer=ProducerFactory(area=officer.areas.get(code="925")))
    evaluation = services.evaluation_create(
        product=product, round=make_round(members=1), kind="new", by=officer
    )
    sheet = evaluation.sheets.get()
    sign_in(page, live_server.url, "codo")
    url = f"{live_server.url}/evaluations/{evaluation.pk}/sheets/{sheet.pk}/"
    assert not violations_on(page, url)
    page.locator("input[type=radio]").first.check()
    assert page.locator(".sheet-summary [data-answered]").inner_text() == "1"


def test_the_menus_to_do_count_is_fetched_when_stale(live_server, page, can_tho):
    """A page built while the user's to-do counts were stale shows the menu's entry without a
    number; static/js/todo.js asks for it under the policy and shows it, named for screen
    readers."""
    officer = officer_of("925", username="codo")
    co_do = officer.areas.get(code="925")
    sign_in(page, live_server.url, "codo")
    assert page.locator(".todo-count").count() == 0  # nothing to do yet
    # A certificate of the officer's area about to expire: the kept count is stale.
    certificate = CertificateFactory(product__producer=ProducerFactory(area=co_do))
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + timedelta(days=30)
    )
    assert not violations_on(page, f"{live_server.url}/areas/")
    # (In the phone's folded menu: there, but not shown until the menu opens.)
    page.locator(".todo-link .todo-count").wait_for(state="attached")
    name = " ".join(page.locator(".todo-link").text_content().split())
    assert name == "Việc cần làm : 1 việc đang chờ"
