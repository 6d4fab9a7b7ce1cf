"""No lost updates, no duplicates (issue 14).

Every edit form carries the version it was loaded at: a save over someone else's newer save is
refused, says who changed what, and keeps what was typed. Every form that writes carries a token:
sent twice, it writes once and leads to what the first sending made. A unique rule of the
database that refuses a write shows on the form, never as a server error. A product has one open
evaluation at a time, checked by the service and guaranteed by the database (also under real
concurrency, on PostgreSQL)."""

import copy
import re
import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budgets.models import BudgetLine, Disbursement, Measure, Plan, PublishedFigure, Target
from core.integrity import REFUSED, rules_as_errors
from core.models import SubmittedForm
from core.versioning import StaleSave, Versioned
from enquiries.models import Enquiry
from evaluations import services
from evaluations.models import Evaluation, Round
from inspections.models import Inspection, InspectionPlan
from listings.models import PageChange
from products.models import Certificate, Product, Revocation
from subjects.models import Producer
from tests.conftest import officer_of
from tests.factories import ProducerFactory, ProductFactory, UserFactory, category_26
from tests.test_budgets import (
    BudgetLineFactory,
    DisbursementFactory,
    PlanFactory,
    PublishedFigureFactory,
    TargetFactory,
)
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
    submitted,
    today,
)
from tests.test_hostile_input import main_form

pytestmark = pytest.mark.django_db

STALE = "Thay đổi của bạn chưa được lưu; xem lại rồi lưu lần nữa."
SENT = "Biểu mẫu này đã được gửi; đây là bản ghi đã tạo."


def form_data(client, url: str, **changes) -> dict:
    """The page's own form as the browser would send it, with `changes` typed in."""
    fields = main_form(client, url)
    data = {name: value for name, (_kind, value) in fields.items()}
    data.pop("csrfmiddlewaretoken", None)
    data.update({name: str(value) for name, value in changes.items()})
    return data


def as_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(response) -> str:
    """The page's HTML with its runs of white space as one space (messages span lines)."""
    return re.sub(r"\s+", " ", response.content.decode())


# --- personas ----------------------------------------------------------------------------------


@pytest.fixture
def colleague_co_do(co_do):
    return officer_of("925", username="codo-2", full_name="Trần Thị Bình")


@pytest.fixture
def second_reviewer(can_tho):
    return UserFactory(username="city-2", full_name="Phạm Văn Duyệt", role="city", areas=[can_tho])


