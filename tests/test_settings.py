"""Settings come from the environment; production refuses to start without a real key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.environment import TEST_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A production-like environment: none of the test suite's own variables.
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *TEST_ENVIRONMENT}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_with_debug_off_stops_the_start_with_a_clear_message():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY chưa được đặt" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ocop.example.gov.vn",
        EMAIL_URL="smtp+tls://ocop:secret@smtp.example.gov.vn:587",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("email_url", [None, "consolemail://", "memorymail://", "filemail:///tmp"])
def test_mail_printed_to_the_log_with_debug_off_stops_the_start(email_url):
    """The console backend would write live password reset links into the log."""
    env = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
    if email_url:
        env["EMAIL_URL"] = email_url
    result = manage("check", **env)
    assert result.returncode != 0
    assert "EMAIL_URL chưa được đặt" in result.stderr
    assert "EMAIL_URL is not set" in result.stderr


def test_without_mail_on_purpose_the_portal_starts():
    result = manage(
        "check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), EMAIL_URL="dummymail://"
    )
    assert result.returncode == 0, result.stderr


def test_debug_runs_without_a_secret_key():
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_vietnamese_first(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_every_setting_read_from_the_environment_is_documented():
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#   ")
    }
    settings_source = (ROOT / "ocop_portal" / "settings.py").read_text()
    import re

    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    assert read, "no environment variables found in settings"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"


@pytest.mark.parametrize("name", ["DATABASE_URL", "CACHE_URL", "EMAIL_URL", "CSRF_TRUSTED_ORIGINS"])
def test_connection_settings_are_documented(name):
    assert f"{name}=" in (ROOT / ".env.example").read_text()


PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "ocop.example.gov.vn",
    "EMAIL_URL": "smtp://smtp.example.gov.vn:25",
}
SHOW = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, "
    "s.SESSION_COOKIE_AGE, s.SESSION_COOKIE_HTTPONLY, s.LOG_FORMAT)"
)


def test_production_cookies_are_secure_and_logs_are_json():
    result = manage("shell", "-c", SHOW, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == ["True", "True", "True", "1800", "True", "json"]


def test_debug_logs_plain_lines_and_log_format_can_be_chosen():
    result = manage("shell", "-c", SHOW, DEBUG="true")
    assert result.stdout.split()[-1] == "plain", result.stderr
    result = manage("shell", "-c", SHOW, DEBUG="true", LOG_FORMAT="json")
    assert result.stdout.split()[-1] == "json", result.stderr


def test_an_unknown_log_format_stops_the_start():
    result = manage("check", DEBUG="true", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr


TRUSTED = "from django.conf import settings as s; print(repr(s.TRUSTED_PROXIES))"


def test_trusted_proxies_follow_behind_proxy_and_forwarded_allow_ips():
    key = secrets.token_urlsafe(50)
    result = manage("shell", "-c", TRUSTED, SECRET_KEY=key, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
    result = manage("shell", "-c", TRUSTED, SECRET_KEY=key, BEHIND_PROXY="true", **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "['127.0.0.1']", result.stderr
    result = manage(
        "shell",
        "-c",
        TRUSTED,
        SECRET_KEY=key,
        BEHIND_PROXY="true",
        FORWARDED_ALLOW_IPS="10.0.0.0/8,192.168.1.5",
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == "['10.0.0.0/8', '192.168.1.5']"


JIT = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
PG = "postgres://ocop:ocop@127.0.0.1:5432/ocop"


def test_postgresql_connections_run_without_jit_unless_asked():
    result = manage("shell", "-c", JIT, DEBUG="true", DATABASE_URL=PG)
    assert result.stdout.strip().splitlines()[-1] == "{'options': '-c jit=off'}", result.stderr
    result = manage("shell", "-c", JIT, DEBUG="true", DATABASE_URL=PG, DATABASE_JIT="true")
    assert result.stdout.strip().splitlines()[-1] == "{}", result.stderr
    result = manage("shell", "-c", JIT, DEBUG="true", DATABASE_URL="sqlite:///:memory:")
    assert result.stdout.strip().splitlines()[-1] == "{}", result.stderr
