"""The dashboard's tables as a spreadsheet: one sheet per table, each headed by the area, the
year and the time of the data; text that a spreadsheet would run as a formula is neutralised,
and control characters are dropped (``neutralise``): a spreadsheet refuses them.

Numbers stay numbers with a display format (``#,##0``: the spreadsheet shows its locale's
grouping, 1.900.000.000 in Vietnamese; percentages as ``0.0%``), the columns are as wide as their
text, the headings stay in view when scrolling and each sheet prints landscape on one page width.
"""

import io
from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from budgets.models import Unit
from core.context_processors import data_as_of
from core.imports import neutralise
from dashboards.reports import Dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROWS = 5
INTEGER = "#,##0"
DECIMAL = "#,##0.0##"
PERCENT = "0.0%"
DATETIME = "dd/mm/yyyy hh:mm"
#: Column widths in characters: no narrower than a number, no wider than a landscape page's
#: share; longer text wraps.
MIN_WIDTH, MAX_WIDTH = 10, 60


class Percent(Decimal):
    """A share (0,528) that the sheet shows as a percentage (52,8%)."""


class Year(int):
    """A year, shown without grouping (2022, not 2.022)."""


def _cell(value):
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return value
    return neutralise(str(value))


def _percent(value) -> Percent | None:
    """A percentage rounded as the page shows it (255, 52,8), as a share: 2,55; 0,528."""
    if value is None:
        return None
    return Percent((Decimal(value).quantize(Decimal("0.1")) / 100).quantize(Decimal("0.001")))


def _share(value) -> Percent | None:
    """A published percentage (52,8) as a share, with its own precision (0,528)."""
    return None if value is None else Percent(Decimal(value) / 100)


def _number_format(value) -> str | None:
    if isinstance(value, Percent):
        return PERCENT
    if isinstance(value, (Year, bool)):
        return None
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, (float, Decimal)):
        return INTEGER if value == int(value) else DECIMAL
    return None


def _shown_length(value) -> int:
    """About how many characters the cell shows."""
    if value is None:
        return 0
    if isinstance(value, Percent):
        return len(f"{value * 100:.1f}%")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, Year):
        return len(f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])