@pytest.fixture
def second_administrator(can_tho):
    return UserFactory(
        username="admin-2", full_name="Đỗ Thị Quản", role="admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def plan(can_tho, co_do):
    plan = PlanFactory(year=2023)
    TargetFactory(plan=plan, indicator=Measure.NEW_3_STAR, value=10)
    TargetFactory(plan=plan, indicator=Measure.TOURISM_VILLAGES, value=1)
    line = BudgetLineFactory(plan=plan, description="Tập huấn chung", amount=300_000_000)
    DisbursementFactory(line=line, amount=90_000_000, document="UNC 0301/2023")
    return plan


@pytest.fixture
def round_(criteria_sets):
    return make_round()


@pytest.fixture
def recognised(round_, co_do, officer_co_do, city_reviewer):
    evaluation = submitted(round_, make_product(co_do, "Khô cá"), officer_co_do, [76, 77, 78])
    return services.evaluation_recognise(
        evaluation=evaluation,
        by=city_reviewer,
        decision_number="77/QĐ-UBND",
        decision_date=today(),
        signer="Phó Chủ tịch",
    )


# --- No lost updates: the product and the producer ----------------------------------------------


def test_a_stale_product_save_is_refused_saying_what_changed_and_keeping_the_input(
    officer_co_do, colleague_co_do, co_do
):
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Trà mãng cầu")
    url = reverse("products:edit", args=[product.pk])
    mine, theirs = as_client(officer_co_do), as_client(colleague_co_do)
    my_form = form_data(mine, url, description="Mô tả tôi vừa gõ")
    their_form = form_data(theirs, url, name="Trà mãng cầu Thới Hưng")

    assert theirs.post(url, their_form).status_code == 302
    response = mine.post(url, my_form)

    assert response.status_code == 200
    page = shown(response)
    assert "Trần Thị Bình đã sửa lúc" in page
    assert "Tên sản phẩm → “Trà mãng cầu Thới Hưng”" in page
    assert STALE in page
    assert "Mô tả tôi vừa gõ" in page  # what I typed is still on screen
    product.refresh_from_db()
    assert (product.name, product.description) == ("Trà mãng cầu Thới Hưng", "")

    # The page now carries the current version: saving it again is a deliberate overwrite.
    assert f'name="version" value="{product.version}"' in page
    again = {**my_form, "version": product.version}  # the refused sending gave its token back
    assert mine.post(url, again).status_code == 302
    product.refresh_from_db()
    assert (product.name, product.description) == ("Trà mãng cầu", "Mô tả tôi vừa gõ")


def test_a_stale_producer_save_is_refused_saying_what_changed(
    officer_co_do, colleague_co_do, co_do
):
    producer = ProducerFactory(area=co_do, phone="", address="ấp Cũ")
    url = reverse("subjects:edit", args=[producer.pk])
    mine, theirs = as_client(officer_co_do), as_client(colleague_co_do)
    my_form = form_data(mine, url, address="ấp Thới Hòa B")
    their_form = form_data(theirs, url, phone="0292 3821 234")

    assert theirs.post(url, their_form).status_code == 302
    response = mine.post(url, my_form)

    assert response.status_code == 200
    page = shown(response)
    assert "Trần Thị Bình đã sửa lúc" in page
    assert "Điện thoại → “0292 3821 234”" in page
    assert "Địa chỉ →" not in page  # only what the other person changed is named
    assert 'value="ấp Thới Hòa B"' in page
    producer.refresh_from_db()
    assert (producer.phone, producer.address) == ("0292 3821 234", "ấp Cũ")


def test_an_edit_form_without_its_version_saves_nothing(officer_co_do, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Trà mãng cầu")
    client = as_client(officer_co_do)
    url = reverse("products:edit", args=[product.pk])
    data = form_data(client, url, name="Tên mới")
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Biểu mẫu thiếu phiên bản của bản ghi" in shown(response)
    product.refresh_from_db()
    assert product.name == "Trà mãng cầu"


# --- No lost updates: every other edit form ------------------------------------------------------


def _approved(plan: Plan) -> Plan:
    plan.status, plan.approved_at = Plan.Status.APPROVED, timezone.now()
    plan.save()
    return plan


#: name → (personas, url of the page, the field both people change, their value, my value,
#: how to read the stored value back)
EDIT_FORMS = {
    "plan": (
        ("city_reviewer", "second_reviewer"),
        lambda x: reverse("budgets:edit", args=[x["plan"].year]),
        "document_number",
        ("81/KH-UBND", "82/KH-UBND"),
        lambda x: Plan.objects.get(pk=x["plan"].pk).document_number,
    ),
    "target": (
        ("city_reviewer", "second_reviewer"),
        lambda x: reverse("budgets:target_edit", args=[x["plan"].year, x["target"].pk]),
        "value",
        ("12", "15"),
        lambda x: Target.objects.get(pk=x["target"].pk).value,
    ),
    "target of an approved plan (with a reason)": (
        ("city_reviewer", "second_reviewer"),
        lambda x: reverse("budgets:target_edit", args=[_approved(x["plan"]).year, x["target"].pk]),
        "value",
        ("12", "15"),
        lambda x: Target.objects.get(pk=x["target"].pk).value,
    ),
    "target result": (
        ("city_reviewer", "second_reviewer"),
        lambda x: reverse("budgets:target_result", args=[x["plan"].year, x["village"].pk]),
        "reported_value",
        ("2", "3"),
        lambda x: Target.objects.get(pk=x["village"].pk).reported_value,
    ),
    "round": (
        ("city_reviewer", "second_reviewer"),
        lambda x: reverse("evaluations:round_edit", args=[x["round"].pk]),
        "note",
        ("Họp tại Sở", "Họp tại UBND"),
        lambda x: Round.objects.get(pk=x["round"].pk).note,
    ),
    "decision of a recognised evaluation": (
        ("administrator", "second_administrator"),
        lambda x: reverse("evaluations:correct", args=[x["recognised"].pk]),
        "decision_number",
        ("78/QĐ-UBND", "79/QĐ-UBND"),
        lambda x: Evaluation.objects.get(pk=x["recognised"].pk).decision_number,
    ),
}


@pytest.mark.parametrize("name", EDIT_FORMS)
def test_every_edit_form_refuses_a_stale_save(request, name, plan, recognised):
    personas, url_of, field, (theirs_value, my_value), stored = EDIT_FORMS[name]
    me, them = (request.getfixturevalue(persona) for persona in personas)
    things = {
        "plan": plan,
        "target": plan.targets.get(indicator=Measure.NEW_3_STAR),
        "village": plan.targets.get(indicator=Measure.TOURISM_VILLAGES),
        "round": recognised.round,
        "recognised": recognised,
    }
    url = url_of(things)
    mine, theirs = as_client(me), as_client(them)
    extra = {
        "change_reason": "Điều chỉnh theo kế hoạch bổ sung",
        "reason": "Nhập sai số quyết định",
        "reported_source": "Báo cáo 12/BC-SNN",
        "reported_on": "2024-01-10",
    }
    my_form, their_form = form_data(mine, url), form_data(theirs, url)
    for data, value in ((my_form, my_value), (their_form, theirs_value)):
        data.update({k: v for k, v in extra.items() if k in data and not data[k]}, **{field: value})

    assert theirs.post(url, their_form).status_code == 302, name
    response = mine.post(url, my_form)

    assert response.status_code == 200, name
    page = shown(response)
    assert f"{them.get_full_name()} đã sửa lúc" in page
    assert STALE in page
    assert my_value in page  # what I typed is still there
    value = stored(things)
    assert (f"{value.normalize():f}" if isinstance(value, Decimal) else value) == theirs_value


@pytest.mark.parametrize(
    "make",
    [
        lambda: ProducerFactory(),
        lambda: ProductFactory(),
        lambda: PlanFactory(),
        lambda: TargetFactory(),
        lambda: BudgetLineFactory(),
        lambda: DisbursementFactory(),
        lambda: PublishedFigureFactory(),
        lambda: make_round(),
    ],
    ids=[
        "producer",
        "product",
        "plan",
        "target",
        "budget line",
        "disbursement",
        "published figure",
        "round",
    ],
)
def test_a_record_read_before_anothers_save_cannot_be_saved_over_it(can_tho, criteria_sets, make):
    record = make()
    model = type(record)
    first, second = model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)
    second.expect_version(second.version)  # what its edit form does
    first.save()
    assert first.version == record.version + 1
    with pytest.raises(StaleSave):
        second.save()
    assert model.objects.get(pk=record.pk).version == first.version
    # Any other save (a workflow step, the admin, a revert) moves the version on.
    second.save()
    assert (second.version, model.objects.get(pk=record.pk).version) == (3, 3)


def test_every_record_edited_on_a_page_is_versioned():
    versioned = {model for model in apps.get_models() if issubclass(model, Versioned)}
    expected = {Producer, Product, Plan, Target, BudgetLine, Disbursement, PublishedFigure, Round}
    # A revocation's decision is a step of its own (products.revocations): one already decided
    # or dropped is not decided again, whoever had the page open.
    # A buyer's enquiry: the producer's answer is edited on its page (enquiries.services).
    assert versioned == expected | {
        Evaluation,
        Revocation,
        InspectionPlan,
        Inspection,
        Enquiry,
        PageChange,
    }


def test_a_workflow_step_makes_an_open_correction_page_stale(
    recognised, administrator, city_reviewer
):
    """The decision page loaded, then the city proposes the product to the centre (or anything
    else that saves the evaluation): the correction is refused, not silently applied."""
    client = as_client(administrator)
    url = reverse("evaluations:correct", args=[recognised.pk])
    data = form_data(client, url, decision_number="78/QĐ-UBND", reason="Nhập sai số")
    Evaluation.objects.get(pk=recognised.pk).save()  # a step of the workflow, say
    response = client.post(url, data)
    assert response.status_code == 200
    assert STALE in shown(response)
    recognised.refresh_from_db()
    assert recognised.decision_number == "77/QĐ-UBND"


# --- No duplicates: a form sent twice writes once -------------------------------------------------


def _plan_2024(x):
    return PlanFactory(year=2024)


#: name → (persona, url, what to type into the page's form, the model that gets one row)
CREATE_FORMS = {
    "producer": (
        "officer_co_do",
        lambda x: reverse("subjects:create"),
        lambda x: {
            "kind": "htx",
            "name": "HTX Thới Hưng",
            "area": x["co_do"].successors.first().pk,
        },
        Producer,
    ),
    "product": (
        "officer_co_do",
        lambda x: reverse("products:create"),
        lambda x: {
            "producer": ProducerFactory(area=x["co_do"]).pk,
            "name": "Mắm cá lóc",
            "category": category_26().pk,
        },
        Product,
    ),
    "plan": ("city_reviewer", lambda x: reverse("budgets:create"), lambda x: {"year": 2025}, Plan),
    "target": (
        "city_reviewer",
        lambda x: reverse("budgets:target_create", args=[2023]),
        lambda x: {"indicator": "new_4_star", "value": "4"},
        Target,
    ),
    "budget line": (
        "city_reviewer",
        lambda x: reverse("budgets:budget_line_create", args=[2023]),
        lambda x: {"source": "local", "activity": "it", "amount": "50.000.000"},
        BudgetLine,
    ),
    "disbursement": (
        "city_reviewer",
        lambda x: reverse("budgets:disbursement_create", args=[2023]),
        lambda x: {
            "line": x["plan"].budget_lines.first().pk,
            "paid_on": "2023-06-01",
            "amount": "10.000.000",
            "document": "UNC 0601/2023",
        },
        Disbursement,
    ),
    "published figure": (
        "city_reviewer",
        lambda x: reverse("budgets:figure_create", args=[2023]),
        lambda x: {
            "measure": "new_3_star",
            "value": "12",
            "unit": "products",
            "document": "Báo cáo 5/BC-SNN",
            "published_on": "2023-12-20",
        },
        PublishedFigure,
    ),
    "round": (
        "city_reviewer",
        lambda x: reverse("evaluations:round_create"),
        lambda x: {"number": "7", "members-0-name": "Nguyễn Văn A", "members-0-role": "chair"},
        Round,
    ),
    "evaluation": (
        "officer_co_do",
        lambda x: reverse("evaluations:create"),
        lambda x: {
            "product": make_product(x["co_do"], "Bánh pía").pk,
            "round": x["round"].pk,
            "kind": "new",
        },
        Evaluation,
    ),
}


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_create_form_sent_twice_creates_once(request, name, plan, round_, co_do):
    persona, url_of, typed, model = CREATE_FORMS[name]
    client = as_client(request.getfixturevalue(persona))
    things = {"plan": plan, "round": round_, "co_do": co_do}
    url = url_of(things)
    data = form_data(client, url, **typed(things))
    assert data.get("form_token"), f"{name}: the page renders no form token"
    before = model.objects.count()

    first = client.post(url, data)
    assert first.status_code == 302, (name, first.context and first.context["form"].errors)
    second = client.post(url, data)

    assert model.objects.count() == before + 1, name
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert SENT in shown(client.get(second["Location"]))


def test_a_refused_sending_gives_its_token_back(officer_co_do, co_do):
    client = as_client(officer_co_do)
    url = reverse("products:create")
    data = form_data(client, url, producer=ProducerFactory(area=co_do).pk, name="")
    data["category"] = str(category_26().pk)
    assert client.post(url, data).status_code == 200  # the name is missing
    assert not SubmittedForm.objects.exists()
    data["name"] = "Mắm cá lóc"
    assert client.post(url, data).status_code == 302
    assert Product.objects.filter(name="Mắm cá lóc").count() == 1


def test_an_edit_sent_twice_saves_once_and_leads_to_the_record(officer_co_do, co_do):
    product = ProductFactory(producer=ProducerFactory(area=co_do), name="Trà mãng cầu")
    client = as_client(officer_co_do)
    url = reverse("products:edit", args=[product.pk])
    data = form_data(client, url, name="Trà mãng cầu Thới Hưng")
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)  # a double click: not a stale save of my own change
    assert second.status_code == 302
    assert "Biểu mẫu này đã được gửi và đã lưu" in shown(client.get(second["Location"]))
    product.refresh_from_db()
    assert product.version == 2


