"""Spreadsheet import and export in the admin: every bad row listed with its reason, nothing
written unless every row is valid, references and exports limited to the user's areas."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from products.models import Certificate, Product
from subjects.models import Producer
from tests.conftest import officer_of
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # the admin's format choices, in ImportExportAdminMixin.formats
PRODUCERS = "/admin/subjects/producer/"
PRODUCTS = "/admin/products/product/"
CERTIFICATES = "/admin/products/certificate/"
CO_DO_COMMUNES = ["31249", "31255", "31261", "31264", "31273"]


def xlsx_file(headers: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_file(headers: list, rows: list[list], delimiter: str = ",") -> bytes:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows([headers, *rows])
    return output.getvalue().encode("utf-8-sig")


def check(client, admin_url: str, content: bytes, file_format: str = XLSX, name: str = ""):
    """The first step: upload, and the dry run's page."""
    name = name or ("tep.xlsx" if file_format == XLSX else "tep.csv")
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        f"{admin_url}import/", {"import_file": upload, "format": file_format, "resource": "0"}
    )
    assert response.status_code == 200
    return response


def confirm(client, admin_url: str, checked):
    """The second step, with what the first step's confirm form carries."""
    return client.post(f"{admin_url}process_import/", checked.context["confirm_form"].initial)


def first_message(client) -> str:
    return str(next(iter(client.get(PRODUCERS).context["messages"])))


def reasons(response) -> dict[int, str]:
    """Line in the sheet → every reason given for it, as one string."""
    return {
        row.number: " | ".join(
            f"{column}: {message}" for column, msgs in row.error_dict.items() for message in msgs
        )
        for row in response.context["result"].invalid_rows
    }


@pytest.fixture
def importer(co_do):
    """A staff officer of Cờ Đỏ who may view, add and change the registers."""
    officer = officer_of("925", username="codo-import", is_staff=True)
    officer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["subjects", "products"],
            codename__regex=r"^(view|add|change)_(producer|product|certificate)$",
        )
    )
    return officer


# Producers -----------------------------------------------------------------------------------

PRODUCER_HEADERS = [
    "Mã số thuế",
    "Tên chủ thể",
    "Loại hình",
    "Người đại diện",
    "Mã địa bàn",
    "Địa chỉ",
    "Điện thoại",
    "Tổng số lao động",
    "Lao động nữ",
    "Đang hoạt động",
]


def producer_rows(count: int = 20) -> list[list]:
    return [
        [
            f"18{index:08d}",
            f"Hợp tác xã  Nông sản   {index}",  # extra spaces, cleaned on import
            "Hợp tác xã" if index % 2 else "hộ sản xuất, hộ kinh doanh, cơ sở sản xuất",
            "Nguyễn Văn An",
            CO_DO_COMMUNES[index % len(CO_DO_COMMUNES)] if index % 4 else "925",
            f"Ấp {index}, Cờ Đỏ",
            "0292 3821 234",
            10,
            5,
            "Có",
        ]
        for index in range(1, count + 1)
    ]


def test_twenty_producers_with_three_bad_rows_then_fixed(login, importer):
    client = login(importer)
    rows = producer_rows()
    rows[2][4] = "99999"  # line 4: no such area
    rows[7][0] = "12AB"  # line 9: not a tax code
    rows[15][8] = 30  # line 17: more women than workers

    checked = check(client, PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows))

    found = reasons(checked)
    assert sorted(found) == [4, 9, 17]
    assert "Mã địa bàn: Không tìm thấy địa bàn có mã 99999." in found[4]
    assert "Mã số thuế: Mã số thuế gồm 10 chữ số" in found[9]
    assert "Số lao động thành phần không được vượt tổng số." in found[17]
    assert "confirm_form" not in checked.context
    assert "Tệp có lỗi, chưa nhập dòng nào" in checked.content.decode()
    assert "Xác nhận nhập" not in checked.content.decode()
    assert not Producer.objects.exists()

    rows[2][4], rows[7][0], rows[15][8] = "31249", "1800000099", 3
    checked = check(client, PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows))
    assert not checked.context["result"].has_validation_errors()
    assert "Xác nhận nhập" in checked.content.decode()
    assert not Producer.objects.exists()  # the dry run writes nothing

    done = confirm(client, PRODUCERS, checked)

    assert done.status_code == 302
    assert Producer.objects.count() == 20
    producer = Producer.objects.get(tax_code="1800000001")
    assert producer.name == "Hợp tác xã Nông sản 1"
    assert producer.kind == Producer.Kind.COOPERATIVE
    assert producer.area.code == "31255"
    assert Producer.objects.get(tax_code="1800000004").area.code == "925"
    assert Producer.objects.get(tax_code="1800000002").kind == Producer.Kind.HOUSEHOLD
    record = producer.history.get()
    assert record.history_user == importer
    assert record.history_change_reason == "Nhập từ tệp tep.xlsx"
    assert "20 bản ghi mới" in first_message(client)


