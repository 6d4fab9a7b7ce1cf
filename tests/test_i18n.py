"""Vietnamese first, English on request; the English catalogue is complete."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_vietnamese_even_when_the_browser_asks_for_english(client, can_tho):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.text
    assert "Đăng nhập" in response.text
    assert response["Content-Language"] == "vi"


def test_language_switch_to_english_and_back(client, can_tho):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.text
    assert "Sign in for officials" in response.text
    response = client.post(reverse("set_language"), {"language": "vi", "next": "/"}, follow=True)
    assert "Đăng nhập dành cho cán bộ" in response.text


def test_language_switch_is_on_every_page(client, can_tho):
    response = client.get(reverse("login"))
    assert 'name="language" value="en"' in response.text


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_english_catalogue_has_no_untranslated_or_fuzzy_messages():
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
