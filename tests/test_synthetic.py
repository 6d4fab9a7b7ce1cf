"""The synthetic national registry for load tests, at a tiny scale."""

import io
import random

import pytest
from django.core.management import CommandError, call_command

from ocop_portal import synthetic
from products.models import Certificate, Product
from subjects.models import Producer

pytestmark = pytest.mark.django_db


def test_refuses_without_debug_or_the_flag(can_tho, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="i-know-this-is-not-production"):
        call_command("generate_synthetic", scale=0.001)
    assert not Producer.objects.exists()


def test_tiny_scale_counts_and_valid_rows(can_tho, settings):
    settings.DEBUG = True
    call_command("generate_synthetic", scale=0.005, seed=7, stdout=io.StringIO())
    want = synthetic.targets(0.005)
    assert (want.producers, want.products, want.certificates) == (100, 250, 300)
    producers = Producer.objects.filter(address__endswith=synthetic.MARK)
    assert producers.count() == 100
    assert all(p.is_illustrative for p in producers)
    assert Product.objects.filter(producer__in=producers, is_illustrative=True).count() == 250
    certificates = Certificate.objects.filter(product__producer__in=producers)
    assert certificates.count() == 300
    # Every producer has at least one product, and the rows pass the models' own validation.
    assert not producers.filter(products__isnull=True).exists()
    sample = random.Random(1).sample(list(certificates.select_related("product")), 60)
    for certificate in sample:
        certificate.full_clean()
        assert certificate.valid_until == certificate.compute_valid_until()
    for product in Product.objects.filter(producer__in=producers)[:30]:
        product.full_clean()
    for producer in producers[:30]:
        producer.full_clean()


def test_deterministic_and_clear(can_tho, settings):
    settings.DEBUG = True
    synthetic.generate(seed=3, scale=0.002)
    first = list(Certificate.objects.order_by("pk").values_list("stars", "decision_date"))
    with pytest.raises(ValueError):
        synthetic.generate(seed=3, scale=0.002)
    assert synthetic.clear() > 0
    assert not Certificate.objects.exists()
    synthetic.generate(seed=3, scale=0.002)
    again = list(Certificate.objects.order_by("pk").values_list("stars", "decision_date"))
    assert first == again
