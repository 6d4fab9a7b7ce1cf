"""The list of products a round recognised, to attach to the Chairman's decision: on the round's
page, as a Word document (the appendix of the decision: the national heading, "Phụ lục: Danh
sách sản phẩm OCOP được công nhận", landscape A4) and as a spreadsheet (numbers stay numbers
with display formats, the heading row stays in view, landscape on one page width).

Only the evaluations of the round that the user may see and that ended recognised
(``Evaluation.RECOGNISED_STATUSES``) are listed, each with its certificate. The documents are
official papers: they are written in Vietnamese whatever the page's language, numbers the
Vietnamese way (85,50), stars as "3 sao".
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.imports import neutralise
from core.numbers import format_number
from evaluations.models import Evaluation, Round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
#: Spreadsheet display formats: the spreadsheet shows its locale's separators (85,50 in
#: Vietnamese), the stars stay a number shown as "4 sao".
SCORE_FORMAT = "0.00"
STARS_FORMAT = '0" sao"'
INTEGER_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_ROW = 5
MIN_WIDTH, MAX_WIDTH = 6, 50


@dataclass(frozen=True)
class Row:
    number: int
    product: str
    producer: str
    place: str
    category: str
    score: Decimal | None
    stars: int | None
    decision_number: str
    decision_date: date | None

    @property
    def stars_text(self) -> str:
        return _("%(stars)s sao") % {"stars": self.stars} if self.stars else "–"

    @property
    def score_text(self) -> str:
        return format_number(self.score, 2) if self.score is not None else "–"

    @property
    def decision_text(self) -> str:
        if not self.decision_number:
            return ""
        if not self.decision_date:
            return self.decision_number
        return _("%(number)s ngày %(day)s") % {
            "number": self.decision_number,
            "day": formats.date_format(self.decision_date, "SHORT_DATE_FORMAT"),
        }


def _place(area) -> str:
    """The commune and the district it lay in, without the province the list is headed by."""
    parts = area.full_name.split(", ")
    return ", ".join(parts[:-1] if len(parts) > 1 else parts)


def recognised(round_: Round, user):
    """The round's recognised evaluations the user may see, with their certificates."""
    return (
        Evaluation.objects.visible_to(user)
        .filter(round=round_, status__in=Evaluation.RECOGNISED_STATUSES)
        .select_related("product__producer__area", "product__category", "certificate")
        .order_by("product__producer__area__full_name", "product__search_name", "pk")
    )


def rows(evaluations) -> list[Row]:
    result = []
    for number, evaluation in enumerate(evaluations, start=1):
        product = evaluation.product
        certificate = evaluation.certificate
        result.append(
            Row(
                number=number,
                product=product.name,
                producer=product.producer.name,
                place=_place(product.producer.area),
                category=str(product.category) if product.category_id else "",
                score=certificate.score
                if certificate and certificate.score is not None
                else evaluation.score,
                stars=(certificate.stars if certificate else None) or evaluation.recognised_stars,
                decision_number=certificate.decision_number
                if certificate
                else evaluation.decision_number,
                decision_date=certificate.decision_date
                if certificate
                else evaluation.decision_date,
            )
        )
    return result


def shared_decision(items: list[Row]) -> tuple[str, date | None] | None:
    """The decision all the listed products were recognised by, if there is one."""
    decisions = {(row.decision_number, row.decision_date) for row in items}
    if len(decisions) == 1:
        decision = decisions.pop()
        if decision[0]:
            return decision
    return None


def columns() -> list[str]:
    return [
        _("STT"),
        _("Tên sản phẩm"),
        _("Chủ thể"),
        _("Xã, phường (huyện)"),
        _("Bộ sản phẩm"),
        _("Điểm"),
        _("Hạng sao"),
        _("Quyết định công nhận"),
    ]


def title() -> str:
    return _("Phụ lục: Danh sách sản phẩm OCOP được công nhận")


def subtitle(round_: Round, items: list[Row]) -> str:
    """ "(Kèm theo Quyết định số … ngày … của Chủ tịch Ủy ban nhân dân thành phố Cần Thơ)" when
    one decision is recorded; the round otherwise."""
    words = round_.area.province_words
    decision = shared_decision(items)
    if decision:
        number, day = decision
        return _(
            "(Kèm theo Quyết định số %(number)s ngày %(day)s của Chủ tịch Ủy ban nhân dân "
            "%(province)s)"
        ) % {
            "number": number,
            "day": formats.date_format(day, "SHORT_DATE_FORMAT") if day else "…",
            "province": _lower_first(words.name),
        }
    return _("(%(round)s — %(province)s)") % {"round": round_.title, "province": words.name}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def filename(round_: Round, extension: str) -> str:
    return f"danh-sach-cong-nhan-dot-{round_.number}-{round_.year}-{round_.pk}.{extension}"


# --- Word ---------------------------------------------------------------------------------------


def _paragraph(container, text: str, *, bold=False, italic=False, size=13, center=True):
    paragraph = container.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    return paragraph


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def docx_bytes(round_: Round, items: list[Row]) -> bytes:
    with translation.override("vi"):
        return _docx(round_, items)


def _docx(round_: Round, items: list[Row]) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(15)

    words = round_.area.province_words
    heading = document.add_table(rows=1, cols=2)
    heading.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = heading.rows[0].cells
    left.paragraphs[0].text = ""
    _paragraph(left, _("ỦY BAN NHÂN DÂN"), bold=False, size=13)
    _paragraph(left, words.name.upper(), bold=True, size=13)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    for cell in (left, right):
        first = cell.paragraphs[0]
        if not first.text:
            first._element.getparent().remove(first._element)

    document.add_paragraph()
    _paragraph(document, title(), bold=True, size=14)
    _paragraph(document, subtitle(round_, items), italic=True, size=13)
    document.add_paragraph()

    headings = columns()
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_as_header(table.rows[0])
    for row in items:
        values = [
            str(row.number),
            row.product,
            row.producer,
            row.place,
            row.category,
            row.score_text,
            row.stars_text,
            row.decision_text,
        ]
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if index in (0, 5, 6):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    widths = [Mm(w) for w in (12, 55, 45, 50, 40, 18, 20, 40)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    if not items:
        _paragraph(document, _("Đợt này chưa có sản phẩm nào được công nhận."), size=12)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Spreadsheet --------------------------------------------------------------------------------


def _shown_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal):
        return len(f"{value:.2f}")
    return max(len(line) for line in str(value).splitlines() or [""])


def xlsx_bytes(round_: Round, items: list[Row]) -> bytes:
    with translation.override("vi"):
        return _xlsx(round_, items)


def _xlsx(round_: Round, items: list[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách công nhận")
    sheet["A1"] = neutralise(title())
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = neutralise(subtitle(round_, items))
    sheet["A2"].font = Font(italic=True)
    sheet["A3"] = neutralise(round_.area.province_words.name)

    headings = [*columns()[:-1], _("Số quyết định"), _("Ngày quyết định")]
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, text in enumerate(headings, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    formats_of = {
        1: INTEGER_FORMAT,
        6: SCORE_FORMAT,
        7: STARS_FORMAT,
        9: DATE_FORMAT,
    }
    widths = [len(text) for text in headings]
    for offset, row in enumerate(items, start=1):
        values = [
            row.number,
            row.product,
            row.producer,
            row.place,
            row.category,
            row.score,
            row.stars,
            row.decision_number,
            row.decision_date,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=neutralise(value))
            cell.alignment = wrap
            if column in formats_of:
                cell.number_format = formats_of[column]
            widths[column - 1] = max(widths[column - 1], _shown_length(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, width + 2)
        )
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
