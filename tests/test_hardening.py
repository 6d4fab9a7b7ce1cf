"""What an attacker or a mistake can do through the front door: control characters in stored
text (refused next to the field, stripped from every export), what an officer learns about
records outside their areas, the login lockout behind the reverse proxy, the password reset
rate limit, pages kept out of shared caches, one log line per database outage, and photos
too large in pixels."""

import csv
import io
import json
import logging
import struct
import zlib
from datetime import timedelta

import openpyxl
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connections, models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from budgets.models import Measure, PublishedFigure
from core.apps import portal_app_configs
from core.images import PhotoFormField
from core.network import client_address
from core.text import NoControlCharacters, multi_line, single_line, strip_control
from evaluations.forms import CommentForm, DecisionForm
from products.models import Product, validate_photo
from subjects.models import Producer
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory
from tests.test_budgets import PlanFactory, PublishedFigureFactory
from tests.test_imports import (
    PRODUCER_HEADERS,
    PRODUCERS,
    check,
    csv_file,
    importer,  # noqa: F401  (a fixture)
    producer_rows,
)
from tests.test_registry_pages import png_bytes, product_data

pytestmark = pytest.mark.django_db

BEL = "\x07"
REFUSED_BEL = "Không được chứa ký tự điều khiển (mã U+0007)."
#: The portal's own apps, written out here so that an app missed by core.apps shows up.
PORTAL_APPS = {
    "core",
    "ocop_portal",
    "accounts",
    "areas",
    "subjects",
    "products",
    "evaluations",
    "budgets",
    "inspections",
    "listings",
    "enquiries",
    "dashboards",
    "notices",
    "producer_space",
}


# --- Clean text: one validator on every text field ----------------------------------------


def text_fields():
    for label in sorted(PORTAL_APPS):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.fields:
                if isinstance(field, models.CharField | models.TextField):
                    yield model, field


def test_the_portal_apps_are_found_and_no_library_is_among_them():
    assert {config.label for config in portal_app_configs()} == PORTAL_APPS


def test_every_text_field_of_every_portal_model_refuses_control_characters():
    fields = list(text_fields())
    assert len(fields) > 100  # historical models included
    for model, field in fields:
        expected = multi_line if isinstance(field, models.TextField) else single_line
        found = [v for v in field.validators if isinstance(v, NoControlCharacters)]
        assert found == [expected], f"{model.__name__}.{field.name}: {found}"


def test_the_validator_names_the_character():
    with pytest.raises(ValidationError) as refused:
        single_line(f"Trà{BEL} mãng cầu")
    assert refused.value.messages == [REFUSED_BEL]
    for text in ("Tên\x00", "Tên\x1b[31m", "Tên\x7f", "Tên\x85", "Tên\x9b"):
        with pytest.raises(ValidationError):
            multi_line(text)
    # A name is one line; a description keeps its line breaks and tabs.
    for text in ("Dòng 1\nDòng 2", "Cột\tcột", "Dòng\r\n"):
        with pytest.raises(ValidationError):
            single_line(text)
        multi_line(text)
    single_line("Trà mãng cầu “Kim Nhiên” — 5★ (ĐBSCL)")


