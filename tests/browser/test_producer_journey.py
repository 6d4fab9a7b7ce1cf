"""A producer on a 360 px phone, from the commune officer's invitation to its new certificate:
it opens its account from the e-mail's link, starts a dossier for its product from its space,
fills Mẫu 01 and Mẫu 02, uploads two documents and files the dossier with the commune; the
commune receives and forwards it, the Department returns it asking for the lab report by a
deadline (services); the producer reads what is asked and by when, uploads it and sends the
dossier back; once recognised (services), its certificate shows on its certificates page with
its valid-until date. No page of the producer's is wider than the phone."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from accounts.models import User
from evaluations import online, services
from evaluations.models import Evaluation, Round
from producer_space import services as space
from products.models import add_months
from tests.conftest import officer_of
from tests.factories import ProducerFactory, ProductFactory, UserFactory, category_26
from tests.test_evaluations_support import PDF, commune_report, make_round, office, secretary
from tests.test_evaluations_two_level import score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Evaluation.Status
LAW = "26/2026/QĐ-TTg"
PRODUCT = "Bưởi năm roi Thới Lai"
PRODUCER = "Hợp tác xã nông nghiệp Thới Lai"
PASSWORD = "buoi-nam-roi-thoi-lai-2026"
LAB_REPORT = "phieu-kiem-nghiem"
PHONE = 360


def png() -> bytes:
    """A small photo of a signed page, as a phone takes it."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (250, 250, 245)).save(buffer, format="PNG")
    return buffer.getvalue()


def fits(page) -> None:
    """The page is no wider than the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width} px wide"


def tabs_fit(page) -> None:
    """The four tabs of a dossier's pages all show on the phone, none hidden past its edge."""
    tabs = page.locator(".online-tabs")
    assert tabs.evaluate("tabs => tabs.scrollWidth <= tabs.clientWidth"), page.url
    assert tabs.get_by_role("link").count() == 4


def main(page) -> str:
    return page.locator("main").inner_text()


def upload(page, target: str, name: str, mime: str, content: bytes) -> None:
    """Attach a file to an item of the dossier through the documents page's form."""
    form = page.locator("#upload form")
    form.get_by_label("Tài liệu cho").select_option(target)
    form.get_by_label("Tệp").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    form.get_by_role("button", name="Tải lên").click()
    page.wait_for_url(re.compile(r"/producer/dossiers/\d+/documents/$"))
    fits(page)