def test_tokens_are_per_person(can_tho):
    url = reverse("budgets:budget_line_create", args=[2023])
    PlanFactory(year=2023)
    first, second = (as_client(UserFactory(role="city", areas=[can_tho])) for _ in range(2))
    data = form_data(first, url, source="local", activity="it", amount="1000")
    assert first.post(url, data).status_code == 302
    assert second.post(url, data).status_code == 302  # someone else's token is not mine
    assert BudgetLine.objects.count() == 2


def test_old_tokens_are_cleared(officer_co_do):
    old = SubmittedForm.objects.create(user=officer_co_do, token="a" * 32, path="/products/new/")
    SubmittedForm.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = SubmittedForm.objects.create(user=officer_co_do, token="b" * 32, path="/x/")
    call_command("clear_form_tokens", stdout=StringIO())
    assert list(SubmittedForm.objects.all()) == [recent]


# --- A unique rule refuses: a form error, never a 500 ---------------------------------------------


@pytest.fixture
def sneaked_in():
    """Make the database refuse the next insert of a model, as when another request saved the
    same record after this one's checks: a twin is inserted right before it. (Inside this
    request's savepoint, so it goes when the write is rolled back: the page may only say that
    the record clashed; the real race, with the rule named, is the PostgreSQL test below.)"""
    connected = []

    def before(model):
        def insert_twin(sender, instance, **kwargs):
            if not instance._state.adding or getattr(insert_twin, "done", False):
                return
            insert_twin.done = True
            twin = copy.copy(instance)
            twin._state = ModelState()
            twin.pk = None
            sender.objects.bulk_create([twin])

        pre_save.connect(insert_twin, sender=model, weak=False)
        connected.append((insert_twin, model))

    yield before
    for receiver, model in connected:
        pre_save.disconnect(receiver, sender=model)


