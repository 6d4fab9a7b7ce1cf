"""Acceptance journey in Chromium, from registration to the public catalogue, as the users see
it: a Cờ Đỏ officer registers a producer and a product and has it scored, the city returns it
with a comment, the officer corrects it, the city recognises it; the dashboard and catalogue
count it, and an officer of Ninh Kiều cannot reach any of it.

Each step leaves a full-page screenshot in test-artifacts/journeys/ (kept by CI)."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from evaluations.criteria import load_criteria_sets
from evaluations.models import Evaluation
from tests.browser.conftest import ARTIFACTS
from tests.conftest import officer_of
from tests.factories import UserFactory
from tests.test_evaluations_support import make_round, planned_choices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
PRODUCER = "Hợp tác xã Mãng cầu Thới Hưng"
PRODUCT = "Trà mãng cầu Thới Hưng"
DECISION = "905/QĐ-UBND"
RETURN_REASON = "Phiếu của Thành viên 2 chấm thiếu minh chứng tiêu chí 1; hãy chấm lại."


class Journey:
    """The page, the server's address and numbered screenshots of each step."""

    def __init__(self, page, base_url):
        self.page, self.url, self.step = page, base_url, 0
        self.folder = ARTIFACTS / "journeys"
        self.folder.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str) -> None:
        self.step += 1
        width = self.page.viewport_size["width"]
        overflow = self.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{name}: the page is {overflow}px wide on a {width}px screen"
        self.page.screenshot(path=str(self.folder / f"{self.step:02d}-{name}.png"), full_page=True)

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def sign_in(self, username: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{self.url}/")

    def fill_sheet(self, evaluation, member: str, total: int, seed: int, one_by_one=False):
        """Score a member's sheet. One click per criterion as a user does, or (to keep the
        journey short) the same clicks sent by the page's DOM in one go; either way the page's
        script adds up the total that is checked before saving."""
        page = self.page
        page.get_by_role("link", name=member, exact=True).click()
        page.wait_for_url(re.compile(r"/sheets/\d+/$"))
        plan = planned_choices(evaluation, Decimal(total), stars=4, seed=seed)
        options = [f"#c{criterion}-{option}" for criterion, option in plan.items()]
        if one_by_one:
            for option in options:
                page.locator(option).check()
        else:
            page.evaluate("ids => ids.forEach(id => document.querySelector(id).click())", options)
        summary = page.locator(".sheet-summary")
        assert summary.locator("[data-sheet-total]").inner_text() == str(total)
        summary.get_by_role("button", name="Lưu, về hồ sơ").click()
        page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
        assert f"Đã lưu phiếu chấm của {member}" in self.main()

    def act(self, action: str, **fields) -> None:
        """Open an action of the evaluation page, fill its form and send it."""
        page = self.page
        page.locator("#actions summary", has_text=action).first.click()
        form = page.locator("#actions form").filter(has=page.get_by_role("button", name=action))
        for label, value in fields.items():
            form.get_by_label(label).fill(value)
        confirm = form.locator("[data-confirm-check]")
        if confirm.count():  # an irreversible step: its summary is read and confirmed
            assert form.get_by_role("button", name=action).is_disabled()
            confirm.check()
        form.get_by_role("button", name=action).click()
        page.wait_for_url(re.compile(r"/evaluations/\d+/$"))


@pytest.fixture
def people(can_tho):
    load_criteria_sets()
    officer_of("925", username="codo", full_name="Lê Văn Cờ Đỏ")
    officer_of("916", username="ninhkieu", full_name="Trần Thị Ninh Kiều")
    UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    return make_round(members=3)


def test_a_product_from_registration_to_the_catalogue(live_server, page, browser, people):
    round_ = people
    today = timezone.localdate()
    journey = Journey(page, live_server.url)

    # The Cờ Đỏ officer registers the producer, then its product (phone, 360 px wide).
    journey.sign_in("codo")
    page.goto(f"{live_server.url}/producers/new/")
    page.get_by_label("Loại hình").select_option(label="Hợp tác xã")
    page.get_by_label("Tên chủ thể").fill(PRODUCER)
    page.get_by_label("Người đại diện theo pháp luật").fill("Trần Văn Năm")
    page.get_by_label("Địa bàn").select_option(label="Xã Thới Hưng, Thành phố Cần Thơ")
    page.get_by_label("Mã số thuế / số đăng ký kinh doanh").fill("1801999888")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/producers/\d+/$"))
    producer_url = page.url
    assert "Đã đăng ký chủ thể" in journey.main()
    journey.shot("producer-registered")

    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.wait_for_url(re.compile(r"/products/new/"))
    page.get_by_label("Tên sản phẩm").fill(PRODUCT)
    page.get_by_label("Bộ sản phẩm").select_option(label="I.5.b Sản phẩm chè từ thực vật khác")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    product_url = page.url
    product_pk = int(re.search(r"/products/(\d+)/$", product_url).group(1))
    assert "Đã đăng ký sản phẩm" in journey.main()
    journey.shot("product-registered")

    # The evaluation in the open round, and every member's score sheet.
    page.goto(f"{live_server.url}/evaluations/new/?product={product_pk}")
    page.get_by_label("Đợt đánh giá").select_option(label=round_.title)
    # Received when the round opened, under 1489/QĐ-TTg: the district's officer scores it.
    page.get_by_label("Ngày tiếp nhận hồ sơ").fill(round_.opens_on.isoformat())
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    evaluation_url = page.url
    assert "với 3 phiếu chấm" in journey.main()
    journey.shot("evaluation-created")
    evaluation = Evaluation.objects.get(product_id=product_pk)
    for index, total in enumerate([80, 76, 78], start=1):
        journey.fill_sheet(
            evaluation, f"Thành viên {index}", total, seed=index, one_by_one=index == 1
        )
    assert "78,00" in journey.main()  # the average
    journey.shot("sheets-filled")
    page.get_by_role("button", name="Gửi thẩm định").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    assert "Đã gửi hồ sơ đi thẩm định." in journey.main()
    journey.shot("submitted")

    # The city reviewer returns it with a comment.
    journey.sign_in("city")
    page.goto(evaluation_url)
    journey.act("Trả lại hồ sơ", **{"Lý do trả lại": RETURN_REASON})
    assert "Đã trả lại hồ sơ cho cán bộ địa phương." in journey.main()
    journey.shot("returned-by-city")

    # The officer reads the comment, scores sheet 2 again and sends it back.
    journey.sign_in("codo")
    page.goto(evaluation_url)
    assert RETURN_REASON in journey.main()
    journey.shot("officer-sees-comment")
    journey.fill_sheet(evaluation, "Thành viên 2", 82, seed=7)
    assert "80,00" in journey.main()  # (80 + 82 + 78) / 3
    journey.act("Gửi lại", **{"Ý kiến": "Đã chấm lại phiếu Thành viên 2."})
    assert "Đã gửi lại hồ sơ." in journey.main()
    journey.shot("resubmitted")

    # The city recognises it.
    journey.sign_in("city")
    page.goto(evaluation_url)
    journey.act(
        "Công nhận",
        **{
            "Số quyết định": DECISION,
            "Ngày quyết định": today.isoformat(),
            "Người ký": "Phó Chủ tịch UBND thành phố",
        },
    )
    main = journey.main()
    assert "Đã công nhận và cấp giấy chứng nhận." in main and DECISION in main
    journey.shot("recognised")

    # The city's dashboard, on a desktop screen, counts the new certificate.
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        wide = Journey(desktop.new_page(), live_server.url)
        wide.step = journey.step
        wide.sign_in("city")
        wide.page.goto(f"{live_server.url}/dashboard/?year={today.year}")
        for label in ["Sản phẩm OCOP còn hiệu lực", "Sản phẩm công nhận mới"]:
            card = wide.page.locator(".stat-card", has_text=label).first
            assert card.locator(".stat-value").inner_text().strip() == "1", label
        assert "0 × 5★ · 1 × 4★ · 0 × 3★" in wide.main()
        wide.shot("dashboard-desktop")
        journey.step = wide.step
    finally:
        desktop.close()

    # The public catalogue lists it with its stars, for anyone.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/catalogue/")
    item = page.locator("main").get_by_text(PRODUCT).first
    assert item.is_visible()
    main = journey.main()
    assert "★★★★" in main
    journey.shot("public-catalogue")

    # An officer of Ninh Kiều reaches none of it, by address, in lists or by search.
    journey.sign_in("ninhkieu")
    for url in [producer_url, product_url, evaluation_url]:
        assert page.goto(url).status == 404, url
    journey.shot("other-district-404")
    for path in [
        "/producers/?q=mang+cau",
        "/products/?q=mang+cau",
        "/products/",
        "/evaluations/",
        "/evaluations/all/",
    ]:
        page.goto(f"{live_server.url}{path}")
        main = journey.main()
        assert PRODUCT not in main and PRODUCER not in main, path
    journey.shot("other-district-lists")