def test_a_row_failing_during_the_real_import_undoes_every_row(login, importer, ninh_kieu):
    client = login(importer)
    rows = producer_rows(5)
    checked = check(client, PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows))
    assert "confirm_form" in checked.context
    # Between the check and the confirmation, the tax code of line 4 is taken elsewhere.
    ProducerFactory(tax_code=rows[2][0], area=ninh_kieu)

    done = confirm(client, PRODUCERS, checked)

    assert done.status_code == 302
    assert done["Location"] == f"{PRODUCERS}import/"
    assert Producer.objects.count() == 1
    message = first_message(client)
    assert "Chưa nhập dòng nào" in message
    assert "và dòng 4 không còn hợp lệ" in message


def test_an_officer_cannot_import_into_another_district(login, importer, ninh_kieu):
    client = login(importer)
    rows = producer_rows(3)
    rows[0][4] = "916"  # Ninh Kiều (former district)
    rows[1][4] = "31120"  # a ward of Ninh Kiều today

    found = reasons(check(client, PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows)))

    assert sorted(found) == [2, 3]
    assert "Địa bàn có mã 916 không thuộc địa bàn bạn phụ trách." in found[2]
    assert "Địa bàn có mã 31120 không thuộc địa bàn bạn phụ trách." in found[3]
    assert not Producer.objects.exists()


def test_an_officer_cannot_overwrite_a_producer_of_another_district(login, importer, ninh_kieu):
    ProducerFactory(tax_code="1800000001", name="Doanh nghiệp Ninh Kiều", area=ninh_kieu)
    rows = producer_rows(1)

    found = reasons(check(login(importer), PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows)))

    assert "Mã số thuế này đã được đăng ký cho chủ thể khác." in found[2]
    assert Producer.objects.get().name == "Doanh nghiệp Ninh Kiều"


def test_import_updates_existing_producers_and_skips_unchanged_ones(login, importer):
    ProducerFactory(tax_code="1800000001", name="Hợp tác xã Nông sản 1", address="Cũ")
    same = ProducerFactory(
        tax_code="", name="Hộ Lê Văn Bình", kind="ho", address="Ấp 2", legal_representative="A"
    )
    client = login(importer)
    rows = producer_rows(1)
    rows.append(["", "Hộ Lê Văn Bình", "ho", "A", "925", "Ấp 2", "", "", "", ""])

    checked = check(client, PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows))

    assert [row.import_type for row in checked.context["result"].rows] == ["update", "skip"]
    confirm(client, PRODUCERS, checked)
    assert Producer.objects.count() == 2
    assert Producer.objects.get(tax_code="1800000001").address == "Ấp 1, Cờ Đỏ"
    assert same.history.count() == 1  # nothing written for the unchanged row


def test_a_record_listed_twice_is_refused(login, importer):
    rows = producer_rows(2)
    rows[1][0] = rows[0][0]

    found = reasons(check(login(importer), PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows)))

    assert found == {3: "__all__: Trùng với dòng 2 của tệp."}


def test_blank_rows_are_skipped_and_lines_keep_their_numbers(login, importer):
    rows = producer_rows(3)
    rows[2][4] = "99999"
    blank = [None] * len(PRODUCER_HEADERS)
    rows = [rows[0], blank, rows[1], rows[2], blank, blank]

    checked = check(login(importer), PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows))

    assert list(reasons(checked)) == [5]
    assert [row.import_type for row in checked.context["result"].rows] == [
        "new",
        "skip",
        "new",
        "invalid",
    ]


