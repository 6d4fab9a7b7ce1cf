"""Inspection after recognition (Điều 9 of 26/2026/QĐ-TTg): the yearly plan of periodic
inspections, ad-hoc inspections, the record with its points and attachments, the follow-up
(a corrective deadline, a re-inspection, a proposal to revoke the certificate), and who sees
and does what."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from areas.models import Area
from core import policy
from inspections import services
from inspections.models import (
    Inspection,
    InspectionAttachment,
    InspectionPlan,
    InspectionPoint,
    points,
)
from products.models import Revocation
from tests.factories import AreaFactory, CertificateFactory

pytestmark = pytest.mark.django_db

S, K, F = Inspection.Status, Inspection.Kind, Inspection.FollowUp
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
STALE = "Thay đổi của bạn chưa được lưu"
PLAN_RULE = str(policy.RULES["inspection.plan"].refusal)
FOLLOW_UP_RULE = str(policy.RULES["inspection.follow_up"].refusal)


def today() -> date:
    return timezone.localdate()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(content: bytes, name: str = "bien-ban.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def certified(area, name: str, *, decided: date | None = None, **kwargs):
    """A product of the area with a certificate (36 months) decided last year by default."""
    decided = decided or date(today().year - 1, 3, 15)
    return CertificateFactory(
        product__name=name, product__producer__area=area, decision_date=decided, **kwargs
    ).product


@pytest.fixture
def product(co_do):
    return certified(co_do, "Mắm cá lóc Cờ Đỏ")


@pytest.fixture
def other_product(ninh_kieu):
    return certified(ninh_kieu, "Bánh tráng Ninh Kiều")


@pytest.fixture
def plan(can_tho, city_reviewer):
    return services.plan_create(
        plan=InspectionPlan(province=can_tho, year=today().year, title="Kế hoạch kiểm tra"),
        by=city_reviewer,
    )


@pytest.fixture
def line(plan, product, city_reviewer):
    return services.line_add(plan=plan, product=product, by=city_reviewer, planned_month=10)


def all_met(**changes) -> dict:
    results = {point.code: ("met", "") for point in points()}
    results.update(changes)
    return results


def recorded(inspection, by, **changes):
    values = {
        "done_on": today(),
        "inspectors": "Nguyễn Văn A (Sở NN&MT), Lê Văn B (UBND xã)",
        "findings": "Sản phẩm duy trì tiêu chí.",
        "results": all_met(),
    }
    values.update(changes)
    return services.record(inspection=inspection, by=by, **values)


def record_data(inspection, **changes) -> dict:
    data = {
        "version": inspection.version,
        "done_on": today().isoformat(),
        "inspectors": "Nguyễn Văn A, Lê Văn B",
        "findings": "Đạt.",
    }
    for point in points():
        data[f"point_{point.code}"] = "met"
        data[f"point_{point.code}_note"] = ""
    data.update(changes)
    return data


# --- The ladder on every page ---------------------------------------------------------------

#: name → (url from the world, who is refused with 403 or None, who is allowed)
PAGES = {
    "inspection list": (lambda w: reverse("inspections:list"), None, "officer"),
    "plan list": (lambda w: reverse("inspections:plan_list"), None, "officer"),
    "report list": (lambda w: reverse("inspections:report_list"), None, "officer"),
    "plan detail": (lambda w: w["plan"].get_absolute_url(), None, "officer"),
    "inspection detail": (lambda w: w["line"].get_absolute_url(), None, "officer"),
    "record form": (lambda w: reverse("inspections:record", args=[w["line"].pk]), None, "officer"),
    "plan create": (lambda w: reverse("inspections:plan_create"), "officer", "city"),
    "plan edit": (
        lambda w: reverse("inspections:plan_edit", args=[w["plan"].pk]),
        "officer",
        "city",
    ),
    "line add": (lambda w: reverse("inspections:line_add", args=[w["plan"].pk]), "officer", "city"),
    "line edit": (
        lambda w: reverse("inspections:line_edit", args=[w["line"].pk]),
        "officer",
        "city",
    ),
    "ad-hoc create": (lambda w: reverse("inspections:create"), "officer", "city"),
}
#: Pages of one record: an officer of another district gets 404.
RECORD_PAGES = {"plan detail": False, "inspection detail": True, "record form": True}


@pytest.fixture
def world(plan, line, officer_co_do, officer_ninh_kieu, city_reviewer):
    return {
        "plan": plan,
        "line": line,
        "officer": officer_co_do,
        "outsider": officer_ninh_kieu,
        "city": city_reviewer,
    }


@pytest.mark.parametrize("name", PAGES)
def test_the_ladder(client, login, world, name):
    url_of, refused, allowed = PAGES[name]
    url = url_of(world)

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")

    if RECORD_PAGES.get(name):
        assert login(world["outsider"]).get(url).status_code == 404
    if refused:
        response = login(world[refused]).get(url)
        assert response.status_code == 403
    assert login(world[allowed]).get(url).status_code == 200
    assert login(world["city"]).get(url).status_code == 200


def test_an_officer_elsewhere_reads_the_plan_but_none_of_its_lines(login, world):
    response = login(world["outsider"]).get(world["plan"].get_absolute_url())
    assert response.status_code == 200
    assert response.context["lines"] == []
    assert world["line"].product.name not in response.text
    listed = login(world["outsider"]).get(reverse("inspections:list"))
    assert list(listed.context["page"].object_list) == []
    own = login(world["officer"]).get(reverse("inspections:list"))
    assert [i.pk for i in own.context["page"].object_list] == [world["line"].pk]


def test_buttons_only_when_allowed_and_the_reason_otherwise(login, world):
    create = f'href="{reverse("inspections:plan_create")}"'
    city = login(world["city"]).get(reverse("inspections:plan_list")).text
    assert create in city and PLAN_RULE not in city
    officer = login(world["officer"]).get(reverse("inspections:plan_list")).text
    assert create not in officer and PLAN_RULE in officer

    url = world["line"].get_absolute_url()
    record = reverse("inspections:record", args=[world["line"].pk])
    edit = reverse("inspections:line_edit", args=[world["line"].pk])
    officer = login(world["officer"]).get(url).text
    assert record in officer and edit not in officer  # the commune records, the city plans
    city = login(world["city"]).get(url).text
    assert record in city and edit in city


def test_every_page_says_who_acts_next(login, world):
    page = login(world["officer"]).get(world["line"].get_absolute_url())
    assert 'id="next-step"' in page.text
    assert "Chờ kiểm tra (dự kiến tháng 10/" in page.text
    plan_page = login(world["officer"]).get(world["plan"].get_absolute_url())
    assert "Chờ hoàn thiện danh sách và phê duyệt kế hoạch" in plan_page.text


def test_the_navigation_has_the_inspections_for_officers_and_the_city(login, world, client):
    def entries(response) -> set[str]:
        items = response.context["nav_items"]
        return {child.url_name for item in items for child in (item, *item.children)}

    wanted = {"inspections:list", "inspections:plan_list", "inspections:report_list"}
    for who in ("officer", "city"):
        assert wanted <= entries(login(world[who]).get("/"))
    client.logout()
    assert not wanted & entries(client.get("/"))


# --- The plan: certified products of the plan's province and year ------------------------------


def test_a_line_needs_a_certificate_valid_in_the_plans_year(can_tho, co_do, city_reviewer):
    year = 2026
    plan = services.plan_create(
        plan=InspectionPlan(province=can_tho, year=year, title="Kế hoạch 2026"), by=city_reviewer
    )
    # 36 months from 02/01/2023: valid until 01/01/2026, one day of the year.
    last_day = certified(co_do, "Hết hạn ngày đầu năm", decided=date(2023, 1, 2))
    # Until 31/12/2025: not a day of 2026.
    lapsed = certified(co_do, "Hết hạn năm trước", decided=date(2023, 1, 1))
    revoked_first_day = certified(co_do, "Thu hồi ngày đầu năm", revoked_on=date(2026, 1, 1))
    revoked_next_day = certified(co_do, "Thu hồi ngày 2/1", revoked_on=date(2026, 1, 2))

    for accepted in (last_day, revoked_next_day):
        assert services.line_add(plan=plan, product=accepted, by=city_reviewer, planned_month=3)
    for refused in (lapsed, revoked_first_day):
        with pytest.raises(ValidationError) as error:
            services.line_add(plan=plan, product=refused, by=city_reviewer, planned_month=3)
        assert "không có giấy chứng nhận OCOP còn hiệu lực trong năm 2026" in str(
            error.value.message_dict["product"]
        )
    assert plan.lines.count() == 2
    # The line names the certificate inspected.
    line = plan.lines.get(product=last_day)
    assert line.certificate == last_day.certificates.get()


def test_a_line_needs_a_product_of_the_plans_province(plan, city_reviewer, administrator):
    elsewhere = Area.objects.create(code="99", name="Tỉnh Thử Nghiệm", kind=Area.Kind.PROVINCE)
    commune = AreaFactory(parent=elsewhere)
    stranger = certified(commune, "Sản phẩm tỉnh khác")
    with pytest.raises(ValidationError) as error:
        services.line_add(plan=plan, product=stranger, by=administrator, planned_month=3)
    assert "không thuộc Thành phố Cần Thơ" in str(error.value.message_dict["product"])
    # The city reviewer of Cần Thơ does not even reach it.
    with pytest.raises(PermissionDenied):
        services.line_add(plan=plan, product=stranger, by=city_reviewer, planned_month=3)
    assert not plan.lines.exists()


def test_the_line_form_offers_only_eligible_products(login, plan, product, co_do, city_reviewer):
    lapsed = certified(co_do, "Hết hạn", decided=date(2020, 1, 1))
    url = reverse("inspections:line_add", args=[plan.pk])
    client = login(city_reviewer)
    response = client.post(url, {"product": lapsed.pk, "planned_month": "5"})
    assert response.status_code == 200
    assert "không có giấy chứng nhận còn hiệu lực" in response.context["form"].errors["product"][0]
    assert not plan.lines.exists()
    response = client.post(url, {"product": product.pk, "planned_month": "5"})
    assert response.status_code == 302
    assert plan.lines.get().product == product
    # The product search answers the eligible products only.
    found = client.get(reverse("inspections:product_choices"), {"q": "het han", "plan": plan.pk})
    assert found.json() == {"results": []}
    found = client.get(reverse("inspections:product_choices"), {"q": "mam ca", "plan": plan.pk})
    assert [r["id"] for r in found.json()["results"]] == [product.pk]


def test_a_product_once_per_plan_and_a_month_or_day_needed(plan, line, product, city_reviewer):
    with pytest.raises(ValidationError):
        services.line_add(plan=plan, product=product, by=city_reviewer, planned_month=11)
    other = certified(product.producer.area, "Khô cá")
    with pytest.raises(ValidationError) as error:
        services.line_add(plan=plan, product=other, by=city_reviewer)
    assert "planned_month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.line_add(
            plan=plan, product=other, by=city_reviewer, planned_on=date(plan.year + 1, 1, 5)
        )
    assert "planned_on" in error.value.message_dict
    assert plan.lines.count() == 1


def test_a_line_sent_twice_is_added_once(login, plan, product, city_reviewer):
    url = reverse("inspections:line_add", args=[plan.pk])
    data = {"product": product.pk, "planned_month": "5", "form_token": "t" * 32}
    client = login(city_reviewer)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert plan.lines.count() == 1


def test_approving_needs_lines_and_keeps_them(login, plan, product, city_reviewer):
    client = login(city_reviewer)
    page = client.get(plan.get_absolute_url())
    assert "data-confirm" in page.text and "Không hủy được phê duyệt trên cổng." in page.text
    client.post(reverse("inspections:plan_approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert not plan.is_approved  # no line yet

    line = services.line_add(plan=plan, product=product, by=city_reviewer, planned_month=4)
    client.post(reverse("inspections:plan_approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_approved and plan.approved_by == city_reviewer

    # Its lines stay; what more the year needs is inspected ad hoc.
    with pytest.raises(ValidationError):
        services.line_remove(line=line, by=city_reviewer)
    with pytest.raises(ValidationError):
        services.line_add(
            plan=plan,
            product=certified(product.producer.area, "Mới"),
            by=city_reviewer,
            planned_month=5,
        )
    assert plan.lines.count() == 1
    page = client.get(plan.get_absolute_url()).text
    assert reverse("inspections:line_add", args=[plan.pk]) not in page
    assert f'href="{reverse("inspections:create")}"' in page
    # The schedule of a line may still move.
    line.refresh_from_db()
    line.planned_month = 6
    assert services.line_update(line=line, by=city_reviewer).planned_month == 6


def test_a_draft_line_is_removed(login, plan, line, city_reviewer):
    response = login(city_reviewer).post(reverse("inspections:line_remove", args=[line.pk]))
    assert response.status_code == 302
    assert not plan.lines.exists()


def test_only_the_city_plans(plan, product, officer_co_do):
    with pytest.raises(PermissionDenied, match=re.escape(PLAN_RULE)):
        services.line_add(plan=plan, product=product, by=officer_co_do, planned_month=3)
    with pytest.raises(PermissionDenied):
        services.adhoc_create(product=product, reason="Phản ánh", by=officer_co_do)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, by=officer_co_do)


def test_a_stale_plan_edit_is_refused(login, plan, city_reviewer):
    client = login(city_reviewer)
    url = reverse("inspections:plan_edit", args=[plan.pk])
    version = client.get(url).context["form"]["version"].value()
    InspectionPlan.objects.get(pk=plan.pk).save()  # a colleague saves first
    response = client.post(
        url, {"version": version, "title": "Tên mới", "approval_number": "", "note": ""}
    )
    assert response.status_code == 200 and STALE in response.text
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch kiểm tra"


# --- Ad-hoc inspections ------------------------------------------------------------------------


def test_an_ad_hoc_inspection_needs_a_reason_and_a_valid_certificate(
    login, product, co_do, city_reviewer
):
    url = reverse("inspections:create")
    client = login(city_reviewer)
    response = client.post(url, {"product": product.pk, "reason": "", "planned_on": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    lapsed = certified(co_do, "Hết hạn", decided=date(2020, 1, 1))
    with pytest.raises(ValidationError):
        services.adhoc_create(product=lapsed, reason="Phản ánh", by=city_reviewer)
    response = client.post(
        url,
        {"product": product.pk, "reason": "Tem OCOP trên sản phẩm khác", "planned_on": today()},
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert (inspection.kind, inspection.plan, inspection.year) == (K.AD_HOC, None, today().year)
    assert inspection.certificate == product.certificates.get()


# --- The record --------------------------------------------------------------------------------


def test_a_record_with_points_and_attachments(login, line, officer_co_do, settings):
    url = reverse("inspections:record", args=[line.pk])
    client = login(officer_co_do)  # the commune records a line of its area
    data = record_data(
        line,
        point_label="not_met",
        point_label_note="Nhãn chưa ghi hạn sử dụng.",
        files=[
            upload(PDF),
            upload(png_bytes(), "nhan-san-pham.png", "image/png"),
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    line.refresh_from_db()
    assert (line.status, line.result, line.recorded_by) == (
        S.RECORDED,
        Inspection.Result.FAILED,
        officer_co_do,
    )
    assert line.points.count() == len(points())
    assert line.points.get(code="label").note == "Nhãn chưa ghi hạn sử dụng."
    attachments = list(line.attachments.order_by("pk"))
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
    for attachment in attachments:
        # A random name in the private folder, never the one the user gave.
        assert attachment.file.name.startswith(f"dossiers/inspections/{line.pk}/")
        assert "nhan-san-pham" not in attachment.file.name
        assert default_storage.exists(attachment.file.name)


def test_a_bad_file_is_refused_next_to_the_field_and_nothing_is_saved(login, line, officer_co_do):
    url = reverse("inspections:record", args=[line.pk])
    data = record_data(line, files=[upload(PDF), upload(HTML, "anh.png", "image/png")])
    response = login(officer_co_do).post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors and "Chỉ nhận tệp PDF hoặc ảnh PNG, JPEG, WebP" in errors[0]
    assert "Chỉ nhận tệp PDF hoặc ảnh PNG, JPEG, WebP" in response.text
    line.refresh_from_db()
    assert line.status == S.PLANNED
    assert not InspectionPoint.objects.exists() and not InspectionAttachment.objects.exists()
    assert not default_storage.exists(f"dossiers/inspections/{line.pk}")


def test_a_file_over_the_limit_is_refused_as_too_large(login, line, officer_co_do, settings):
    settings.OCOP_DOCUMENT_MAX_BYTES = 40
    data = record_data(line, files=[upload(PDF + b" " * 100)])
    response = login(officer_co_do).post(reverse("inspections:record", args=[line.pk]), data)
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.context["form"].errors["files"][0]
    assert not InspectionAttachment.objects.exists()


def test_a_point_not_met_needs_its_note_and_every_point_a_result(login, line, officer_co_do):
    url = reverse("inspections:record", args=[line.pk])
    data = record_data(line, point_mark="not_met")
    del data["point_traceability"]
    response = login(officer_co_do).post(url, data)
    form = response.context["form"]
    assert "point_traceability" in form.errors
    assert response.status_code == 200
    data["point_traceability"] = "na"
    response = login(officer_co_do).post(url, data)
    assert response.context["form"].errors["point_mark_note"] == [
        "Điểm không đạt: hãy ghi điều chưa đạt."
    ]
    line.refresh_from_db()
    assert line.status == S.PLANNED


def test_a_record_in_the_future_is_refused(line, officer_co_do):
    with pytest.raises(ValidationError) as error:
        recorded(line, officer_co_do, done_on=today() + timedelta(days=1))
    assert "done_on" in error.value.message_dict


def test_who_records(line, officer_co_do, officer_ninh_kieu, city_reviewer):
    with pytest.raises(PermissionDenied):
        recorded(line, officer_ninh_kieu)
    assert recorded(line, city_reviewer).status == S.RECORDED
    # Corrected until the follow-up is decided, by the commune as well.
    assert recorded(line, officer_co_do, findings="Bổ sung").findings == "Bổ sung"
    services.follow_up(inspection=line, kind=F.NONE, by=city_reviewer)
    with pytest.raises(PermissionDenied):
        recorded(line, city_reviewer)


def test_a_stale_record_is_refused(login, line, officer_co_do, city_reviewer):
    client = login(officer_co_do)
    url = reverse("inspections:record", args=[line.pk])
    version = client.get(url).context["form"]["version"].value()
    recorded(line, city_reviewer, findings="Ghi trước")  # the city recorded meanwhile
    response = client.post(url, record_data(line, version=version, findings="Ghi sau"))
    assert response.status_code == 200 and STALE in response.text
    line.refresh_from_db()
    assert line.findings == "Ghi trước"


def test_attachments_download_only_inside_the_readers_areas(
    login, line, officer_co_do, officer_ninh_kieu
):
    recorded(line, officer_co_do, files=[upload(png_bytes(), "anh.png", "image/png")])
    attachment = line.attachments.get()
    url = attachment.get_absolute_url()
    response = login(officer_co_do).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert login(officer_ninh_kieu).get(url).status_code == 404
    # Another inspection's address for it: 404 too.
    other = reverse("inspections:attachment", args=[line.pk + 1000, attachment.pk])
    assert login(officer_co_do).get(other).status_code == 404


def test_an_attachment_added_later_is_checked(login, line, officer_co_do):
    url = reverse("inspections:attachment_add", args=[line.pk])
    response = login(officer_co_do).post(url, {"title": "Ảnh", "file": upload(HTML, "a.pdf")})
    assert response.status_code == 200
    assert "Chỉ nhận tệp PDF" in response.context["attachment_form"].errors["file"][0]
    assert not InspectionAttachment.objects.exists()
    response = login(officer_co_do).post(url, {"title": "Biên bản", "file": upload(PDF)})
    assert response.status_code == 302
    assert line.attachments.get().title == "Biên bản"


# --- The follow-up ---------------------------------------------------------------------------


def test_none_needed_ends_it_but_a_failed_record_says_why(line, officer_co_do, city_reviewer):
    recorded(line, officer_co_do, results=all_met(mark=("not_met", "Tem sai hạng sao.")))
    with pytest.raises(ValidationError) as error:
        services.follow_up(inspection=line, kind=F.NONE, by=city_reviewer)
    assert "note" in error.value.message_dict
    done = services.follow_up(
        inspection=line, kind=F.NONE, note="Đã thu hồi tem tại chỗ.", by=city_reviewer
    )
    assert done.status == S.CLOSED and done.reinspections.count() == 0


def test_only_the_city_decides_the_follow_up_after_a_record(
    login, line, officer_co_do, city_reviewer
):
    with pytest.raises(PermissionDenied):
        services.follow_up(inspection=line, kind=F.NONE, by=city_reviewer)  # no record yet
    recorded(line, officer_co_do)
    with pytest.raises(PermissionDenied, match=re.escape(FOLLOW_UP_RULE)):
        services.follow_up(inspection=line, kind=F.NONE, by=officer_co_do)
    url = reverse("inspections:follow_up", args=[line.pk])
    assert login(officer_co_do).post(url, {"kind": "none"}).status_code == 403
    page = login(city_reviewer).get(line.get_absolute_url()).text
    assert url in page and "data-confirm" in page


def test_a_corrective_deadline_plans_the_reinspection_on_that_day(
    login, line, officer_co_do, city_reviewer
):
    recorded(line, officer_co_do, results=all_met(label=("not_met", "Thiếu hạn dùng.")))
    deadline = today() + timedelta(days=30)
    response = login(city_reviewer).post(
        reverse("inspections:follow_up", args=[line.pk]),
        {
            "version": Inspection.objects.get(pk=line.pk).version,
            "kind": "corrective",
            "deadline": deadline.isoformat(),
            "actions": "In lại nhãn có hạn sử dụng.",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.corrective_deadline) == (S.FOLLOW_UP, deadline)
    again = line.reinspections.get()
    assert (again.kind, again.planned_on, again.certificate_id) == (
        K.REINSPECTION,
        deadline,
        line.certificate_id,
    )
    assert "In lại nhãn có hạn sử dụng." in again.reason
    page = login(officer_co_do).get(line.get_absolute_url()).text
    assert "Khắc phục trước ngày" in page
    # The re-inspection recorded ends the follow-up of the first.
    recorded(again, officer_co_do)
    line.refresh_from_db()
    assert line.status == S.CLOSED


def test_a_corrective_deadline_needs_a_day_after_the_inspection_and_what_to_fix(
    line, officer_co_do, city_reviewer
):
    recorded(line, officer_co_do)
    with pytest.raises(ValidationError) as error:
        services.follow_up(
            inspection=line, kind=F.CORRECTIVE, deadline=today(), actions="", by=city_reviewer
        )
    assert {"deadline", "actions"} <= set(error.value.message_dict)
    assert not line.reinspections.exists()


def test_a_reinspection_is_linked_to_the_first(line, officer_co_do, city_reviewer):
    recorded(line, officer_co_do)
    day = today() + timedelta(days=10)
    services.follow_up(
        inspection=line,
        kind=F.REINSPECTION,
        planned_on=day,
        note="Lấy mẫu kiểm nghiệm",
        by=city_reviewer,
    )
    again = Inspection.objects.get(follows=line)
    assert (again.kind, again.planned_on, again.status) == (K.REINSPECTION, day, S.PLANNED)
    line.refresh_from_db()
    assert line.status == S.FOLLOW_UP


def test_a_proposal_to_revoke_with_its_ground(login, line, officer_co_do, city_reviewer):
    recorded(
        line,
        officer_co_do,
        results=all_met(mark=("not_met", "Dán tem 4 sao cho sản phẩm 3 sao.")),
        findings="Sử dụng nhãn hiệu OCOP sai hạng.",
    )
    client = login(city_reviewer)
    url = reverse("inspections:follow_up", args=[line.pk])
    version = Inspection.objects.get(pk=line.pk).version
    # Without a ground: refused next to the field, nothing proposed.
    response = client.post(url, {"version": version, "kind": "revocation", "ground": ""})
    assert response.status_code == 200
    assert response.context["follow_up_form"].errors["ground"]
    assert not Revocation.objects.exists()

    response = client.post(url, {"version": version, "kind": "revocation", "ground": "d"})
    assert response.status_code == 302
    line.refresh_from_db()
    revocation = line.revocation
    assert line.status == S.REVOCATION
    assert (revocation.ground, revocation.certificate, revocation.concluded_on) == (
        "d",
        line.certificate,
        line.done_on,
    )
    assert revocation.status == Revocation.Status.PROPOSED
    assert "Dán tem 4 sao" in revocation.findings and "sai hạng" in revocation.findings
    page = client.get(line.get_absolute_url()).text
    assert "Chờ quyết định thu hồi giấy chứng nhận" in page
    assert revocation.get_ground_display() in page


def test_the_follow_up_choices_are_the_six_grounds_of_article_8():
    from inspections.forms import FollowUpForm

    grounds = [value for value, _label in FollowUpForm().fields["ground"].choices if value]
    assert grounds == ["a", "b", "c", "d", "dd", "e"]


# --- Lists -------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(plan, by, area, count: int) -> None:
    for number in range(count):
        product = certified(area, f"Sản phẩm thêm {number}")
        services.line_add(plan=plan, product=product, by=by, planned_month=1 + number % 12)
        services.adhoc_create(product=product, reason="Phản ánh", by=by)


@pytest.mark.parametrize(
    "url",
    [
        lambda plan: reverse("inspections:list"),
        lambda plan: plan.get_absolute_url(),
        lambda plan: reverse("inspections:plan_list"),
    ],
    ids=["inspection list", "plan detail", "plan list"],
)
def test_list_queries_do_not_grow_with_the_rows(
    login, plan, line, co_do, city_reviewer, django_assert_max_num_queries, url
):
    client = login(city_reviewer)
    address = url(plan)
    count_queries(client, address)  # warm caches
    before = count_queries(client, address)
    _grow(plan, city_reviewer, co_do, 8)
    count_queries(client, address)  # the caches the new records made new (the footer's time)
    assert count_queries(client, address) == before
    with django_assert_max_num_queries(14):
        client.get(address)


def test_the_list_filters(login, plan, line, co_do, ninh_kieu, city_reviewer, officer_co_do):
    adhoc = services.adhoc_create(
        product=certified(ninh_kieu, "Khác"), reason="Phản ánh", by=city_reviewer
    )
    recorded(line, officer_co_do, results=all_met(mark=("not_met", "Sai")))
    client = login(city_reviewer)

    def found(**params):
        response = client.get(reverse("inspections:list"), params)
        return {i.pk for i in response.context["page"].object_list}

    assert found() == {line.pk, adhoc.pk}
    assert found(kind="ad_hoc") == {adhoc.pk}
    assert found(state="planned") == {adhoc.pk}
    assert found(state="follow_up") == {line.pk}
    assert found(state="done") == set()
    assert found(result="failed") == {line.pk}
    assert found(area=co_do.pk) == {line.pk}
    assert found(year=today().year + 1) == set()
    assert found(q="mam ca") == {line.pk}


# --- The admin and the policy ----------------------------------------------------------------


def test_the_policy_knows_the_recordable_statuses():
    assert set(Inspection.RECORDABLE) == policy.INSPECTION_RECORDABLE_STATUSES


def test_the_admin_creates_a_plan_through_the_service(login, administrator, can_tho):
    response = login(administrator).post(
        reverse("admin:inspections_inspectionplan_add"),
        {"province": can_tho.pk, "year": 2030, "title": "Kế hoạch 2030", "note": ""},
    )
    assert response.status_code == 302
    plan = InspectionPlan.objects.get(year=2030)
    assert plan.history.first().history_user == administrator


def test_the_admin_only_reads_inspections(login, administrator, line):
    client = login(administrator)
    url = reverse("admin:inspections_inspection_change", args=[line.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:inspections_inspection_add")).status_code == 403
    assert not client.get(url).context["has_change_permission"]


def test_a_staff_officer_does_not_plan_in_the_admin(login, co_do, can_tho):
    from django.contrib.auth.models import Permission

    from tests.conftest import officer_of

    officer = officer_of("925", username="codo-staff", is_staff=True)
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_inspectionplan", "view_inspectionplan"])
    )
    assert login(officer).get(reverse("admin:inspections_inspectionplan_add")).status_code == 403


def test_history_is_kept(line, officer_co_do, city_reviewer):
    recorded(line, officer_co_do)
    services.follow_up(inspection=line, kind=F.NONE, by=city_reviewer)
    users = [h.history_user for h in line.history.order_by("history_date")]
    assert users == [city_reviewer, officer_co_do, city_reviewer]


def test_a_producer_in_another_province_is_not_in_the_city_lists(login, city_reviewer, plan):
    elsewhere = Area.objects.create(code="98", name="Tỉnh Khác", kind=Area.Kind.PROVINCE)
    product = certified(AreaFactory(parent=elsewhere), "Xa")
    assert not services.certified_products(city_reviewer).filter(pk=product.pk).exists()


def test_an_ad_hoc_inspection_sent_twice_is_opened_once(login, product, city_reviewer):
    data = {
        "product": product.pk,
        "reason": "Phản ánh của người tiêu dùng",
        "planned_on": today().isoformat(),
        "form_token": "d" * 32,
    }
    client = login(city_reviewer)
    first = client.post(reverse("inspections:create"), data)
    second = client.post(reverse("inspections:create"), data)
    assert Inspection.objects.count() == 1
    assert first["Location"] == second["Location"] == Inspection.objects.get().get_absolute_url()


def test_the_files_are_never_served_as_public_media(line, officer_co_do, settings, rf):
    from django.http import Http404

    from ocop_portal.urls import public_media

    recorded(line, officer_co_do, files=[upload(PDF)])
    name = line.attachments.get().file.name
    with pytest.raises(Http404):
        public_media(rf.get("/"), name, document_root=settings.MEDIA_ROOT)