#: The create forms whose record has a unique rule, and what to type so that it applies.
RULED = {
    "producer (tax code)": ("producer", {"tax_code": "1801234567"}),
    "product (name per producer)": ("product", {}),
    "plan (one a year)": ("plan", {}),
    "target (one per indicator)": ("target", {"area": ""}),
    "round (one number a year)": ("round", {}),
    "evaluation (one open per product)": ("evaluation", {}),
}


@pytest.mark.parametrize("name", RULED)
def test_a_unique_rule_hit_at_save_time_is_a_form_error(
    request, name, plan, round_, co_do, sneaked_in
):
    form, more = RULED[name]
    persona, url_of, typed, model = CREATE_FORMS[form]
    client = as_client(request.getfixturevalue(persona))
    things = {"plan": plan, "round": round_, "co_do": co_do}
    url = url_of(things)
    data = form_data(client, url, **typed(things), **more)
    before = model.objects.count()
    sneaked_in(model)

    response = client.post(url, data)

    assert response.status_code == 200, name
    assert str(REFUSED) in shown(response)
    assert model.objects.count() == before
    assert not SubmittedForm.objects.exists()  # the corrected form can be sent
    instance = getattr(response.context["form"], "instance", None)
    assert instance is None or instance.pk is None  # still reads as a new record


