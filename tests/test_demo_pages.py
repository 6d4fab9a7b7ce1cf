"""Pages and figures read on the whole demo (loaded once for the run's demo modules)."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.lists import PAGE_SIZE
from dashboards.reports import carried_stars
from dashboards.rows import read_certificates
from evaluations.models import Round
from products.models import Certificate, Product
from subjects.models import Producer
from tests.test_catalogue import LIST, public_pages
from tests.test_dashboard_after_recognition import check_outcomes
from tests.test_dashboard_stars import YEARS, check_figures, stars_by_subqueries
from tests.test_rounds import docx_of
from tests.test_scale_pages import _grow

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_the_list_shows_the_status_the_whole_list_annotation_gave(login, demo):
    _grow(60)  # pages past the middle, which are read from the end
    client = login(User.objects.get(username="admin"))
    everything = Product.objects.with_status()
    assert len(everything) > 3 * PAGE_SIZE
    for sort in ("name", "-stars", "valid_until"):
        expected = everything.order_by(
            *{"name": ["search_name"], "-stars": ["-current_stars", "-search_name"]}.get(
                sort, ["current_valid_until", "search_name"]
            ),
            "pk",
        )
        pages = (len(expected) + PAGE_SIZE - 1) // PAGE_SIZE
        shown = []
        for number in range(1, pages + 1):
            page = client.get(reverse("products:list"), {"sort": sort, "page": number})
            shown += [
                (p.pk, p.status, p.current_stars, p.current_valid_until)
                for p in page.context["page"].object_list
            ]
        assert shown == [
            (p.pk, p.status, p.current_stars, p.current_valid_until) for p in expected
        ], sort
    assert {Product.Status.CERTIFIED, Product.Status.EXPIRED} <= {p.status for p in everything}


def test_a_status_filter_still_chooses_the_rows(login, demo):
    client = login(User.objects.get(username="admin"))
    for status in Product.Status.values:
        response = client.get(reverse("products:list"), {"status": status})
        expected = Product.objects.with_status().filter(status=status).count()
        assert response.context["page"].paginator.count == expected
        assert all(p.status == status for p in response.context["page"].object_list)


def test_no_private_field_on_any_public_page_of_the_demo(client, demo):
    today = timezone.localdate()
    pages = public_pages(client)
    certified = Product.objects.certified_on(today)
    assert len([url for url in pages if re.match(r"/catalogue/\d+-", url)]) == certified.count()
    assert "Gạo ST25 Hồ Quang Trí" in pages[LIST]

    producers = Producer.objects.all()
    private = [p.tax_code for p in producers if p.tax_code]
    private += [p.phone for p in producers if p.phone and not p.phone_public]
    private += [p.email for p in producers if p.email and not p.email_public]
    private += [p.website for p in producers if p.website and not p.website_public]
    private += [c.revoked_reason for c in Certificate.objects.exclude(revoked_reason="")]
    private += [u.email for u in User.objects.exclude(email="")]
    private += [u.full_name for u in User.objects.all()]
    assert private, "the demo should hold private details to look for"
    private += [f"{c.score:.2f}" for c in Certificate.objects.exclude(score=None)]
    private += [f"{c.score:.2f}".replace(".", ",") for c in Certificate.objects.exclude(score=None)]
    usernames = [re.compile(rf"\b{re.escape(u.username)}\b") for u in User.objects.all()]
    for url, content in pages.items():
        for value in private:
            assert value not in content, (url, value)
        assert "Đăng xuất" not in content, url
        assert not re.search(r"\d+([.,]\d+)? điểm", content), url
        assert "score" not in content.lower(), url
        if url != "/robots.txt":  # which names the /admin/ route, not the user
            for username in usernames:
                assert not username.search(content), (url, username.pattern)
    exported = json.loads(pages["/catalogue.json"])["products"]
    assert {key for product in exported for key in product} == {
        key for key in json.loads(pages["/catalogue.json"])["fields"]
    }


def test_the_same_figures_as_the_subqueries_on_the_demo(demo):
    today = timezone.localdate()
    certs = Certificate.objects.all()
    expected = stars_by_subqueries(certs, YEARS, today)
    assert sum(expected.values()) > 10, "the demo should hold certified products"
    assert carried_stars(read_certificates(certs), YEARS, today) == expected
    inside = certs.filter(area__path__startswith="92/")
    assert carried_stars(read_certificates(inside), YEARS, today) == stars_by_subqueries(
        inside, YEARS, today
    )
    # And on a past day, as the year's figures are counted on 31 December.
    past = date(today.year - 2, 6, 30)
    assert carried_stars(read_certificates(certs), YEARS, past) == stars_by_subqueries(
        certs, YEARS, past
    )


def test_the_demo_rounds_get_sensible_cut_offs_and_lists(login, demo):
    rounds = list(Round.objects.all())
    assert rounds
    for round_ in rounds:
        assert round_.forward_by and round_.decide_by, round_
        assert round_.decide_by > round_.forward_by, round_
        assert round_.closes_on is None or round_.forward_by <= round_.closes_on, round_
        round_.full_clean()
    latest = Round.objects.get(year=2026, number=2)
    assert (latest.forward_by, latest.decide_by) == (date(2026, 10, 30), date(2026, 12, 30))
    assert latest.forward_deadline_reason(date(2026, 11, 29)).startswith(
        "Đợt này nhận hồ sơ xã gửi lên đến hết 30/10/2026"
    )
    held = Round.objects.get(year=2022, number=1)
    client = login(User.objects.get(username="city"))
    response = client.get(reverse("evaluations:round_decision_docx", args=[held.pk]))
    table = docx_of(response).tables[1]
    assert len(table.rows) > 1
    assert all(row.cells[6].text.endswith(" sao") for row in table.rows[1:])


def test_the_figures_counted_from_the_rows_are_the_aggregates(demo):
    today = timezone.localdate()
    certs = Certificate.objects.all()
    for year in (2022, 2024, today.year):
        totals = check_figures(certs, year, today)
        check_outcomes(certs, year, min(date(year, 12, 31), today))
    assert totals[f"n{today.year - 1}"] + totals["expiring"] > 0, "the demo should count some"
    check_figures(certs.filter(area__path__startswith="92/"), 2023, today)
