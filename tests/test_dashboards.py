"""The dashboard on the demo data of Cần Thơ: every figure for 2021, 2022 and 2023 — the
headline cards, the targets, the stars at each year end, areas, producer kinds, sectors, the
evaluation pipeline, the budget and the published figures beside the records — and the years
side by side and the spreadsheet export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from products.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture
def as_user(demo, client):
    def _as(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return _as


def dashboard(client, year: int, **params):
    response = client.get(reverse("dashboards:city"), {"year": year, **params})
    assert response.status_code == 200
    return response, response.context["dashboard"]


def stars(d) -> tuple:
    return d.stars.total, d.stars.by_stars[5], d.stars.by_stars[4], d.stars.by_stars[3]


def areas(d) -> dict:
    return {row.area.name: (row.certified, row.new) for row in d.by_area}


def kinds(d) -> dict:
    return {row.key: (row.producers, row.products) for row in d.by_kind}


def sectors(d) -> dict:
    return {row.label: (row.certified, row.new) for row in d.by_sector}


def pipeline(d) -> dict:
    return {row.status: row.count for row in d.pipeline if row.count}


def expiring_today() -> int:
    return Certificate.objects.expiring_within(90).values("product").distinct().count()


# --- 2021 -----------------------------------------------------------------------------------


def test_2021_every_figure(as_user):
    response, d = dashboard(as_user("city"), 2021)
    assert d.scope.is_city and str(d.on) == "2021-12-31"
    assert stars(d) == (41, 0, 25, 16)
    assert d.stars.potential_five_star == 0
    assert d.new_products == 22 and d.new_by_stars == {3: 2, 4: 20, 5: 0}
    assert d.new_target is None and d.new_achievement is None and d.plan is None
    assert d.producers_new == 12
    assert (d.units.with_products, d.units.evaluating, d.units.total) == (7, 9, 9)
    assert d.expiring == expiring_today()
    assert d.targets == [] and d.budget is None and d.comparisons == []
    assert [(s.year, s.total) for s in d.series] == [(2020, 19), (2021, 41)]
    assert areas(d) == {
        "Quận Thốt Nốt": (10, 0),
        "Quận Ninh Kiều": (8, 3),
        "Quận Bình Thủy": (5, 5),
        "Quận Cái Răng": (5, 5),
        "Quận Ô Môn": (4, 4),
        "Huyện Cờ Đỏ": (4, 0),
        "Huyện Vĩnh Thạnh": (3, 3),
        "Huyện Phong Điền": (1, 1),
        "Huyện Thới Lai": (1, 1),
    }
    assert kinds(d) == {"dn": (3, 9), "htx": (4, 5), "ho": (5, 8)}
    assert sectors(d) == {"Thực phẩm": (39, 22), "Thảo dược": (1, 0), "Đồ uống": (1, 0)}
    assert pipeline(d) == {}
    assert "Chưa có kế hoạch OCOP năm 2021." in response.content.decode()


# --- 2022 -----------------------------------------------------------------------------------

AREAS_2022 = {
    "Quận Ninh Kiều": (18, 10),
    "Quận Thốt Nốt": (15, 5),
    "Quận Bình Thủy": (14, 9),
    "Huyện Thới Lai": (12, 11),
    "Huyện Vĩnh Thạnh": (8, 5),
    "Huyện Cờ Đỏ": (8, 4),
    "Quận Ô Môn": (7, 3),
    "Huyện Phong Điền": (5, 4),
    "Quận Cái Răng": (5, 0),
}


def test_2022_headline_figures(as_user):
    _response, d = dashboard(as_user("city"), 2022)
    assert stars(d) == (92, 0, 58, 34)
    assert d.stars.potential_five_star == 2
    assert d.new_products == 51 and d.new_by_stars == {3: 18, 4: 33, 5: 0}
    assert d.new_target == 20 and d.new_achievement == 255
    assert d.producers_new == 27
    assert (d.units.with_products, d.units.evaluating, d.units.total) == (8, 9, 9)
    assert d.expiring == expiring_today()


def test_2022_tables(as_user):
    _response, d = dashboard(as_user("city"), 2022)
    assert [(s.year, s.total, s.by_stars[4], s.by_stars[3]) for s in d.series] == [
        (2020, 19, 5, 14),
        (2021, 41, 25, 16),
        (2022, 92, 58, 34),
    ]
    assert areas(d) == AREAS_2022
    assert sum(new for _certified, new in AREAS_2022.values()) == 51
    assert kinds(d) == {"dn": (4, 17), "htx": (11, 11), "ho": (12, 23)}
    assert sectors(d) == {
        "Thực phẩm": (78, 39),
        "Thảo dược": (9, 8),
        "Đồ uống": (4, 3),
        "Lưu niệm, nội thất, trang trí": (1, 1),
    }
    assert pipeline(d) == {"recognised": 49, "proposed_central": 2}
    [target] = d.targets
    assert (target.target.indicator, target.target.value, target.result) == ("new_products", 20, 51)
    assert target.achievement == 255
    assert d.budget is None


def test_2022_published_figures_beside_the_records(as_user):
    _response, d = dashboard(as_user("city"), 2022)
    rows = [(c.figure.measure, c.published, c.recorded, c.agrees) for c in d.comparisons]
    assert len(rows) == 11
    assert ("new_products", 58, 51, False) in rows
    assert ("producers_new", 46, 27, False) in rows
    assert ("certified_3_star", 32, 34, False) in rows
    assert d.disagreements == 3


def test_2022_page_shows_and_links_the_figures(as_user):
    response, _d = dashboard(as_user("city"), 2022)
    page = response.content.decode()
    for text in [
        "255%",
        "33 × 4★ + 18 × 3★",
        "58 × 4★ · 34 × 3★",
        "8/9",
        "9/9",
        "Hợp tác xã và tổ hợp tác (HTX + THT)",
        "3 số liệu không khớp",
        "+7",
        "+19",
    ]:
        assert text in page, text
    assert 'href="/products/?year=2022"' in page
    assert 'href="/plans/2022/"' in page
    assert "/evaluations/all/?year=2022&amp;status=recognised" in page
    assert 'href="/products/expiring/"' in page
    assert "/producers/?kind=dn" in page
    assert page.count("<svg") >= 4 and page.count("<details") >= 4
    assert "<script>" not in page.split("</main>")[0]


# --- 2023 -----------------------------------------------------------------------------------


def test_2023_every_figure(as_user):
    _response, d = dashboard(as_user("city"), 2023)
    # The 2023 round's re-ratings (evaluations demo): three products of 2020 valid again at the
    # year's end; the plan's targets and budget, the year's published figures, stay as published.
    assert stars(d) == (76, 0, 55, 21)
    assert d.stars.potential_five_star == 2
    assert d.new_products == 0 and d.new_target == 20 and d.new_achievement == 0
    assert d.producers_new == 0
    # Seven former districts had products re-rated in 2023.
    assert (d.units.with_products, d.units.evaluating, d.units.total) == (7, 9, 9)
    assert areas(d) == {
        "Quận Bình Thủy": (14, 0),
        "Quận Ninh Kiều": (13, 0),
        "Huyện Thới Lai": (12, 0),
        "Huyện Vĩnh Thạnh": (8, 0),
        "Quận Ô Môn": (7, 0),
        "Huyện Phong Điền": (5, 0),
        "Quận Cái Răng": (5, 0),
        "Quận Thốt Nốt": (7, 0),
        "Huyện Cờ Đỏ": (5, 0),
    }
    assert kinds(d) == {"dn": (0, 0), "htx": (0, 0), "ho": (0, 0)}
    assert sectors(d) == {
        "Thực phẩm": (62, 0),
        "Thảo dược": (9, 0),
        "Đồ uống": (4, 0),
        "Lưu niệm, nội thất, trang trí": (1, 0),
    }
    assert pipeline(d) == {"recognised": 8, "disqualified": 3}
    targets = {row.target.indicator: (row.target.value, row.result) for row in d.targets}
    assert targets["new_3_star"] == (10, 0) and targets["new_4_star"] == (10, 0)
    assert targets["standardised"] == (92, 8) and targets["new_5_star"] == (2, 0)
    assert targets["tourism_villages"] == (1, None)


def test_2023_budget_by_source_and_activity(as_user):
    response, d = dashboard(as_user("city"), 2023)
    budget = d.budget
    assert budget.total.planned == 3_600_000_000 and budget.total.disbursed == 1_640_000_000
    assert (budget.state.planned, budget.socialised.planned) == (1_900_000_000, 1_700_000_000)
    assert sum(row.planned for row in budget.by_activity) == 3_600_000_000
    page = response.content.decode()
    assert "3,6 tỷ đồng" in page and "52,8%" in page and "47,2%" in page


def test_2023_published_figures_disagreeing(as_user):
    _response, d = dashboard(as_user("city"), 2023)
    wrong = {
        (c.figure.measure, c.published, c.compared) for c in d.comparisons if c.agrees is False
    }
    assert wrong == {
        ("budget_total", Decimal("3800000000.00"), Decimal("3600000000")),
        ("budget_state_share", Decimal("52.70"), Decimal("52.8")),
        ("budget_socialised_share", Decimal("47.30"), Decimal("47.2")),
    }


# --- Years side by side, export ----------------------------------------------------------------


def test_years_side_by_side(as_user):
    response = as_user("city").get(reverse("dashboards:years"), {"from": 2021, "to": 2023})
    assert response.status_code == 200
    columns = {c.year: c for c in response.context["columns"]}
    assert [columns[y].stars.total for y in (2021, 2022, 2023)] == [41, 92, 76]
    assert [columns[y].new_products for y in (2021, 2022, 2023)] == [22, 51, 0]
    assert [columns[y].new_target for y in (2021, 2022, 2023)] == [None, 20, 20]
    assert columns[2022].achievement == 255
    assert [columns[y].producers_new for y in (2021, 2022, 2023)] == [12, 27, 0]
    assert [columns[y].stars.potential_five_star for y in (2021, 2022, 2023)] == [0, 2, 2]
    assert (columns[2023].budget, columns[2023].disbursed) == (3_600_000_000, 1_640_000_000)
    assert [columns[y].evaluations for y in (2021, 2022, 2023)] == [0, 51, 11]
    assert "<polyline" in response.content.decode()


def test_export_has_the_dashboard_tables(as_user):
    response = as_user("city").get(reverse("dashboards:export"), {"year": 2022})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Chỉ tiêu",
        "Sao theo năm",
        "Theo địa bàn",
        "Theo loại hình",
        "Theo ngành",
        "Đánh giá",
        "Kinh phí theo nguồn",
        "Kinh phí theo nội dung",
        "Đối chiếu số liệu",
        "Sau công nhận",
    ]
    for sheet in book.worksheets:
        assert sheet["B2"].value == "Thành phố Cần Thơ"
        assert sheet["B3"].value == 2022
        assert sheet["A4"].value == "Số liệu đến" and sheet["B4"].value
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=7, values_only=True)}
    assert summary["Sản phẩm OCOP còn hiệu lực"] == 92
    assert summary["Sản phẩm công nhận mới trong năm"] == 51
    assert summary["Tỷ lệ đạt chỉ tiêu (%)"] == pytest.approx(2.55)  # shown as 255.0%
    assert summary["Chủ thể có sản phẩm công nhận mới"] == 27
    stars_rows = list(book["Sao theo năm"].iter_rows(min_row=7, values_only=True))
    assert stars_rows[-1] == (2022, 34, 58, 0, 92, 2)
    kinds_rows = list(book["Theo loại hình"].iter_rows(min_row=7, values_only=True))
    assert [row[1:] for row in kinds_rows] == [(4, 17), (11, 11), (12, 23)]
    figures = list(book["Đối chiếu số liệu"].iter_rows(min_row=7, values_only=True))
    assert sum(1 for row in figures if row[5] == "không khớp") == 3


def test_export_keeps_numbers_and_prints_on_one_page_width(as_user):
    """Numbers with their display formats, widths that fit, frozen headings, a real date for
    the time of the data and a landscape page one sheet wide."""
    response = as_user("city").get(reverse("dashboards:export"), {"year": 2023})
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A7", sheet.title
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$6:$6"
        assert sheet["B4"].is_date and sheet["B4"].value.year >= 2025, sheet.title
        assert sheet["B4"].number_format == "dd/mm/yyyy hh:mm"
        assert sheet["B3"].value == 2023 and sheet["B3"].number_format == "General"
        # Every text cell of the table fits its column or wraps inside it.
        for row in sheet.iter_rows(min_row=6):
            for cell in row:
                if isinstance(cell.value, str):
                    width = sheet.column_dimensions[cell.column_letter].width
                    fits = len(cell.value) + 1 <= width
                    assert fits or cell.alignment.wrap_text, (sheet.title, cell.coordinate)
    money = book["Kinh phí theo nguồn"]
    total = next(r for r in money.iter_rows(min_row=7) if r[0].value == "Tổng cộng")
    assert total[1].value == 3_600_000_000 and total[1].number_format == "#,##0"
    assert total[2].value == 1 and total[2].number_format == "0.0%"
    assert total[3].value == 1_640_000_000 and total[3].number_format == "#,##0"
    assert money.column_dimensions["B"].width >= len("3,600,000,000")
    assert money.column_dimensions["A"].width <= 60
    stars_sheet = book["Sao theo năm"]
    year_cell = list(stars_sheet.iter_rows(min_row=7))[-1][0]
    assert year_cell.value == 2023 and year_cell.number_format == "General"  # not 2.023
    summary = {r[0].value: r[1] for r in book["Tổng hợp"].iter_rows(min_row=7)}
    assert summary["Sản phẩm OCOP còn hiệu lực"].number_format == "#,##0"
    assert summary["Tỷ lệ đạt chỉ tiêu (%)"].number_format == "0.0%"
    figures = list(book["Đối chiếu số liệu"].iter_rows(min_row=7))
    shares = [row for row in figures if row[2].number_format == "0.0%"]
    assert shares and all(0 <= row[2].value <= 10 for row in shares)
