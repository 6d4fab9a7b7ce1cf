"""The permission ladder on every page: anonymous → login, outsider → 404, allowed → 200,
wrong method → 405; and what each persona finds on it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def assert_login_redirect(response, url):
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


# --- Home ---------------------------------------------------------------------------------


def test_home_is_public_and_invites_to_log_in(client, can_tho):
    response = client.get("/")
    assert response.status_code == 200
    assert "Đăng nhập dành cho cán bộ" in response.text
    assert 'lang="vi"' in response.text


def test_home_shows_the_officer_their_own_district(
    login, officer_ninh_kieu, django_assert_max_num_queries
):
    client = login(officer_ninh_kieu)
    # session, user, scope, assigned areas, producers, products, 2 area counts, "as of";
    # the to-do list's counts (dossiers, sheets, certificates, requests: all empty, so no
    # rows are read) and the legal bases' re-rating rules; 2 savepoints of the request
    with django_assert_max_num_queries(16):
        response = client.get("/")
    assert response.status_code == 200
    assert "Quận Ninh Kiều" in response.text
    assert "Phường Cái Khế" in response.text
    assert "Huyện Cờ Đỏ" not in response.text


def test_home_counts_the_city_reviewers_province(login, city_reviewer, co_do):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

    producer = ProducerFactory(area=co_do)
    ProductFactory(producer=producer)
    today = timezone.localdate()
    CertificateFactory(product__producer=producer, decision_date=today - timedelta(days=1200))
    CertificateFactory(product__producer=producer, decision_date=today - timedelta(days=10))
    CertificateFactory(product__producer=producer, decision_date=today - timedelta(days=1070))
    response = login(city_reviewer).get("/")
    assert response.context["counts"] == {
        "producers": 1,
        "products": 4,
        "certified": 2,
        "expiring": 1,
        "former_districts": 9,
        "current_communes": 103,
    }


def test_home_refuses_post(client, can_tho):
    assert client.post("/").status_code == 405


def test_user_without_areas_is_told_to_ask_for_them(login):
    from tests.factories import UserFactory

    response = login(UserFactory(areas=[])).get("/")
    assert "chưa được giao địa bàn" in response.text


# --- Area list ----------------------------------------------------------------------------


def test_area_list_needs_login(client, can_tho):
    assert_login_redirect(client.get("/areas/"), "/areas/")


def test_area_list_refuses_post(login, officer_ninh_kieu):
    assert login(officer_ninh_kieu).post("/areas/").status_code == 405


def test_area_list_shows_only_the_officers_areas(
    login, officer_ninh_kieu, django_assert_max_num_queries
):
    client = login(officer_ninh_kieu)
    with django_assert_max_num_queries(8):
        response = client.get("/areas/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5
    assert "Quận Ninh Kiều" in response.text
    assert "Cờ Đỏ" not in response.text


def test_officer_cannot_find_another_district(login, officer_ninh_kieu):
    response = login(officer_ninh_kieu).get("/areas/", {"q": "co do"})
    assert response.context["page"].paginator.count == 0
    assert "Không có đơn vị nào" in response.text


def test_area_list_search_and_filters(login, city_reviewer):
    client = login(city_reviewer)
    found = client.get("/areas/", {"q": "co do"}).context["page"].object_list
    assert {a.name for a in found} == {"Huyện Cờ Đỏ", "Xã Cờ Đỏ"}
    former = client.get("/areas/", {"era": "former"}).context["page"].paginator
    assert former.count == 9
    districts = client.get("/areas/", {"level": "2"}).context["page"].paginator
    assert districts.count == 9


def test_area_list_query_count_does_not_grow_with_rows(
    login, city_reviewer, django_assert_max_num_queries
):
    client = login(city_reviewer)
    with django_assert_max_num_queries(8):
        response = client.get("/areas/")
    assert len(response.context["page"].object_list) == 50


def test_area_list_bad_filter_value_is_explained(login, city_reviewer):
    response = login(city_reviewer).get("/areas/", {"level": "7"})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.text


# --- Area detail --------------------------------------------------------------------------


def test_area_detail_needs_login(client, ninh_kieu):
    url = ninh_kieu.get_absolute_url()
    assert_login_redirect(client.get(url), url)


def test_area_detail_is_404_for_an_outsider(login, officer_co_do, ninh_kieu):
    response = login(officer_co_do).get(ninh_kieu.get_absolute_url())
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_area_detail_for_its_officer(
    login, officer_ninh_kieu, ninh_kieu, django_assert_max_num_queries
):
    client = login(officer_ninh_kieu)
    with django_assert_max_num_queries(13):
        response = client.get(ninh_kieu.get_absolute_url())
    assert response.status_code == 200
    assert "Quận Ninh Kiều" in response.text
    assert "Trần Thị Ninh Kiều" in response.text  # the officer working there
    assert "Phường Cái Khế" in response.text  # a successor commune


def test_area_detail_refuses_post(login, officer_ninh_kieu, ninh_kieu):
    assert login(officer_ninh_kieu).post(ninh_kieu.get_absolute_url()).status_code == 405


def test_area_detail_for_the_city_reviewer_links_to_the_units_under_it(
    login, city_reviewer, can_tho
):
    response = login(city_reviewer).get(can_tho.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["children"]) == 9 + 103


def test_unknown_area_is_404(login, administrator):
    assert login(administrator).get("/areas/999999/").status_code == 404


# --- Health -------------------------------------------------------------------------------


def test_healthz_answers_with_a_database_round_trip(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
