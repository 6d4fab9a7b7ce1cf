"""Login, logout, password change, and the lockout after repeated failures."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem-1"


def test_login_page_is_in_vietnamese(client, can_tho):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Tên đăng nhập" in response.text
    assert "Mật khẩu" in response.text


def test_officer_logs_in_and_lands_on_their_overview(client, officer_co_do):
    response = client.post(
        reverse("login"), {"username": "codo", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Đăng nhập thành công" in response.text
    assert "Huyện Cờ Đỏ" in response.text


def test_wrong_password_is_explained_next_to_the_form(client, officer_co_do):
    response = client.post(reverse("login"), {"username": "codo", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.text


def test_repeated_failures_lock_the_login_with_a_clear_message(client, officer_co_do, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "codo", "password": "sai"})
    response = client.post(reverse("login"), {"username": "codo", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.text
    assert "15 phút" in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_logout_is_a_post_and_says_so(login, officer_co_do):
    client = login(officer_co_do)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert "Bạn đã đăng xuất" in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_password_change_ladder(client, login, officer_co_do):
    url = reverse("password_change")
    assert client.get(url).status_code == 302
    client = login(officer_co_do)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "Mật khẩu này quá ngắn" in response.text
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Lua-gao-Co-Do-2026",
            "new_password2": "Lua-gao-Co-Do-2026",
        },
        follow=True,
    )
    assert "Mật khẩu đã được đổi" in response.text
    officer_co_do.refresh_from_db()
    assert officer_co_do.check_password("Lua-gao-Co-Do-2026")


def test_password_reset_sends_a_vietnamese_email(client, officer_co_do, mailoutbox):
    officer_co_do.email = "codo@example.gov.vn"
    officer_co_do.save()
    response = client.post(reverse("password_reset"), {"email": "codo@example.gov.vn"}, follow=True)
    assert "Đã gửi email" in response.text
    assert len(mailoutbox) == 1
    assert "Đặt lại mật khẩu" in mailoutbox[0].subject
    assert "/accounts/reset/" in mailoutbox[0].body


def test_an_overlong_user_name_is_refused_at_the_field(client, can_tho):
    response = client.post(reverse("login"), {"username": "a" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