def test_a_product_name_with_a_bel_is_refused_next_to_the_field(login, officer_co_do, co_do):
    producer = ProducerFactory(area=co_do)
    response = login(officer_co_do).post(
        reverse("products:create"), product_data(producer, name=f"Mứt mãng cầu{BEL}")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [REFUSED_BEL]
    assert not Product.objects.exists()


def test_a_published_figure_note_with_a_bel_is_refused_next_to_the_field(
    login, city_reviewer, can_tho
):
    plan = PlanFactory(year=2023)
    data = {
        "measure": Measure.NEW_3_STAR,
        "value": "12",
        "unit": "products",
        "document": "Báo cáo 15/BC-SNN",
        "published_on": "2023-12-20",
        "note": f"Số liệu{BEL} đầu năm",
    }
    url = reverse("budgets:figure_create", args=[plan.year])
    response = login(city_reviewer).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == [REFUSED_BEL]
    assert not PublishedFigure.objects.exists()
    # Line breaks are fine in a note.
    assert login(city_reviewer).post(url, {**data, "note": "Dòng 1\nDòng 2"}).status_code == 302


def test_forms_that_are_not_model_forms_refuse_them_too():
    data = {"decision_number": "12/QĐ-UBND", "decision_date": "2025-03-01", "signer": "Ông A"}
    assert DecisionForm({**data, "comment": "Dòng 1\nDòng 2"}).is_valid()
    form = DecisionForm({**data, "signer": f"Ông{BEL} A"})
    assert form.errors["signer"] == [REFUSED_BEL]
    assert CommentForm({"comment": f"Ý kiến{BEL}"}).errors["comment"] == [REFUSED_BEL]


def test_an_import_refuses_a_cell_with_a_control_character(login, importer):  # noqa: F811
    rows = producer_rows(3)
    rows[1][1] = f"Hợp tác xã{BEL} Cờ Đỏ"
    checked = check(login(importer), PRODUCERS, csv_file(PRODUCER_HEADERS, rows), "1")
    invalid = {row.number: row.error_dict for row in checked.context["result"].invalid_rows}
    assert list(invalid) == [3]
    assert invalid[3]["Tên chủ thể"] == [REFUSED_BEL]
    assert not Producer.objects.exists()


# --- Exports strip what was stored before (or around) the validator ------------------------


def test_strip_control_keeps_line_breaks_and_tabs():
    assert strip_control(f"A{BEL}B\x00C\x9b\nD\tE\r") == "ABC\nD\tE\r"


def test_dashboard_export_with_a_bel_in_a_published_figure(login, city_reviewer, co_do):
    CertificateFactory(
        product=ProductFactory(producer=ProducerFactory(area=co_do)),
        stars=3,
        decision_date=timezone.localdate().replace(month=3, day=1),
    )
    figure = PublishedFigureFactory(year=timezone.localdate().year, measure=Measure.NEW_3_STAR)
    # Stored before the validator existed: .update() skips validation.
    PublishedFigure.objects.filter(pk=figure.pk).update(document=f"Báo cáo{BEL} 15/BC")
    response = login(city_reviewer).get(
        reverse("dashboards:export"), {"year": timezone.localdate().year}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [v for row in book["Đối chiếu số liệu"].iter_rows(values_only=True) for v in row]
    assert "Báo cáo 15/BC" in cells


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_admin_export_with_a_bel_in_a_producer_name(login, importer, file_format):  # noqa: F811
    producer = ProducerFactory(area=importer.areas.first(), name="Hợp tác xã Cờ Đỏ")
    Producer.objects.filter(pk=producer.pk).update(name=f"Hợp tác xã{BEL} Cờ Đỏ")
    response = login(importer).post(f"{PRODUCERS}export/", {"format": file_format, "resource": "0"})
    assert response.status_code == 200
    if file_format == "0":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [v for row in sheet.iter_rows(values_only=True) for v in row]
    else:
        text = response.content.decode("utf-8-sig")
        cells = [v for row in csv.reader(io.StringIO(text)) for v in row]
    assert "Hợp tác xã Cờ Đỏ" in cells
    assert not any(isinstance(v, str) and BEL in v for v in cells)


def test_open_data_with_a_bel_in_a_product_name(client, can_tho, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Trà mãng cầu")
    CertificateFactory(product=product, decision_date=timezone.localdate() - timedelta(days=30))
    Product.objects.filter(pk=product.pk).update(name=f"Trà{BEL} mãng cầu")
    response = client.get(reverse("catalogue_csv"))
    assert response.status_code == 200
    content = response.getvalue().decode()
    assert BEL not in content
    assert "Trà mãng cầu" in content
    response = client.get(reverse("catalogue_json"))
    assert [p["name"] for p in json.loads(response.getvalue())["products"]] == ["Trà mãng cầu"]


# --- What an outsider learns: duplicates outside the user's areas are not described --------


def producer_form(client, **overrides):
    from tests.test_registry_pages import commune, producer_data

    return client.post(
        reverse("subjects:create"), producer_data(commune("Xã Thới Hưng"), **overrides)
    )


def test_a_same_name_producer_in_another_district_is_not_described(login, officer_co_do, ninh_kieu):
    other = ProducerFactory(
        name="HỢP TÁC XÃ BÍ MẬT", area=ninh_kieu, tax_code="1809999999", address="Số 7 Bí Ẩn"
    )
    response = producer_form(login(officer_co_do), name="Hợp tác xã bí mật")
    assert response.status_code == 200
    page = response.getvalue().decode()
    assert "Một chủ thể trùng tên đã có ở một địa bàn khác." in page
    for secret in ("HỢP TÁC XÃ BÍ MẬT", "Ninh Kiều", other.get_absolute_url(), "1809999999"):
        assert secret not in page
    assert response.context["form"].duplicates == []
    assert Producer.objects.count() == 1


def test_a_same_name_producer_in_the_officers_district_is_named_with_a_link(
    login, officer_co_do, co_do
):
    other = ProducerFactory(name="HỢP TÁC XÃ CỜ ĐỎ XANH", area=co_do, tax_code="1808888888")
    response = producer_form(login(officer_co_do), name="Hợp tác xã Cờ Đỏ Xanh")
    page = response.getvalue().decode()
    assert "HỢP TÁC XÃ CỜ ĐỎ XANH" in page and other.get_absolute_url() in page
    assert "1808888888" in page
    assert "đã có ở một địa bàn khác" not in page


def test_a_tax_code_taken_in_another_district_is_not_described(login, officer_co_do, ninh_kieu):
    ProducerFactory(name="Doanh nghiệp Ninh Kiều Kín", area=ninh_kieu, tax_code="1809999999")
    response = producer_form(login(officer_co_do), tax_code="1809999999")
    assert response.context["form"].errors["tax_code"] == [
        "Mã số thuế này đã có ở một địa bàn khác."
    ]
    assert "Ninh Kiều Kín" not in response.getvalue().decode()


def test_a_tax_code_taken_in_the_officers_district_names_the_producer(login, officer_co_do, co_do):
    ProducerFactory(name="Hợp tác xã Trà Cờ Đỏ", area=co_do, tax_code="1808888888")
    response = producer_form(login(officer_co_do), tax_code="1808888888")
    assert response.context["form"].errors["tax_code"] == [
        "Mã số thuế này đã được đăng ký cho chủ thể “Hợp tác xã Trà Cờ Đỏ” (Huyện Cờ Đỏ)."
    ]


# --- Accounts: the lockout behind the reverse proxy ----------------------------------------

PASSWORD = "mat-khau-thu-nghiem-1"
OFFICE, ATTACKER = "198.51.100.7", "203.0.113.9"


def behind(address: str, forged: str = "") -> dict:
    """A request through the proxy on 127.0.0.1, which appends the address it saw."""
    return {"HTTP_X_FORWARDED_FOR": f"{forged}, {address}" if forged else address}


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def test_five_failures_for_city_lock_only_that_name_from_that_address(
    behind_proxy, city_reviewer, settings
):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # Forging the office's address on the left changes nothing: the proxy adds the real one.
        attacker.post(
            reverse("login"), {"username": "city", "password": "sai"}, **behind(ATTACKER, OFFICE)
        )
    locked = attacker.post(
        reverse("login"), {"username": "city", "password": PASSWORD}, **behind(ATTACKER)
    )
    assert locked.status_code == 429
    office = Client()
    response = office.post(
        reverse("login"), {"username": "city", "password": PASSWORD}, **behind(OFFICE)
    )
    assert response.status_code == 302
    assert office.session["_auth_user_id"] == str(city_reviewer.pk)


def test_failures_for_one_name_do_not_lock_another_name_from_the_same_address(
    behind_proxy, city_reviewer, officer_co_do, settings
):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "city", "password": "sai"}, **behind(ATTACKER))
    response = client.post(
        reverse("login"), {"username": "codo", "password": PASSWORD}, **behind(ATTACKER)
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "client"),
    [
        ("127.0.0.1", "", [], "127.0.0.1"),  # no proxy: the peer is the client
        ("127.0.0.1", "203.0.113.9", [], "127.0.0.1"),  # no proxy: the header is not believed
        ("127.0.0.1", "203.0.113.9", ["127.0.0.1"], "203.0.113.9"),
        ("127.0.0.1", "1.1.1.1, 203.0.113.9", ["127.0.0.1"], "203.0.113.9"),
        ("10.0.0.2", "203.0.113.9, 10.0.0.1", ["10.0.0.0/8"], "203.0.113.9"),  # two proxies
        ("198.51.100.7", "1.1.1.1", ["127.0.0.1"], "198.51.100.7"),  # not from the proxy
        ("127.0.0.1", "nonsense", ["127.0.0.1"], "127.0.0.1"),
        ("192.0.2.1", "1.1.1.1, 203.0.113.9", ["*"], "203.0.113.9"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
    ],
)
def test_client_address(settings, remote, forwarded, proxies, client):
    settings.TRUSTED_PROXIES = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **headers)) == client


