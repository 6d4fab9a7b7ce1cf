"""The open-data files (products/open_data.py): built outside the request from plain values,
the same rows and columns as the catalogue's objects give, streamed, gzip-compressed on
request, rebuilt when the data changes."""

import csv
import gzip
import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from core.text import strip_control
from products import open_data
from products.catalogue_views import describe, public_contacts, public_products
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.demo

BASE = "http://testserver/"


def rows_from_objects(today, params=None) -> list[dict]:
    """The rows as the catalogue's objects give them (what /catalogue.json served before the
    files): model objects, ``with_status`` and ``describe``."""
    from products.catalogue_filters import CatalogueFilter

    products = CatalogueFilter(params or {}, queryset=public_products(today), today=today).qs
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for product in describe(products.order_by("-current_stars", "search_name", "pk")):
            producer, certificate, place = product.producer, product.certificate, product.place
            contacts = {c["icon"]: c["value"] for c in public_contacts(producer)}
            values = [
                product.pk,
                product.name,
                product.current_stars,
                producer.name,
                producer.get_kind_display(),
                place.area.full_name,
                place.former.full_name if place.former else "",
                product.producer.area.province_words.name,
                product.sector.name,
                f"{product.category.code} {product.category.name} ({product.category.scheme})",
                certificate.decision_number,
                certificate.decision_date.isoformat(),
                certificate.valid_until.isoformat(),
                certificate.level_name,
                contacts.get("telephone", ""),
                contacts.get("envelope", ""),
                contacts.get("globe", ""),
                BASE + product.photo.url.lstrip("/") if product.photo else "",
                BASE + product.url.lstrip("/"),
            ]
            values = [strip_control(v) if isinstance(v, str) else v for v in values]
            rows.append(dict(zip(open_data.KEYS, values, strict=True)))
    return rows


def body(response) -> bytes:
    assert response.status_code == 200
    return response.getvalue()


def test_the_files_hold_the_rows_the_objects_gave(client, demo):
    today = timezone.localdate()
    expected = rows_from_objects(today)
    assert len(expected) > 10, "the demo should hold certified products"
    data = json.loads(body(client.get("/catalogue.json")))
    assert data["products"] == expected
    assert data["count"] == len(expected) and data["valid_on"] == today.isoformat()
    content = body(client.get("/catalogue.csv")).decode()
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == [header for _key, header in open_data.OPEN_DATA_FIELDS]
    assert [row[1] for row in rows[1:]] == [row["name"] for row in expected]
    assert [int(row[0]) for row in rows[1:]] == [row["id"] for row in expected]


def test_a_past_day_gives_the_rows_the_objects_gave_then(demo):
    past = timezone.localdate() - timedelta(days=400)
    expected = rows_from_objects(past)
    assert expected
    got = open_data.open_data_rows(open_data.catalogue_products({}, past), past, BASE)
    assert got == expected


def test_filtered_files_hold_the_same_rows(client, demo):
    today = timezone.localdate()
    for params in ({"stars": "4"}, {"q": "gao"}):
        data = json.loads(body(client.get("/catalogue.json", params)))
        assert data["products"] == rows_from_objects(today, params)


def test_gzip_when_the_client_accepts_it(client, demo):
    plain = body(client.get("/catalogue.csv"))
    response = client.get("/catalogue.csv", headers={"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(body(response)) == plain
    assert "Content-Encoding" not in client.get("/catalogue.json")
    assert response.streaming


def test_the_command_builds_the_files_and_requests_then_read_them(
    client, demo, django_assert_max_num_queries
):
    out = io.StringIO()
    call_command("build_open_data", base_url=BASE, stdout=out)
    assert "92:" in out.getvalue() and "all:" in out.getvalue()
    # Served from the file: no query of the products.
    with django_assert_max_num_queries(0):
        data = json.loads(body(client.get("/catalogue.json")))
    assert data["products"] == rows_from_objects(timezone.localdate())


def test_a_change_rebuilds_the_file(client, demo, co_do):
    client.get("/catalogue.json")
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Mứt tắc Cờ Đỏ mới")
    CertificateFactory(product=product, decision_date=timezone.localdate() - timedelta(days=5))
    names = [p["name"] for p in json.loads(body(client.get("/catalogue.json")))["products"]]
    assert "Mứt tắc Cờ Đỏ mới" in names


def test_a_missing_file_is_built_once_by_whoever_holds_the_lock(client, demo, monkeypatch):
    built = []
    real_build = open_data.build
    monkeypatch.setattr(open_data, "build", lambda *a, **k: built.append(a) or real_build(*a))
    client.get("/catalogue.csv")
    client.get("/catalogue.csv")
    client.get("/catalogue.json")
    assert len(built) == 1