def test_missing_columns_are_named(login, importer):
    checked = check(login(importer), PRODUCERS, xlsx_file(["Tên chủ thể"], [["Hộ A"]]))

    errors = [str(error.error) for error in checked.context["result"].base_errors]
    assert errors == [
        "Tệp thiếu cột: Loại hình, Người đại diện, Mã địa bàn. "
        "Dòng đầu của tệp phải là tên các cột."
    ]
    assert "Xác nhận nhập" not in checked.content.decode()


def test_headers_and_cells_are_matched_loosely(login, importer):
    headers = ["ten chu the", "LOẠI HÌNH", "Người  đại diện", "mã địa bàn", "Đang hoạt động"]
    rows = [["Hộ\u0020Trần Văn Cường ", "Hộ sản xuất, hộ kinh doanh, cơ sở sản xuất", "X", 925, ""]]
    client = login(importer)

    confirm(client, PRODUCERS, check(client, PRODUCERS, xlsx_file(headers, rows)))

    producer = Producer.objects.get()
    assert (producer.name, producer.kind, producer.area.code) == ("Hộ Trần Văn Cường", "ho", "925")
    assert producer.is_active  # left blank: the default


def test_bad_cells_are_explained(login, importer):
    rows = producer_rows(3)
    rows[0][2] = "Công ty"
    rows[1][7] = "mười"
    rows[2][9] = "chưa rõ"

    found = reasons(check(login(importer), PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows)))

    assert "Loại hình: “Công ty” không có trong danh sách: Doanh nghiệp; Hợp tác xã" in found[2]
    assert "Tổng số lao động: “mười” không phải là số nguyên." in found[3]
    assert "Đang hoạt động: Hãy ghi “Có” hoặc “Không”, không phải “chưa rõ”." in found[4]


@pytest.mark.parametrize("delimiter", [",", ";"])  # ";" from Excel set to Vietnamese
def test_producers_import_from_csv(login, importer, delimiter):
    client = login(importer)
    rows = producer_rows(3)

    checked = check(client, PRODUCERS, csv_file(PRODUCER_HEADERS, rows, delimiter), CSV)
    confirm(client, PRODUCERS, checked)

    assert Producer.objects.count() == 3
    assert Producer.objects.get(tax_code="1800000002").workers_total == 10


def test_an_officer_without_the_add_right_cannot_import(login, co_do):
    officer = officer_of("925", username="codo-view", is_staff=True)
    officer.user_permissions.add(
        Permission.objects.get(codename="view_producer"),
        Permission.objects.get(codename="change_producer"),
    )
    client = login(officer)

    assert client.get(f"{PRODUCERS}import/").status_code == 403
    assert client.get(f"{PRODUCERS}export/").status_code == 200
    assert "Nhập từ tệp" not in client.get(PRODUCERS).content.decode()


# Products ------------------------------------------------------------------------------------

PRODUCT_HEADERS = ["Tên chủ thể", "Mã số thuế chủ thể", "Tên sản phẩm", "Mã bộ sản phẩm", "Mô tả"]


def test_products_with_bad_rows_then_fixed(login, importer, ninh_kieu):
    ProducerFactory(name="Hợp tác xã Cờ Đỏ Xanh")
    ProducerFactory(name="Doanh nghiệp Lúa Vàng", tax_code="1800123456")
    ProducerFactory(name="Hợp tác xã Ninh Kiều", area=ninh_kieu)
    rows = [
        ["Hợp tác xã Cờ Đỏ Xanh", "", "Gạo thơm ST25", "I.2.a", "Dòng một\nDòng hai"],
        ["Chủ thể Không Có", "", "Mắm cá", "I.4.a", ""],
        ["Hợp tác xã Cờ Đỏ Xanh", "", "Mật ong", "I.2", ""],
        ["Hợp tác xã Ninh Kiều", "", "Bánh tráng", "I.3.b", ""],
        ["", "1800123456", "Bánh phồng tôm", "I.3.d", ""],
    ]
    client = login(importer)

    found = reasons(check(client, PRODUCTS, xlsx_file(PRODUCT_HEADERS, rows)))

    assert sorted(found) == [3, 4, 5]
    assert found[3] == "Tên chủ thể: Không tìm thấy chủ thể “Chủ thể Không Có”."
    assert found[4] == "Mã bộ sản phẩm: Mã I.2 là một ngành hoặc nhóm; hãy ghi mã của bộ sản phẩm."
    assert found[5] == "Tên chủ thể: Không tìm thấy chủ thể “Hợp tác xã Ninh Kiều”."
    assert not Product.objects.exists()

    rows[1][0] = rows[3][0] = "hợp tác xã cờ đỏ xanh"
    rows[2][3] = "I.2.b"
    confirm(client, PRODUCTS, check(client, PRODUCTS, xlsx_file(PRODUCT_HEADERS, rows)))

    assert Product.objects.count() == 5
    rice = Product.objects.get(name="Gạo thơm ST25")
    assert (rice.producer.name, rice.category.code) == ("Hợp tác xã Cờ Đỏ Xanh", "I.2.a")
    assert rice.description == "Dòng một\nDòng hai"
    assert Product.objects.get(name="Bánh phồng tôm").producer.tax_code == "1800123456"


