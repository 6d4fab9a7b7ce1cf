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
    # The producers' accounts (producer_space/demo.py).
    for username, producer in [
        ("chuthe1", "Hợp tác xã hủ tiếu Cái Răng Xưa"),
        ("chuthe2", "Công ty TNHH Nông sản Sông Hậu Foods"),
    ]:
        assert f"{username}    Chủ thể OCOP — {producer}" in out
        user = User.objects.get(username=username)
        assert user.is_producer_account and user.producer.name == producer
        assert user.check_password(DEMO_PASSWORD)


def test_the_first_producer_account_has_its_re_rating_window_open_on_the_demo_day(demo):
    from datetime import date

    from producer_space.models import Invitation
    from products import rerating
    from products.models import Certificate

    chuthe1 = User.objects.get(username="chuthe1")
    certificate = Certificate.objects.owned_by(chuthe1).get(decision_number="1187/QĐ-UBND")
    assert (certificate.decision_number, certificate.valid_until) == (
        "1187/QĐ-UBND",
        date(2027, 4, 11),
    )
    assert rerating.state_of(certificate, date(2026, 11, 29)) == rerating.State.OPEN
    assert chuthe1.invitation.state() == Invitation.State.USED
    states = [invitation.state() for invitation in Invitation.objects.order_by("pk")]
    assert sorted(states) == [Invitation.State.PENDING, Invitation.State.USED]


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
