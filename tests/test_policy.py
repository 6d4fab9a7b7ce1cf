"""The one policy (core.policy): who sees what, who may do what, and why not."""

import re

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


# --- The rules the pages ask --------------------------------------------------------------------


def test_evaluating_a_product_is_for_its_local_officers(
    officer_co_do, officer_ninh_kieu, city_reviewer, administrator, product_in_co_do
):
    assert policy.can(officer_co_do, "evaluation.add", product_in_co_do)
    assert policy.can(administrator, "evaluation.add", product_in_co_do)
    for user in (officer_ninh_kieu, city_reviewer):
        decision = policy.can(user, "evaluation.add", product_in_co_do)
        assert not decision
        assert decision.reason == "Hồ sơ đánh giá do cán bộ địa phương phụ trách sản phẩm lập."
    # Asked in general (the "new" button), an officer of any area may.
    assert policy.can(officer_ninh_kieu, "evaluation.add")


def test_filling_needs_the_object_in_the_officers_areas(
    officer_co_do, officer_ninh_kieu, city_reviewer, administrator, product_in_co_do
):
    assert policy.can(officer_co_do, "evaluation.fill", product_in_co_do)
    assert policy.can(administrator, "evaluation.fill", product_in_co_do)
    assert not policy.can(officer_ninh_kieu, "evaluation.fill", product_in_co_do)
    assert not policy.can(city_reviewer, "evaluation.fill", product_in_co_do)
    assert not policy.can(officer_co_do, "evaluation.fill")  # never without the record


def test_reviewing_is_the_citys_inside_its_areas(
    officer_co_do, city_reviewer, administrator, product_in_co_do
):
    assert policy.can(city_reviewer, "evaluation.review", product_in_co_do)
    assert policy.can(administrator, "evaluation.review", product_in_co_do)
    assert not policy.can(officer_co_do, "evaluation.review", product_in_co_do)
    reviewer_elsewhere = UserFactory(role="city", areas=[])
    reviewer_elsewhere._policy_paths = ["93/"]
    assert policy.can(reviewer_elsewhere, "evaluation.review")
    assert not policy.can(reviewer_elsewhere, "evaluation.review", product_in_co_do)


def test_plans_are_checked_against_their_province(city_reviewer, officer_co_do, can_tho):
    from budgets.models import Plan, PublishedFigure

    plan = Plan(province=can_tho, year=2024)
    figure = PublishedFigure(province=can_tho, year=2024)
    assert policy.area_path_of(plan) == policy.area_path_of(figure) == "92/"
    assert policy.can(city_reviewer, "plan.change", plan)
    assert policy.can(city_reviewer, "plan.change", figure)
    decision = policy.can(officer_co_do, "plan.change", plan)
    assert decision.reason == "Kế hoạch và kinh phí do cán bộ của Sở Nông nghiệp và Môi trường lập."
    reviewer_elsewhere = UserFactory(role="city", areas=[])
    reviewer_elsewhere._policy_paths = ["93/"]
    assert not policy.can(reviewer_elsewhere, "plan.change", plan)


def test_rounds_are_checked_against_their_council_area(city_reviewer, officer_co_do, co_do):
    from evaluations.models import Round

    round_ = Round(area=co_do, year=2024, number=1)
    assert policy.area_path_of(round_) == co_do.path
    assert policy.can(city_reviewer, "round.manage", round_)
    assert not policy.can(officer_co_do, "round.manage", round_)
    assert policy.can(city_reviewer, "round.recognise", round_)


def test_every_refusal_is_said_in_vietnamese():
    for action, rule in policy.RULES.items():
        reason = str(rule.refusal)
        assert reason.endswith(".") and len(reason) > 20, action
        assert re.search(r"[àáảãạăâđèéêìíòóôơùúưỳý]", reason.lower()), action


# --- The helpers the pages share ----------------------------------------------------------------


def test_under_and_q_within_take_the_unit_and_what_lies_beneath(can_tho, co_do, ninh_kieu):
    from areas.models import Area
    from tests.factories import AreaFactory

    alike = AreaFactory(code="9251", parent=can_tho, kind=Area.Kind.RURAL_DISTRICT)
    commune = AreaFactory(parent=co_do)

    def paths(q):
        return set(Area.objects.filter(q).values_list("path", flat=True))

    assert paths(co_do.q_within()) == {co_do.path, commune.path}
    assert paths(policy.under("path", co_do.path)) == paths(co_do.q_within())
    assert alike.path not in paths(co_do.q_within())
    assert {co_do.path, ninh_kieu.path, alike.path} <= paths(can_tho.q_within())
    producer = ProducerFactory(area=commune)
    assert list(Producer.objects.filter(co_do.q_within("area__path"))) == [producer]
    assert not Producer.objects.filter(alike.q_within("area__path")).exists()


def test_local_officers_as_a_filter_agree_with_the_predicate(
    officer_co_do, city_reviewer, administrator, can_tho
):
    from accounts.models import User

    inactive = UserFactory(areas=[can_tho], is_active=False)
    officer_flagged_superuser = UserFactory(areas=[can_tho], is_superuser=True)
    everyone = [officer_co_do, city_reviewer, administrator, inactive, officer_flagged_superuser]
    chosen = set(
        User.objects.filter(policy.local_officers()).filter(pk__in=[u.pk for u in everyone])
    )
    assert chosen == {user for user in everyone if policy.is_local_officer(user)}
    assert chosen == {officer_co_do}


def test_who_oversees_a_province(officer_co_do, city_reviewer, administrator):
    assert policy.oversees_a_province(city_reviewer)
    assert policy.oversees_a_province(administrator)
    assert not policy.oversees_a_province(officer_co_do)
    assert not policy.oversees_a_province(AnonymousUser())


def test_readers_of_the_same_areas_share_a_cache_key(officer_co_do, officer_ninh_kieu, co_do):
    from tests.conftest import officer_of

    colleague = officer_of("925", username="codo2")
    assert policy.visibility_key(colleague) == policy.visibility_key(officer_co_do)
    assert policy.visibility_key(officer_ninh_kieu) != policy.visibility_key(officer_co_do)


def test_the_template_tag_answers_with_the_decision(rf, city_reviewer, product_in_co_do):
    from django.template import Context, Template

    template = Template(
        '{% load policy %}{% can "evaluation.add" product as d %}'
        "{% if d %}yes{% else %}no: {{ d.reason }}{% endif %}"
    )
    request = rf.get("/")
    request.user = city_reviewer
    rendered = template.render(Context({"request": request, "product": product_in_co_do}))
    assert rendered == "no: Hồ sơ đánh giá do cán bộ địa phương phụ trách sản phẩm lập."
    # An error page rendered without a request allows nothing, and does not break.
    assert (
        Template('{% load policy %}{% can "admin.enter" as d %}{{ d.allowed }}').render(Context({}))
        == "False"
    )


def test_everything_survives_an_or(administrator, officer_co_do):
    """An administrator's filter ORed with another one still reads everything (an empty Q()
    would vanish from the OR and leave only the other side)."""
    from django.db.models import Q

    from areas.models import Area

    everything = policy.inside(administrator, "path") | Q(path="92/")
    assert Area.objects.filter(everything).count() == Area.objects.count()
    assert Area.objects.filter(policy.in_provinces(administrator, "path")).count() == (
        Area.objects.count()
    )