def test_a_product_is_found_whatever_the_capitals(login, importer):
    product = ProductFactory(name="Gạo thơm")
    rows = [[product.producer.name, "", "Gạo Thơm", "I.2.a", ""]]

    checked = check(login(importer), PRODUCTS, xlsx_file(PRODUCT_HEADERS, rows))

    assert [row.import_type for row in checked.context["result"].rows] == ["update"]


# Certificates --------------------------------------------------------------------------------

CERTIFICATE_HEADERS = [
    "Tên chủ thể",
    "Tên sản phẩm",
    "Số sao",
    "Điểm",
    "Căn cứ",
    "Cấp công nhận",
    "Hình thức",
    "Số quyết định",
    "Ngày quyết định",
    "Ngày thu hồi",
    "Lý do thu hồi",
]


@pytest.fixture
def own_products(db, co_do):
    producer = ProducerFactory(name="Hợp tác xã Cờ Đỏ Xanh")
    return [ProductFactory(producer=producer, name=f"Sản phẩm {n}") for n in range(1, 7)]


def certificate_row(product, **changes) -> list:
    values = {
        "stars": 4,
        "score": 75,
        "basis": "148/QĐ-TTg",
        "level": "Cấp tỉnh",
        "kind": "",
        "number": f"{product.pk}/QĐ-UBND",
        "date": datetime(2024, 3, 15),  # a real date cell
        "revoked_on": "",
        "reason": "",
        **changes,
    }
    return [product.producer.name, product.name, *values.values()]


def test_certificates_with_bad_rows_then_fixed(login, importer, own_products):
    tomorrow = date.today() + timedelta(days=1)
    a, b, c, d, e, f = own_products
    rows = [
        certificate_row(a),
        certificate_row(b, stars=6),
        certificate_row(c, date=tomorrow.strftime("%d/%m/%Y")),
        certificate_row(d, score="120"),
        certificate_row(e, revoked_on="01/04/2024"),
        certificate_row(f, date="31/02/2024"),
        [a.producer.name, "Sản phẩm Không Có", *certificate_row(a)[2:]],
    ]
    client = login(importer)

    found = reasons(check(client, CERTIFICATES, xlsx_file(CERTIFICATE_HEADERS, rows)))

    assert sorted(found) == [3, 4, 5, 6, 7, 8]
    assert "Số sao: Giá trị 6 không phải là lựa chọn hợp lệ." in found[3]
    assert found[4] == "Ngày quyết định: Ngày quyết định không được ở tương lai."
    assert found[5].startswith("Điểm: ")
    assert "100" in found[5]
    assert found[6] == "Lý do thu hồi: Hãy ghi lý do thu hồi."
    assert found[7] == (
        "Ngày quyết định: Ngày không hợp lệ, hãy nhập dạng ngày/tháng/năm (ví dụ 15/03/2024): "
        "“31/02/2024”."
    )
    assert found[8] == (
        "Tên sản phẩm: Chủ thể “Hợp tác xã Cờ Đỏ Xanh” không có sản phẩm “Sản phẩm Không Có”."
    )
    assert not Certificate.objects.exists()

    rows[1] = certificate_row(b, stars=5, level="Trung ương")
    rows[2] = certificate_row(c, date="2024-03-16")
    rows[3] = certificate_row(d, score="85,5")
    rows[4] = certificate_row(e, revoked_on="01/04/2024", reason="Vi phạm\ncam kết")
    rows[5] = certificate_row(f, date="29/02/2024")
    del rows[6]
    confirm(client, CERTIFICATES, check(client, CERTIFICATES, xlsx_file(CERTIFICATE_HEADERS, rows)))

    assert Certificate.objects.count() == 6
    first = Certificate.objects.get(product=a)
    assert (first.decision_date, first.valid_until) == (date(2024, 3, 15), date(2027, 3, 14))
    assert (first.kind, first.level, first.area) == ("new", "city", a.producer.area)
    assert Certificate.objects.get(product=b).level == "central"
    assert Certificate.objects.get(product=c).decision_date == date(2024, 3, 16)
    assert Certificate.objects.get(product=d).score == Decimal("85.5")
    assert Certificate.objects.get(product=e).revoked_reason == "Vi phạm\ncam kết"


