"""Certificates: validity from the decision date, status and stars on a given day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from products.models import Certificate, Product, add_months
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(date(2022, 12, 30), 36) == date(2025, 12, 30)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2021, 11, 30), 3) == date(2022, 2, 28)


def test_certificate_is_valid_36_months_from_its_decision(can_tho):
    certificate = CertificateFactory(decision_date=date(2025, 6, 26), legal_basis="148/QĐ-TTg")
    assert certificate.valid_until == date(2028, 6, 25)
    assert certificate.is_valid_on(date(2028, 6, 25))
    assert not certificate.is_valid_on(date(2028, 6, 26))


def status_on(product: Product, day: date) -> str:
    return Product.objects.with_status(day).get(pk=product.pk).status


def test_status_follows_the_certificates(can_tho):
    product = ProductFactory()
    assert status_on(product, date(2022, 1, 1)) == Product.Status.REGISTERED
    CertificateFactory(product=product, decision_date=date(2022, 3, 1), stars=3)
    assert status_on(product, date(2022, 3, 1)) == Product.Status.CERTIFIED
    assert status_on(product, date(2025, 1, 15)) == Product.Status.EXPIRING
    assert status_on(product, date(2025, 3, 1)) == Product.Status.EXPIRED
    CertificateFactory(product=product, decision_date=date(2025, 2, 1), stars=4, kind="renewal")
    annotated = Product.objects.with_status(date(2025, 3, 1)).get(pk=product.pk)
    assert (annotated.status, annotated.current_stars) == (Product.Status.CERTIFIED, 4)


def test_revoked_certificate_no_longer_counts(can_tho):
    certificate = CertificateFactory(decision_date=date(2023, 5, 1))
    certificate.revoked_on = date(2024, 1, 10)
    certificate.revoked_reason = "Không duy trì chất lượng sau hậu kiểm"
    certificate.save()
    assert status_on(certificate.product, date(2024, 1, 9)) == Product.Status.CERTIFIED
    assert status_on(certificate.product, date(2024, 1, 10)) == Product.Status.REVOKED
    assert not Certificate.objects.valid_on(date(2024, 2, 1)).exists()


def test_current_stars_are_those_of_the_latest_valid_certificate(can_tho):
    product = ProductFactory()
    CertificateFactory(product=product, decision_date=date(2022, 1, 10), stars=3)
    CertificateFactory(product=product, decision_date=date(2023, 6, 1), stars=4, kind="upgrade")
    assert product.certificate_on(date(2023, 5, 31)).stars == 3
    assert product.certificate_on(date(2023, 6, 1)).stars == 4


def test_potential_five_star_is_a_city_four_star_scored_90_or_more(can_tho):
    CertificateFactory(stars=4, score=91.5, level="city")
    CertificateFactory(stars=4, score=89.99, level="city")
    assert Certificate.objects.potential_five_star(date(2024, 6, 1)).count() == 1


def test_stars_outside_3_to_5_are_refused(can_tho):
    certificate = CertificateFactory.build(product=ProductFactory(), stars=2)
    certificate.area = certificate.product.producer.area
    with pytest.raises(ValidationError) as error:
        certificate.full_clean()
    assert "stars" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate.save()


def test_decision_date_in_the_future_is_refused(can_tho):
    certificate = CertificateFactory.build(product=ProductFactory(), decision_date=date(2099, 1, 1))
    certificate.area = certificate.product.producer.area
    with pytest.raises(ValidationError) as error:
        certificate.full_clean()
    assert error.value.message_dict["decision_date"] == ["Ngày quyết định không được ở tương lai."]


def test_revocation_needs_a_reason(can_tho):
    certificate = CertificateFactory()
    certificate.revoked_on = date(2024, 6, 1)
    with pytest.raises(ValidationError) as error:
        certificate.full_clean()
    assert "revoked_reason" in error.value.message_dict


def test_same_name_product_of_one_producer_is_refused_by_the_database(can_tho):
    producer = ProducerFactory()
    ProductFactory(producer=producer, name="Trà mãng cầu")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(producer=producer, name="TRÀ MÃNG CẦU")


def test_duplicate_tax_code_is_refused_by_the_database(can_tho):
    ProducerFactory(tax_code="1800123456")
    ProducerFactory(tax_code="")
    ProducerFactory(tax_code="")  # several without a tax code are fine
    with pytest.raises(IntegrityError), transaction.atomic():
        ProducerFactory(tax_code="1800123456")


def test_product_search_ignores_case_and_diacritics(can_tho):
    ProductFactory(name="Trà mãng cầu Kim Nhiên")
    assert Product.objects.search("tra mang cau").count() == 1
    assert Product.objects.search("TRÀ MÃNG").count() == 1
    assert Product.objects.search("tra sen").count() == 0


def test_load_categories_command_is_idempotent(capsys):
    from django.core.management import call_command

    from products.models import ProductCategory

    call_command("load_categories")
    assert "thêm 0 mục" in capsys.readouterr().out  # already loaded for the test database
    leaves = ProductCategory.objects.filter(scheme="148/QĐ-TTg", is_leaf=True)
    assert leaves.count() == 26
    assert ProductCategory.objects.filter(scheme="148/QĐ-TTg", level=2).count() == 17
