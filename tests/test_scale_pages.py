"""Pages at national scale: the product list computes the status for its page's rows only, and
every page reads a number of queries that does not grow with the data."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import district
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory


def _grow(size: int) -> None:
    today = timezone.localdate()
    for n in range(size):
        producer = ProducerFactory(area=district("916" if n % 2 else "925"))
        product = ProductFactory(producer=producer, name=f"Sản phẩm {n}")
        CertificateFactory(product=product, decision_date=today - timedelta(days=30 + n))
        if n % 3 == 0:
            CertificateFactory(
                product=product,
                decision_date=date(2021, 3, 1),
                decision_number=f"{n}/QĐ-cũ",
                stars=3,
            )


PAGES = [
    ("products:list", {}),
    ("products:list", {"page": 2, "sort": "-stars"}),
    ("products:list", {"status": "certified"}),
    ("products:expiring", {}),
    ("dashboards:city", {"year": 2022}),
    ("dashboards:years", {}),
    ("catalogue_json", {}),
    ("catalogue_csv", {"stars": 4}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_queries_do_not_grow_with_the_data(login, administrator, can_tho, name, params):
    client = login(administrator)
    counts = []
    for size in (30, 90):
        _grow(size - (30 if counts else 0))
        cache.clear()  # cold: every figure computed
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts


#: The lists with an area filter (areas.filters.limit_area_filter).
AREA_FILTERED = [
    "products:list",
    "subjects:list",
    "evaluations:list",
    "inspections:list",
    "enquiries:list",
]


@pytest.mark.parametrize("name", AREA_FILTERED)
def test_the_administrators_area_filter_is_searched_not_listed(login, administrator, co_do, name):
    from areas.models import Area

    client = login(administrator)
    html = client.get(reverse(name)).content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert "data-autocomplete-url" in select
    assert select.count("<option") == 1  # "Tất cả" only
    assert Area.objects.below_province().count() > 100
    chosen = client.get(reverse(name), {"area": co_do.pk})
    html = chosen.content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert select.count("<option") == 2 and f'value="{co_do.pk}" selected' in select
    assert chosen.context["filter"].form.cleaned_data["area"] == co_do


@pytest.mark.parametrize("name", AREA_FILTERED)
def test_the_city_reviewer_keeps_the_whole_list(login, city_reviewer, name):
    html = login(city_reviewer).get(reverse(name)).content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert "data-autocomplete-url" not in select and select.count("<option") > 50


def test_area_choices_answer_the_words_typed_within_the_users_areas(
    client, login, officer_co_do, administrator, co_do
):
    url = reverse("areas:choices")
    assert client.get(url, {"q": "co do"}).status_code == 302  # signed in only
    found = login(administrator).get(url, {"q": "co do"}).json()["results"]
    assert found and len(found) <= 20
    assert all("Cờ Đỏ" in r["text"] for r in found)
    assert login(administrator).get(url, {"q": ""}).json() == {"results": []}
    ninh_kieu = login(officer_co_do).get(url, {"q": "ninh kieu"}).json()["results"]
    assert ninh_kieu == []


def test_the_expiry_page_searches_areas_for_an_administrator(login, administrator, co_do):
    client = login(administrator)
    html = client.get(reverse("products:expiring")).content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert "data-autocomplete-url" in select and select.count("<option") == 1
    chosen = client.get(reverse("products:expiring"), {"area": co_do.pk})
    assert chosen.context["form"].cleaned_data["area"] == co_do
