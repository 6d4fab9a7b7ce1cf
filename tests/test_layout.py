"""The frame around every page: navigation by role, breadcrumbs, messages, footer."""

import pytest

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [str(item.label) for item in response.context["nav_items"]]


def test_anonymous_sees_only_home_and_login(client, can_tho):
    response = client.get("/")
    assert nav_labels(response) == ["Tổng quan", "Danh mục sản phẩm"]
    assert 'href="/accounts/login/"' in response.text
    assert "Đăng xuất" not in response.text


def test_officer_sees_areas_but_not_the_admin(login, officer_co_do):
    response = login(officer_co_do).get("/")
    assert "Địa bàn" in nav_labels(response)
    assert "Đăng xuất" in response.text
    assert "Trang quản trị" not in response.text


def test_administrator_sees_the_admin_link(login, administrator):
    response = login(administrator).get("/")
    assert 'href="/admin/"' in response.text


def test_breadcrumbs_lead_back_home(login, officer_co_do, co_do):
    response = login(officer_co_do).get(co_do.get_absolute_url())
    assert 'class="breadcrumb' in response.text
    assert 'href="/areas/"' in response.text


def test_footer_tells_when_the_data_was_last_changed(client, can_tho):
    response = client.get("/")
    assert "Số liệu tính đến" in response.text
    assert "Sở Nông nghiệp và Môi trường thành phố Cần Thơ" in response.text


def test_page_not_found_is_in_vietnamese(client, can_tho):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_pages_fit_a_phone(client, can_tho):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in (
        client.get("/").text
    )


def test_as_of_is_the_latest_change_of_any_record(can_tho):
    from datetime import datetime

    from core.context_processors import data_as_of
    from tests.factories import ProducerFactory

    producer = ProducerFactory()
    latest = data_as_of()
    assert isinstance(latest, datetime)
    assert latest == producer.updated_at
