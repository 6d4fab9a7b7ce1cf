"""A 26/2026/QĐ-TTg dossier from the commune to the public catalogue, through the pages only: the
commune files it, fills the producer's self-assessment (Mẫu 02) and its own report (Mẫu 03),
attaches the documents the law requires and forwards it; the Department returns it for the lab
report, the commune adds it and sends it again; the Department accepts it, records the Tổ tư
vấn's findings and sends it to the council, whose secretary enters every sheet and presents the
result; the secretary may not decide it, another officer of the Department recognises it; the
product page shows the certificate and the public catalogue lists the product."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from evaluations.models import Evaluation
from products.models import add_months
from tests.conftest import officer_of
from tests.factories import ProducerFactory, ProductFactory, UserFactory, category_26
from tests.test_evaluations_support import PDF, make_round, planned_choices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-1"
PRODUCT = "Bưởi năm roi Thới Lai"
#: The documents the law requires before the commune forwards a first dossier.
REQUIRED = {
    "phieu-dang-ky": "phieu-dang-ky-mau-01.pdf",
    "bao-cao-tu-danh-gia": "bao-cao-tu-danh-gia-mau-02.pdf",
    "xa-van-ban-de-nghi": "van-ban-de-nghi-ubnd-xa.pdf",
    "xa-bao-cao-mau-03": "bao-cao-mau-03.pdf",
}


def sign_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def next_step(page) -> str:
    return page.locator("#next-step").inner_text()


def act(page, action: str, label: str, **fields) -> None:
    """Open an action's panel on the evaluation page, fill its form and send it."""
    page.locator("#actions summary", has_text=label).click()
    form = page.locator(f"form[action$='/{action}/']")
    for field, value in fields.items():
        form.get_by_label(field).fill(value)
    confirm = form.locator("[data-confirm-check]")
    if confirm.count():  # an irreversible step: its summary is read and confirmed
        assert form.get_by_role("button", name=label).is_disabled()
        confirm.check()
    form.get_by_role("button", name=label).click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))


def upload(page, target: str, name: str) -> None:
    """Attach a small PDF to an item of the dossier on the documents page."""
    form = page.locator("#upload form")
    form.get_by_label("Tài liệu cho").select_option(target)
    form.get_by_label("Tệp").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Tải lên").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/documents/$"))


