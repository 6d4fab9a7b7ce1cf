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


def test_as_of_follows_each_save_without_asking_the_tables(can_tho, monkeypatch):
    """A save notes its time; the tables are asked again when nothing is noted and every
    ``CACHE_SECONDS`` (a write the signals do not see: ``QuerySet.update``)."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core.caching import CACHE_SECONDS
    from core.context_processors import data_as_of
    from subjects.models import Producer
    from tests.factories import ProducerFactory

    first = ProducerFactory()
    assert data_as_of() == first.updated_at  # asked: nothing noted yet
    second = ProducerFactory()
    with CaptureQueriesContext(connection) as queries:
        assert data_as_of() == second.updated_at
    assert len(queries) == 0
    # An earlier time saved again (update_fields without it) leaves the latest as it is.
    first.name = "Hộ khác"
    first.save(update_fields=["name"])
    assert data_as_of() == second.updated_at

    unseen = second.updated_at + timedelta(minutes=1)
    Producer.objects.filter(pk=first.pk).update(updated_at=unseen)
    assert data_as_of() == second.updated_at
    later = timezone.now() + timedelta(seconds=CACHE_SECONDS + 1)
    monkeypatch.setattr("core.context_processors.timezone.now", lambda: later)
    assert data_as_of() == unseen
