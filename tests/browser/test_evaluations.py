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
from tests.test_evaluations_support import (
    make_round,
    office,
    planned_choices,
    secretary,
    to_council,
)

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
    page.get_by_role("combobox", name="Sản phẩm").select_option(
        label=f"{product.name} — {product.producer.name}"
    )
    page.get_by_label("Đợt đánh giá").select_option(label=round_.title)
    # Received when the round opened, under 1489/QĐ-TTg: the district's officer scores it.
    page.get_by_label("Ngày tiếp nhận hồ sơ").fill(round_.opens_on.isoformat())
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    evaluation = Evaluation.objects.get(product=product)
    assert evaluation.criteria_set.legal_basis_id == "1489/QĐ-TTg"
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
    assert "hiện ngay trên danh mục công khai" in form.locator(".confirm-summary").inner_text()
    assert form.get_by_role("button", name="Công nhận").is_disabled()
    form.locator("[data-confirm-check]").check()
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


def test_a_fresh_fruit_sheet_on_a_phone_shows_the_missing_4_star_minimum(
    live_server, page, can_tho
):
    """Set 1 of 26/2026 (Rau, củ, quả, hạt tươi) filled in on a 360 px phone: 75 points, but
    the label (2.3) lacks the electronic traceability code that 4★ requires."""
    from evaluations.scoring import SheetStructure
    from tests.factories import category_26
    from tests.test_evaluations_minimums import choose

    load_criteria_sets()
    officer = officer_of("925", username="codo")
    co_do = officer.areas.get(code="925")
    product = ProductFactory(
        producer=ProducerFactory(area=co_do),
        name="Bưởi năm roi Thới Lai",
        category=category_26("I.1.a"),
    )
    evaluation = services.evaluation_create(
        product=product, round=make_round("26/2026/QĐ-TTg", members=1), kind="new", by=officer
    )
    assert evaluation.criteria_set.code == "qd-26-2026-bo-01"
    # Under 26/2026 the province's council scores, once the Tổ tư vấn has reviewed the dossier;
    # its secretary enters the sheet.
    evaluation = to_council(evaluation, officer=officer, office=office())
    secretary()
    structure = SheetStructure.load(evaluation.criteria_set)
    plan = choose(structure, 75, fixed={"2.3": 1})

    sign_in(page, live_server.url, "thuky")
    page.goto(f"{live_server.url}{evaluation.sheets.get().get_absolute_url()}")
    assert "Bộ 1. Rau, củ, quả, hạt tươi" in page.locator("main").inner_text()
    for criterion_id, option_id in plan.items():
        page.locator(f"#c{criterion_id}-{option_id}").check()
    summary = page.locator(".sheet-summary")
    assert summary.locator("[data-sheet-total]").inner_text() == "75"
    assert summary.locator("[data-star-preview] .stars").inner_text() == "★★★"
    missing = summary.locator("[data-missing]")
    assert missing.is_visible()
    assert "4★ cần tiêu chí 2.3 ≥ 3 điểm — phiếu này: 1 điểm" in missing.inner_text()
    # The phone shows the page without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    summary.get_by_role("button", name="Lưu, về hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    main = page.locator("main").inner_text()
    assert "4★ cần tiêu chí 2.3 ≥ 3 điểm — hội đồng: 1 điểm" in main
    assert "Điểm đạt hạng 4 sao nhưng chỉ xếp 3 sao" in main
