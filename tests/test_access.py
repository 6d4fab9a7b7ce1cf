"""The one access rule, visible_to(user), on areas and users."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from areas.models import Area
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_officer_sees_own_district_and_its_communes_only(officer_ninh_kieu, ninh_kieu, co_do):
    visible = Area.objects.visible_to(officer_ninh_kieu)
    assert codes(visible) == {"916", "31120", "31135", "31147", "31150"}
    assert not visible.filter(pk=co_do.pk).exists()


def test_officer_of_former_district_sees_communes_under_it(ninh_kieu):
    old_commune = Area.objects.create(
        code="31117", name="Phường Cái Khế", kind=Area.Kind.WARD, parent=ninh_kieu
    )
    officer = UserFactory(areas=[ninh_kieu])
    assert Area.objects.visible_to(officer).filter(pk=old_commune.pk).exists()
    assert old_commune.full_name == "Phường Cái Khế, Quận Ninh Kiều, Thành phố Cần Thơ"


def test_city_reviewer_sees_the_whole_province(city_reviewer, can_tho):
    assert Area.objects.visible_to(city_reviewer).count() == 1 + 9 + 103


def test_administrator_sees_everything(administrator):
    assert Area.objects.visible_to(administrator).count() == Area.objects.count()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: AnonymousUser(),
        lambda: UserFactory(areas=[]),
        lambda: UserFactory(is_active=False, role=User.Role.ADMIN),
    ],
)
def test_nobody_else_sees_anything(make_user, can_tho):
    assert not Area.objects.visible_to(make_user()).exists()


def test_prefix_of_a_code_does_not_leak(can_tho):
    # A unit coded "9" must not see units whose path merely starts with the digit 9.
    lookalike = Area.objects.create(code="9", name="Tỉnh Thử", kind=Area.Kind.PROVINCE)
    officer = UserFactory(areas=[lookalike])
    assert codes(Area.objects.visible_to(officer)) == {"9"}


def test_users_visible_to_officer_are_colleagues_inside_their_areas(
    officer_ninh_kieu, officer_co_do, city_reviewer
):
    visible = User.objects.visible_to(officer_ninh_kieu)
    assert officer_ninh_kieu in visible
    assert officer_co_do not in visible
    assert city_reviewer not in visible
    assert set(User.objects.visible_to(city_reviewer)) >= {officer_ninh_kieu, officer_co_do}
