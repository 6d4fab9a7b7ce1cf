"""Two provinces in one installation (a region, the Ministry): each product's public page, QR
labels, catalogue entry, open-data row and e-mail name its own province; the catalogue and open
data can be asked per province; the administrator picks the province of dashboards and plans.
Cần Thơ is the installation's own province (OCOP_PROVINCE_CODE=92 in the suite)."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from areas.models import Area
from areas.services import load_current_units
from budgets.models import Plan
from products.notifications import send_expiry_notices
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.getvalue().decode()


@pytest.fixture
def two(can_tho, co_do):
    load_current_units(["91"])
    an_giang = Area.objects.get(code="91", valid_until__isnull=True)
    today = timezone.localdate()
    made = {}
    for key, area, name in (
        ("ct", co_do, "Bánh tráng Cờ Đỏ"),
        ("ag", Area.objects.get(code="30337"), "Khô cá linh An Phú"),
    ):
        producer = ProducerFactory(area=area, name=f"HTX {name}", email=f"{key}@htx.example")
        made[key] = ProductFactory(producer=producer, name=name)
        # Expires in 20 days: due for a notice, still in the catalogue.
        CertificateFactory(product=made[key], decision_date=today - timedelta(days=3 * 365 - 20))
    made["an_giang"] = an_giang
    return made


def test_each_public_page_names_its_own_province(client, two):
    for key, own, other in (
        ("ag", "Tỉnh An Giang", "Cần Thơ"),
        ("ct", "Thành phố Cần Thơ", "An Giang"),
    ):
        product = two[key]
        page = text(client.get(f"/catalogue/{product.pk}/", follow=True))
        assert own in page and other not in page, key
        department = f"Sở Nông nghiệp và Môi trường {own[0].lower()}{own[1:]}"
        assert department in page
        labels = text(client.get(f"/catalogue/producers/{product.producer_id}/labels/"))
        assert f"OCOP · {own}" in labels and other not in labels


def test_the_catalogue_can_be_asked_per_province(client, two):
    everything = text(client.get("/catalogue/"))
    assert 'name="province"' in everything  # several provinces: a choice
    assert "Khô cá linh An Phú" in everything and "Bánh tráng Cờ Đỏ" in everything
    assert "Xã An Phú, Tỉnh An Giang" in everything or ", Tỉnh An Giang" in everything
    only = text(client.get("/catalogue/", {"province": "91"}))
    assert "Khô cá linh An Phú" in only and "Bánh tráng Cờ Đỏ" not in only
    assert "sản phẩm OCOP của Tỉnh An Giang" in only  # the page's description


def test_open_data_rows_carry_their_province_and_can_be_asked_per_province(client, two):
    def rows(**params):
        content = text(client.get("/catalogue.csv", params)).lstrip("\ufeff")
        return {
            row["Tên sản phẩm"]: row["Đơn vị hành chính cấp tỉnh"]
            for row in csv.DictReader(io.StringIO(content))
        }

    # Every province of the installation on request; by default the portal's own.
    assert rows(province="all") == {
        "Khô cá linh An Phú": "Tỉnh An Giang",
        "Bánh tráng Cờ Đỏ": "Thành phố Cần Thơ",
    }
    assert rows() == {"Bánh tráng Cờ Đỏ": "Thành phố Cần Thơ"}
    data = json.loads(text(client.get("/catalogue.json", {"province": "91"})))
    assert [p["name"] for p in data["products"]] == ["Khô cá linh An Phú"]
    assert data["title"] == "Danh mục sản phẩm OCOP — Tỉnh An Giang"
    assert data["publisher"] == "Sở Nông nghiệp và Môi trường tỉnh An Giang"


def test_each_notice_names_its_own_province(two, mailoutbox):
    send_expiry_notices(on=timezone.localdate())
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert "Tỉnh An Giang" in bodies["ag@htx.example"]
    assert "Cần Thơ" not in bodies["ag@htx.example"]
    assert "Sở Nông nghiệp và Môi trường thành phố Cần Thơ" in bodies["ct@htx.example"]
    assert "An Giang" not in bodies["ct@htx.example"]


def test_the_administrator_picks_the_province_of_dashboards_and_plans(login, administrator, two):
    year = timezone.localdate().year
    Plan.objects.create(province=Area.objects.get(code="92", valid_until__isnull=True), year=year)
    Plan.objects.create(province=two["an_giang"], year=year, document_number="12/KH-UBND")
    client = login(administrator)
    # The installation's own province first.
    assert client.get("/dashboard/").context["scope"].province.code == "92"
    assert client.get(f"/plans/{year}/").context["plan"].province.code == "92"
    page = client.get("/dashboard/", {"province": "91"})
    assert page.context["scope"].province.code == "91"
    assert 'name="province"' in text(page)
    # Remembered: the next pages, the plan's and its forms' too, stay in An Giang.
    assert client.get("/dashboard/").context["scope"].province.code == "91"
    assert client.get(f"/plans/{year}/").context["plan"].document_number == "12/KH-UBND"
    listing = text(client.get("/plans/"))
    assert f"/plans/{year}/?province=91" in listing and f"/plans/{year}/?province=92" in listing


def test_an_officer_cannot_pick_another_province(login, officer_co_do, two):
    client = login(officer_co_do)
    page = client.get("/dashboard/", {"province": "91"})
    assert page.context["scope"].province.code == "92"
    assert 'name="province"' not in text(page)


def test_one_province_stays_as_simple_as_before(client, can_tho, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Gạo Cờ Đỏ")
    CertificateFactory(product=product, decision_date=timezone.localdate() - timedelta(days=100))
    assert 'name="province"' not in text(client.get("/catalogue/"))