def test_a_dossier_goes_from_the_commune_to_the_public_catalogue(live_server, page, can_tho):
    base = live_server.url
    today = timezone.localdate()
    officer = officer_of("925", username="codo", full_name="Lê Văn Cờ Đỏ")
    commune = next(
        area
        for area in officer.areas.order_by("code")
        if area.is_current and area.level == area.Level.COMMUNE
    )
    UserFactory(username="vanphong", role=User.Role.CITY, areas=[can_tho], full_name="Văn Phòng")
    UserFactory(username="thuky", role=User.Role.CITY, areas=[can_tho], full_name="Trần Thư Ký")
    product = ProductFactory(
        producer=ProducerFactory(area=commune), name=PRODUCT, category=category_26("I.1.a")
    )
    round_ = make_round("26/2026/QĐ-TTg", members=2)

    # The commune's officer files the dossier the producer brought today, with its 5 samples.
    sign_in(page, base, "codo")
    page.goto(f"{base}/evaluations/new/")
    page.get_by_role("combobox", name="Sản phẩm").select_option(
        label=f"{PRODUCT} — {product.producer.name}"
    )
    page.get_by_label("Đợt đánh giá").select_option(label=round_.title)
    page.get_by_label("Ngày tiếp nhận hồ sơ").fill(today.isoformat())
    page.get_by_label("Số sản phẩm mẫu đã nhận").fill("5")
    page.get_by_role("button", name="Lập hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    evaluation = Evaluation.objects.get(product=product)
    assert evaluation.status == Evaluation.Status.RECEIVED
    assert evaluation.criteria_set.legal_basis_id == "26/2026/QĐ-TTg"
    assert evaluation.samples == 5
    detail = page.url
    assert "Chờ xã đánh giá sơ bộ (Mẫu 03)" in next_step(page)
    assert f"UBND {commune.name}" in next_step(page)
    assert page.locator("#commune-deadline").is_visible()

    # The producer's self-assessment (Mẫu 02): the first criterion at its highest level.
    page.get_by_role("link", name="Báo cáo tự đánh giá (Mẫu 02)").click()
    page.wait_for_url(re.compile(r"/self-assessment/$"))
    first = page.locator(".criterion").first
    level = first.locator("select")
    level.select_option(level.locator("option").last.get_attribute("value"))
    first.locator("textarea").fill("Hợp đồng liên kết vùng nguyên liệu 12 ha.")
    page.get_by_role("button", name="Lưu tự đánh giá").click()
    page.wait_for_url(re.compile(r"/self-assessment/$"))
    assert "1/" in page.locator("main").inner_text()  # one criterion claimed

    # The commune's report (Mẫu 03) and its letter to the province.
    page.goto(f"{detail}preassessment/")
    page.get_by_label("1. Về sử dụng nguyên liệu địa phương").fill("Bưởi trồng tại xã, 12 ha.")
    page.get_by_label("2. Về sử dụng lao động địa phương").fill("15 lao động của xã.")
    page.get_by_label("3. Nguồn gốc ý tưởng sản phẩm").fill("Sản phẩm truyền thống của xã.")
    page.get_by_label("4. Bản sắc/trí tuệ địa phương").fill("Giống bưởi năm roi của vùng.")
    page.get_by_label("Số văn bản đề nghị tỉnh đánh giá, phân hạng").fill("45/UBND-KT")
    page.get_by_label("Ngày ban hành báo cáo (Mẫu 03)").fill(today.isoformat())
    page.get_by_role("button", name="Lưu báo cáo").click()
    page.wait_for_url(re.compile(r"/preassessment/$"))
    assert "Đã lưu báo cáo đánh giá của xã (Mẫu 03)." in page.locator("main").inner_text()

    # Until the documents are attached, the province cannot receive it.
    page.goto(detail)
    forward = page.locator("#actions").get_by_role("button", name="Gửi hồ sơ lên tỉnh")
    assert forward.is_disabled()
    assert "Hồ sơ điện tử còn thiếu" in page.locator("#actions").inner_text()
    page.goto(f"{detail}documents/")
    for code, name in REQUIRED.items():
        upload(page, f"item-{code}", name)
    for code in REQUIRED:
        assert page.locator(f"#item-{code}").get_attribute("data-status") == "satisfied"

    page.goto(detail)
    act(page, "forward", "Gửi hồ sơ lên tỉnh")
    assert "Đã gửi hồ sơ lên tỉnh" in page.locator("main").inner_text()
    assert "Chờ kiểm tra thành phần hồ sơ" in next_step(page)

    # The Department returns it: the lab report is missing.
    sign_in(page, base, "vanphong")
    page.goto(detail)
    page.locator("#actions summary", has_text="Trả lại hồ sơ").click()
    form = page.locator("form[action$='/return/']")
    form.get_by_label("Lý do trả lại").fill("Thiếu phiếu kiểm nghiệm chất lượng sản phẩm.")
    form.get_by_label("Phiếu kết quả kiểm nghiệm chỉ tiêu chất lượng").check()
    form.get_by_role("button", name="Trả lại hồ sơ").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    assert "Chờ bổ sung hồ sơ theo yêu cầu" in next_step(page)

    # The commune sees what to add at the top of the page, adds it and sends the dossier again.
    sign_in(page, base, "codo")
    page.goto(detail)
    assert "Chờ bổ sung hồ sơ theo yêu cầu" in next_step(page)
    assert (
        "Thiếu phiếu kiểm nghiệm chất lượng sản phẩm."
        in page.locator("#return-reason").inner_text()
    )
    requests = page.locator("#document-requests")
    assert "Phiếu kết quả kiểm nghiệm chỉ tiêu chất lượng" in requests.inner_text()
    requests.get_by_role("link", name="Mở hồ sơ điện tử để bổ sung").click()
    page.wait_for_url(re.compile(r"/documents/$"))
    upload(page, "item-phieu-kiem-nghiem", "phieu-kiem-nghiem.pdf")
    assert page.locator("#item-phieu-kiem-nghiem").get_attribute("data-status") == "satisfied"
    assert page.locator("#document-requests").count() == 0
    page.goto(detail)
    act(page, "resubmit", "Gửi lại", **{"Ý kiến": "Đã bổ sung phiếu kiểm nghiệm."})
    assert "Đã gửi lại hồ sơ." in page.locator("main").inner_text()
    assert "Chờ kiểm tra lại hồ sơ đã bổ sung" in next_step(page)

    # The Department finds it complete; its Tổ tư vấn reviews it; the council scores it.
    sign_in(page, base, "vanphong")
    page.goto(detail)
    act(page, "accept", "Hồ sơ đầy đủ — chuyển Tổ tư vấn")
    assert "Chờ Tổ tư vấn thẩm định, khảo sát thực tế" in next_step(page)
    council = page.locator("#actions").get_by_role("button", name="Chuyển Hội đồng chấm điểm")
    assert council.is_disabled()
    advisory = page.locator("#advisory form")
    advisory.get_by_label("Ngày khảo sát thực tế").fill(today.isoformat())
    advisory.get_by_label("Kết quả thẩm định hồ sơ, khảo sát thực tế").fill(
        "Hồ sơ đúng thực tế; vùng nguyên liệu 12 ha."
    )
    advisory.get_by_role("button", name="Lưu kết quả thẩm định").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    assert "Đã lưu kết quả thẩm định của Tổ tư vấn." in page.locator("main").inner_text()
    act(page, "to-council", "Chuyển Hội đồng chấm điểm")
    assert "Chờ Hội đồng chấm điểm" in next_step(page)
    assert "thư ký Hội đồng" in next_step(page)

    # The council's secretary enters both members' sheets (80 and 78: 4★) and presents them.
    sign_in(page, base, "thuky")
    sheets = list(evaluation.sheets.filter(is_council=False).order_by("member__order"))
    for index, (sheet, total) in enumerate(zip(sheets, (80, 78), strict=True)):
        page.goto(f"{base}{sheet.get_absolute_url()}")
        for criterion_id, option_id in planned_choices(
            evaluation, Decimal(total), stars=4, seed=index
        ).items():
            page.locator(f"#c{criterion_id}-{option_id}").check()
        summary = page.locator(".sheet-summary")
        assert summary.locator("[data-sheet-total]").inner_text() == str(total)
        summary.get_by_role("button", name="Lưu, về hồ sơ").click()
        page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    assert "79,00" in page.locator("main").inner_text()
    act(page, "scored", "Hội đồng đã chấm xong — trình quyết định")
    assert "Chờ trình Chủ tịch UBND" in next_step(page)
    # The one who entered the sheets does not decide.
    recognise = page.locator("#actions").get_by_role("button", name="Công nhận", exact=True)
    assert recognise.is_disabled()
    assert "nhập phiếu chấm" in page.locator("#actions").inner_text()
    assert "quyết định phải do người khác thực hiện" in page.locator("#actions").inner_text()

    # Another officer of the Department records the Chairman's decision.
    sign_in(page, base, "vanphong")
    page.goto(detail)
    decided = today - timedelta(days=1)
    act(
        page,
        "recognise",
        "Công nhận",
        **{
            "Số quyết định": "1502/QĐ-UBND",
            "Ngày quyết định": decided.isoformat(),
            "Người ký": "Phó Chủ tịch UBND thành phố",
        },
    )
    main = page.locator("main").inner_text()
    assert "Đã công nhận và cấp giấy chứng nhận." in main
    assert "1502/QĐ-UBND" in main
    assert page.locator("#next-step").count() == 0  # concluded: nobody acts next

    page.get_by_role("link", name="Trang sản phẩm").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    main = page.locator("main").inner_text()
    assert "★★★★" in main and "4 sao" in main
    assert "1502/QĐ-UBND" in main
    assert (add_months(decided, 36) - timedelta(days=1)).strftime("%d/%m/%Y") in main

    # Anyone finds it in the public catalogue.
    page.context.clear_cookies()
    page.goto(f"{base}/catalogue/")
    page.get_by_label("Tìm sản phẩm, chủ thể").fill("buoi nam roi")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"/catalogue/\?q="))
    page.get_by_role("link", name=PRODUCT).click()
    page.wait_for_url(re.compile(rf"/catalogue/{product.pk}-"))
    assert page.get_by_role("heading", name=PRODUCT).is_visible()