# --- Accounts: password reset rate limit ----------------------------------------------------


def ask_reset(client, email: str, **headers):
    response = client.post(reverse("password_reset"), {"email": email}, follow=True, **headers)
    assert response.status_code == 200
    # The same neutral page whether the e-mail was sent or not.
    assert "Nếu địa chỉ email này thuộc một tài khoản" in response.text
    return response


def test_password_reset_is_limited_per_email_address(client, officer_co_do, mailoutbox, settings):
    officer_co_do.email = "codo@example.gov.vn"
    officer_co_do.save()
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 2):
        ask_reset(client, "CoDo@example.gov.vn")
    assert len(mailoutbox) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL


def test_password_reset_is_limited_per_client_address(
    behind_proxy, client, co_do, mailoutbox, settings
):
    from tests.factories import UserFactory

    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    emails = [f"can-bo-{n}@example.gov.vn" for n in range(4)]
    for email in emails:
        UserFactory(email=email, areas=[co_do])
    for email in emails[:3]:
        ask_reset(client, email, **behind(ATTACKER))
    assert len(mailoutbox) == 2
    ask_reset(client, emails[3], **behind(OFFICE))
    assert len(mailoutbox) == 3


# --- Pages of a signed-in user are never cached ---------------------------------------------


@pytest.mark.parametrize("url", ["/", "/products/", "/catalogue/", "/accounts/password_change/"])
def test_signed_in_pages_are_not_stored(login, officer_co_do, url):
    response = login(officer_co_do).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_the_public_catalogue_stays_cacheable_for_visitors(client, can_tho):
    for url in ("/", "/catalogue/", reverse("catalogue_csv")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url


def test_static_files_are_left_to_whitenoise(login, officer_co_do, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = login(officer_co_do)
    response = client.get("/static/vendor/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- A database outage: one line each request, no traceback ---------------------------------


def test_a_database_outage_logs_one_line_without_a_traceback(city_reviewer, monkeypatch, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(city_reviewer)

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    caplog.set_level(logging.INFO)
    assert client.get("/products/").status_code == 503
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert not [r for r in caplog.records if r.name == "django.request"]
    outage = [r for r in caplog.records if r.name == "core.database"]
    assert len(outage) == 1
    assert outage[0].getMessage() == (
        "Database unavailable: GET /products/: OperationalError: "
        'connection to server at "127.0.0.1", port 5432 failed'
    )


def test_other_errors_still_log_their_traceback(city_reviewer, monkeypatch, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(city_reviewer)

    def fail(*args, **kwargs):
        raise RuntimeError("a bug, not the database")

    monkeypatch.setattr(connections["default"], "cursor", fail)
    assert client.get("/products/").status_code == 500
    assert [r for r in caplog.records if r.name == "django.request" and r.exc_info]


# --- Photos: a pixel limit, decompression bombs included ------------------------------------


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header declares width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


TOO_MANY_PIXELS = "Ảnh quá lớn: tối đa 40 megapixel. Hãy thu nhỏ ảnh rồi tải lên lại."


@pytest.mark.parametrize(
    "size",
    [(7_000, 7_000), (20_000, 20_000)],  # 49 megapixels; 400, a decompression bomb for Pillow
    ids=["49-megapixels", "decompression-bomb"],
)
def test_a_photo_with_too_many_pixels_is_refused_at_the_field(
    login, officer_co_do, co_do, settings, tmp_path, size
):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("anh.png", png_declaring(*size), content_type="image/png")
    assert len(photo) < 2_000
    response = login(officer_co_do).post(
        reverse("products:create"),
        product_data(ProducerFactory(area=co_do), photo=photo),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [TOO_MANY_PIXELS]
    assert not Product.objects.exists()


def test_the_pixel_limit_is_a_setting_and_holds_in_every_form_of_the_model(settings):
    assert isinstance(Product._meta.get_field("photo").formfield(), PhotoFormField)  # the admin
    settings.PHOTO_MAX_PIXELS = 1_000
    with pytest.raises(ValidationError) as refused:
        validate_photo(SimpleUploadedFile("anh.png", png_bytes((40, 40))))
    assert refused.value.messages == [
        "Ảnh quá lớn: tối đa 0,001 megapixel. Hãy thu nhỏ ảnh rồi tải lên lại."
    ]
    settings.PHOTO_MAX_PIXELS = 1_600
    validate_photo(SimpleUploadedFile("anh.png", png_bytes((40, 40))))
