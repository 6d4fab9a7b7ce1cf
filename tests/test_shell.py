"""The portal's shell in Vietnamese everywhere: the admin's history, revert and sign-in-attempt
pages (django-simple-history and django-axes leave them in English, Django calls history
"Bản ghi nhớ"), the portal's own 404 and 500 pages on a DEBUG machine (the demo), an icon at
/favicon.ico, and a Permissions-Policy header without features browsers reject."""

import re

import pytest
from django.urls import path, reverse

from ocop_portal import urls as portal_urls
from tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db


def crash(request):
    raise RuntimeError("a bug")


#: The portal's URLs and one view that fails, for the 500 page (the base template reverses
#: the portal's names).
urlpatterns = [path("crash/", crash), *portal_urls.urlpatterns]

ENGLISH = [
    "Choose a date",
    "Changed by",
    "Change reason",
    "Date/time",
    "Revert",
    "Bản ghi nhớ",
    "This object doesn",
    "History",
]


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def renamed(co_do):
    producer = ProducerFactory(name="Hợp tác xã Tên Cũ")
    producer.name = "Hợp tác xã Tên Mới"
    producer.save()
    return producer


def test_the_admin_history_list_speaks_vietnamese(login, administrator, renamed):
    url = reverse("admin:subjects_producer_history", args=[renamed.pk])
    response = login(administrator).get(url)

    text = visible_text(response)
    assert response.status_code == 200
    for english in ENGLISH:
        assert english not in text, english
    for vietnamese in ("Lịch sử", "Người thực hiện", "Thao tác", "Sửa", "Tạo mới", "khôi phục"):
        assert vietnamese in text, vietnamese


def test_the_admin_revert_page_speaks_vietnamese(login, administrator, renamed):
    record = renamed.history.earliest()
    url = reverse("admin:subjects_producer_simple_history", args=[renamed.pk, record.pk])
    response = login(administrator).get(url)

    text = visible_text(response)
    assert response.status_code == 200
    assert 'value="Khôi phục"' in response.content.decode()
    assert "Bấm nút “Khôi phục”" in text
    for english in ("Revert", "Press the", "History", "Bản ghi nhớ"):
        assert english not in text, english


def test_the_change_form_links_to_lich_su(login, administrator, renamed):
    url = reverse("admin:subjects_producer_change", args=[renamed.pk])
    response = login(administrator).get(url)
    assert ">Lịch sử</a>" in response.content.decode()
    assert "Bản ghi nhớ" not in response.content.decode()


def test_the_sign_in_attempts_speak_vietnamese(login, administrator, client):
    client.post(reverse("login"), {"username": "khong-co", "password": "sai"})
    response = login(administrator).get("/admin/axes/accessattempt/")

    text = visible_text(response)
    assert response.status_code == 200
    assert "lần thử đăng nhập" in text.lower()
    for english in ("Access attempt", "access attempts", "IP Address", "User Agent", "Attempt"):
        assert english not in text, english


# --- The demo's error pages ---------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_page_is_the_portals_own_even_with_debug(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert "URLconf" not in response.content.decode()


def test_a_record_out_of_reach_answers_the_portals_404_with_debug(login, settings, officer_co_do):
    settings.DEBUG = True
    response = login(officer_co_do).get("/products/999999/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert "Technical" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_crash_answers_the_portals_500_with_debug(client, settings):
    settings.DEBUG = True
    client.raise_request_exception = False
    response = client.get("/crash/")

    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_developer_may_ask_for_djangos_technical_pages(client, settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_PAGES = True
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


# --- Icon and headers --------------------------------------------------------------------


def test_favicon_ico_redirects_permanently_to_the_portals_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert re.search(r"/static/img/favicon(\.[0-9a-f]+)?\.svg$", response["Location"])
    home = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon[^"]*\.svg" type="image/svg\+xml">', home)


def test_the_icon_is_the_portals_own_svg():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    svg = Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "#1f6f43" in svg


def test_permissions_policy_names_only_features_browsers_know(client):
    header = client.get("/")["Permissions-Policy"]
    features = {item.split("=")[0].strip() for item in header.split(",")}

    assert {"camera", "geolocation", "microphone"} <= features
    # Chromium logs "Unrecognized feature" for these (checked in tests/browser/test_shell.py).
    assert not features & {"bluetooth", "vr", "interest-cohort", "document-domain"}
