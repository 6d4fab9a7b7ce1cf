"""The admin asks the pages' policy and writes through their services: workflow records are
read-only there (evaluations, score sheets, transitions, what an evaluation's certificate
states), an approved target changes only with a reason, a history is reverted only with the
right to change the record and never for a workflow record, a history names nothing outside the
reader's areas, and the "view on site" redirect answers 404 outside them."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets.models import BudgetLine, Disbursement, Plan, Target
from core.admin import OUT_OF_REACH
from evaluations import services
from evaluations.models import Evaluation, ScoreSheet, Transition
from products.models import Certificate, Product
from subjects.models import Producer
from tests.conftest import officer_of
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory
from tests.test_admin_registry import form_data
from tests.test_budgets import BudgetLineFactory, PlanFactory, TargetFactory, other_province
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
    submitted,
    today,
)
from tests.test_imports import CERTIFICATE_HEADERS, CERTIFICATES, check, reasons, xlsx_file

pytestmark = pytest.mark.django_db
S = Evaluation.Status


def staff_of_co_do(username: str, *codenames: str):
    """A staff officer of Cờ Đỏ with these Django model permissions."""
    officer = officer_of("925", username=username, is_staff=True)
    officer.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return officer


def version_url(model, obj, record) -> str:
    opts = model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.pk]
    )


@pytest.fixture
def recognised(criteria_sets, co_do, officer_co_do, city_reviewer):
    """An evaluation of a Cờ Đỏ product recognised by the city, with the certificate it issued."""
    evaluation = submitted(make_round(), make_product(co_do, "Khô cá"), officer_co_do, [76, 77, 78])
    return services.evaluation_recognise(
        evaluation=evaluation,
        by=city_reviewer,
        decision_number="77/QĐ-UBND",
        decision_date=today(),
        signer="Phó Chủ tịch",
    )


# --- Reverting a history --------------------------------------------------------------------


def test_a_view_only_officer_cannot_revert_a_record(login, co_do):
    producer = ProducerFactory(name="Hợp tác xã Tên Cũ")
    producer.name = "Hợp tác xã Tên Mới"
    producer.save()
    first = producer.history.earliest()
    client = login(staff_of_co_do("codo-viewer", "view_producer"))
    url = version_url(Producer, producer, first)

    page = client.get(url)
    assert page.status_code == 200  # the version is read
    assert page.context["revert_disabled"]
    refused = client.post(url, form_data(page.context["adminform"].form))

    assert refused.status_code == 403
    producer.refresh_from_db()
    assert producer.name == "Hợp tác xã Tên Mới"
    assert producer.history.count() == 2


def test_an_officer_who_may_change_the_record_reverts_it(login, co_do):
    producer = ProducerFactory(name="Hợp tác xã Tên Cũ")
    producer.name = "Hợp tác xã Tên Mới"
    producer.save()
    client = login(staff_of_co_do("codo-editor", "view_producer", "change_producer"))
    url = version_url(Producer, producer, producer.history.earliest())

    page = client.get(url)
    assert not page.context["revert_disabled"]
    assert client.post(url, form_data(page.context["adminform"].form)).status_code == 302

    producer.refresh_from_db()
    assert producer.name == "Hợp tác xã Tên Cũ"


def test_a_view_only_officer_cannot_put_a_recognised_evaluation_back_to_draft(login, recognised):
    client = login(staff_of_co_do("codo-viewer", "view_evaluation"))
    draft = recognised.history.filter(status=S.DRAFT).earliest()
    transitions = recognised.transitions.count()
    url = version_url(Evaluation, recognised, draft)

    assert (
        client.get(
            reverse("admin:evaluations_evaluation_history", args=[recognised.pk])
        ).status_code
        == 200
    )
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"]

    assert client.post(url, form_data(page.context["adminform"].form)).status_code == 403
    recognised.refresh_from_db()
    assert recognised.status == S.RECOGNISED
    assert recognised.transitions.count() == transitions


def test_nobody_reverts_a_workflow_record_not_even_an_administrator(
    login, recognised, administrator
):
    client = login(administrator)
    draft = recognised.history.filter(status=S.DRAFT).earliest()
    url = version_url(Evaluation, recognised, draft)

    page = client.get(url)
    assert page.context["revert_disabled"]
    assert client.post(url, form_data(page.context["adminform"].form)).status_code == 403

    recognised.refresh_from_db()
    assert recognised.status == S.RECOGNISED


# --- Workflow records are read-only --------------------------------------------------------


def test_evaluations_score_sheets_and_transitions_have_no_add_change_or_delete(
    rf, recognised, administrator
):
    request = rf.get("/")
    request.user = administrator
    evaluation_admin = admin.site._registry[Evaluation]

    assert evaluation_admin.has_view_permission(request, recognised)
    assert not evaluation_admin.has_add_permission(request)
    assert not evaluation_admin.has_change_permission(request, recognised)
    assert not evaluation_admin.has_delete_permission(request, recognised)
    inlines = {inline.model: inline for inline in evaluation_admin.get_inline_instances(request)}
    assert set(inlines) == {ScoreSheet, Transition}
    for inline in inlines.values():
        assert not inline.has_add_permission(request, recognised)
        assert not inline.has_change_permission(request, recognised)
        assert not inline.has_delete_permission(request, recognised)


def test_an_evaluation_change_page_refuses_a_post(login, recognised, administrator):
    client = login(administrator)
    url = reverse("admin:evaluations_evaluation_change", args=[recognised.pk])

    assert client.post(url, {"status": S.DRAFT}).status_code == 403
    assert (
        client.post(
            reverse("admin:evaluations_evaluation_delete", args=[recognised.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    recognised.refresh_from_db()
    assert recognised.status == S.RECOGNISED


# --- Certificates -------------------------------------------------------------------------


@pytest.fixture
def certificate_editor(co_do):
    return staff_of_co_do("codo-certificates", "view_certificate", "change_certificate")


def certificate_form(client, certificate: Certificate) -> tuple[str, dict]:
    url = reverse("admin:products_certificate_change", args=[certificate.pk])
    return url, form_data(client.get(url).context["adminform"].form)


def test_the_stars_an_evaluation_issued_do_not_change_in_the_admin(
    login, recognised, certificate_editor
):
    certificate = recognised.certificate
    stars = certificate.stars
    client = login(certificate_editor)
    url, data = certificate_form(client, certificate)

    page = client.get(url)
    assert 'name="stars"' not in page.text
    assert 'name="revoked_on"' not in page.text  # revoked on the revocation pages only
    client.post(url, {**data, "stars": 5, "decision_number": "1/QĐ-UBND"})

    certificate.refresh_from_db()
    assert (certificate.stars, certificate.decision_number) == (stars, "77/QĐ-UBND")


def test_an_administrator_cannot_change_them_either(login, recognised, administrator):
    certificate = recognised.certificate
    client = login(administrator)
    url, data = certificate_form(client, certificate)

    client.post(url, {**data, "stars": 5})

    certificate.refresh_from_db()
    assert certificate.stars == recognised.recognised_stars


def test_a_certificate_entered_by_hand_is_corrected(login, co_do, certificate_editor):
    certificate = CertificateFactory(stars=3)
    client = login(certificate_editor)
    url, data = certificate_form(client, certificate)

    assert client.post(url, {**data, "stars": 5}).status_code == 302

    certificate.refresh_from_db()
    assert certificate.stars == 5


def test_a_revocation_is_not_typed_in_the_admin(login, recognised, certificate_editor):
    """It goes through products.revocations (tests/test_revocation_pages.py)."""
    certificate = recognised.certificate
    client = login(certificate_editor)
    url, data = certificate_form(client, certificate)

    client.post(
        url, {**data, "revoked_on": today().isoformat(), "revoked_reason": "Vi phạm cam kết"}
    )

    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason) == (None, "")


def test_an_issued_certificate_is_neither_reverted_nor_deleted(
    login, rf, recognised, administrator
):
    certificate = recognised.certificate
    request = rf.get("/")
    request.user = administrator
    certificate_admin = admin.site._registry[Certificate]

    assert certificate_admin.revert_disabled(request, certificate)
    assert not certificate_admin.has_delete_permission(request, certificate)
    hand = CertificateFactory()
    assert not certificate_admin.revert_disabled(request, hand)
    assert certificate_admin.has_delete_permission(request, hand)


def test_an_import_does_not_restate_an_issued_certificate(login, recognised):
    certificate = recognised.certificate
    product = certificate.product
    importer = staff_of_co_do(
        "codo-import", "view_certificate", "add_certificate", "change_certificate"
    )
    row = [
        product.producer.name,
        product.name,
        5,
        certificate.score,
        certificate.legal_basis_id,
        certificate.get_level_display(),
        "",
        certificate.decision_number,
        certificate.decision_date.strftime("%d/%m/%Y"),
        "",
        "",
    ]

    found = reasons(check(login(importer), CERTIFICATES, xlsx_file(CERTIFICATE_HEADERS, [row])))

    assert list(found) == [2]
    assert found[2].startswith("Số sao: ")
    assert "hồ sơ đánh giá mới" in found[2]


# --- Plans ----------------------------------------------------------------------------------


@pytest.fixture
def approved_target(can_tho):
    plan = PlanFactory(status=Plan.Status.APPROVED, approved_at="2023-04-10T08:00:00+07:00")
    return TargetFactory(plan=plan, value=Decimal(25))


def target_form(client, target: Target) -> tuple[str, dict]:
    url = reverse("admin:budgets_target_change", args=[target.pk])
    return url, form_data(client.get(url).context["adminform"].form)


def test_an_approved_target_changes_in_the_admin_only_with_a_reason(
    login, administrator, approved_target
):
    client = login(administrator)
    url, data = target_form(client, approved_target)

    refused = client.post(url, {**data, "value": "20"})

    assert refused.status_code == 200
    assert "change_reason" in refused.context["adminform"].form.errors
    approved_target.refresh_from_db()
    assert (approved_target.value, approved_target.original_value) == (25, None)

    saved = client.post(url, {**data, "value": "20", "change_reason": "Báo cáo giữa kỳ"})

    assert saved.status_code == 302
    approved_target.refresh_from_db()
    assert (approved_target.value, approved_target.original_value) == (20, 25)
    assert approved_target.change_reason == "Báo cáo giữa kỳ"
    latest = approved_target.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (administrator, "Báo cáo giữa kỳ")


def test_an_approved_target_keeps_its_indicator_in_the_admin(
    login, administrator, approved_target, co_do
):
    client = login(administrator)
    url, data = target_form(client, approved_target)

    client.post(url, {**data, "area": co_do.pk, "indicator": "new_4_star", "change_reason": "x"})

    approved_target.refresh_from_db()
    assert (approved_target.indicator, approved_target.area) == ("new_products", None)


def test_a_draft_target_changes_without_a_reason(login, administrator, can_tho):
    target = TargetFactory(value=Decimal(25))
    client = login(administrator)
    url, data = target_form(client, target)

    assert client.post(url, {**data, "value": "20"}).status_code == 302

    target.refresh_from_db()
    assert (target.value, target.original_value, target.change_reason) == (20, None, "")


def test_an_officer_with_model_rights_does_not_change_a_plan(login, approved_target, co_do):
    officer = staff_of_co_do("codo-plans", "view_target", "change_target", "add_target")
    client = login(officer)
    url = reverse("admin:budgets_target_change", args=[approved_target.pk])

    assert not client.get(url).context["has_change_permission"]
    assert client.post(url, {"value": "1", "change_reason": "x"}).status_code == 403
    assert client.get(reverse("admin:budgets_target_add")).status_code == 403


def test_a_plan_is_approved_on_its_page_not_by_its_status_in_the_admin(
    login, administrator, can_tho
):
    plan = PlanFactory(year=2024)
    client = login(administrator)
    url = reverse("admin:budgets_plan_change", args=[plan.pk])
    data = form_data(client.get(url).context["adminform"].form)

    response = client.post(
        url, {**data, "status": "approved", "year": "2030", "document_number": "81/KH-UBND"}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.year, plan.document_number) == ("draft", 2024, "81/KH-UBND")
    assert plan.history.latest().history_user == administrator


@pytest.mark.parametrize("model", [Plan, Target, BudgetLine, Disbursement])
def test_plan_records_are_not_deleted_in_the_admin(rf, administrator, model):
    request = rf.get("/")
    request.user = administrator

    assert not admin.site._registry[model].has_delete_permission(request)


def test_a_disbursement_past_its_line_needs_the_confirmation(login, administrator, can_tho):
    line = BudgetLineFactory(amount=100_000_000)
    client = login(administrator)
    data = {"line": line.pk, "paid_on": "2023-05-16", "amount": "150000000", "document": "UNC 1"}
    url = reverse("admin:budgets_disbursement_add")

    refused = client.post(url, data)

    assert "amount" in refused.context["adminform"].form.errors
    assert not Disbursement.objects.exists()
    assert client.post(url, {**data, "confirm_over_plan": "on"}).status_code == 302
    assert Disbursement.objects.get().over_plan_confirmed


# --- Users ----------------------------------------------------------------------------------


def test_an_officer_with_user_rights_cannot_raise_their_own(login, co_do):
    officer = staff_of_co_do("codo-users", "view_user", "change_user")
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    client = login(officer)

    assert not client.get(url).context["has_change_permission"]
    assert client.post(url, {"username": officer.username, "role": "admin"}).status_code == 403
    officer.refresh_from_db()
    assert (officer.role, officer.is_superuser) == ("officer", False)


# --- What a history names, and where "view on site" leads -----------------------------------


@pytest.fixture
def moved_product(co_do, ninh_kieu):
    """A product first registered under a Ninh Kiều producer, then moved to a Cờ Đỏ one."""
    product = ProductFactory(
        name="Bánh pía", producer=ProducerFactory(name="Cơ sở Ninh Kiều Bí Mật", area=ninh_kieu)
    )
    product.producer = ProducerFactory(name="Cơ sở Cờ Đỏ Xanh")
    product.save()
    return product


def test_a_history_does_not_name_a_record_outside_the_readers_areas(
    login, moved_product, administrator
):
    officer = staff_of_co_do("codo-viewer", "view_product")
    url = reverse("admin:products_product_history", args=[moved_product.pk])

    page = login(officer).get(url)

    assert page.status_code == 200
    assert "Cơ sở Ninh Kiều Bí Mật" not in page.text
    assert str(OUT_OF_REACH) in page.text
    assert "Cơ sở Cờ Đỏ Xanh" in page.text
    assert "Cơ sở Ninh Kiều Bí Mật" in login(administrator).get(url).text


def test_the_version_naming_it_is_not_opened(login, moved_product, administrator):
    officer = staff_of_co_do("codo-viewer", "view_product")
    first = moved_product.history.earliest()
    url = version_url(Product, moved_product, first)

    assert login(officer).get(url).status_code == 403
    assert login(administrator).get(url).status_code == 200


def test_a_certificate_history_row_is_not_named_after_another_areas_product(
    login, co_do, ninh_kieu
):
    certificate = CertificateFactory(
        product=ProductFactory(
            name="Nem Ninh Kiều Bí Mật",
            producer=ProducerFactory(area=ninh_kieu),
        )
    )
    certificate.product = ProductFactory(name="Nem Cờ Đỏ")
    certificate.save()
    officer = staff_of_co_do("codo-viewer", "view_certificate")

    page = login(officer).get(reverse("admin:products_certificate_history", args=[certificate.pk]))

    assert page.status_code == 200
    assert "Nem Ninh Kiều Bí Mật" not in page.text


def view_on_site(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_view_on_site_leads_only_inside_the_users_areas(login, co_do, ninh_kieu):
    own = ProductFactory(name="Mắm Cờ Đỏ")
    other = ProductFactory(name="Mắm Ninh Kiều", producer=ProducerFactory(area=ninh_kieu))
    client = login(staff_of_co_do("codo-viewer", "view_product"))

    inside = client.get(view_on_site(own))
    assert inside.status_code == 302
    assert inside["Location"].endswith(own.get_absolute_url())
    assert client.get(view_on_site(other)).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=["x", "1"])).status_code == 404


def test_view_on_site_of_a_plan_follows_its_province(login, co_do, can_tho):
    plan = PlanFactory(year=date.today().year)
    client = login(staff_of_co_do("codo-viewer", "view_plan"))

    assert client.get(view_on_site(plan)).status_code == 302
    plan.province = other_province()
    plan.save()
    assert client.get(view_on_site(plan)).status_code == 404


def test_a_write_the_service_refuses_at_the_last_moment_saves_nothing(
    login, administrator, approved_target, monkeypatch
):
    from budgets import services as budget_services

    refusal = "Kế hoạch vừa được sửa ở trang khác."

    def refuse(**kwargs):
        kwargs["target"].save()  # written, then refused: the whole save is undone
        raise ValidationError(refusal)

    monkeypatch.setattr(budget_services, "target_save", refuse)
    client = login(administrator)
    url, data = target_form(client, approved_target)

    response = client.post(url, {**data, "value": "20", "change_reason": "Lý do"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert refusal in [str(message) for message in response.context["messages"]]
    approved_target.refresh_from_db()
    assert approved_target.value == 25


# --- Rounds ---------------------------------------------------------------------------------


def change_page_data(page) -> dict:
    """What a browser posts for an unchanged admin change page, its inlines included."""
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for form in formset.forms:
            values = {name: form[name].value() for name in form.fields}
            data.update(
                # 0 is posted (an order), an unticked box and an empty value are not
                {
                    form.add_prefix(k): v
                    for k, v in values.items()
                    if v is not None and v is not False
                }
            )
    return data


def test_a_member_added_in_the_admin_gets_a_sheet_as_on_the_round_page(
    login, administrator, criteria_sets, co_do, officer_co_do
):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    round_ = evaluation.round
    client = login(administrator)
    url = reverse("admin:evaluations_round_change", args=[round_.pk])
    data = change_page_data(client.get(url))
    new = round_.members.count()  # the index of the empty form the page offers

    response = client.post(
        url, {**data, f"members-{new}-name": "Thành viên mới", f"members-{new}-role": "member"}
    )

    assert response.status_code == 302
    assert round_.members.count() == new + 1
    assert evaluation.sheets.count() == new + 1


def test_a_staff_officer_does_not_manage_rounds(login, criteria_sets, co_do):
    round_ = make_round()
    officer = staff_of_co_do("codo-rounds", "view_round", "change_round", "add_round")
    client = login(officer)

    assert not client.get(reverse("admin:evaluations_round_change", args=[round_.pk])).context[
        "has_change_permission"
    ]
    assert client.get(reverse("admin:evaluations_round_add")).status_code == 403


# --- Every page opens -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_every_admin_list_and_add_page_opens_for_the_administrator(login, rf, administrator, model):
    opts = model._meta
    client = login(administrator)
    request = rf.get("/")
    request.user = administrator
    may_add = admin.site._registry[model].has_add_permission(request)

    assert (
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
        == 200
    )
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (200 if may_add else 403)


# --- No lost update in the admin either ------------------------------------------------------


def test_an_admin_save_over_a_newer_save_is_refused_and_keeps_the_input(login, administrator):
    producer = ProducerFactory(name="Hợp tác xã Mỹ Khánh", address="Ấp 1")
    client = login(administrator)
    url = f"/admin/subjects/producer/{producer.pk}/change/"
    data = form_data(client.get(url).context["adminform"].form)
    assert data["version"] == producer.version

    # A colleague saves first, on the portal's page or in another tab.
    producer.address = "Ấp 2, xã Mỹ Khánh"
    producer.save()

    response = client.post(url, {**data, "name": "Hợp tác xã Mỹ Khánh Mới"})

    assert response.status_code == 200
    assert "Thay đổi của bạn chưa được lưu" in response.text
    assert "Hợp tác xã Mỹ Khánh Mới" in response.text  # what was typed is still there
    producer.refresh_from_db()
    assert (producer.name, producer.address) == ("Hợp tác xã Mỹ Khánh", "Ấp 2, xã Mỹ Khánh")


def test_an_admin_save_at_the_current_version_goes_through(login, administrator):
    producer = ProducerFactory(name="Hợp tác xã Mỹ Khánh")
    client = login(administrator)
    url = f"/admin/subjects/producer/{producer.pk}/change/"
    data = form_data(client.get(url).context["adminform"].form)

    assert client.post(url, {**data, "name": "Hợp tác xã Mỹ Khánh Mới"}).status_code == 302

    producer.refresh_from_db()
    assert producer.name == "Hợp tác xã Mỹ Khánh Mới"
