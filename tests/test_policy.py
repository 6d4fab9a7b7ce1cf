"""The one policy (core.policy): who sees what, who may do what, and why not."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from core import policy
from products.models import Product
from subjects.models import Producer
from tests.factories import ProducerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_in_co_do(co_do):
    commune = co_do.successors.first()
    return ProductFactory(producer=ProducerFactory(area=commune))


def test_inside_reads_the_users_areas_and_everything_under_them(
    officer_co_do, officer_ninh_kieu, city_reviewer, administrator, product_in_co_do
):
    assert list(Product.objects.visible_to(officer_co_do)) == [product_in_co_do]
    assert list(Product.objects.visible_to(city_reviewer)) == [product_in_co_do]
    assert list(Product.objects.visible_to(administrator)) == [product_in_co_do]
    assert not Product.objects.visible_to(officer_ninh_kieu).exists()
    assert not Product.objects.visible_to(AnonymousUser()).exists()


def test_a_user_without_areas_sees_nothing(can_tho, product_in_co_do):
    assert not Producer.objects.visible_to(UserFactory(areas=[])).exists()


def test_an_inactive_user_sees_nothing(officer_co_do, product_in_co_do):
    officer_co_do.is_active = False
    assert not Product.objects.visible_to(officer_co_do).exists()
    assert not policy.covers(officer_co_do, product_in_co_do.producer.area.path)


def test_a_sibling_whose_code_starts_alike_is_not_inside(can_tho):
    user = UserFactory(areas=[])
    user._policy_paths = ["92/916/"]
    assert policy.covers(user, "92/916/31117/")
    assert policy.covers(user, "92/916/")
    assert not policy.covers(user, "92/9161/")
    assert not policy.covers(user, "92/")


def test_the_object_rule_and_the_queryset_rule_agree(
    officer_co_do, officer_ninh_kieu, product_in_co_do
):
    assert policy.can(officer_co_do, "product.change", product_in_co_do)
    assert policy.area_path_of(product_in_co_do) == product_in_co_do.producer.area.path
    decision = policy.can(officer_ninh_kieu, "product.change", product_in_co_do)
    assert not decision
    assert decision.reason == "Sản phẩm này không thuộc địa bàn bạn phụ trách."


def test_require_refuses_with_the_reason(officer_ninh_kieu, product_in_co_do):
    with pytest.raises(PermissionDenied, match="không thuộc địa bàn"):
        policy.require(officer_ninh_kieu, "product.change", product_in_co_do)


def test_roles(officer_co_do, city_reviewer, administrator):
    assert policy.can(officer_co_do, "evaluation.add")
    assert not policy.can(city_reviewer, "evaluation.add")
    assert policy.can(administrator, "evaluation.add")
    assert policy.can(city_reviewer, "round.manage")
    assert not policy.can(officer_co_do, "round.manage")
    assert policy.can(city_reviewer, "plan.change")
    assert not policy.can(officer_co_do, "plan.change")
    assert policy.can(administrator, "reference.change")
    assert not policy.can(city_reviewer, "reference.change")


def test_a_superuser_flag_counts_as_administrator_but_an_inactive_one_does_not(can_tho):
    user = UserFactory(is_superuser=True)
    assert policy.sees_everything(user)
    user.is_active = False
    assert not policy.sees_everything(user)
    assert not policy.can(user, "reference.change")


def test_anonymous_may_do_nothing(product_in_co_do):
    anonymous = AnonymousUser()
    assert not any(policy.can(anonymous, action, product_in_co_do) for action in policy.RULES)


def test_inside_or_above_reaches_the_province_but_not_a_sibling(officer_co_do):
    q = policy.inside_or_above(officer_co_do, "path")
    from areas.models import Area

    paths = set(Area.objects.filter(q).values_list("path", flat=True))
    assert "92/" in paths
    assert "92/925/" in paths
    assert "92/916/" not in paths


def test_containing_paths():
    assert policy.containing_paths("92/916/31117/") == ["92/", "92/916/", "92/916/31117/"]