def sheets(dashboard: Dashboard) -> list[tuple[str, list[str], list[list]]]:
    """(sheet title, column headings, rows) of each table the dashboard shows."""
    d = dashboard
    year = d.year
    summary = [
        [_("Sản phẩm OCOP còn hiệu lực"), d.stars.total],
        *[[_("— %(n)s sao") % {"n": stars}, d.stars.by_stars[stars]] for stars in (5, 4, 3)],
        [_("Sản phẩm tiềm năng 5 sao"), d.stars.potential_five_star],
        [_("Sản phẩm công nhận mới trong năm"), d.new_products],
        *[[_("— mới %(n)s sao") % {"n": stars}, d.new_by_stars[stars]] for stars in (5, 4, 3)],
        [_("Chỉ tiêu sản phẩm mới"), d.new_target],
        [_("Tỷ lệ đạt chỉ tiêu (%)"), _percent(d.new_achievement)],
        [_("Chủ thể có sản phẩm công nhận mới"), d.producers_new],
        [
            _("Địa bàn (%(unit)s) có sản phẩm công nhận trong năm") % {"unit": d.units.level_label},
            d.units.with_products,
        ],
        [
            _("Địa bàn (%(unit)s) đã tham gia đánh giá đến cuối năm")
            % {"unit": d.units.level_label},
            d.units.evaluating,
        ],
        [_("Tổng số địa bàn (%(unit)s)") % {"unit": d.units.level_label}, d.units.total],
        [_("Giấy chứng nhận hết hạn trong 90 ngày tới"), d.expiring],
    ]
    whole = dashboard.scope.province.province_words.whole
    targets = [
        [
            r.target.label,
            r.target.area.name if r.target.area_id else capfirst(whole),
            r.target.custom_unit or Unit(r.target.unit_code).label,
            r.target.value,
            r.result,
            _percent(r.achievement),
        ]
        for r in d.targets
    ]
    stars = [
        [Year(s.year), s.by_stars[3], s.by_stars[4], s.by_stars[5], s.total, s.potential_five_star]
        for s in d.series
    ]
    budget_source = budget_activity = []
    if d.budget:
        total = d.budget.total.planned
        budget_source = [
            [
                r.label,
                r.planned,
                _percent(Decimal(r.planned) * 100 / total) if total else None,
                r.disbursed,
            ]
            for r in d.budget.by_source
        ] + [[_("Tổng cộng"), total, _percent(100) if total else None, d.budget.total.disbursed]]
        budget_activity = [
            [r.label, r.planned, r.disbursed, r.remaining] for r in d.budget.by_activity
        ]
    comparisons = [
        [
            c.figure.label,
            c.figure.document,
            *(
                [c.published, c.recorded, c.difference]
                if c.figure.unit != Unit.PERCENT
                # Percentage points as shares too: 52,8 − 52,7 → 0,1%.
                else [_share(c.published), _percent(c.recorded), _share(c.difference)]
            ),
            c.verdict,
        ]
        for c in d.comparisons
    ]
    return [
        (_("Tổng hợp"), [_("Số liệu"), str(year)], summary),
        (
            _("Chỉ tiêu"),
            [_("Chỉ tiêu"), _("Địa bàn"), _("Đơn vị"), _("Kế hoạch"), _("Kết quả"), _("Đạt (%)")],
            targets,
        ),
        (
            _("Sao theo năm"),
            [_("Cuối năm"), _("3 sao"), _("4 sao"), _("5 sao"), _("Tổng"), _("Tiềm năng 5 sao")],
            stars,
        ),
        (
            _("Theo địa bàn"),
            [_("Địa bàn"), _("Còn hiệu lực"), _("Công nhận mới")],
            [[r.area.name, r.certified, r.new] for r in d.by_area],
        ),
        (
            _("Theo loại hình"),
            [_("Loại hình chủ thể"), _("Chủ thể"), _("Sản phẩm mới")],
            [[r.label, r.producers, r.products] for r in d.by_kind],
        ),
        (
            _("Theo ngành"),
            [_("Ngành"), _("Còn hiệu lực"), _("Công nhận mới")],
            [[r.label, r.certified, r.new] for r in d.by_sector],
        ),
        (_("Đánh giá"), [_("Trạng thái"), _("Số hồ sơ")], [[r.label, r.count] for r in d.pipeline]),
        (
            _("Kinh phí theo nguồn"),
            [_("Nguồn vốn"), _("Kế hoạch (đồng)"), _("Tỷ lệ (%)"), _("Đã giải ngân (đồng)")],
            budget_source,
        ),
        (
            _("Kinh phí theo nội dung"),
            [_("Nội dung"), _("Kế hoạch (đồng)"), _("Đã giải ngân (đồng)"), _("Còn lại (đồng)")],
            budget_activity,
        ),
        (
            _("Đối chiếu số liệu"),
            [
                _("Số liệu"),
                _("Văn bản"),
                _("Công bố"),
                _("Hệ thống"),
                _("Chênh lệch"),
                _("Kết quả"),
            ],
            comparisons,
        ),
        (
            _("Sau công nhận"),
            [_("Phần"), _("Số liệu"), _("Số lượng")],
            after_recognition_rows(d),
        ),
    ]


