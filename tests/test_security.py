"""Security headers, cookies, idle sessions and the request log (issue 8)."""

import json
import logging
import logging.config
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_security_headers_on_a_page(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_admin_gets_the_same_policy(client):
    response = client.get("/admin/login/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


INLINE = [
    (re.compile(r"""\sstyle\s*=\s*["']""", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    """The policy forbids them: they would be silently ignored by the browser."""
    found = []
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert templates
    for template in templates:
        text = template.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


# --- cookies and sessions -------------------------------------------------------------------


def test_cookies_are_http_only_and_same_site():
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert django_settings.CSRF_COOKIE_HTTPONLY
    assert django_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert django_settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_an_idle_session_ends_after_thirty_minutes_by_default():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert "core.middleware.SessionRefreshMiddleware" in django_settings.MIDDLEWARE


def test_an_active_session_is_written_at_most_once_a_minute(client, django_assert_num_queries):
    client.force_login(UserFactory())
    client.get(reverse("products:list"))  # refreshes: the first request after signing in
    before = session_of(client).expire_date
    client.get(reverse("products:list"))
    assert session_of(client).expire_date == before


def session_of(client) -> Session:
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key)


def test_a_session_idle_longer_than_the_age_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("products:list")).status_code == 200
    session = session_of(client)
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get(reverse("products:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_each_request_extends_an_active_session(client):
    client.force_login(UserFactory())
    # Twenty minutes later the session still has ten to go; a request gives it thirty again.
    store = SessionStore(session_key=session_of(client).session_key)
    store["_refreshed"] = int(time.time()) - 20 * 60
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )
    response = client.get(reverse("products:list"))
    assert response.status_code == 200
    extended = session_of(client).expire_date
    assert extended > timezone.now() + timedelta(minutes=29)
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == django_settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]


# --- logs -----------------------------------------------------------------------------------


def request_records(caplog):
    return [r for r in caplog.records if r.name == "core.requests"]


def test_each_request_is_logged_with_its_fields(client, caplog):
    user = UserFactory()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="core.requests"):
        client.get(reverse("products:list"), {"q": "secret-search"})
    (record,) = request_records(caplog)
    assert record.method == "GET"
    assert record.path == reverse("products:list")
    assert record.status == 200
    assert record.user_id == user.pk
    assert record.duration_ms >= 0
    assert "secret-search" not in record.getMessage()


def test_passwords_and_tokens_are_never_logged(client, caplog):
    user = UserFactory(username="logtest")
    password = "Mật-khẩu-rất-bí-mật-42"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("login"), {"username": "logtest", "password": password})
        client.get(reverse("password_reset_confirm", args=[uid, token]))
    logged = "\n".join(
        f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records
    )
    assert password not in logged
    assert token not in logged
    assert any(r.path == "/accounts/reset/***/***/" for r in request_records(caplog))


def test_json_log_lines(settings, capsys):
    # The json formatter itself, whichever one the environment chose for this run (plain with
    # DEBUG on; the default without DEBUG is checked in test_settings).
    formatter = logging.config.DictConfigurator(settings.LOGGING).configure_custom(
        dict(settings.LOGGING["formatters"]["json"])
    )
    record = logging.LogRecord("core.requests", logging.INFO, __file__, 1, "GET / %s", (200,), None)
    record.method, record.path, record.status, record.user_id = "GET", "/", 200, 7
    line = json.loads(formatter.format(record))
    assert {"time", "level", "logger", "message"} <= line.keys()
    assert line["level"] == "INFO"
    assert line["logger"] == "core.requests"
    assert line["message"] == "GET / 200"
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/", 200, 7)
