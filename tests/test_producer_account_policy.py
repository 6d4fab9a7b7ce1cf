"""A producer's account in the one policy: it reads its own records (``owned_by``, ``owns``)
and nothing through the staff's ``visible_to``; only such an account belongs to a producer."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from core import policy
from evaluations.models import Evaluation
from products.models import Certificate, Product
from subjects.models import Producer
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory


@pytest.fixture
def two_producers(can_tho):
    mine, other = ProducerFactory(), ProducerFactory()
    for producer in (mine, other):
        CertificateFactory(product=ProductFactory(producer=producer))
    return mine, other


def account_of(producer, **kwargs) -> User:
    return UserFactory(role=User.Role.PRODUCER, producer=producer, **kwargs)


def test_an_account_reads_its_own_producer_products_and_certificates(two_producers):
    mine, other = two_producers
    account = account_of(mine)
    assert list(Producer.objects.owned_by(account)) == [mine]
    assert list(Product.objects.owned_by(account)) == list(mine.products.all())
    assert {c.product.producer for c in Certificate.objects.owned_by(account)} == {mine}
    assert policy.owns(account, mine) and not policy.owns(account, other)
    assert policy.owns(account, mine.products.get())
    assert not policy.owns(account, other.products.get())


def test_an_account_sees_nothing_of_the_staff_pages(two_producers):
    mine, _other = two_producers
    account = account_of(mine)
    for model in (Producer, Product, Certificate, Evaluation):
        assert not model.objects.visible_to(account).exists()
    assert not policy.is_local_officer(account)
    assert not policy.works_somewhere(account)
    assert not policy.can(account, "product.change", mine.products.get())


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.CITY, User.Role.ADMIN])
def test_staff_own_nothing(two_producers, role, can_tho):
    mine, _other = two_producers
    user = UserFactory(role=role, areas=[can_tho])
    assert not Product.objects.owned_by(user).exists()
    assert not policy.owns(user, mine)


def test_an_inactive_account_owns_nothing(two_producers):
    mine, _other = two_producers
    account = account_of(mine, is_active=False)
    assert not Product.objects.owned_by(account).exists()
    assert not policy.owns(account, mine)


def test_the_officer_of_the_area_sees_the_account_and_others_do_not(two_producers, ninh_kieu):
    mine, _other = two_producers
    account = account_of(mine)
    officer = UserFactory(areas=[mine.area])
    outsider = UserFactory(areas=[ninh_kieu])
    assert account in User.objects.visible_to(officer)
    assert account not in User.objects.visible_to(outsider)


def test_only_a_producer_account_belongs_to_a_producer(two_producers):
    mine, _other = two_producers
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.PRODUCER)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.OFFICER, producer=mine)
