"""Pages at national scale: the product list computes the status for its page's rows only, and
every page reads a number of queries that does not grow with the data."""

import io
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.lists import PAGE_SIZE
from products.models import Product
from tests.conftest import district
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory


def test_the_list_shows_the_status_the_whole_list_annotation_gave(login, administrator, can_tho):
    call_command("load_demo", allow_demo_passwords=True, stdout=io.StringIO())
    _grow(60)  # pages past the middle, which are read from the end
    client = login(administrator)
    everything = Product.objects.with_status()
    assert len(everything) > 3 * PAGE_SIZE
    for sort in ("name", "-stars", "valid_until"):
        expected = everything.order_by(
            *{"name": ["search_name"], "-stars": ["-current_stars", "-search_name"]}.get(
                sort, ["current_valid_until", "search_name"]
            ),
            "pk",
        )
        pages = (len(expected) + PAGE_SIZE - 1) // PAGE_SIZE
        shown = []
        for number in range(1, pages + 1):
            page = client.get(reverse("products:list"), {"sort": sort, "page": number})
            shown += [
                (p.pk, p.status, p.current_stars, p.current_valid_until)
                for p in page.context["page"].object_list
            ]
        assert shown == [
            (p.pk, p.status, p.current_stars, p.current_valid_until) for p in expected
        ], sort
    assert {Product.Status.CERTIFIED, Product.Status.EXPIRED} <= {p.status for p in everything}


def test_a_status_filter_still_chooses_the_rows(login, administrator, can_tho):
    call_command("load_demo", allow_demo_passwords=True, stdout=io.StringIO())
    client = login(administrator)
    for status in Product.Status.values:
        response = client.get(reverse("products:list"), {"status": status})
        expected = Product.objects.with_status().filter(status=status).count()
        assert response.context["page"].paginator.count == expected
        assert all(p.status == status for p in response.context["page"].object_list)


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


def test_the_administrators_area_filter_is_searched_not_listed(login, administrator, co_do):
    from areas.models import Area

    client = login(administrator)
    html = client.get(reverse("products:list")).content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert "data-autocomplete-url" in select
    assert select.count("<option") == 1  # "Tất cả" only
    assert Area.objects.below_province().count() > 100
    chosen = client.get(reverse("products:list"), {"area": co_do.pk})
    html = chosen.content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert select.count("<option") == 2 and f'value="{co_do.pk}" selected' in select
    assert chosen.context["filter"].form.cleaned_data["area"] == co_do


def test_the_city_reviewer_keeps_the_whole_list(login, city_reviewer):
    html = login(city_reviewer).get(reverse("products:list")).content.decode()
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
