"""load_demo: Cần Thơ's areas and the demo accounts (its idempotence: test_demo_registry.py)."""

import pytest

from accounts.models import User
from ocop_portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

OFFICERS = [
    "ninhkieu",
    "binhthuy",
    "cairang",
    "omon",
    "thotnot",
    "phongdien",
    "codo",
    "thoilai",
    "vinhthanh",
]


def test_load_demo_creates_the_accounts_and_prints_them(demo):
    out = demo
    for username in ["admin", "city", *OFFICERS]:
        assert username in out
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
    assert "ocop-demo" in out
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="city").role == User.Role.CITY


def test_each_officer_works_in_their_former_district_and_its_communes(demo):
    codo = User.objects.get(username="codo")
    assert {a.name for a in codo.areas.all()} == {
        "Huyện Cờ Đỏ",
        "Xã Thạnh Phú",
        "Xã Trung Hưng",
        "Xã Cờ Đỏ",
        "Xã Thới Hưng",
        "Xã Đông Hiệp",
    }
    for username in OFFICERS:
        user = User.objects.get(username=username)
        assert user.role == User.Role.OFFICER
        assert user.areas.former().count() == 1
