"""Bootstrap comes from the npm registry through WhiteNoise: no CDN, no external URL."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"""(src|href)=["'](https?:)?//""")


def test_bootstrap_is_found_in_node_modules():
    for path in [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
    ]:
        found = finders.find(path)
        assert found and "node_modules" in found, path


def test_no_template_loads_anything_from_another_host():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if EXTERNAL.search(path.read_text())
    ]
    assert offenders == []


def test_pages_link_only_local_assets(client, can_tho):
    html = client.get("/").text
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert not EXTERNAL.search(html)
