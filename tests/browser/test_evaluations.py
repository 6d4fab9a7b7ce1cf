import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from evaluations import services
from evaluations.criteria import load_criteria_sets
from evaluations.models import Evaluation
from products.models import add_months
from tests.conftest import officer_of
from tests.factories import ProducerFactory, ProductFactory, UserFactory
from tests.test_evaluations_support import make_round, planned_choices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"


def sign_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def test_an_officer_scores_and_submits_and_the_city_recognises(live_server, page, can_tho):
    load_criteria_sets()
    officer = officer_of("925", username="codo")
    UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    co_do = officer.areas.get(code="925")
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Trà mãng cầu Thới Hưng")
    round_ = make_round(members=2)

    # The Cờ Đỏ officer opens the evaluation and fills the chair's sheet.
    sign_in(page, live_server.url, "codo")
    page.goto(f"{live_server.url}/evaluations/")
    page.get_by_role("link", name="Lập hồ sơ đánh giá").click()
    page.get_by_label("Sản phẩm").select_option(label=f"{product.name} — {product.producer.name}")
    page.get_by_label("Đợt đánh giá").select_option(label=round_.title)
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    evaluation = Evaluation.objects.get(product=product)
    _first, second = evaluation.sheets.order_by("member__order")
    # The secretary's sheet was entered earlier: 78 points.
    services.sheet_save(
        sheet=second,
        by=officer,
        choices=planned_choices(evaluation, Decimal(78), stars=4, seed=2),
        version=second.version,
    )

    page.get_by_role("link", name="Thành viên 1").click()
    page.wait_for_url(re.compile(r"/sheets/\d+/$"))
    summary = page.locator(".sheet-summary")
    assert summary.locator("[data-sheet-total]").inner_text() == "0"
    for criterion_id, option_id in planned_choices(evaluation, Decimal(80), stars=4).items():
        page.locator(f"#c{criterion_id}-{option_id}").check()
    # Running totals and the star preview follow the clicks (static/js/score-sheet.js).
    assert summary.locator("[data-sheet-total]").inner_text() == "80"
    assert summary.locator("[data-star-preview] .stars").inner_text() == "★★★★"
    assert (
        summary.locator("[data-answered]").inner_text()
        == summary.locator("[data-criteria-count]").inner_text()
    )
    summary.get_by_role("button", name="Lưu, về hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    main = page.locator("main").inner_text()
    assert "Đã lưu phiếu chấm của Thành viên 1" in main
    assert "79,00" in main  # the average of 80 and 78

    page.get_by_role("button", name="Gửi thẩm định").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    assert "Đã gửi hồ sơ đi thẩm định." in page.locator("main").inner_text()

    # The city reviewer recognises it with a decision number.
    sign_in(page, live_server.url, "city")
    page.goto(f"{live_server.url}/evaluations/")
    page.get_by_role("link", name="Trà mãng cầu Thới Hưng").click()
    page.locator("summary", has_text="Công nhận").first.click()
    form = page.locator("form[action$='/recognise/']")
    decided = timezone.localdate() - timedelta(days=1)
    form.get_by_label("Số quyết định").fill("812/QĐ-UBND")
    form.get_by_label("Ngày quyết định").fill(decided.isoformat())
    form.get_by_label("Người ký").fill("Phó Chủ tịch UBND thành phố")
    form.get_by_role("button", name="Công nhận").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    main = page.locator("main").inner_text()
    assert "Đã công nhận và cấp giấy chứng nhận." in main
    assert "812/QĐ-UBND" in main

    # The product now shows its stars and its certificate's expiry date.
    page.get_by_role("link", name="Trang sản phẩm").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    main = page.locator("main").inner_text()
    valid_until = add_months(decided, 36) - timedelta(days=1)
    assert "★★★★" in main and "4 sao" in main
    assert valid_until.strftime("%d/%m/%Y") in main
    assert "812/QĐ-UBND" in main
