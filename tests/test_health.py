"""/healthz answers a load balancer's probe, whatever Host it sends and over plain HTTP, and
logs nothing but a failure."""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db

BALANCER = {"HTTP_HOST": "10.0.0.5:8000"}  # an app server's address: not in ALLOWED_HOSTS


@pytest.fixture
def production_https(settings):
    settings.ALLOWED_HOSTS = ["ocop.example.gov.vn"]
    settings.SECURE_SSL_REDIRECT = True


def probe(path: str = "/healthz", method: str = "get"):
    # A new client: its middleware is built with the settings of this test.
    return getattr(Client(raise_request_exception=False), method)(path, **BALANCER)


def test_probe_by_ip_over_plain_http_answers_200_and_logs_nothing(production_https, caplog):
    with caplog.at_level(logging.DEBUG):
        response = probe()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert caplog.records == []


def test_head_probe_answers_200(production_https):
    assert probe(method="head").status_code == 200


def test_the_same_request_elsewhere_is_still_refused(production_https, caplog):
    # The health path is the only exception: any other path by IP is a 400, by name a redirect.
    with caplog.at_level(logging.WARNING):
        assert probe("/").status_code == 400
        assert probe("/healthzz").status_code == 400
    assert "DisallowedHost" in caplog.text or "Invalid HTTP_HOST" in caplog.text
    redirected = Client().get("/", HTTP_HOST="ocop.example.gov.vn")
    assert redirected.status_code == 301


def test_database_down_answers_503_and_logs_the_cause(production_https, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed\nmore')

    monkeypatch.setattr(connection, "cursor", refuse)
    with caplog.at_level(logging.INFO):
        response = probe()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.name == "core.health"
    assert "port 5432 failed" in record.getMessage()
    assert "more" not in record.getMessage()


def test_other_methods_are_refused_without_touching_the_database(
    production_https, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = probe(method="post")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