def test_a_rule_refusing_a_save_is_named(co_do):
    """What the page says when the other request has committed (PostgreSQL, READ COMMITTED)."""
    ProducerFactory(area=co_do, tax_code="1801234567")
    producer = Producer(kind="htx", name="HTX Khác", tax_code="1801234567", area=co_do)
    with pytest.raises(ValidationError) as refused, rules_as_errors(producer):
        producer.save()
    assert refused.value.messages == ["Mã số thuế này đã được đăng ký cho chủ thể khác."]
    assert Producer.objects.filter(tax_code="1801234567").count() == 1


def test_a_council_member_twice_in_one_round_is_a_form_error(city_reviewer, criteria_sets):
    client = as_client(city_reviewer)
    url = reverse("evaluations:round_create")
    data = form_data(
        client,
        url,
        number="8",
        **{
            "members-0-name": "Nguyễn Văn A",
            "members-0-role": "chair",
            "members-1-name": "Nguyễn Văn A",
            "members-1-role": "member",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "trùng lặp" in shown(response)
    assert not Round.objects.filter(number=8).exists()


def test_a_corrected_decision_that_repeats_another_certificate_is_a_form_error(
    recognised, administrator
):
    """The decision line (product, decision number, date) is one certificate; a correction
    that would make two equal lines is refused on the form."""
    Certificate.objects.create(
        product=recognised.product,
        stars=3,
        score=Decimal(60),
        legal_basis=recognised.certificate.legal_basis,
        level="city",
        decision_number="12/QĐ-UBND",
        decision_date=recognised.certificate.decision_date,
        area=recognised.certificate.area,
    )
    client = as_client(administrator)
    url = reverse("evaluations:correct", args=[recognised.pk])
    data = form_data(client, url, decision_number="12/QĐ-UBND", reason="Nhập sai số")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Sản phẩm này đã có chứng nhận theo quyết định này." in shown(response)
    recognised.certificate.refresh_from_db()
    assert recognised.certificate.decision_number == "77/QĐ-UBND"


def test_the_database_keeps_one_certificate_per_decision_line(recognised):
    twin = copy.copy(recognised.certificate)
    twin._state, twin.pk = ModelState(), None
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.bulk_create([twin])


# --- One open evaluation per product -----------------------------------------------------------


def test_the_service_refuses_a_second_open_evaluation_and_links_the_first(
    round_, co_do, officer_co_do, login
):
    product = make_product(co_do)
    first = open_evaluation(round_, product, officer_co_do)
    other_round = make_round(number=2)
    with pytest.raises(ValidationError) as refused:
        open_evaluation(other_round, product, officer_co_do)
    assert "hồ sơ chưa kết luận" in refused.value.message_dict["product"][0]

    client = login(officer_co_do)
    url = reverse("evaluations:create")
    data = form_data(client, url, product=product.pk, round=other_round.pk, kind="new")
    response = client.post(url, data)
    assert response.status_code == 200
    assert f'<a href="{first.get_absolute_url()}">hồ sơ chưa kết luận</a>' in response.text
    assert Evaluation.objects.filter(product=product).count() == 1


def test_the_database_refuses_a_second_open_evaluation(round_, co_do, officer_co_do):
    product = make_product(co_do)
    first = open_evaluation(round_, product, officer_co_do)
    twin = dict(product=product, kind="new", criteria_set=first.criteria_set)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(round=make_round(number=2), status="submitted", **twin)
    # A concluded one does not count: the next round may evaluate the product again.
    Evaluation.objects.filter(pk=first.pk).update(status=Evaluation.Status.NOT_RECOGNISED)
    Evaluation.objects.create(round=make_round(number=3), status="draft", **twin)


def test_the_constraint_names_the_open_statuses_of_the_model():
    constraint = next(
        c for c in Evaluation._meta.constraints if c.name == "evaluation_one_open_per_product"
    )
    assert set(dict(constraint.condition.children)["status__in"]) == set(Evaluation.OPEN_STATUSES)
    concluded = set(Evaluation.Status) - set(Evaluation.OPEN_STATUSES)
    assert concluded == {
        *Evaluation.RECOGNISED_STATUSES,
        Evaluation.Status.NOT_RECOGNISED,
        Evaluation.Status.DISQUALIFIED,
    }


# --- Real concurrency (PostgreSQL) -------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections at once need PostgreSQL"
)


def _at_once(*jobs) -> list:
    """Run the jobs in threads, each on its own connection, released together; their results
    (or the exceptions they raised)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job(barrier)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_one_product_at_once_open_one_evaluation(
    criteria_sets, co_do, officer_co_do, colleague_co_do
):
    product = make_product(co_do)
    rounds = [make_round(number=1), make_round(number=2)]

    def opener(user, round_):
        def job(barrier):
            with transaction.atomic():
                barrier.wait()
                return services.evaluation_create(
                    product=product, round=round_, kind="new", by=user
                )

        return job

    results = _at_once(opener(officer_co_do, rounds[0]), opener(colleague_co_do, rounds[1]))

    opened = [r for r in results if isinstance(r, Evaluation)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(opened), len(refused)) == (1, 1), results
    assert Evaluation.objects.filter(product=product).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_database_alone_keeps_one_open_evaluation_under_concurrency(
    criteria_sets, co_do, officer_co_do
):
    product = make_product(co_do)
    first_round, second_round = make_round(number=1), make_round(number=2)
    criteria_set = first_round.criteria_set()

    def inserter(round_):
        def job(barrier):
            with transaction.atomic():
                barrier.wait()
                return Evaluation.objects.create(
                    product=product, round=round_, kind="new", criteria_set=criteria_set
                )

        return job

    results = _at_once(inserter(first_round), inserter(second_round))

    assert sorted(type(r).__name__ for r in results) == ["Evaluation", "IntegrityError"], results
    assert Evaluation.objects.filter(product=product).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_a_disbursement_saves_it_once(can_tho, city_reviewer):
    plan = PlanFactory(year=2023)
    line = BudgetLineFactory(plan=plan, amount=300_000_000)
    url = reverse("budgets:disbursement_create", args=[2023])
    data = form_data(
        as_client(city_reviewer),
        url,
        line=line.pk,
        paid_on="2023-06-01",
        amount="10.000.000",
        document="UNC 0601/2023",
    )

    def click(barrier):
        client = as_client(city_reviewer)
        barrier.wait()
        return client.post(url, data)

    results = _at_once(click, click)

    assert [r.status_code for r in results] == [302, 302], results
    assert results[0]["Location"] == results[1]["Location"]
    assert Disbursement.objects.filter(line=line).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_people_registering_one_product_at_once_get_one_and_a_form_error(
    can_tho, co_do, officer_co_do, colleague_co_do
):
    producer = ProducerFactory(area=co_do)
    url = reverse("products:create")
    typed = {"producer": producer.pk, "name": "Mắm cá lóc", "category": category_26().pk}
    forms = [form_data(as_client(user), url, **typed) for user in (officer_co_do, colleague_co_do)]

    def sender(user, data):
        def job(barrier):
            client = as_client(user)
            barrier.wait()
            return client.post(url, data)

        return job

    results = _at_once(sender(officer_co_do, forms[0]), sender(colleague_co_do, forms[1]))

    assert sorted(r.status_code for r in results) == [200, 302], results
    refused = next(r for r in results if r.status_code == 200)
    assert "Chủ thể này đã có một sản phẩm cùng tên." in shown(refused)
    assert producer.products.count() == 1
