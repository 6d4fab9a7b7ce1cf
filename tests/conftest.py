"""Personas and shared data. The areas of Cần Thơ (9 former districts, 103 current communes),
the classifications, the legal bases and their score sheets are loaded once per test database;
every test runs inside a transaction on top of them.

A test that commits (``transactional_db``, ``live_server``, ``django_db(transaction=True)``)
ends with a flush that empties the database, reference data included: the run takes those tests
last, and loads the reference data again before the next test that does not commit (in a
parallel run, ``make test``, each worker runs whole files, so a file's committing tests may come
before other files on the same worker).

The demo (``load_demo``) is loaded once per run (once per worker in a parallel run) for the
modules marked ``demo`` (``pytestmark = pytest.mark.demo``): the run takes those modules one
after the other, the demo stays in an open transaction while they run (each of their tests in
its own transaction on top of it, rolled back) and is rolled back before any other module
runs."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from areas.models import Area
from evaluations.criteria import load_criteria_sets
from ocop_portal import demo as demo_data
from products.services import load_categories
from tests.factories import UserFactory

DISTRICTS_UNTIL = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Files the portal writes (photos, the open-data files) go to the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def load_reference_data() -> None:
    demo_data.load_areas()
    load_categories()
    # The legal bases and their score sheets (26/2026's: one per product set).
    load_criteria_sets()


class _ReferenceData:
    """The reference data, committed to this process's test database, and whether a test that
    commits (and so flushes the database at its end) has run since they were loaded."""

    blocker = None
    flushed = False

    @classmethod
    def load(cls, blocker) -> None:
        cls.blocker = blocker
        with blocker.unblock():
            load_reference_data()
        cls.flushed = False

    @classmethod
    def reload(cls) -> None:
        # Nothing to reload before the database is set up: django_db_setup will load them.
        if cls.blocker is not None:
            cls.load(cls.blocker)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _ReferenceData.load(django_db_blocker)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return bool(
        committing & set(getattr(item, "fixturenames", ()))
        or (
            marker
            and (
                marker.kwargs.get("transaction")
                or marker.kwargs.get("reset_sequences")
                or marker.args[:1] == (True,)
            )
        )
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The demo's modules one after the other, before the tests that commit (which would
    otherwise find the demo's open transaction): the demo is then loaded once."""
    items.sort(
        key=lambda item: 2 if _is_transactional(item) else bool(item.get_closest_marker("demo"))
    )


class _SharedDemo:
    """The demo loaded in an open transaction of the test database, and what it printed."""

    atomic = None
    blocker = None
    output = ""

    @classmethod
    def open(cls, blocker, media) -> None:
        if cls.atomic is not None:
            return
        out = StringIO()
        cls.blocker = blocker
        with blocker.unblock():
            cls.atomic = transaction.atomic()
            cls.atomic.__enter__()
            try:
                with override_settings(
                    MEDIA_ROOT=media,
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                ):
                    call_command("load_demo", allow_demo_passwords=True, stdout=out)
            except BaseException:
                cls.close()
                raise
        cls.output = out.getvalue()

    @classmethod
    def close(cls) -> None:
        if cls.atomic is None:
            return
        with cls.blocker.unblock():
            transaction.set_rollback(True)
            cls.atomic.__exit__(None, None, None)
        cls.atomic, cls.output = None, ""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of a test outside the demo's modules (a live server's too): the demo
    rolled back. Before any fixture of a test that does not commit: the reference data, if a test
    that commits flushed them."""
    if item.get_closest_marker("demo") is None:
        _SharedDemo.close()
    if _ReferenceData.flushed and not _is_transactional(item):
        _ReferenceData.reload()


def pytest_runtest_teardown(item):
    """A test that commits flushes the database as its fixtures end (loading the reference data
    again is harmless if it did not get that far)."""
    if _is_transactional(item):
        _ReferenceData.flushed = True


def pytest_sessionfinish(session):
    _SharedDemo.close()


@pytest.fixture(scope="module", autouse=True)
def _demo_for_marked_modules(request, tmp_path_factory):
    """Opens the shared demo for a module marked ``demo`` (kept open for the next ones)."""
    if request.node.get_closest_marker("demo") is not None:
        request.getfixturevalue("django_db_setup")
        blocker = request.getfixturevalue("django_db_blocker")
        _SharedDemo.open(blocker, tmp_path_factory.mktemp("demo-media"))


@pytest.fixture
def demo(db) -> str:
    """The shared demo (in a module marked ``demo``); what ``load_demo`` printed."""
    assert _SharedDemo.atomic is not None, "mark the module: pytestmark = pytest.mark.demo"
    return _SharedDemo.output


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
