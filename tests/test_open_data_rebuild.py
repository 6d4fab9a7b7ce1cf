"""Open-data files on data built in the test (no demo): rebuilt on the queue, query counts fixed
as data grows, no cache. The demo's tests are in test_open_data.py (the demo loaded once for that
module, which would be seen here)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from products import open_data
from products.models import Product
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory
from tests.test_open_data import body

pytestmark = pytest.mark.django_db


def test_with_a_queue_a_file_out_of_date_is_served_as_it_was_and_rebuilt_on_the_queue(
    client, can_tho, co_do, monkeypatch
):
    from core import jobs

    assert json.loads(body(client.get("/catalogue.json")))["count"] == 0
    queued = []
    monkeypatch.setattr(jobs, "queue_configured", lambda: True)
    monkeypatch.setattr(jobs, "enqueue", lambda func, *args: queued.append((func, args)))
    product = ProductFactory(producer=ProducerFactory(area=co_do))
    CertificateFactory(product=product, decision_date=timezone.localdate() - timedelta(days=5))
    # The visitor gets the file as it was, at once; the rebuild waits on the queue, once.
    assert json.loads(body(client.get("/catalogue.json")))["count"] == 0
    assert body(client.get("/catalogue.csv"))
    assert [func for func, _args in queued] == [open_data.rebuild]
    func, args = queued.pop()
    func(*args)  # the worker
    assert json.loads(body(client.get("/catalogue.json")))["count"] == 1
    assert not queued


@pytest.mark.parametrize("products", [3, 30])
def test_open_data_query_counts_do_not_grow(
    client, can_tho, co_do, products, django_assert_max_num_queries
):
    producer = ProducerFactory(area=co_do)
    for n in range(products):
        CertificateFactory(
            product=ProductFactory(producer=producer, name=f"Sản phẩm {n}"),
            decision_date=timezone.localdate() - timedelta(days=10),
        )
    # province code, areas and sectors of the filter, certificates, products, areas, categories
    with django_assert_max_num_queries(8):
        data = json.loads(body(client.get("/catalogue.json")))
    assert data["count"] == products
    with django_assert_max_num_queries(8):
        assert body(client.get("/catalogue.csv", {"q": "san pham"}))
    assert Product.objects.count() == products


def test_without_a_cache_every_request_reads_the_data(client, can_tho, co_do, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert json.loads(body(client.get("/catalogue.json")))["count"] == 0
    product = ProductFactory(producer=ProducerFactory(area=co_do))
    CertificateFactory(product=product, decision_date=timezone.localdate() - timedelta(days=5))
    assert json.loads(body(client.get("/catalogue.json")))["count"] == 1