def test_certificates_import_from_csv(login, importer, own_products):
    a, b = own_products[:2]
    rows = [
        certificate_row(a, date="15/03/2024", score="90,25"),
        certificate_row(b, date="2023-12-01", basis="1048/QĐ-TTg", level="district", stars="3"),
    ]
    client = login(importer)

    checked = check(client, CERTIFICATES, csv_file(CERTIFICATE_HEADERS, rows), CSV)
    confirm(client, CERTIFICATES, checked)

    assert Certificate.objects.get(product=a).score == Decimal("90.25")
    second = Certificate.objects.get(product=b)
    assert (second.decision_date, second.legal_basis_id, second.level, second.stars) == (
        date(2023, 12, 1),
        "1048/QĐ-TTg",
        "district",
        3,
    )


# Exports -------------------------------------------------------------------------------------

FORMULAE = {
    "name": '=HYPERLINK("http://example.com","Bấm vào")',
    "address": "+1+2",
    "legal_representative": "@SUM(1;2)",
    "phone": "-2+3",
}


def export(client, admin_url: str, file_format: str):
    response = client.post(f"{admin_url}export/", {"format": file_format, "resource": "0"})
    assert response.status_code == 200
    return response


def xlsx_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(response) -> list[list]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("file_format, read", [(XLSX, xlsx_rows), (CSV, csv_rows)])
def test_export_neutralises_formulae(login, importer, file_format, read):
    ProducerFactory(tax_code="1800000001", **FORMULAE)

    header, row = read(export(login(importer), PRODUCERS, file_format))

    cells = dict(zip(header, row, strict=True))
    assert cells["Tên chủ thể"] == "'" + FORMULAE["name"]
    assert cells["Địa chỉ"] == "'+1+2"
    assert cells["Người đại diện"] == "'@SUM(1;2)"
    assert cells["Điện thoại"] == "'-2+3"
    assert cells["Mã số thuế"] == "1800000001"


def test_an_exported_file_imports_back_unchanged(login, importer):
    ProducerFactory(tax_code="1800000001", workers_total=12, **FORMULAE)
    ProducerFactory(tax_code="", name="Hộ Phạm Thị Dung", kind="ho")
    client = login(importer)
    exported = export(client, PRODUCERS, XLSX).content

    checked = check(client, PRODUCERS, exported)

    assert [row.import_type for row in checked.context["result"].rows] == ["skip", "skip"]


def test_export_keeps_dates_and_numbers_and_blanks(login, importer, own_products):
    CertificateFactory(product=own_products[0], score=Decimal("87.50"))

    header, row = xlsx_rows(export(login(importer), CERTIFICATES, XLSX))

    cells = dict(zip(header, row, strict=True))
    assert cells["Ngày quyết định"] == datetime(2024, 3, 15)
    assert cells["Hiệu lực đến"] == datetime(2027, 3, 14)
    assert cells["Số sao"] == 4
    assert cells["Điểm"] == 87.5
    assert cells["Ngày thu hồi"] is None
    assert cells["Cấp công nhận"] == "Cấp tỉnh"
    sheet = openpyxl.load_workbook(io.BytesIO(export(login(importer), CERTIFICATES, XLSX).content))
    assert sheet.active.cell(row=2, column=header.index("Ngày quyết định") + 1).number_format == (
        "DD/MM/YYYY"
    )


