"""The dashboard's tables as a spreadsheet: one sheet per table, each headed by the area, the
year and the time of the data; text that a spreadsheet would run as a formula is neutralised,
and control characters are dropped (``neutralise``): a spreadsheet refuses them."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from budgets.models import Unit
from core.context_processors import data_as_of
from core.imports import neutralise
from dashboards.reports import Dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROWS = 5


def _cell(value):
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return value
    return neutralise(str(value))


def _percent(value) -> Decimal | None:
    """A percentage rounded as the page shows it (255, 52,8)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


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
        [s.year, s.by_stars[3], s.by_stars[4], s.by_stars[5], s.total, s.potential_five_star]
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
        ] + [[_("Tổng cộng"), total, Decimal(100) if total else None, d.budget.total.disbursed]]
        budget_activity = [
            [r.label, r.planned, r.disbursed, r.remaining] for r in d.budget.by_activity
        ]
    comparisons = [
        [
            c.figure.label,
            c.figure.document,
            c.published,
            c.recorded if c.figure.unit != Unit.PERCENT else _percent(c.recorded),
            c.difference,
            "" if c.agrees is None else (_("khớp") if c.agrees else _("không khớp")),
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
    ]


def workbook_bytes(dashboard: Dashboard) -> bytes:
    as_of = data_as_of()
    as_of_text = date_format(timezone.localtime(as_of), "SHORT_DATETIME_FORMAT") if as_of else "–"
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for title, headings, rows in sheets(dashboard):
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([_cell(_("Bảng điều khiển OCOP — %(title)s") % {"title": title})])
        sheet.append([_cell(_("Địa bàn")), _cell(dashboard.scope.label)])
        sheet.append([_cell(_("Năm")), dashboard.year])
        sheet.append([_cell(_("Số liệu đến")), _cell(as_of_text)])
        sheet.append([])
        sheet.append([_cell(heading) for heading in headings])
        for row in rows:
            sheet.append([_cell(value) for value in row])
        sheet["A1"].font = Font(bold=True, size=13)
        for cell in sheet[HEADER_ROWS + 1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 48
        for column in "BCDEF":
            sheet.column_dimensions[column].width = 18
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