def after_recognition_rows(dashboard: Dashboard) -> list[list]:
    """The section "Sau công nhận" as (part, figure, count) rows: one sheet, every figure of
    the page's tables."""
    a = dashboard.after
    if a is None:
        return []

    def each(part, label, pairs) -> list[list]:
        return [
            [part, _("%(what)s: %(figure)s") % {"what": label, "figure": name}, value]
            for name, value in pairs
        ]

    rerating = _("Đánh giá lại giấy chứng nhận hết hạn năm %(year)s (tình trạng ngày %(day)s)") % {
        "year": a.year,
        "day": formats.date_format(a.on, "SHORT_DATE_FORMAT"),
    }
    rows = [[rerating, row.label, row.count] for row in a.rerating.rows]
    rows += [
        [rerating, _("Trong đó nâng hạng khi đánh giá lại"), a.rerating.upgraded],
        [rerating, _("Tổng số hết hạn trong năm"), a.rerating.total],
    ]
    revocations = _("Thu hồi giấy chứng nhận")
    for row in [*a.revocations, a.revocations_total]:
        rows += each(
            revocations,
            row.label,
            [
                (_("tổng"), row.total),
                (_("đã thu hồi"), row.decided),
                (_("chờ quyết định"), row.waiting),
                (_("không thu hồi"), row.dropped),
                (_("quá hạn 15 ngày"), row.late),
            ],
        )
    inspections = _("Kiểm tra sau công nhận")
    for row in [*a.inspections, a.inspections_total]:
        rows += each(
            inspections,
            row.label,
            [
                (_("kế hoạch trong năm"), row.planned),
                (_("chưa kiểm tra"), row.not_done),
                (_("đã kiểm tra trong năm"), row.done),
                (_("đạt"), row.passed),
                (_("không đạt"), row.failed),
            ],
        )
    follow_ups = _("Xử lý sau kiểm tra")
    rows += [[follow_ups, row.label, row.count] for row in a.follow_ups]
    failed = _("Điểm kiểm tra không đạt (số lượt)")
    rows += [[failed, row.title, row.failed] for row in a.points]
    reports = _("Phản ánh của người dân")
    rows += [
        [reports, _("Mới"), a.reports.new],
        [reports, _("Đang xử lý"), a.reports.processing],
        [reports, _("Đã đóng"), a.reports.closed],
        [reports, _("Trong đó đã chuyển thành kiểm tra đột xuất"), a.reports.inspected],
        [reports, _("Tổng số phản ánh nhận trong năm"), a.reports.total],
    ]
    return rows


def _as_of_cell() -> datetime | None:
    """The time of the data as a real date cell: a spreadsheet stores no time zone, so the
    portal's local time."""
    as_of = data_as_of()
    return timezone.localtime(as_of).replace(tzinfo=None, microsecond=0) if as_of else None


def _print_setup(sheet) -> None:
    """Landscape, every column on one page width, as many pages down as needed; the headings
    repeated on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROWS + 1}:{HEADER_ROWS + 1}"
    sheet.print_options.gridLines = True


def workbook_bytes(dashboard: Dashboard, progress=None) -> bytes:
    """The dashboard's tables as an XLSX workbook; `progress(done, total)` after each sheet."""
    as_of = _as_of_cell()
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    tables = sheets(dashboard)
    for number, (title, headings, rows) in enumerate(tables, start=1):
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([_cell(_("Bảng điều khiển OCOP — %(title)s") % {"title": title})])
        sheet.append([_cell(_("Địa bàn")), _cell(dashboard.scope.label)])
        sheet.append([_cell(_("Năm")), dashboard.year])
        sheet.append([_cell(_("Số liệu đến")), as_of if as_of else "–"])
        sheet["B4"].number_format = DATETIME
        sheet["B4"].alignment = Alignment(horizontal="left")
        sheet.append([])
        sheet.append([_cell(heading) for heading in headings])
        for row in rows:
            sheet.append([_cell(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                cell.number_format = _number_format(value) or cell.number_format
        sheet["A1"].font = Font(bold=True, size=13)
        for cell in sheet[HEADER_ROWS + 1]:
            cell.font = bold
            cell.alignment = wrap
        # Width from the headings and the data (the title in A1 may run over the columns).
        columns = max(len(headings), 2)
        for index in range(1, columns + 1):
            lengths = [_shown_length(row[index - 1]) for row in rows if len(row) >= index]
            if index <= len(headings):
                lengths.append(max(len(word) for word in str(headings[index - 1]).split()))
                lengths.append(min(len(str(headings[index - 1])), 24))
            if index <= 2:
                lengths.append(len(dashboard.scope.label) if index == 2 else len(_("Số liệu đến")))
                lengths.append(16 if index == 2 else 0)  # dd/mm/yyyy hh:mm
            width = min(max([MIN_WIDTH, *(length + 2 for length in lengths)]), MAX_WIDTH)
            sheet.column_dimensions[get_column_letter(index)].width = width
            if any(length + 2 > MAX_WIDTH for length in lengths):
                for cell in sheet.iter_rows(min_row=HEADER_ROWS + 2, min_col=index, max_col=index):
                    cell[0].alignment = wrap
        sheet.freeze_panes = f"A{HEADER_ROWS + 2}"
        _print_setup(sheet)
        if progress:
            progress(number, len(tables))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