def test_csv_export_writes_iso_dates_and_states_its_encoding(login, importer, own_products):
    CertificateFactory(product=own_products[0], score=Decimal("87.50"))

    response = export(login(importer), CERTIFICATES, CSV)
    header, row = csv_rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    cells = dict(zip(header, row, strict=True))
    assert (cells["Ngày quyết định"], cells["Điểm"], cells["Ngày thu hồi"]) == (
        "2024-03-15",
        "87.5",
        "",
    )


def test_export_offers_xlsx_first_and_names_the_csv_encoding(login, importer):
    response = login(importer).get(f"{PRODUCERS}export/")

    choices = list(response.context["form"].fields["format"].choices)
    assert response.context["form"].fields["format"].initial == "0"
    assert choices[1] == ("0", "xlsx (Excel, khuyên dùng)")
    assert "UTF-8 có BOM" in choices[2][1] and "ISO" in choices[2][1]


def test_xlsx_export_keeps_tax_codes_as_text(login, importer):
    ProducerFactory(tax_code="0301234567", name="Công ty Mãng cầu")

    response = export(login(importer), PRODUCERS, XLSX)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Mã số thuế") + 1)
    assert (cell.value, cell.data_type, cell.number_format) == ("0301234567", "s", "@")
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions[cell.column_letter].width >= len("0301234567")


@pytest.mark.parametrize("admin_url", [PRODUCERS, PRODUCTS, CERTIFICATES])
def test_an_officer_exports_only_their_areas(login, importer, ninh_kieu, admin_url):
    CertificateFactory(product__producer__name="Hợp tác xã Cờ Đỏ Xanh")
    CertificateFactory(
        product__producer__name="Hợp tác xã Ninh Kiều", product__producer__area=ninh_kieu
    )

    header, *rows = csv_rows(export(login(importer), admin_url, CSV))

    producers = [dict(zip(header, row, strict=True))["Tên chủ thể"] for row in rows]
    assert producers == ["Hợp tác xã Cờ Đỏ Xanh"]


@pytest.mark.parametrize("url", [PRODUCERS, PRODUCTS, CERTIFICATES])
def test_export_queries_do_not_grow_with_rows(
    login, importer, own_products, django_assert_max_num_queries, url
):
    CertificateFactory.create_batch(30)
    client = login(importer)

    # Session, user, permissions, areas, the filters' choices and one query for the rows.
    with django_assert_max_num_queries(9):
        export(client, url, XLSX)


def test_the_export_follows_the_lists_search(login, importer):
    ProducerFactory(name="Hợp tác xã Mật Ong")
    ProducerFactory(name="Hợp tác xã Gạo")
    client = login(importer)

    response = client.post(f"{PRODUCERS}export/?q=mat+ong", {"format": CSV, "resource": "0"})

    header, *rows = csv_rows(response)
    assert [row[header.index("Tên chủ thể")] for row in rows] == ["Hợp tác xã Mật Ong"]


# Cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, day",
    [
        ("15/03/2024", date(2024, 3, 15)),
        ("5/3/2024", date(2024, 3, 5)),
        ("2024-03-15", date(2024, 3, 15)),
        (datetime(2024, 3, 15), date(2024, 3, 15)),
        ("", None),
    ],
)
def test_dates_are_read_day_first(cell, day):
    from core.imports import DateWidget

    assert DateWidget().clean(cell) == day


@pytest.mark.parametrize("cell", ["15/3/24", "03/15/2024", "hôm qua"])
def test_bad_dates_are_refused(cell):
    from core.imports import DateWidget

    with pytest.raises(ValueError, match="hãy nhập dạng ngày/tháng/năm"):
        DateWidget().clean(cell)


@pytest.mark.parametrize(
    "cell, value", [("1.200", 1200), ("1 200", 1200), (12, 12), ("12", 12), ("", None)]
)
def test_whole_numbers(cell, value):
    from core.imports import IntegerWidget

    assert IntegerWidget().clean(cell) == value


@pytest.mark.parametrize(
    "cell, text",
    [
        ("  Xa\u0303  Phú  Hữu ", "Xã Phú Hữu"),
        ("'=1+2", "=1+2"),
        ("'bình thường", "'bình thường"),
        (1800123456.0, 1800123456),
    ],
)
def test_cells_are_cleaned(cell, text):
    from core.imports import clean_cell

    assert clean_cell(cell) == text
