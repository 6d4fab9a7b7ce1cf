"""The dashboards for an area, on small factory data: an officer sees their own areas only, the
city picks any area; the access ladder of every dashboard page; a fixed number of queries
whatever the number of records; the charts' SVG and the spreadsheet's neutralised text."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.templatetags.charts import bar_chart, donut_chart, line_chart, stacked_bar_chart
from tests.conftest import district
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

PAGES = ["dashboards:city", "dashboards:years", "dashboards:export"]


@pytest.fixture
def registry(co_do, ninh_kieu):
    """Cờ Đỏ: 3 products recognised in 2022 (two 4★ from a cooperative, one 3★ from a
    household); Ninh Kiều: 1 enterprise product, 4★ in 2022."""
    cooperative = ProducerFactory(kind="htx", area=co_do, name="HTX Cờ Đỏ")
    household = ProducerFactory(kind="ho", area=co_do, name="Hộ Cờ Đỏ")
    company = ProducerFactory(kind="dn", area=ninh_kieu, name="=Công ty Ninh Kiều")
    for producer, stars in [(cooperative, 4), (cooperative, 4), (household, 3), (company, 4)]:
        CertificateFactory(
            product=ProductFactory(producer=producer),
            stars=stars,
            decision_date=date(2022, 6, 1),
            legal_basis="1048/QĐ-TTg",
        )


def view(client, name="dashboards:city", **params):
    return client.get(reverse(name), {"year": 2022, **params})


def test_officer_sees_only_their_district(login, officer_co_do, registry):
    response = view(login(officer_co_do))
    assert response.status_code == 200
    d = response.context["dashboard"]
    assert not d.scope.is_city and d.scope.label == "Huyện Cờ Đỏ"
    assert (d.stars.total, d.stars.by_stars[4], d.stars.by_stars[3]) == (3, 2, 1)
    assert d.new_products == 3 and d.producers_new == 2
    assert {row.key: (row.producers, row.products) for row in d.by_kind} == {
        "dn": (0, 0),
        "htx": (1, 2),
        "ho": (1, 1),
    }
    assert [(row.area.name, row.certified, row.new) for row in d.by_area] == [("Huyện Cờ Đỏ", 3, 3)]
    assert (d.units.with_products, d.units.total) == (1, 1)
    assert d.comparisons == []
    assert "Ninh Kiều" not in response.content.decode().split('id="headline-title"')[1]


def test_officer_of_ninh_kieu_sees_none_of_co_do(login, officer_ninh_kieu, registry):
    d = view(login(officer_ninh_kieu)).context["dashboard"]
    assert d.stars.total == 1 and d.new_products == 1 and d.producers_new == 1
    assert [row.area.name for row in d.by_area] == ["Quận Ninh Kiều"]
    assert {row.key: row.products for row in d.by_kind} == {"dn": 1, "htx": 0, "ho": 0}


def test_officer_asking_for_another_district_gets_404(login, officer_ninh_kieu, co_do, registry):
    client = login(officer_ninh_kieu)
    for name in PAGES:
        assert view(client, name, area=co_do.pk).status_code == 404
    assert view(client, area="abc").status_code == 404
    assert view(client, year="1999").status_code == 404


def test_city_picks_an_area_or_the_whole_city(login, city_reviewer, co_do, registry):
    client = login(city_reviewer)
    whole = view(client).context["dashboard"]
    assert whole.scope.is_city and whole.stars.total == 4 and whole.new_products == 4
    assert whole.units.with_products == 2 and whole.units.total == 9
    one = view(client, area=co_do.pk).context["dashboard"]
    assert not one.scope.is_city and one.scope.area == co_do
    assert one.stars.total == 3 and one.new_products == 3
    page = view(client, area=co_do.pk).content.decode()
    assert f'href="/products/?area={co_do.pk}&amp;year=2022"' in page
    assert f'<option value="{co_do.pk}" selected>' in page


@pytest.mark.parametrize("name", PAGES)
def test_access_ladder(client, login, officer_co_do, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client = login(officer_co_do)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_navigation_has_the_dashboard(login, officer_co_do):
    page = login(officer_co_do).get(reverse("home")).content.decode()
    assert 'href="/dashboard/"' in page and "Bảng điều khiển" in page


def test_fixed_number_of_queries(
    login, city_reviewer, co_do, registry, django_assert_max_num_queries
):
    client = login(city_reviewer)
    # Both counted with nothing kept in the cache (the areas, say, are kept until one changes).
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        view(client)
    for number in range(12):
        producer = ProducerFactory(area=district("916" if number % 2 else "925"))
        CertificateFactory(
            product=ProductFactory(producer=producer),
            decision_date=date(2021 + number % 2, 3, 1),
            legal_basis="1048/QĐ-TTg",
        )
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        view(client)
    assert len(many) == len(few)
    # "Sau công nhận" adds six queries to the year's page (the legal bases, re-rating,
    # revocations, inspections, points, reports) and four to the years' page
    # (tests/test_dashboard_after_recognition.py pins them exactly).
    with django_assert_max_num_queries(31):
        view(client)
    with django_assert_max_num_queries(31):
        view(client, area=co_do.pk)
    with django_assert_max_num_queries(20):
        client.get(reverse("dashboards:years"), {"from": 2018, "to": 2026})


def _area_list(response) -> str:
    html = response.content.decode()
    start = html.index('id="id_area"')
    return html[start : html.index("</select>", start)]


def test_the_area_list_groups_the_areas_and_marks_the_one_chosen(
    login, city_reviewer, officer_co_do, co_do, ninh_kieu
):
    html = _area_list(view(login(city_reviewer), area=co_do.pk))
    assert '<optgroup label="Quận, huyện (đến 30/06/2025)">' in html
    assert f'<option value="{co_do.pk}" selected>{co_do.name}</option>' in html
    assert f'<option value="{ninh_kieu.pk}">{ninh_kieu.name}</option>' in html
    # An officer picks among their own areas only.
    own = _area_list(view(login(officer_co_do)))
    assert f'value="{co_do.pk}"' in own and f'value="{ninh_kieu.pk}"' not in own


def test_the_area_list_is_kept_until_an_area_changes(login, city_reviewer, co_do):
    from tests.factories import AreaFactory

    client = login(city_reviewer)
    assert "Xã &lt;Mới&gt;" not in _area_list(view(client))
    AreaFactory(name="Xã <Mới>", parent=co_do.parent)
    assert ">Xã &lt;Mới&gt;</option>" in _area_list(view(client))


def test_export_neutralises_formulas_and_heads_each_sheet(login, city_reviewer, registry):
    response = view(login(city_reviewer), "dashboards:export")
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        assert sheet["A1"].value.startswith("Bảng điều khiển OCOP")
        assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == [
            "Địa bàn",
            "Năm",
            "Số liệu đến",
        ]
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value[:1] in "=+-@"), value
    rows = list(book["Theo loại hình"].iter_rows(min_row=7, values_only=True))
    assert [row[1:] for row in rows] == [(1, 1), (1, 2), (1, 1)]


def test_charts_are_svg_with_a_table(settings):
    bar = bar_chart("Theo địa bàn", [("Huyện Cờ Đỏ", 1234, "/products/?area=1")])
    assert bar["bars"][0]["value"] == "1.234" and bar["bars"][0]["url"] == "/products/?area=1"
    stacked = stacked_bar_chart("Sao", [2021, 2022], [("3 sao", [16, 34]), ("4 sao", [25, 58])])
    assert [row[2] for row in stacked["rows"]] == ["41", "92"]
    donut = donut_chart("Nguồn", [("Nhà nước", 1_900_000_000), ("Xã hội hóa", 1_700_000_000)])
    assert [arc["share"] for arc in donut["arcs"]] == ["52,8%", "47,2%"]
    line = line_chart("Năm", [2021, 2022], [("Còn hiệu lực", [41, 92])])
    assert line["rows"] == [("2021", ["41"]), ("2022", ["92"])]


def test_bars_that_are_links_are_a_group_of_links_with_their_table(settings):
    """An image (role="img") hides the links inside it from assistive technology: bars with
    links are a group of named links, and the table beside the chart links the same pages."""
    from django.template.loader import render_to_string

    linked = bar_chart("Theo địa bàn", [("Huyện Cờ Đỏ", 12, "/products/?area=1")])
    html = render_to_string("dashboards/charts/bar.html", linked)
    assert 'role="group"' in html and 'role="img"' not in html
    assert '<a href="/products/?area=1" aria-label="Huyện Cờ Đỏ: 12">' in html
    assert (
        '<th scope="row" class="fw-normal"><a href="/products/?area=1">Huyện Cờ Đỏ</a></th>' in html
    )

    plain = render_to_string(
        "dashboards/charts/bar.html", bar_chart("Nguồn", [("Nhà nước", 3, None)])
    )
    assert 'role="img"' in plain and "<a " not in plain


def test_the_chart_of_areas_draws_the_first_twelve_and_tells_the_rest():
    """A province of 168 communes drew 168 bars (a chart 4,000 px tall): the areas with the
    most certified products are drawn, the others told under the chart, which links to the
    full table."""
    from types import SimpleNamespace

    from areas.models import Area
    from dashboards.reports import AREA_BARS, AreaRow, dashboard_charts

    rows = [
        AreaRow(Area(pk=index + 1, name=f"Xã {index + 1}"), certified=100 - index)
        for index in range(AREA_BARS + 3)
    ]
    dashboard = SimpleNamespace(
        scope=SimpleNamespace(area=None),
        series=[],
        by_area=rows,
        by_sector=[],
        pipeline=[],
        budget=None,
        year=2024,
    )
    charts = dashboard_charts(dashboard)
    bars = charts["areas"]
    assert len(bars) == AREA_BARS == 12
    assert bars[0] == ("Xã 1", 100, "/products/?area=1")
    assert bars[-1][0] == "Xã 12"
    assert charts["areas_left_out"] == {"areas": 3, "certified": 88 + 87 + 86}
    dashboard.by_area = rows[:AREA_BARS]
    charts = dashboard_charts(dashboard)
    assert len(charts["areas"]) == AREA_BARS and charts["areas_left_out"] is None


def test_a_kept_link_follows_the_script_prefix():
    """The list's path is reversed once and kept, per prefix: a portal served under /ocop/
    links there."""
    from django.urls import get_script_prefix, set_script_prefix

    from dashboards.links import records_url

    assert records_url("products:list", area=7, year="") == "/products/?area=7"
    before = get_script_prefix()
    set_script_prefix("/ocop/")
    try:
        assert records_url("products:list", area=7) == "/ocop/products/?area=7"
        assert records_url("products:list") == "/ocop/products/"
    finally:
        set_script_prefix(before)
    assert records_url("products:list") == "/products/"


def test_a_province_without_its_former_areas_counts_by_todays_communes(administrator):
    """Only today's communes loaded (from 07/2025): the years before count by them, and say
    so, rather than 0 out of 0."""
    from django.utils import timezone, translation

    from dashboards.reports import city_dashboard
    from dashboards.scope import resolve_scope
    from tests.factories import AreaFactory

    province = AreaFactory(code="89", name="An Giang", kind="tinh", parent=None)
    first, _second = (
        AreaFactory(name=name, kind="xa", parent=province, valid_from=date(2025, 7, 1))
        for name in ("Xã Mỹ Hòa Hưng", "Xã Bình Hòa")
    )
    CertificateFactory(
        product=ProductFactory(producer=ProducerFactory(area=first)),
        area=first,
        decision_date=date(2022, 6, 1),
    )
    scope = resolve_scope(administrator, None, chosen="89")
    today = timezone.localdate()

    def units(year):
        u = city_dashboard(administrator, scope, year, today).units
        return u.with_products, u.total, str(u.level_label)

    assert units(2022) == (1, 2, "xã, phường hiện nay")
    assert units(2026) == (0, 2, "xã, phường")
    with translation.override("en"):
        assert units(2022)[2] == "today's communes and wards"