def test_a_producer_on_a_phone_from_the_invitation_to_its_certificate(live_server, page, can_tho):
    base = live_server.url
    page.set_default_timeout(10_000)
    today = timezone.localdate()
    officer = officer_of("925", username="codo", full_name="Lê Văn Cờ Đỏ")
    reviewer = UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])
    commune = next(
        area
        for area in officer.areas.order_by("code")
        if area.is_current and area.level == area.Level.COMMUNE
    )
    product = ProductFactory(
        producer=ProducerFactory(area=commune, name=PRODUCER),
        name=PRODUCT,
        category=category_26("I.1.a"),
    )
    # The city's extra round, taking the communes' dossiers for three more weeks.
    round_ = make_round(LAW)
    forward_by = today + timedelta(days=21)
    Round.objects.filter(pk=round_.pk).update(
        is_extra=True, forward_by=forward_by, decide_by=forward_by + timedelta(days=30)
    )

    # 1. The commune's officer invites the cooperative's director; she opens the e-mail's link.
    space.invite(
        producer=product.producer,
        email="giam.doc@htx-thoilai.vn",
        full_name="Nguyễn Thị Giám Đốc",
        by=officer,
        base_url=base,
    )
    link = re.search(
        rf"{re.escape(base)}/producer/invitation/[A-Za-z0-9_-]+/", mail.outbox[-1].body
    )
    page.goto(link.group(0))
    assert page.get_by_role("heading", name="Mở tài khoản chủ thể OCOP").is_visible()
    assert PRODUCER in main(page)
    fits(page)
    page.get_by_label("Tên đăng nhập").fill("giamdoc.thoilai")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Giám Đốc")
    page.get_by_label("Điện thoại").fill("0292 3821 234")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Mở tài khoản và đăng nhập").click()
    page.wait_for_url(f"{base}/producer/")
    account = User.objects.get(username="giamdoc.thoilai")
    assert (account.role, account.producer, account.phone) == (
        User.Role.PRODUCER,
        product.producer,
        "0292 3821 234",
    )
    assert page.get_by_role("heading", name=PRODUCER).is_visible()
    assert page.get_by_role("heading", name="Việc cần làm tiếp theo").is_visible()
    assert PRODUCT in page.locator("section[aria-labelledby='products-heading']").inner_text()
    fits(page)

    # 2. From its space it starts a dossier for its product: a first recognition.
    page.get_by_role("link", name="Nộp hồ sơ mới").click()
    page.wait_for_url(f"{base}/producer/dossiers/new/")
    assert page.get_by_role("heading", name="Lập hồ sơ đánh giá, phân hạng trực tuyến").is_visible()
    fits(page)
    page.get_by_role("combobox", name="Sản phẩm").select_option(label=PRODUCT)
    assert page.get_by_label("Đợt đánh giá").input_value() == str(round_.pk)
    page.get_by_label("Lần đăng ký đánh giá").select_option("new")
    page.get_by_label("Số sản phẩm mẫu sẽ nộp").fill("3")
    page.get_by_role("button", name="Bắt đầu lập hồ sơ").click()
    page.wait_for_url(re.compile(r"/producer/dossiers/\d+/$"))
    evaluation = Evaluation.objects.get(product=product)
    assert (evaluation.status, evaluation.online, evaluation.samples) == (S.PREPARING, True, 3)
    detail = page.url
    assert f"Đã lập hồ sơ “{PRODUCT}”" in main(page)
    assert "Chủ thể đang lập hồ sơ trực tuyến, chưa nộp cho xã" in main(page)
    missing = page.locator("#file-missing").inner_text()
    assert "Báo cáo tự đánh giá (Mẫu 02) chưa tự chấm tiêu chí nào." in missing
    assert "Tải lên: Phiếu đăng ký" in missing
    assert page.locator("#actions").get_by_role("button", name="Nộp hồ sơ cho xã").is_disabled()
    assert (
        "Hạn xã gửi hồ sơ của đợt lên tỉnh: nộp sớm để xã kịp xử lý: "
        f"{forward_by:%d/%m/%Y}" in page.locator("#deadline").inner_text()
    )
    assert "Quá hạn" not in page.locator("#next-step").inner_text()
    fits(page)
    tabs_fit(page)

    # Mẫu 01: the five samples it will hand in at the commune.
    page.locator(".online-tabs").get_by_role("link", name="Mẫu 01").click()
    page.wait_for_url(re.compile(r"/registration/$"))
    fits(page)
    tabs_fit(page)
    assert page.get_by_label("Số sản phẩm mẫu sẽ nộp").input_value() == "3"
    page.get_by_label("Số sản phẩm mẫu sẽ nộp").fill("5")
    page.get_by_role("button", name="Lưu phiếu đăng ký").click()
    page.wait_for_url(re.compile(r"/registration/$"))
    assert "Đã lưu phiếu đăng ký (Mẫu 01)." in main(page)
    evaluation.refresh_from_db()
    assert evaluation.samples == 5

    # Mẫu 02: the first criterion at its highest level, with its evidence.
    page.locator(".online-tabs").get_by_role("link", name="Mẫu 02").click()
    page.wait_for_url(re.compile(r"/self-assessment/$"))
    fits(page)
    first = page.locator(".criterion").first
    level = first.locator("select")
    level.select_option(level.locator("option").last.get_attribute("value"))
    first.locator("textarea").fill("Hợp đồng liên kết vùng nguyên liệu 12 ha với 20 hộ.")
    page.get_by_role("button", name="Lưu tự đánh giá").click()
    page.wait_for_url(re.compile(r"/self-assessment/$"))
    assert re.search(r"Đã lưu báo cáo tự đánh giá: 1/\d+ tiêu chí", main(page))
    assert evaluation.self_assessments.count() == 1
    fits(page)

    # Two documents: the signed Mẫu 01 as a PDF, the signed Mẫu 02 photographed.
    page.locator(".online-tabs").get_by_role("link", name="Tài liệu").click()
    page.wait_for_url(re.compile(r"/documents/$"))
    fits(page)
    assert page.locator("#item-phieu-dang-ky").get_attribute("data-status") == "missing"
    upload(page, "item-phieu-dang-ky", "phieu-dang-ky-mau-01.pdf", "application/pdf", PDF)
    assert "Đã thêm tài liệu" in main(page)
    upload(page, "item-bao-cao-tu-danh-gia", "bao-cao-mau-02.png", "image/png", png())
    for code in ("phieu-dang-ky", "bao-cao-tu-danh-gia"):
        assert page.locator(f"#item-{code}").get_attribute("data-status") == "satisfied"
    assert sorted(evaluation.documents.values_list("checklist_code", "content_type")) == [
        ("bao-cao-tu-danh-gia", "image/png"),
        ("phieu-dang-ky", "application/pdf"),
    ]

    # Filing asks for the pledge of Mẫu 01.
    page.locator(".online-tabs").get_by_role("link", name="Tình trạng").click()
    page.wait_for_url(detail)
    assert page.locator("#file-missing").count() == 0
    assert "2 tài liệu" in page.locator("#parts").inner_text()
    form = page.locator("form[action$='/file/']")
    form.get_by_role("button", name="Nộp hồ sơ cho xã").click()
    page.wait_for_url(re.compile(r"/file/$"))
    assert "Hãy đánh dấu lời cam đoan trước khi nộp hồ sơ." in main(page)
    fits(page)
    form = page.locator("form[action$='/file/']")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Nộp hồ sơ cho xã").click()
    page.wait_for_url(detail)
    assert "Đã nộp hồ sơ; Ủy ban nhân dân cấp xã tiếp nhận hoặc trả lại kèm lý do." in main(page)
    assert "Chủ thể đã nộp, chờ xã tiếp nhận" in page.locator("[data-status]").first.inner_text()
    assert page.locator("#actions").count() == 0  # nothing is the producer's to do now
    fits(page)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.filed_on) == (S.FILED, today)

    # 3. The commune receives and forwards it; the Department asks for the lab report.
    evaluation = online.dossier_receive(evaluation=evaluation, by=officer)
    commune_report(evaluation, officer)
    evaluation = services.evaluation_forward(evaluation=evaluation, by=officer)
    due = today + timedelta(days=10)
    evaluation = services.evaluation_return(
        evaluation=evaluation,
        by=reviewer,
        comment="Thiếu phiếu kiểm nghiệm còn hiệu lực.",
        documents=[LAB_REPORT],
        due_on=due,
    )
    assert evaluation.status == S.RETURNED

    # 4. The producer signs in on its phone, reads what is asked and by when.
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("giamdoc.thoilai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/producer/")
    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    page.wait_for_url(f"{base}/producer/dossiers/")
    row = page.locator(f"[data-dossier='{evaluation.pk}']")
    assert "Chờ bổ sung hồ sơ theo yêu cầu" in row.inner_text()
    assert f"Hạn bổ sung tài liệu theo đề nghị của Sở: {due:%d/%m/%Y}" in row.inner_text()
    fits(page)
    page.goto(detail)
    step = page.locator("#next-step").inner_text()
    assert "Chờ bổ sung hồ sơ theo yêu cầu" in step
    assert f"Hạn bổ sung tài liệu theo đề nghị của Sở: {due:%d/%m/%Y}" in step
    assert "Thiếu phiếu kiểm nghiệm còn hiệu lực." in page.locator("#return-reason").inner_text()
    asked = page.locator("#asked").inner_text()
    assert "Phiếu kết quả kiểm nghiệm chỉ tiêu chất lượng" in asked
    assert f"hạn {due:%d/%m/%Y}" in asked and "Chưa bổ sung" in asked
    fits(page)

    # It uploads the lab report and sends the dossier back.
    page.locator(".online-tabs").get_by_role("link", name="Tài liệu").click()
    page.wait_for_url(re.compile(r"/documents/$"))
    assert f"(hạn {due:%d/%m/%Y})" in page.locator("#document-requests").inner_text()
    assert page.locator(f"#item-{LAB_REPORT}").get_attribute("data-status") == "requested"
    fits(page)
    upload(page, f"item-{LAB_REPORT}", "phieu-kiem-nghiem-2026.pdf", "application/pdf", PDF)
    assert page.locator(f"#item-{LAB_REPORT}").get_attribute("data-status") == "satisfied"
    assert page.locator("#document-requests").count() == 0
    page.locator(".online-tabs").get_by_role("link", name="Tình trạng").click()
    page.wait_for_url(detail)
    assert "Đã bổ sung" in page.locator("#asked").inner_text()
    form = page.locator("form[action$='/resubmit/']")
    form.get_by_label("Ghi chú gửi Sở (không bắt buộc)").fill("Đã bổ sung phiếu kiểm nghiệm.")
    form.get_by_role("button", name="Gửi lại hồ sơ đã bổ sung").click()
    page.wait_for_url(detail)
    assert "Đã gửi lại hồ sơ đã bổ sung; Sở kiểm tra lại hồ sơ." in main(page)
    assert "Chờ kiểm tra lại hồ sơ đã bổ sung" in page.locator("#next-step").inner_text()
    fits(page)
    evaluation.refresh_from_db()
    assert evaluation.status == S.RESUBMITTED
    assert not evaluation.document_requests.filter(fulfilled_at__isnull=True).exists()

    # 5. The Department finds it complete, the council scores it 4★, the Chairman recognises it.
    evaluation = services.evaluation_accept(evaluation=evaluation, by=office())
    evaluation = services.advisory_save(
        evaluation=evaluation,
        by=office(),
        survey_on=None,
        advisory_findings="Cơ sở sản xuất đúng hồ sơ.",
    )
    evaluation = services.evaluation_to_council(evaluation=evaluation, by=office())
    evaluation = score(evaluation, [80, 81, 82])
    evaluation = services.evaluation_scored(evaluation=evaluation, by=secretary())
    evaluation = services.evaluation_recognise(
        evaluation=evaluation,
        by=reviewer,
        decision_number="1502/QĐ-UBND",
        decision_date=today,
        signer="Phó Chủ tịch UBND thành phố",
    )
    certificate = product.certificates.get()
    until = add_months(today, 36) - timedelta(days=1)
    assert (certificate.stars, certificate.valid_until) == (4, until)

    # The producer reads the result on its dossier and the certificate on its page.
    page.reload()
    result = page.locator("#result").inner_text()
    assert "Sản phẩm được công nhận 4 sao." in result
    assert "Tổng điểm của Hội đồng: 81,00/100." in result
    assert f"Giấy chứng nhận hiệu lực đến {until:%d/%m/%Y}." in result
    assert page.locator("#next-step").count() == 0
    fits(page)
    page.goto(f"{base}/producer/")
    page.locator("section[aria-labelledby='certificates-heading']").get_by_role(
        "link", name="Xem tất cả"
    ).click()
    page.wait_for_url(f"{base}/producer/certificates/")
    assert page.get_by_role("heading", name="Giấy chứng nhận của tôi").is_visible()
    entry = page.locator("li", has=page.get_by_role("heading", name=PRODUCT))
    text = entry.inner_text()
    assert f"1502/QĐ-UBND ngày {today:%d/%m/%Y}" in text
    assert "Hiệu lực đến" in text and until.strftime("%d/%m/%Y") in text
    assert entry.locator(".stars").get_attribute("title") == "4 sao"
    fits(page)
