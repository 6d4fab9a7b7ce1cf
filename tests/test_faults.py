"""A database that stops answering: a clear 503 page, never a traceback, and the portal answers
again as soon as the database is back (no restart)."""

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.db import InterfaceError, OperationalError, connections
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db

MESSAGE = "Hệ thống tạm thời gián đoạn"


@pytest.fixture
def client_of(city_reviewer):
    client = Client(raise_request_exception=False)
    client.force_login(city_reviewer)
    return client


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    body = response.content.decode()
    assert MESSAGE in body
    assert "temporarily unavailable" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body and "InterfaceError" not in body
    assert response["Retry-After"].isdigit()


def test_no_connection_at_all_answers_503_then_recovers(client_of, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    # Every cursor fails, the one ATOMIC_REQUESTS needs to open the request's transaction too.
    monkeypatch.setattr(connections["default"], "cursor", refuse)
    assert_unavailable(client_of.get("/products/"))
    assert "Database unavailable" in caplog.text

    monkeypatch.undo()
    assert client_of.get("/products/").status_code == 200


def test_query_failing_inside_the_view_answers_503(client_of, monkeypatch):
    execute = CursorWrapper.execute

    def broken(self, sql, *args, **kwargs):
        if sql.lstrip().upper().startswith("SELECT"):
            raise InterfaceError("connection already closed")
        return execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    assert_unavailable(client_of.get("/dashboard/?year=2022"))

    monkeypatch.undo()
    assert client_of.get("/dashboard/?year=2022").status_code == 200


def test_failure_in_a_middleware_answers_503(client_of, monkeypatch):
    """A middleware after the view (outside the request's transaction) hits the dead database:
    Django makes it a 500 response first; the middleware still answers the 503 page."""

    def broken(self, request, response):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(MessageMiddleware, "process_response", broken)
    assert_unavailable(client_of.get("/products/"))

    monkeypatch.undo()
    assert client_of.get("/products/").status_code == 200


def test_other_errors_stay_500(client_of, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug, not the database")

    monkeypatch.setattr(connections["default"], "cursor", fail)
    response = client_of.get("/products/")
    assert response.status_code == 500
    assert MESSAGE not in response.content.decode()
