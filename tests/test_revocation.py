"""Revocation (26/2026/QĐ-TTg Điều 8): grounds, authority by stars, the 15-day deadline, and the
rule that whoever proposed does not record the decision."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from products import revocations
from products.models import (
    REVOCATION_RULES,
    Certificate,
    Product,
    Revocation,
    ground_reference,
)
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


# --- The queryset's rules agree with the record's ------------------------------------------------


@pytest.mark.parametrize(("on", "late"), [(date(2026, 11, 25), False), (date(2026, 11, 26), True)])
def test_a_waiting_revocation_is_late_the_day_after_its_deadline(
    certificate, city_reviewer, on, late
):
    revocation = _propose(certificate, city_reviewer)  # concluded 10/11, deadline 25/11
    assert revocation.is_late(on) is late
    assert Revocation.objects.late(on).filter(pk=revocation.pk).exists() is late


@pytest.mark.parametrize(
    ("decided_on", "late"), [(date(2026, 11, 25), False), (date(2026, 11, 26), True)]
)
def test_a_decision_after_the_deadline_is_late(
    certificate, city_reviewer, council_secretary, decided_on, late
):
    revocation = revocations.decide(
        revocation=_propose(certificate, city_reviewer),
        decision_number="12/QĐ-UBND",
        decision_date=decided_on,
        by=council_secretary,
        today=TODAY,
    )
    # Whatever the day it is read: a decision is late or not once and for all.
    for on in (TODAY, date(2027, 6, 1)):
        assert revocation.is_late(on) is late
        assert Revocation.objects.late(on).filter(pk=revocation.pk).exists() is late


def test_a_revocation_counts_in_its_decision_s_year_else_its_conclusion_s(
    ninh_kieu, city_reviewer, council_secretary
):
    def certificate_for():
        product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
        return CertificateFactory(product=product, decision_date=date(2025, 3, 1))

    decided = _propose(certificate_for(), city_reviewer, concluded_on=date(2025, 12, 28))
    revocations.decide(
        revocation=decided,
        decision_number="1/QĐ-UBND",
        decision_date=date(2026, 1, 5),
        by=council_secretary,
        today=TODAY,
    )
    waiting = _propose(certificate_for(), city_reviewer, concluded_on=date(2025, 12, 30))

    assert list(Revocation.objects.in_year(2026)) == [decided]
    assert list(Revocation.objects.in_year(2025)) == [waiting]


def _proposed_unless_refused(certificate, by, concluded_on, refused: bool, why: str) -> None:
    """A revocation proposed on a conclusion of that day, or refused next to its day with
    ``why`` in the message."""
    if refused:
        with pytest.raises(ValidationError) as error:
            _propose(certificate, by, concluded_on=concluded_on)
        assert why in error.value.message_dict["concluded_on"][0]
    else:
        assert _propose(certificate, by, concluded_on=concluded_on).pk


@pytest.mark.parametrize(("offset", "refused"), [(0, False), (1, True)])
def test_a_certificate_that_lapsed_before_the_conclusion_is_not_revoked(
    ninh_kieu, city_reviewer, offset, refused
):
    product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
    old = CertificateFactory(product=product, decision_date=date(2023, 3, 1))  # until 29/02/2026
    concluded_on = old.valid_until + timedelta(days=offset)
    _proposed_unless_refused(old, city_reviewer, concluded_on, refused, "hết hiệu lực")


@pytest.mark.parametrize(("offset", "refused"), [(0, False), (1, True)])
def test_a_certificate_kept_valid_by_a_grace_is_revoked_until_the_grace_ends(
    ninh_kieu, city_reviewer, offset, refused
):
    """A late re-rating keeps the certificate valid until its decision (26/2026/QĐ-TTg Điều
    12.3): a violation found meanwhile withdraws it; after the grace nothing is left."""
    product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
    old = CertificateFactory(
        product=product, decision_date=date(2023, 3, 1), extended_until=date(2026, 4, 30)
    )
    concluded_on = date(2026, 4, 30) + timedelta(days=offset)
    assert concluded_on > old.valid_until
    _proposed_unless_refused(old, city_reviewer, concluded_on, refused, "đến hết ngày 30/04/2026")


def test_the_registry_reads_a_revocation_under_way_then_its_ground(
    certificate, city_reviewer, council_secretary
):
    def read():
        return Product.objects.with_status(TODAY).with_revocations().get(pk=certificate.product_id)

    assert (read().revocation_pending, read().revocation_ground) == (False, None)
    revocation = _propose(certificate, city_reviewer)
    assert (read().revocation_pending, read().revocation_ground) == (True, None)
    revocations.decide(
        revocation=revocation,
        decision_number="12/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        by=council_secretary,
        today=TODAY,
    )
    product = read()
    assert (product.revocation_pending, product.revocation_ground) == (False, "d")
    assert (product.status, product.latest_revoked_on) == ("revoked", date(2026, 11, 20))


def test_a_dropped_proposal_is_no_longer_under_way(certificate, city_reviewer, council_secretary):
    revocations.drop(
        revocation=_propose(certificate, city_reviewer), note="Đã khắc phục", by=council_secretary
    )
    product = Product.objects.with_status(TODAY).with_revocations().get(pk=certificate.product_id)
    assert (product.revocation_pending, product.revocation_ground) == (False, None)


def test_the_grounds_are_named_by_the_law_s_letters():
    assert ground_reference("dd") == (
        "điểm đ khoản 1 Điều 8: Không còn hoạt động sản xuất sản phẩm OCOP"
    )
    assert Revocation(ground="d").ground_title == (
        "Sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn"
    )


@pytest.mark.parametrize(
    ("stars", "expected"),
    [
        (4, "Chờ Chủ tịch UBND thành phố quyết định, hạn 25/11/2026"),
        (
            5,
            "Chờ quyết định của Bộ Nông nghiệp và Môi trường; Sở ghi lại số và ngày quyết định "
            "(hạn 25/11/2026)",
        ),
    ],
)
def test_who_acts_next(ninh_kieu, city_reviewer, stars, expected):
    product = ProductFactory(producer=ProducerFactory(area=ninh_kieu))
    certificate = CertificateFactory(
        product=product, stars=stars, level="central" if stars == 5 else "city"
    )
    assert revocations.next_step(_propose(certificate, city_reviewer)) == expected
