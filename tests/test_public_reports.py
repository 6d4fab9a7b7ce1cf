"""Reports from the public ("Báo cáo vấn đề"): the form anyone opens from a catalogue product,
its limits (CSRF, a rate per client address, a trap for robots), the thank-you page with a
reference, and the city's handling: closing with a note or turning a report into an ad-hoc
inspection; the commune reads the reports of its areas."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import policy
from inspections import services
from inspections.models import Inspection, PublicReport
from tests.factories import CertificateFactory
from tests.test_inspections import count_queries

pytestmark = pytest.mark.django_db

HANDLE_RULE = str(policy.RULES["report.handle"].refusal)


def certified(area, name: str):
    return CertificateFactory(
        product__name=name,
        product__producer__area=area,
        decision_date=date(timezone.localdate().year - 1, 3, 15),
    ).product


@pytest.fixture
def product(co_do):
    return certified(co_do, "Mật ong hoa tràm Cờ Đỏ")


@pytest.fixture
def other_product(ninh_kieu):
    return certified(ninh_kieu, "Bánh pía Ninh Kiều")


def form_url(product) -> str:
    return reverse("public_reports:create", args=[product.pk])


def report_data(**changes) -> dict:
    data = {
        "kind": "mark",
        "description": "Tem OCOP 4 sao dán trên hũ mật ong khác loại, bán ở chợ Cờ Đỏ.",
        "contact_name": "Trần Văn Dân",
        "contact_phone": "0909 123 456",
        "contact_email": "",
        "website": "",
        "form_token": "a" * 32,
    }
    data.update(changes)
    return data


def send(client, product, ip="203.0.113.7", **changes):
    return client.post(form_url(product), report_data(**changes), REMOTE_ADDR=ip)


def report_of(product, **values):
    values = {"kind": "quality", "description": "Sản phẩm bị mốc.", **values}
    return services.report_submit(product=product, **values)


# --- The public form ---------------------------------------------------------------------------


def test_the_catalogue_page_links_to_the_form(client, product):
    page = client.get(reverse("catalogue:product_short", args=[product.pk]), follow=True)
    assert form_url(product) in page.text
    assert "Báo cáo vấn đề về sản phẩm này" in page.text


def test_anyone_opens_the_form_of_a_catalogue_product_only(client, product, co_do):
    response = client.get(form_url(product))
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'name="form_token"' in response.text
    assert 'class="public-form-trap" aria-hidden="true"' in response.text
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # Not certified today: not in the catalogue, no form.
    lapsed = CertificateFactory(product__producer__area=co_do, decision_date=date(2020, 1, 1))
    assert client.get(form_url(lapsed.product)).status_code == 404
    assert client.get(reverse("public_reports:create", args=[99999])).status_code == 404


def test_a_report_is_saved_and_the_reporter_gets_a_reference(client, product):
    response = send(client, product)
    assert response.status_code == 302
    report = PublicReport.objects.get()
    assert (report.product, report.kind, report.status) == (product, "mark", "new")
    assert report.contact_phone == "0909 123 456"
    assert re.fullmatch(r"PA-[A-Z2-9]{4}-[A-Z2-9]{4}", report.reference)
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert report.reference in thanks.text and "Cảm ơn bạn đã phản ánh" in thanks.text


def test_the_thank_you_address_cannot_be_made_up(client):
    url = reverse("public_reports:thanks", args=["PA-AAAA-BBBB:forged"])
    assert client.get(url).status_code == 404


def test_a_report_sent_twice_is_one_report(client, product):
    first = send(client, product)
    second = send(client, product)
    assert PublicReport.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_input_is_refused_next_to_the_field_in_vietnamese(client, product):
    response = send(client, product, description="", contact_email="khong-phai-email")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["description"] == ["Hãy ghi nội dung phản ánh."]
    assert errors["contact_email"] == ["Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn."]
    response = send(client, product, contact_phone="gọi tôi")
    assert "contact_phone" in response.context["form"].errors
    assert not PublicReport.objects.exists()


def test_the_contact_is_optional(client, product):
    send(client, product, contact_name="", contact_phone="", contact_email="")
    assert PublicReport.objects.get().contact_name == ""


def test_a_robot_filling_the_trap_is_refused_silently(client, product):
    response = send(client, product, website="http://spam.example")
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Cảm ơn bạn đã phản ánh" in thanks.text
    assert re.search(r"PA-[A-Z2-9]{4}-[A-Z2-9]{4}", thanks.text)
    assert not PublicReport.objects.exists()


def test_reports_are_limited_per_client_address(client, product, settings):
    settings.OCOP_PUBLIC_REPORTS_PER_HOUR = 3
    for number in range(3):
        assert send(client, product, form_token=f"{number}" * 32).status_code == 302
    refused = send(client, product, form_token="x" * 32)
    assert refused.status_code == 429
    assert "Bạn đã gửi nhiều phản ánh trong một giờ qua (tối đa 3)" in refused.text
    assert PublicReport.objects.count() == 3
    # Another address is fine.
    assert send(client, product, ip="198.51.100.4", form_token="y" * 32).status_code == 302
    assert PublicReport.objects.count() == 4


def test_csrf_is_checked(product):
    client = Client(enforce_csrf_checks=True)
    response = client.post(form_url(product), report_data())
    assert response.status_code == 403
    assert not PublicReport.objects.exists()


def test_a_report_about_a_product_no_longer_in_the_catalogue_is_refused(product):
    certificate = product.certificates.get()
    certificate.revoked_on = timezone.localdate()
    certificate.revoked_reason = "Thu hồi"
    certificate.save()
    with pytest.raises(ValidationError):
        report_of(product)


# --- The city's list and handling ------------------------------------------------------------


def test_the_ladder_of_the_report_pages(
    client, login, product, officer_co_do, officer_ninh_kieu, city_reviewer
):
    report = report_of(product, contact_name="Người Dân", contact_phone="0909000111")
    for url in (reverse("inspections:report_list"), report.get_absolute_url()):
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")
    assert login(officer_ninh_kieu).get(report.get_absolute_url()).status_code == 404
    listed = login(officer_ninh_kieu).get(reverse("inspections:report_list"))
    assert list(listed.context["page"].object_list) == []

    # The commune reads the report of its area, without the reporter's contact or the buttons.
    officer = login(officer_co_do).get(report.get_absolute_url())
    assert officer.status_code == 200
    assert "Sản phẩm bị mốc." in officer.text and HANDLE_RULE in officer.text
    assert "0909000111" not in officer.text
    assert reverse("inspections:report_close", args=[report.pk]) not in officer.text
    for action in ("report_take", "report_close", "report_inspect"):
        url = reverse(f"inspections:{action}", args=[report.pk])
        assert login(officer_co_do).post(url, {"note": "x"}).status_code == 403

    city = login(city_reviewer).get(report.get_absolute_url())
    assert "0909000111" in city.text
    assert reverse("inspections:report_close", args=[report.pk]) in city.text
    assert "Chờ tiếp nhận, xem xét phản ánh" in city.text  # who acts next


def test_the_city_takes_and_closes_a_report_with_a_note(login, product, city_reviewer):
    report = report_of(product)
    client = login(city_reviewer)
    client.post(reverse("inspections:report_take", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "processing" and report.handled_by == city_reviewer
    url = reverse("inspections:report_close", args=[report.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 200 and "note" in response.context["close_form"].errors
    assert client.post(url, {"note": "Đã xác minh: tem đúng."}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.closing_note) == ("closed", "Đã xác minh: tem đúng.")
    with pytest.raises(ValidationError):
        services.report_close(report=report, by=city_reviewer, note="Lần nữa")


def test_a_report_becomes_an_ad_hoc_inspection_linked_both_ways(
    login, product, city_reviewer, officer_co_do
):
    report = report_of(product)
    response = login(city_reviewer).post(
        reverse("inspections:report_inspect", args=[report.pk]),
        {"reason": "Kiểm tra theo phản ánh", "planned_on": timezone.localdate().isoformat()},
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    report.refresh_from_db()
    assert report.inspection == inspection and list(inspection.reports.all()) == [report]
    assert (inspection.kind, inspection.reason) == ("ad_hoc", "Kiểm tra theo phản ánh")
    assert report.status == "processing"
    page = login(officer_co_do).get(inspection.get_absolute_url()).text
    assert report.reference in page
    # Once only.
    with pytest.raises(ValidationError):
        services.report_to_inspection(report=report, by=city_reviewer)
    assert Inspection.objects.count() == 1


def test_only_the_city_handles_reports(product, officer_co_do):
    report = report_of(product)
    with pytest.raises(PermissionDenied):
        services.report_to_inspection(report=report, by=officer_co_do)
    with pytest.raises(PermissionDenied):
        services.report_close(report=report, by=officer_co_do, note="x")


def test_the_report_list_filters_and_counts(login, product, other_product, city_reviewer):
    first = report_of(product)
    second = report_of(other_product, kind="information")
    services.report_close(report=second, by=city_reviewer, note="Đã đính chính.")
    client = login(city_reviewer)

    def found(**params):
        response = client.get(reverse("inspections:report_list"), params)
        return {r.pk for r in response.context["page"].object_list}

    assert found() == {first.pk, second.pk}
    assert found(status="new") == {first.pk}
    assert found(kind="information") == {second.pk}
    assert found(q="mat ong") == {first.pk}
    counts = client.get(reverse("inspections:report_list")).context["counts"]
    assert counts == {"new": 1, "closed": 1}


def test_report_list_queries_do_not_grow(
    login, product, co_do, city_reviewer, django_assert_max_num_queries
):
    client = login(city_reviewer)
    url = reverse("inspections:report_list")
    report_of(product)

    count_queries(client, url)  # warm caches
    before = count_queries(client, url)
    for number in range(8):
        report = report_of(certified(co_do, f"Sản phẩm {number}"))
        if number % 2:
            services.report_to_inspection(report=report, by=city_reviewer)
    count_queries(client, url)  # the caches the new records made new (the footer's time)
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(10):
        client.get(url)
