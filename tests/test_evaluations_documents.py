"""The electronic dossier: the legal checklist per kind of dossier, uploads refused by what the
file is (not by its name), downloads only through the portal and only to those who see the
evaluation, the Department's requests, and removals kept in history."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from PIL import Image

from core import policy, uploads
from evaluations import documents
from evaluations.documents import Stage
from evaluations.models import DossierDocument, Evaluation
from ocop_portal.urls import public_media
from tests.factories import CertificateFactory, category_26
from tests.test_evaluations_support import (  # noqa: F401 (fixture)
    criteria_sets_fixture,
    make_product,
    make_round,
    open_evaluation,
)

pytestmark = pytest.mark.django_db

S = Evaluation.Status
ROOT = Path(settings.BASE_DIR)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
#: A PDF's signature a few bytes in: a PDF reader may accept it, the dossier does not.
LATE_PDF = b"<html>%PDF-1.4\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 128, 0)).save(buffer, format="JPEG")
    return buffer.getvalue()


def webp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 128, 0)).save(buffer, format="WEBP")
    return buffer.getvalue()


def upload(content: bytes, name: str = "ho-so.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def product_26(area, name: str):
    product = make_product(area, name)
    product.category = category_26("I.1.a")
    product.save()
    return product


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """The files go to the test's own folder, never the project's media."""
    settings.MEDIA_ROOT = tmp_path / "dossier-media"


@pytest.fixture
def round_26(criteria_sets):
    return make_round("26/2026/QĐ-TTg")


@pytest.fixture
def evaluation(round_26, ninh_kieu, officer_ninh_kieu) -> Evaluation:
    """A first-recognition dossier of a product of Ninh Kiều, under 26/2026/QĐ-TTg."""
    return open_evaluation(
        round_26, product_26(ninh_kieu, "Bưởi Ninh Kiều"), officer_ninh_kieu, kind="new"
    )


@pytest.fixture
def co_do_evaluation(round_26, co_do, officer_co_do) -> Evaluation:
    return open_evaluation(round_26, product_26(co_do, "Bưởi Cờ Đỏ"), officer_co_do)


def add(evaluation, by, code="phieu-dang-ky", content=PDF, **kwargs) -> DossierDocument:
    return documents.add_document(
        evaluation=evaluation, upload=upload(content), by=by, checklist_code=code, **kwargs
    )


def post_upload(client, evaluation, content, name, content_type="application/pdf", **data):
    return client.post(
        reverse("evaluations:document_upload", args=[evaluation.pk]),
        {
            "target": "item-phieu-dang-ky",
            "title": "",
            **data,
            "file": upload(content, name, content_type),
        },
    )


def file_errors(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


# --- The checklist ---------------------------------------------------------------------------

#: What Điều 6 requires: the forms and the commune's papers; the evidence of Mẫu 02 Phần III
#: (business registration, quality declaration, lab results, labels…) is attached as guided.
COMMON_REQUIRED = {
    "phieu-dang-ky",
    "bao-cao-tu-danh-gia",
    "xa-van-ban-de-nghi",
    "xa-bao-cao-mau-03",
}


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("new", set()),
        ("upgrade", {"minh-chung-thay-doi"}),
        ("renewal", {"cap-nhat-noi-dung", "kiem-nghiem-dinh-ky", "giay-to-co-thoi-han"}),
    ],
)
def test_the_required_documents_of_each_kind(kind, extra):
    checklist = documents.checklist_of("26/2026/QĐ-TTg")
    items = checklist.items_for(kind, Stage.COUNCIL)
    assert {item.code for item in items if item.required} == COMMON_REQUIRED | extra
    # Intellectual property is evidence "if any"; the province's 5-star papers come later.
    assert not next(item for item in items if item.code == "so-huu-tri-tue").required
    assert all(item.provided_by != "province" for item in items)
    commune = {item.code for item in items if item.provided_by == "commune"}
    assert commune == {"xa-van-ban-de-nghi", "xa-bao-cao-mau-03"}


def test_the_5_star_dossier_adds_the_provinces_documents():
    checklist = documents.checklist_of("26/2026/QĐ-TTg")
    new = {i.code for i in checklist.items_for("new") if i.stage == Stage.CENTRAL and i.required}
    renewal = {i.code for i in checklist.items_for("renewal") if i.stage == Stage.CENTRAL}
    assert "tinh-quyet-dinh" in new and "tinh-bao-cao-co-quan-tham-muu" not in new
    assert "tinh-bao-cao-co-quan-tham-muu" in renewal and "tinh-quyet-dinh" not in renewal


def test_earlier_bases_have_a_minimal_checklist_and_unknown_ones_the_law_in_force():
    for basis in ("1048/QĐ-TTg", "148/QĐ-TTg", "1489/QĐ-TTg"):
        checklist = documents.checklist_of(basis)
        assert checklist.name == "earlier-bases"
        assert "Cách đọc của cổng" in checklist.reading
        assert {i.code for i in checklist.items_for("new") if i.required} == {
            "phieu-dang-ky",
            "bao-cao-tu-danh-gia",
        }
    assert documents.checklist_of("26/2026/QĐ-TTg").name == "qd-26-2026"
    assert documents.checklist_of("99/2031/QĐ-TTg").name == "qd-26-2026"


def test_the_checklist_says_what_is_satisfied_and_what_is_missing(
    evaluation, officer_ninh_kieu, city_reviewer
):
    missing = {item.code for item in documents.missing_required(evaluation)}
    assert missing == COMMON_REQUIRED

    add(evaluation, officer_ninh_kieu, "phieu-dang-ky")
    add(evaluation, officer_ninh_kieu, "so-huu-tri-tue")
    entries = {entry.item.code: entry for entry in documents.checklist_for(evaluation)}

    assert entries["phieu-dang-ky"].satisfied and entries["phieu-dang-ky"].status == "satisfied"
    assert entries["so-huu-tri-tue"].satisfied
    assert entries["bao-cao-tu-danh-gia"].status == "missing"
    assert entries["co-so-du-dieu-kien"].status == "optional"
    assert [d.title for d in entries["phieu-dang-ky"].documents] == [
        "Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP (Mẫu số 01)"
    ]
    missing = {item.code for item in documents.missing_required(evaluation)}
    assert missing == COMMON_REQUIRED - {"phieu-dang-ky"}

    for code in COMMON_REQUIRED - {"phieu-dang-ky"}:
        add(evaluation, city_reviewer if code.startswith("xa-") else officer_ninh_kieu, code)
    assert documents.missing_required(evaluation) == []
    # The 5-star dossier asks for the province's documents as well.
    assert {i.code for i in documents.missing_required(evaluation, Stage.CENTRAL)} == {
        "tinh-van-ban-de-nghi",
        "tinh-bao-cao-to-tu-van",
        "tinh-bao-cao-hoi-dong",
        "tinh-quyet-dinh",
    }


def test_a_renewal_needs_its_updates(round_26, ninh_kieu, officer_ninh_kieu):
    renewal = open_evaluation(round_26, product_26(ninh_kieu, "Khô cá"), officer_ninh_kieu)
    Evaluation.objects.filter(pk=renewal.pk).update(kind="renewal")
    renewal.refresh_from_db()
    for code in COMMON_REQUIRED:
        add(renewal, officer_ninh_kieu, code)
    assert {i.code for i in documents.missing_required(renewal)} == {
        "cap-nhat-noi-dung",
        "kiem-nghiem-dinh-ky",
        "giay-to-co-thoi-han",
    }
    assert (
        "kiem-nghiem-dinh-ky",
        "Các phiếu kiểm nghiệm định kỳ sau thời gian được công nhận",
    ) in (documents.request_choices(renewal))


def test_a_checklist_file_with_a_mistake_does_not_load(tmp_path):
    good = (documents.CHECKLISTS_DIR / "qd-26-2026.json").read_text(encoding="utf-8")
    for wrong, right in (
        ('"provided_by": "commune"', '"provided_by": "district"'),
        ('"kinds": ["renewal"]', '"kinds": ["renew"]'),
        ('"stage": "central"', '"stage": "ministry"'),
        ('"code": "nhan-bao-bi"', '"code": "phieu-dang-ky"'),
    ):
        path = tmp_path / "bad.json"
        path.write_text(good.replace(wrong, right, 1), encoding="utf-8")
        with pytest.raises(ValueError):
            documents._load(path)
    path.write_text(good, encoding="utf-8")
    assert documents._load(path).items == documents.checklist_of("26/2026/QĐ-TTg").items


def test_the_policy_and_the_dossier_agree_on_open_statuses():
    assert {str(status) for status in documents.OPEN_STATUSES} == policy.DOSSIER_OPEN_STATUSES


# --- Uploads: what the file is, not what it is called -------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (EXECUTABLE, "phieu-dang-ky.pdf", "application/pdf"),
        (ELF, "phieu-dang-ky.pdf", "application/pdf"),
        (SVG, "nhan.svg", "image/svg+xml"),
        (SVG, "nhan.png", "image/png"),
        (HTML, "bao-cao.pdf", "application/pdf"),
        (HTML, "bao-cao.html", "text/html"),
        (ZIP, "ho-so.pdf", "application/pdf"),
        (LATE_PDF, "ho-so.pdf", "application/pdf"),
    ],
)
def test_what_is_not_a_pdf_or_an_image_is_refused(
    login, evaluation, officer_ninh_kieu, content, name, content_type
):
    response = post_upload(login(officer_ninh_kieu), evaluation, content, name, content_type)

    assert response.status_code == 200
    assert file_errors(response) == [str(uploads.WRONG_TYPE)]
    assert "Chỉ nhận tệp PDF hoặc ảnh" in response.text
    assert not DossierDocument.objects.exists()
    assert not default_storage.exists("dossiers")


def test_the_service_refuses_them_too(evaluation, officer_ninh_kieu):
    with pytest.raises(ValidationError) as refused:
        add(evaluation, officer_ninh_kieu, content=EXECUTABLE)
    assert refused.value.message_dict["file"] == [str(uploads.WRONG_TYPE)]


def test_an_oversized_file_is_refused_with_the_limit(
    login, evaluation, officer_ninh_kieu, settings
):
    settings.OCOP_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
    big = PDF + b"0" * (2 * 1024 * 1024)

    response = post_upload(login(officer_ninh_kieu), evaluation, big, "lon.pdf")

    assert file_errors(response) == ["Tệp quá lớn: tối đa 2 MB mỗi tệp."]
    assert not DossierDocument.objects.exists()
    # Exactly at the limit it is accepted.
    exact = PDF + b"0" * (2 * 1024 * 1024 - len(PDF))
    response = post_upload(login(officer_ninh_kieu), evaluation, exact, "vua.pdf")
    assert response.status_code == 302
    assert DossierDocument.objects.get().size == 2 * 1024 * 1024


def test_the_upload_stops_storing_past_the_limit():
    handler = uploads.SizeLimitedUpload(limit=10)
    handler.new_file("file", "a.pdf", "application/pdf", 100)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(uploads.SkipFile):
        handler.receive_data_chunk(b"678901", 5)
    assert handler.oversized == {"file"}


def test_the_service_refuses_an_oversized_file(evaluation, officer_ninh_kieu, settings):
    settings.OCOP_DOCUMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        add(evaluation, officer_ninh_kieu, content=PDF + b"0" * 1024 * 1024)
    assert refused.value.message_dict["file"] == ["Tệp quá lớn: tối đa 1 MB mỗi tệp."]


def test_sizes_read_the_vietnamese_way():
    assert uploads.format_size(20 * 1024 * 1024) == "20 MB"
    assert uploads.format_size(1536 * 1024) == "1,5 MB"
    assert uploads.format_size(2048) == "2 KB"


@pytest.mark.parametrize(
    ("content", "name", "detected", "extension"),
    [
        (PDF, "Phiếu đăng ký (bản ký).pdf", "application/pdf", "pdf"),
        (png_bytes(), "nhan.PNG", "image/png", "png"),
        (jpeg_bytes(), "anh", "image/jpeg", "jpg"),
        # The browser's word and the name do not matter: the content does.
        (webp_bytes(), "anh.pdf", "image/webp", "webp"),
    ],
)
def test_a_pdf_or_an_image_is_stored_under_a_random_name(
    login, evaluation, officer_ninh_kieu, content, name, detected, extension
):
    response = post_upload(
        login(officer_ninh_kieu), evaluation, content, name, "application/octet-stream"
    )

    assert response.status_code == 302
    document = DossierDocument.objects.get()
    assert re.fullmatch(
        rf"dossiers/{evaluation.pk}/[0-9a-f]{{32}}\.{extension}", document.file.name
    )
    assert document.content_type == detected
    assert document.size == len(content)
    assert default_storage.open(document.file.name).read() == content
    assert (Path(settings.MEDIA_ROOT) / document.file.name).is_file()  # the test's own folder
    import hashlib

    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.added_by == officer_ninh_kieu
    assert document.checklist_code == "phieu-dang-ky"


def test_the_upload_checks_csrf_itself(evaluation, officer_ninh_kieu):
    """The view reads the body only once the size limit is in place, so Django's middleware
    leaves the CSRF check to it: a forged form is refused all the same."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_ninh_kieu)
    url = reverse("evaluations:document_upload", args=[evaluation.pk])

    forged = browser.post(url, {"target": "item-phieu-dang-ky", "file": upload(PDF)})

    assert forged.status_code == 403
    assert not DossierDocument.objects.exists()
    page = browser.get(reverse("evaluations:documents", args=[evaluation.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    sent = browser.post(
        url, {"target": "item-phieu-dang-ky", "file": upload(PDF), "csrfmiddlewaretoken": token}
    )
    assert sent.status_code == 302
    assert DossierDocument.objects.count() == 1


def test_the_form_is_sent_once(login, evaluation, officer_ninh_kieu):
    client = login(officer_ninh_kieu)
    url = reverse("evaluations:document_upload", args=[evaluation.pk])
    data = {"target": "item-phieu-dang-ky", "form_token": "x" * 32}

    first = client.post(url, {**data, "file": upload(PDF)})
    again = client.post(url, {**data, "file": upload(PDF)})

    assert first.status_code == again.status_code == 302
    assert DossierDocument.objects.count() == 1
    assert len(list((Path(settings.MEDIA_ROOT) / "dossiers" / str(evaluation.pk)).iterdir())) == 1


def test_a_row_that_fails_leaves_no_file(evaluation, officer_ninh_kieu, monkeypatch):
    def fail(self, *args, **kwargs):
        raise IntegrityError("refused")

    monkeypatch.setattr(DossierDocument, "save", fail)
    with pytest.raises(IntegrityError):
        add(evaluation, officer_ninh_kieu)

    folder = Path(settings.MEDIA_ROOT) / "dossiers" / str(evaluation.pk)
    assert not folder.exists() or not list(folder.iterdir())


def test_a_criterion_of_another_sheet_is_refused(evaluation, co_do_evaluation, officer_ninh_kieu):
    from evaluations.models import Criterion

    foreign = Criterion.objects.exclude(section__part__criteria_set=evaluation.criteria_set).first()
    own = Criterion.objects.filter(section__part__criteria_set=evaluation.criteria_set).first()
    with pytest.raises(ValidationError) as refused:
        add(evaluation, officer_ninh_kieu, code="", criterion=foreign)
    assert "criterion" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add(evaluation, officer_ninh_kieu, code="khong-co")
    assert "checklist_code" in refused.value.message_dict

    evidence = add(evaluation, officer_ninh_kieu, code="", criterion=own)
    assert evidence.title.startswith(own.code)
    assert documents.dossier(evaluation).by_criterion == {own: [evidence]}


# --- Who adds, who sees -------------------------------------------------------------------------


def test_who_may_add(evaluation, officer_ninh_kieu, officer_co_do, city_reviewer, administrator):
    assert policy.can(officer_ninh_kieu, "document.add", evaluation)
    assert policy.can(city_reviewer, "document.add", evaluation)
    assert policy.can(administrator, "document.add", evaluation)
    assert not policy.can(officer_co_do, "document.add", evaluation)
    with pytest.raises(PermissionDenied):
        add(evaluation, officer_co_do)


def conclude(evaluation, status) -> None:
    """Set the status as the workflow would leave it (a certificate where one is issued)."""
    values = {"status": status}
    if status in (S.RECOGNISED, S.PROPOSED_CENTRAL, S.CENTRAL_RECOGNISED):
        values["certificate"] = CertificateFactory(product=evaluation.product)
        values["decision_number"] = "12/QĐ-UBND"
    Evaluation.objects.filter(pk=evaluation.pk).update(**values)
    evaluation.refresh_from_db()


@pytest.mark.parametrize(
    "status", [S.RECOGNISED, S.NOT_RECOGNISED, S.DISQUALIFIED, S.CENTRAL_DECLINED]
)
def test_a_concluded_dossier_takes_no_document(
    login, evaluation, officer_ninh_kieu, city_reviewer, status
):
    conclude(evaluation, status)
    evaluation.refresh_from_db()
    assert not policy.can(officer_ninh_kieu, "document.add", evaluation)

    response = post_upload(login(officer_ninh_kieu), evaluation, PDF, "a.pdf")

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        documents.request_documents(evaluation=evaluation, items=["nhan-bao-bi"], by=city_reviewer)
    assert not DossierDocument.objects.exists()
    page = login(officer_ninh_kieu).get(reverse("evaluations:documents", args=[evaluation.pk]))
    assert 'id="upload"' not in page.text and 'id="upload-refused"' in page.text


def test_the_province_adds_its_5_star_documents(evaluation, city_reviewer):
    conclude(evaluation, S.PROPOSED_CENTRAL)
    add(evaluation, city_reviewer, "tinh-quyet-dinh")
    codes = {entry.item.code for entry in documents.checklist_for(evaluation)}
    assert "tinh-quyet-dinh" in codes  # the 5-star dossier's items are listed now
    Evaluation.objects.filter(pk=evaluation.pk).update(status=S.CENTRAL_RECOGNISED)
    evaluation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        add(evaluation, city_reviewer, "tinh-kiem-nghiem-bo-sung")


def test_the_download_is_an_attachment_nobody_sniffs(login, evaluation, officer_ninh_kieu):
    document = add(evaluation, officer_ninh_kieu, content=PDF, title='Phiếu "đăng ký"/01')

    response = login(officer_ninh_kieu).get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "/" not in response["Content-Disposition"].split("filename", 1)[1].replace(
        "utf-8''", ""
    ).replace("%2F", "")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_image_is_downloaded_too_never_shown_inline(login, evaluation, officer_ninh_kieu):
    document = add(evaluation, officer_ninh_kieu, content=png_bytes())
    response = login(officer_ninh_kieu).get(document.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_document_of_another_area_is_not_found(
    client, login, evaluation, officer_ninh_kieu, officer_co_do, city_reviewer
):
    document = add(evaluation, officer_ninh_kieu)
    url = document.get_absolute_url()

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert login(officer_co_do).get(url).status_code == 404
    page = reverse("evaluations:documents", args=[evaluation.pk])
    assert login(officer_co_do).get(page).status_code == 404
    assert login(city_reviewer).get(url).status_code == 200
    # Reached through another evaluation's address: not found either.
    wrong = reverse("evaluations:document", args=[evaluation.pk + 1000, document.pk])
    assert login(officer_ninh_kieu).get(wrong).status_code == 404


def test_the_files_are_never_served_as_media(client, login, evaluation, officer_ninh_kieu, rf):
    document = add(evaluation, officer_ninh_kieu)
    assert (
        login(officer_ninh_kieu).get(f"/{settings.MEDIA_URL}{document.file.name}").status_code
        == 404
    )
    # Even where Django serves the uploads (a developer's machine), not these.
    root = settings.MEDIA_ROOT
    for path in (
        document.file.name,
        f"/{document.file.name}",
        f"products/../{document.file.name}",
        f"./{document.file.name}",
        document.file.name.replace("dossiers", "Dossiers"),
    ):
        with pytest.raises(Http404):
            public_media(rf.get("/"), path, document_root=root)
    photo = Path(root) / "products" / "2026" / "anh.png"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(png_bytes())
    assert public_media(rf.get("/"), "products/2026/anh.png", document_root=root).status_code == 200


def test_the_web_server_refuses_the_dossiers_folder():
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    block = re.search(r"location \^~ /media/dossiers/ \{\s*return 404;\s*\}", conf)
    assert block is not None
    assert block.start() < conf.index("location /media/ {")


# --- Requests and removals ----------------------------------------------------------------------


def test_a_request_is_fulfilled_by_an_upload(
    login, evaluation, officer_ninh_kieu, city_reviewer, officer_co_do
):
    with pytest.raises(PermissionDenied):
        documents.request_documents(evaluation=evaluation, items=["nhan-bao-bi"], by=officer_co_do)
    made = documents.request_documents(
        evaluation=evaluation,
        items=["cong-bo-chat-luong", "Giấy xác nhận vùng nguyên liệu an toàn", ""],
        note="Bổ sung trước ngày 15/12.",
        by=city_reviewer,
    )
    assert [(r.checklist_code, r.title) for r in made] == [
        ("cong-bo-chat-luong", "Tài liệu công bố chất lượng sản phẩm (bản sao)"),
        ("", "Giấy xác nhận vùng nguyên liệu an toàn"),
    ]
    # Asked again while open: not twice.
    assert (
        documents.request_documents(
            evaluation=evaluation, items=["cong-bo-chat-luong"], by=city_reviewer
        )
        == []
    )
    client = login(officer_ninh_kieu)
    page = client.get(reverse("evaluations:documents", args=[evaluation.pk]))
    assert "Sở đề nghị bổ sung:" in page.text and "Bổ sung trước ngày 15/12." in page.text
    coded, free = made

    response = post_upload(client, evaluation, PDF, "cbcl.pdf", target="item-cong-bo-chat-luong")
    assert response.status_code == 302
    coded.refresh_from_db()
    assert coded.fulfilled_by.checklist_code == "cong-bo-chat-luong" and coded.fulfilled_at
    assert list(documents.open_requests(evaluation)) == [free]

    response = post_upload(client, evaluation, png_bytes(), "vung.png", target=f"request-{free.pk}")
    assert response.status_code == 302
    free.refresh_from_db()
    assert free.fulfilled_by.title == "Giấy xác nhận vùng nguyên liệu an toàn"
    assert list(documents.open_requests(evaluation)) == []


def test_a_removal_is_kept_in_history(
    login, evaluation, officer_ninh_kieu, city_reviewer, administrator
):
    document = add(evaluation, officer_ninh_kieu, "cong-bo-chat-luong")
    request = documents.request_documents(
        evaluation=evaluation, items=["Bản gốc phiếu kiểm nghiệm"], by=city_reviewer
    )[0]
    evidence = documents.add_document(
        evaluation=evaluation, upload=upload(PDF), by=officer_ninh_kieu, request=request
    )
    request.refresh_from_db()
    assert request.fulfilled_by == evidence
    remove = reverse("evaluations:document_remove", args=[evaluation.pk, document.pk])
    other_officer = type(officer_ninh_kieu).objects.create_user("nk-2", role="officer")
    other_officer.areas.set(officer_ninh_kieu.areas.all())

    assert login(city_reviewer).post(remove).status_code == 403  # not who added it
    assert login(other_officer).post(remove).status_code == 403
    response = login(officer_ninh_kieu).post(remove)

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.removed_by == officer_ninh_kieu and document.removed_at is not None
    assert default_storage.exists(document.file.name)  # the file stays
    entries = {entry.item.code: entry for entry in documents.checklist_for(evaluation)}
    assert entries["cong-bo-chat-luong"].status == "optional"  # evidence "as guided"
    page = login(officer_ninh_kieu).get(reverse("evaluations:documents", args=[evaluation.pk]))
    assert 'id="removed"' in page.text and "<del>" in page.text
    # Removed twice: said, nothing changes.
    login(officer_ninh_kieu).post(remove)
    assert DossierDocument.objects.get(pk=document.pk).removed_at == document.removed_at
    # An administrator removes anyone's; the request it answered is open again.
    documents.remove_document(document=evidence, by=administrator)
    request.refresh_from_db()
    assert request.is_open and request.fulfilled_by is None
    assert DossierDocument.objects.count() == 2


def test_the_includes_for_the_evaluation_page(evaluation, officer_ninh_kieu, city_reviewer):
    from django.template.loader import render_to_string

    documents.request_documents(evaluation=evaluation, items=["nhan-bao-bi"], by=city_reviewer)
    add(evaluation, officer_ninh_kieu, "phieu-dang-ky")

    requests = render_to_string("evaluations/_document_requests.html", {"evaluation": evaluation})
    summary = render_to_string("evaluations/_documents_summary.html", {"evaluation": evaluation})

    assert "Hồ sơ cần bổ sung:" in requests and "Nhãn, bao bì sản phẩm" in requests
    assert reverse("evaluations:documents", args=[evaluation.pk]) in summary
    counts = documents.summary(evaluation).counts
    assert counts == {"satisfied": 1, "requested": 1, "missing": 3, "optional": 13}
    assert '<span class="badge text-bg-danger">3</span>' in summary


def test_the_page_lists_documents_in_a_fixed_number_of_queries(
    login, evaluation, officer_ninh_kieu, city_reviewer, django_assert_max_num_queries
):
    client = login(officer_ninh_kieu)
    url = reverse("evaluations:documents", args=[evaluation.pk])
    for code in ("phieu-dang-ky", "bao-cao-tu-danh-gia", "nhan-bao-bi"):
        add(evaluation, officer_ninh_kieu, code)
    add(evaluation, city_reviewer, "xa-van-ban-de-nghi")
    documents.request_documents(evaluation=evaluation, items=["Ảnh sản phẩm"], by=city_reviewer)
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for code in ("cong-bo-chat-luong", "phieu-kiem-nghiem", "giai-thuong", "so-huu-tri-tue"):
        add(evaluation, officer_ninh_kieu, code)
    before = len(few.captured_queries)
    client.get(url)  # the caches the new documents made new (the footer's time)
    with django_assert_max_num_queries(before):
        response = client.get(url)
    assert response.status_code == 200
    assert "Gỡ khỏi hồ sơ" in response.text
