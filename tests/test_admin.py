"""The admin reads through visible_to too: a staff officer sees only their own areas."""

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import officer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_officer_co_do(co_do):
    officer = officer_of("925", username="codo-staff", is_staff=True)
    officer.user_permissions.add(
        Permission.objects.get(codename="view_area"),
        Permission.objects.get(codename="change_area"),
    )
    return officer


def test_admin_list_shows_only_own_areas(login, staff_officer_co_do):
    response = login(staff_officer_co_do).get("/admin/areas/area/")
    assert response.status_code == 200
    names = {area.name for area in response.context["cl"].result_list}
    assert "Huyện Cờ Đỏ" in names
    assert "Quận Ninh Kiều" not in names
    assert response.context["cl"].result_count == 6


def test_admin_search_does_not_find_another_district(login, staff_officer_co_do):
    response = login(staff_officer_co_do).get("/admin/areas/area/", {"q": "ninh kieu"})
    assert response.context["cl"].result_count == 0


def test_admin_search_ignores_diacritics(login, administrator):
    response = login(administrator).get("/admin/areas/area/", {"q": "Cờ đỏ"})
    names = {area.name for area in response.context["cl"].result_list}
    assert names == {"Huyện Cờ Đỏ", "Xã Cờ Đỏ"}


def test_admin_change_page_of_another_district_is_not_reachable(
    login, staff_officer_co_do, ninh_kieu
):
    client = login(staff_officer_co_do)
    response = client.get(f"/admin/areas/area/{ninh_kieu.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    history = client.get(f"/admin/areas/area/{ninh_kieu.pk}/history/")
    assert history.status_code in (302, 404)


def test_admin_shows_own_district_read_only_to_an_officer(login, staff_officer_co_do, co_do):
    client = login(staff_officer_co_do)
    response = client.get(f"/admin/areas/area/{co_do.pk}/change/")
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    refused = client.post(f"/admin/areas/area/{co_do.pk}/change/", {"name": "Huyện Đổi Tên"})
    assert refused.status_code == 403
    co_do.refresh_from_db()
    assert co_do.name == "Huyện Cờ Đỏ"


def test_admin_foreign_key_choices_start_from_visible_to(rf, staff_officer_co_do):
    from django.contrib import admin

    from accounts.models import User

    request = rf.get("/")
    request.user = staff_officer_co_do
    user_admin = admin.site._registry[User]
    field = user_admin.formfield_for_manytomany(User._meta.get_field("areas"), request)
    assert set(field.queryset.values_list("code", flat=True)) == set(
        staff_officer_co_do.areas.values_list("code", flat=True)
    )


def test_officer_without_staff_flag_cannot_open_the_admin(login, officer_co_do):
    response = login(officer_co_do).get("/admin/areas/area/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_users_list_is_limited_too(login, staff_officer_co_do, officer_ninh_kieu):
    staff_officer_co_do.user_permissions.add(Permission.objects.get(codename="view_user"))
    response = login(staff_officer_co_do).get("/admin/accounts/user/")
    usernames = {user.username for user in response.context["cl"].result_list}
    assert "ninhkieu" not in usernames
    assert "codo-staff" in usernames
