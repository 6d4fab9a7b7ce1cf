"""Personas and shared data. The areas of Cần Thơ (9 former districts, 103 current communes),
the classifications, the legal bases and their score sheets are loaded once per test database;
every test runs inside a transaction on top of them."""

from datetime import date

import pytest

from accounts.models import User
from areas.models import Area
from evaluations.criteria import load_criteria_sets
from ocop_portal import demo
from products.services import load_categories
from tests.factories import UserFactory

DISTRICTS_UNTIL = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Files the portal writes (photos, the open-data files) go to the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def load_reference_data() -> None:
    demo.load_areas()
    load_categories()
    # The legal bases and their score sheets (26/2026's: one per product set).
    load_criteria_sets()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def can_tho(db) -> Area:
    """The province; loads reference data again if a transactional test flushed it."""
    if not Area.objects.filter(code="92").exists():
        load_reference_data()
    return Area.objects.get(code="92", valid_until__isnull=True)


def district(code: str) -> Area:
    return Area.objects.get(code=code, valid_until=DISTRICTS_UNTIL)


def officer_of(district_code: str, **kwargs) -> User:
    """An officer of a former district and the communes that took it over."""
    home = district(district_code)
    return UserFactory(areas=[home, *home.successors.all()], **kwargs)


@pytest.fixture
def ninh_kieu(can_tho) -> Area:
    return district("916")


@pytest.fixture
def co_do(can_tho) -> Area:
    return district("925")


@pytest.fixture
def officer_ninh_kieu(ninh_kieu) -> User:
    return officer_of("916", username="ninhkieu", full_name="Trần Thị Ninh Kiều")


@pytest.fixture
def officer_co_do(co_do) -> User:
    return officer_of("925", username="codo", full_name="Lê Văn Cờ Đỏ")


@pytest.fixture
def city_reviewer(can_tho) -> User:
    return UserFactory(username="city", role=User.Role.CITY, areas=[can_tho])


@pytest.fixture
def council_secretary(can_tho) -> User:
    """A second officer of the Department: enters the council's sheets (26/2026), so that the
    one who decides is never the one who entered them."""
    return UserFactory(
        username="thuky", role=User.Role.CITY, areas=[can_tho], full_name="Trần Thư Ký"
    )


@pytest.fixture
def administrator(can_tho) -> User:
    return UserFactory(username="admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def login(client):
    """Sign a persona in on the test client: ``login(officer_co_do)``."""

    def _login(user: User):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages never leak from one test to another."""
    from django.core.cache import cache

    cache.clear()
