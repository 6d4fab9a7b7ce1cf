"""Spreadsheet imports under attack: damaged, disguised, oversized and hostile files are refused
on the import page with the reason in Vietnamese, nothing is written and nothing fails with a
500; formulas are read as text, never as the value a spreadsheet computed."""

import csv
import io
import unicodedata
import zipfile

import openpyxl
import pytest

from core.imports import MAX_IMPORT_ROWS
from products.models import Product
from subjects.models import Producer
from tests.test_imports import (
    CSV,
    PRODUCER_HEADERS,
    PRODUCERS,
    XLSX,
    check,
    confirm,
    csv_file,
    importer,  # noqa: F401 (a fixture)
    producer_rows,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

NOT_XLSX = "Tệp không phải là tệp Excel (.xlsx)"
DAMAGED = "Tệp Excel bị hỏng hoặc chưa tải lên hết"
BOMB = "nghi là “bom nén”"
NOT_UTF8 = "Tệp CSV không được lưu bằng bảng mã UTF-8"


def good_xlsx(rows: int = 3) -> bytes:
    return xlsx_file(PRODUCER_HEADERS, producer_rows(rows))


def with_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one more member in its archive."""
    output = io.BytesIO(xlsx)
    with zipfile.ZipFile(output, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return output.getvalue()


def refused(client, content: bytes, file_format: str = XLSX, name: str = "") -> str:
    """Upload, expect the import page again with an error and no confirm step; its text."""
    response = check(client, PRODUCERS, content, file_format, name)
    page = response.content.decode()
    assert "confirm_form" not in response.context
    assert "Xác nhận nhập" not in page
    assert 'class="errorlist' in page
    assert not Producer.objects.exists() and not Product.objects.exists()
    return page


@pytest.fixture
def client_(login, importer):  # noqa: F811
    return login(importer)


# Damaged or disguised files ---------------------------------------------------------------


def test_random_bytes_named_xlsx(client_):
    assert NOT_XLSX in refused(client_, bytes(range(256)) * 40, name="so-lieu.xlsx")


def test_a_csv_renamed_xlsx_is_refused_as_xlsx(client_):
    content = csv_file(PRODUCER_HEADERS, producer_rows(3))
    page = refused(client_, content, XLSX, name="so-lieu.xlsx")
    assert NOT_XLSX in page and "hãy chọn định dạng csv" in page


def test_an_xlsx_renamed_csv_is_refused_as_csv(client_):
    page = refused(client_, good_xlsx(), CSV, name="so-lieu.csv")
    assert "Tệp này là tệp Excel (.xlsx), không phải CSV" in page


@pytest.mark.parametrize("file_format", [XLSX, CSV])
def test_an_empty_file(client_, file_format):
    # Django refuses a file of no bytes itself; blank content is refused here.
    assert "rỗng" in refused(client_, b"", file_format)
    assert "rỗng" in refused(client_, b"  \r\n ", file_format)


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_a_truncated_xlsx(client_, keep):
    content = good_xlsx(50)
    assert DAMAGED in refused(client_, content[: int(len(content) * keep)])


def test_a_zip_that_is_not_a_workbook(client_):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert DAMAGED in refused(client_, output.getvalue())


def test_a_damaged_member_gives_the_general_message(client_):
    content = bytearray(good_xlsx(50))
    start = content.find(b"xl/worksheets/sheet1.xml") + 40  # inside the sheet's packed data
    content[start : start + 200] = bytes(200)
    assert "Không đọc được tệp" in refused(client_, bytes(content))


# Wrong content ------------------------------------------------------------------------------


def test_wrong_or_missing_columns(client_):
    headers = ["Họ tên", "Số điện thoại", "Ghi chú"]
    page = refused(client_, xlsx_file(headers, [["An", "0909", ""]]))
    assert "Tệp thiếu cột: Tên chủ thể, Loại hình, Người đại diện, Mã địa bàn." in page


@pytest.mark.parametrize("file_format, build", [(XLSX, xlsx_file), (CSV, csv_file)])
def test_headers_without_records(client_, file_format, build):
    page = refused(client_, build(PRODUCER_HEADERS, []), file_format)
    assert "Tệp không có dòng dữ liệu nào dưới dòng tên cột." in page


def test_formulas_are_imported_as_their_text_never_run(client_):
    rows = producer_rows(2)
    link = '=HYPERLINK("http://tan-cong.example/x","Bấm vào đây")'
    rows[0][1] = link
    rows[1][5] = "=1+1"  # an address
    # The library read the value Excel computed (none here: openpyxl computes nothing), so
    # a formula cell came in empty; it must come in as the text the officer sees in the bar.
    checked = check(client_, PRODUCERS, xlsx_file(PRODUCER_HEADERS, rows))
    assert "confirm_form" in checked.context, checked.content.decode()
    confirm(client_, PRODUCERS, checked)

    assert Producer.objects.get(tax_code=rows[0][0]).name == link
    assert Producer.objects.get(tax_code=rows[1][0]).address == "=1+1"
    # Exported again, the text is neutralised and stays text in a spreadsheet.
    export = client_.post(f"{PRODUCERS}export/", {"format": XLSX, "resource": "0"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'" + link in names
    # Shown on the admin page as text, not as a link.
    page = client_.get(PRODUCERS).content.decode()
    assert 'href="http://tan-cong.example' not in page


# Oversized files --------------------------------------------------------------------------


def test_more_rows_than_the_limit_in_xlsx(client_):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(PRODUCER_HEADERS)
    row = producer_rows(1)[0]
    for _index in range(MAX_IMPORT_ROWS + 1):
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    assert "Tệp có hơn 5.000 dòng dữ liệu" in refused(client_, output.getvalue())


def test_more_rows_than_the_limit_in_csv(client_):
    rows = producer_rows(1) * (MAX_IMPORT_ROWS + 1)
    assert "Tệp có hơn 5.000 dòng dữ liệu" in refused(
        client_, csv_file(PRODUCER_HEADERS, rows), CSV
    )


def test_a_file_over_the_size_limit(client_):
    content = csv_file(PRODUCER_HEADERS, producer_rows(1)) + b"x" * (5 * 1024 * 1024)
    assert "Tệp quá lớn: tối đa 5 MB." in refused(client_, content, CSV)


def test_a_zip_bomb_unpacking_to_more_than_the_limit(client_):
    bomb = with_member(good_xlsx(), "xl/media/anh.bin", bytes(60 * 1024 * 1024))
    assert len(bomb) < 200 * 1024  # a small upload
    assert BOMB in refused(client_, bomb)


def test_a_member_packed_at_an_extreme_ratio(client_):
    bomb = with_member(good_xlsx(), "xl/media/anh.bin", bytes(4 * 1024 * 1024))
    assert BOMB in refused(client_, bomb)


def test_too_many_members(client_):
    output = io.BytesIO(good_xlsx())
    with zipfile.ZipFile(output, "a") as archive:
        for index in range(1001):
            archive.writestr(f"xl/media/{index}.txt", "")
    assert BOMB in refused(client_, output.getvalue())


# Encodings ----------------------------------------------------------------------------------


def csv_text(rows: int = 2, delimiter: str = ",") -> str:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows([PRODUCER_HEADERS, *producer_rows(rows)])
    return output.getvalue()


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1", "utf-16"])
def test_a_csv_not_in_utf8(client_, encoding):
    text = csv_text()
    if encoding == "latin-1":
        text = text.replace("Nông sản", "Café crème")  # only what latin-1 can write
        content = text.encode("latin-1", errors="replace")
    else:
        # Windows-1258 writes most Vietnamese letters as a base letter and a combining mark.
        content = unicodedata.normalize("NFD", text).encode(encoding, errors="replace")
    page = refused(client_, content, CSV)
    assert NOT_UTF8 in page or "Tệp không phải là tệp CSV dạng chữ (UTF-8)." in page


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_csv_with_or_without_a_byte_order_mark(client_, bom, delimiter):
    content = bom + csv_text(3, delimiter).encode("utf-8")
    checked = check(client_, PRODUCERS, content, CSV)
    assert "confirm_form" in checked.context, checked.content.decode()
    confirm(client_, PRODUCERS, checked)
    assert Producer.objects.count() == 3
    assert Producer.objects.get(tax_code="1800000001").name == "Hợp tác xã Nông sản 1"
