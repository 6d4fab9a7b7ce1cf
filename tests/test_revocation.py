"""Revocation (26/2026/QĐ-TTg Điều 8): grounds, authority by stars, the 15-day deadline, and the
rule that whoever proposed does not record the decision."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from products import revocations
from products.models import REVOCATION_RULES, Certificate, Product, Revocation
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)


@pytest.fixture
def certificate(ninh_kieu):
    product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
    return CertificateFactory(product=product, stars=4, decision_date=date(2025, 3, 1))


def _propose(certificate, by, **kwargs):
    values = {
        "ground": "d",
        "concluded_on": date(2026, 11, 10),
        "concluded_by": "Đoàn kiểm tra của Sở",
        "findings": "Dùng nhãn OCOP trên sản phẩm chưa được công nhận.",
    }
    values.update(kwargs)
    return revocations.propose(certificate=certificate, by=by, today=TODAY, **values)


def test_the_six_grounds_are_the_law_s_and_each_has_its_text():
    assert [g["code"] for g in REVOCATION_RULES["grounds"]] == Revocation.Ground.values
    assert Revocation.Ground.values == ["a", "b", "c", "d", "dd", "e"]
    assert REVOCATION_RULES["deadline_days"] == 15


@pytest.mark.parametrize(
    ("stars", "authority"), [(3, "province"), (4, "province"), (5, "ministry")]
)
def test_the_authority_follows_the_stars(ninh_kieu, city_reviewer, stars, authority):
    product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
    level = "central" if stars == 5 else "city"
    certificate = CertificateFactory(product=product, stars=stars, level=level)
    assert _propose(certificate, city_reviewer).authority == authority


def test_the_deadline_is_15_days_from_the_conclusion(certificate, city_reviewer):
    revocation = _propose(certificate, city_reviewer)
    assert revocation.deadline == date(2026, 11, 25)
    assert not revocation.is_late(date(2026, 11, 25))
    assert revocation.is_late(date(2026, 11, 26))


def test_deciding_revokes_the_certificate_from_the_decision_day(
    certificate, city_reviewer, council_secretary
):
    revocation = _propose(certificate, city_reviewer)
    revocations.decide(
        revocation=revocation,
        decision_number="12/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        by=council_secretary,
        today=TODAY,
    )
    certificate.refresh_from_db()
    assert certificate.revoked_on == date(2026, 11, 20)
    assert not certificate.is_valid_on(date(2026, 11, 20))
    assert certificate.is_valid_on(date(2026, 11, 19))
    product = Product.objects.with_status(TODAY).get(pk=certificate.product_id)
    assert product.status == Product.Status.REVOKED
    assert not Certificate.objects.valid_on(TODAY).filter(pk=certificate.pk).exists()


def test_whoever_proposed_does_not_record_the_decision(certificate, city_reviewer):
    revocation = _propose(certificate, city_reviewer)
    with pytest.raises(PermissionDenied):
        revocations.decide(
            revocation=revocation,
            decision_number="12/QĐ-UBND",
            decision_date=date(2026, 11, 20),
            by=city_reviewer,
            today=TODAY,
        )


def test_a_commune_officer_does_not_propose(certificate, officer_ninh_kieu):
    with pytest.raises(PermissionDenied):
        _propose(certificate, officer_ninh_kieu)


def test_bad_input_is_refused_field_by_field(certificate, city_reviewer):
    with pytest.raises(ValidationError) as refused:
        _propose(
            certificate,
            city_reviewer,
            ground="x",
            concluded_on=date(2026, 12, 1),
            concluded_by=" ",
            findings="",
        )
    assert set(refused.value.message_dict) == {"ground", "concluded_on", "concluded_by", "findings"}
    assert not Revocation.objects.exists()


def test_proposing_twice_gives_the_same_revocation(certificate, city_reviewer):
    assert _propose(certificate, city_reviewer) == _propose(certificate, city_reviewer)
    assert Revocation.objects.count() == 1


def test_a_decision_before_the_conclusion_is_refused(certificate, city_reviewer, council_secretary):
    revocation = _propose(certificate, city_reviewer)
    with pytest.raises(ValidationError) as refused:
        revocations.decide(
            revocation=revocation,
            decision_number="12/QĐ-UBND",
            decision_date=date(2026, 11, 9),
            by=council_secretary,
            today=TODAY,
        )
    assert "decision_date" in refused.value.message_dict
    certificate.refresh_from_db()
    assert certificate.revoked_on is None


def test_a_dropped_proposal_leaves_the_certificate_valid_and_allows_another(
    certificate, city_reviewer, council_secretary
):
    revocation = _propose(certificate, city_reviewer)
    revocations.drop(revocation=revocation, note="Đã khắc phục", by=council_secretary)
    certificate.refresh_from_db()
    assert certificate.revoked_on is None
    assert _propose(certificate, city_reviewer, ground="b").pk != revocation.pk
