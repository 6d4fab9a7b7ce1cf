"""The demo after recognition, on its day (29/11/2026): the 2022 certificates re-rated in 2025
(most on time, some late, some lapsed), the 2023 round concluded and its certificates re-rated
under 26/2026/QĐ-TTg in every state of ``products.rerating``, a year of inspections, the
public's reports and one revocation; the published figures of 2021–2023 unchanged; a second
load writes nothing.

The demo is anchored on fixed days (its latest step is of 26/11/2026), and its states move with
time: the windows open now close on 12/12/2026, the late certificate expires on 14/12/2026, the
December inspections become overdue. The module loads it once with the real clock (the services
refuse only days in the future) and reads it on ``DAY``: the states are computed for that day,
and the pages are asked with the clock on that day (``on_demo_day``)."""

import json
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from budgets.models import PublishedFigure
from budgets.reports import compare
from evaluations import dossier, workflow
from evaluations.models import Contribution, DossierDocument, Evaluation, Transition
from inspections.models import (
    Inspection,
    InspectionAttachment,
    InspectionPlan,
    InspectionPoint,
    PublicReport,
)
from notices.models import Notice
from products import rerating
from products.models import Certificate, Product, Revocation
from products.rerating import State

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

DAY = date(2026, 11, 29)
S = Evaluation.Status

#: The re-rating state of each certificate of the 2023 round (and the two re-rated in 2024) on
#: the demo's day.
STATES = {
    "Bánh tráng nem Thu Ba": State.IN_GRACE,
    "Xoài sấy dẻo Lạc Phước": State.IN_GRACE,
    "Rượu nếp than Sáu Hưng": State.LAPSED,
    "Trà mãng cầu Kim Nhiên": State.LATE,
    "Bánh phồng gạo lứt Sông Hậu": State.RERATED,
    "Khô cá lóc một nắng Mười Đông Bình": State.RERATED,
    "Bánh tét lá cẩm Mỹ Lệ": State.FILED,
    "Gạo Nàng Hoa Thạnh Lợi": State.FILED,
    "Hủ tiếu khô Cái Răng Xưa": State.OPEN,
    "Gạo hữu cơ Thới An": State.OPEN,
}
IN_GRACE = ["Bánh tráng nem Thu Ba", "Xoài sấy dẻo Lạc Phước"]
REVOKED = "Khô cá rô đồng Trung Hưng"


@pytest.fixture
def on_demo_day(demo):
    """The clock on the demo's day, for the pages (and whatever they write: sessions)."""
    moment = timezone.make_aware(datetime.combine(DAY, time(10, 0)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def city(on_demo_day, client):
    client.force_login(User.objects.get(username="city"))
    return client


def certificate_of(name: str, year: int) -> Certificate:
    return Certificate.objects.get(product__name=name, decision_date__year=year)


# --- Re-rating: every state on the day ---------------------------------------------------------


def test_every_re_rating_state_on_the_demo_day(demo):
    states = rerating.annotate_states(Certificate.objects.all(), DAY)
    assert set(states.values_list("rerating_state", flat=True)) == set(State)
    got = {
        c.product.name: c.rerating_state
        for c in states.filter(decision_date__year__in=[2023, 2024]).select_related("product")
    }
    assert got == STATES


def test_the_late_dossiers_keep_their_certificates_valid_through_the_service(demo):
    """Filed after the window closed but before expiry: ``evaluation_create`` set the grace
    (Điều 12.3), 180 days past expiry, recorded in the certificate's history on the day filed."""
    for name in IN_GRACE:
        certificate = certificate_of(name, 2023)
        dossier_ = certificate.follow_up_evaluations.get()
        window = rerating.window(certificate)
        assert window.closes_on < dossier_.filed_on <= certificate.valid_until < DAY
        assert certificate.extended_until == certificate.valid_until + timedelta(days=180)
        assert dossier_.status in Evaluation.OPEN_STATUSES
        extended = certificate.history.filter(extended_until__isnull=False).earliest("history_date")
        assert extended.history_date.date() == dossier_.filed_on
        assert "Gia hạn hiệu lực" in extended.history_change_reason
        assert certificate.product.certificate_on(DAY) == certificate


def test_the_re_ratings_of_2026_follow_26_2026_from_the_2023_dossiers(demo):
    renewals = Evaluation.objects.filter(round__year=2026, kind="renewal").select_related(
        "previous_certificate", "carried_from", "criteria_set__legal_basis", "certificate__area"
    )
    assert renewals.count() == 6
    assert {r.round.number for r in renewals} == {2}
    for evaluation in renewals:
        previous = evaluation.previous_certificate
        assert previous.decision_date.year == 2023
        assert evaluation.criteria_set.legal_basis_id == "26/2026/QĐ-TTg"
        assert evaluation.criteria_set.legal_basis.is_two_level
        # Started from the 2023 dossier: its papers carried, this year's forms replacing its.
        assert evaluation.carried_from == previous.evaluation
        present = evaluation.documents.present()
        assert present.filter(carried_from__isnull=False).exists()
        assert not present.filter(checklist_code="phieu-dang-ky", carried_from__isnull=False)
        assert evaluation.transitions.first().action == Transition.Action.RECEIVE
        assert evaluation.created_at.date() == evaluation.filed_on
        assert all(step.at.date() <= DAY for step in evaluation.transitions.all())
    rerated = renewals.filter(status=S.RECOGNISED)
    assert {e.product.name for e in rerated} == {
        name for name, state in STATES.items() if state == State.RERATED
    }
    for evaluation in rerated:
        window = rerating.window(evaluation.previous_certificate)
        assert window.opens_on <= evaluation.filed_on <= window.closes_on
        accepted = dossier.accepted_days([evaluation])[evaluation.pk]
        assert evaluation.decision_date <= accepted + timedelta(days=45)
        certificate = evaluation.certificate
        assert (certificate.kind, certificate.legal_basis_id) == ("renewal", "26/2026/QĐ-TTg")
        assert certificate.area.is_current
        assert evaluation.product.producer.area in certificate.area.predecessors.all()
        decider = evaluation.transitions.get(action="recognise").by
        assert workflow.own_file_reason(evaluation, decider) is None
    # Filed on time and still open: none of them past its 45 days on the day.
    for evaluation in dossier.with_rerating_deadlines(
        list(renewals.filter(status__in=Evaluation.OPEN_STATUSES)), DAY
    ):
        assert not evaluation.decision_overdue, evaluation


def test_the_re_rating_page_shows_every_state(city):
    response = city.get(reverse("products:expiring"))
    assert response.status_code == 200
    summary = {row["state"]: row["count"] for row in response.context["summary"]}
    assert all(summary[state] for state in State), summary
    listed = {c.product.name: c.state for c in response.context["page"]}
    for name in IN_GRACE:
        assert listed[name] == State.IN_GRACE
    assert listed["Trà mãng cầu Kim Nhiên"] == State.LATE
    html = response.content.decode()
    assert "Đang đánh giá lại, gia hạn đến 20/03/2027" in html


def test_the_2023_round_left_nothing_overdue_on_the_to_do_lists(demo):
    assert not Evaluation.objects.filter(
        round__year=2023, status__in=Evaluation.OPEN_STATUSES
    ).exists()
    # The commune's part of every 2026 re-rating done by its officer, and the province's by
    # others than those who had a hand in the dossier.
    for evaluation in Evaluation.objects.filter(round__year=2026, kind="renewal"):
        hands = set(
            Contribution.objects.filter(evaluation=evaluation).values_list("kind", flat=True)
        )
        assert "filed" in hands


# --- The catalogue and the registry ------------------------------------------------------------


def test_the_catalogue_shows_a_living_programme(demo, client, on_demo_day):
    certified = Product.objects.certified_on(DAY)
    assert certified.count() == 53
    assert client.get(reverse("catalogue:list")).status_code == 200
    exported = json.loads(client.get("/catalogue.json").getvalue())["products"]
    assert len(exported) == 53
    in_grace = {
        p.name for p in Product.objects.with_status(DAY).filter(status=Product.Status.RERATING)
    }
    assert in_grace == set(IN_GRACE)


def test_the_in_grace_products_carry_their_badge(demo, client, city):
    listed = city.get(reverse("products:list"), {"q": "Thu Ba"})
    assert "Đang đánh giá lại" in listed.content.decode()
    for name in IN_GRACE:
        product = Product.objects.get(name=name)
        page = client.get(reverse("catalogue:product_short", args=[product.pk]), follow=True)
        assert page.status_code == 200
        html = page.content.decode()
        assert "đang đánh giá lại" in html
        assert "Đang đánh giá lại: giấy chứng nhận giữ hiệu lực đến khi có kết quả" in html


def test_the_revoked_product_answers_gone(demo, client, on_demo_day):
    product = Product.objects.get(name=REVOKED)
    assert not Product.objects.certified_on(DAY).filter(pk=product.pk).exists()
    response = client.get(reverse("catalogue:product_short", args=[product.pk]), follow=True)
    assert response.status_code == 410
    assert (
        "đã bị thu hồi ngày 21/10/2026 theo Quyết định số 2987/QĐ-UBND (căn cứ: Sử dụng nhãn "
        "hiệu OCOP không đúng quy định, gây nhầm lẫn)"
    ) in response.content.decode()
    assert product.name not in client.get(reverse("catalogue:list")).content.decode()


# --- The revocation and its path --------------------------------------------------------------


def test_a_public_report_led_to_the_revocation_within_15_days(demo):
    revocation = Revocation.objects.select_related("certificate__product").get()
    certificate = revocation.certificate
    assert certificate.product.name == REVOKED and certificate.product.is_illustrative
    assert (revocation.ground, revocation.status) == ("d", Revocation.Status.DECIDED)
    assert revocation.proposed_by.username == "city"
    assert revocation.decided_by.username == "thuky"
    assert revocation.decision_date <= revocation.deadline and not revocation.is_late(DAY)
    assert certificate.revoked_on == revocation.decision_date
    inspection = revocation.inspections.get()
    assert (inspection.kind, inspection.status) == (Inspection.Kind.AD_HOC, "revocation")
    assert inspection.done_on == revocation.concluded_on
    mark = inspection.points.get(code="mark")
    assert mark.result == InspectionPoint.Result.NOT_MET and mark.note
    report = inspection.reports.get()
    assert (report.kind, report.status) == (PublicReport.Kind.MARK, PublicReport.Status.CLOSED)
    assert report.created_at < inspection.created_at < revocation.created_at
    assert report.created_at.year == 2026 and report.closing_note
    # Its notices, dated as the steps.
    notices = Notice.objects.filter(key__startswith=f"revocation:{revocation.pk}:")
    assert notices.exists()
    assert {n.created_at.date() for n in notices} <= {
        revocation.created_at.date(),
        revocation.decision_date,
    }


# --- A year of inspections ---------------------------------------------------------------------


def test_a_year_of_inspections(demo):
    plan = InspectionPlan.objects.get(year=2026)
    assert plan.is_approved and plan.approved_at.date() == date(2026, 6, 12)
    lines = plan.lines.all()
    assert lines.count() == 10
    assert {line.planned_month for line in lines} == set(range(7, 13))
    periodic = Counter(lines.values_list("status", flat=True))
    assert periodic == {"closed": 7, "recorded": 1, "planned": 2}
    assert {line.planned_month for line in lines.filter(status="planned")} == {12}
    assert Counter(Inspection.objects.values_list("kind", flat=True)) == {
        "periodic": 10,
        "reinspection": 1,
        "ad_hoc": 1,
    }
    recorded = Inspection.objects.exclude(status="planned")
    assert recorded.filter(result="passed").count() == 7
    for inspection in recorded:
        assert date(2026, 6, 12) < inspection.done_on <= DAY
        assert inspection.recorded_at.date() == inspection.done_on
        assert inspection.points.count() == 6 and inspection.inspectors
        assert inspection.attachments.exists()
    # A corrective deadline, then the re-inspection done (and the first one closed by it).
    again = Inspection.objects.get(kind="reinspection")
    first = again.follows
    assert first.follow_up == "corrective" and first.corrective_deadline == again.planned_on
    assert (first.status, again.status, again.result) == ("closed", "closed", "passed")
    assert again.done_on > first.corrective_deadline and again.recorded_by.username == "thoilai"
    # Awaiting what follows: the city's to decide.
    waiting = Inspection.objects.get(status="recorded")
    assert waiting.points.filter(result="not_met").exists()
    assert set(InspectionAttachment.objects.values_list("content_type", flat=True)) == {
        "application/pdf",
        "image/png",
    }
    assert InspectionAttachment.objects.aggregate(Max("size"))["size__max"] < 2_000
    reports = Counter(PublicReport.objects.values_list("status", flat=True))
    assert reports == {"closed": 2, "new": 1}
    assert all(r.closing_note for r in PublicReport.objects.filter(status="closed"))


def test_nothing_of_the_past_is_dated_on_the_day_the_demo_ran(demo):
    """The services stamp what they write with the present time; the loaders date each step
    as of its day (the latest: a report sent on 26/11/2026)."""
    cutoff = timezone.make_aware(datetime(2026, 11, 27))
    renewals = Evaluation.objects.filter(round__year=2026, kind="renewal")
    written = [
        InspectionPlan.objects.all(),
        Inspection.objects.all(),
        InspectionPoint.objects.all(),
        InspectionAttachment.objects.all(),
        PublicReport.objects.all(),
        Revocation.objects.all(),
        renewals,
        Transition.objects.filter(evaluation__in=renewals),
        DossierDocument.objects.filter(evaluation__in=renewals),
        Evaluation.objects.filter(round__year=2023),
        # Those the evaluations issued (the registry's own rows are loaded as of the load).
        Certificate.objects.filter(evaluation__kind="renewal", decision_date__year__gte=2023),
        Notice.objects.all(),
    ]
    for rows in written:
        model = rows.model
        for field in model._meta.concrete_fields:
            if field.get_internal_type() == "DateTimeField":
                latest = rows.aggregate(latest=Max(field.name))["latest"]
                assert latest is None or latest < cutoff, (model.__name__, field.name, latest)


# --- The figures of 2021–2023 -----------------------------------------------------------------


def test_the_published_figures_of_2021_to_2023_still_match(demo):
    end_2021, end_2022 = date(2021, 12, 31), date(2022, 12, 31)
    assert Certificate.objects.valid_on(end_2021).count() == 41
    decided_2022 = Certificate.objects.filter(decision_date__year=2022)
    assert Counter(decided_2022.values_list("stars", flat=True)) == {4: 33, 3: 18}
    valid_2022 = Certificate.objects.valid_on(end_2022)
    assert Counter(valid_2022.values_list("stars", flat=True)) == {4: 58, 3: 34}
    assert Certificate.objects.potential_five_star(end_2022).count() == 2
    rows = compare(PublishedFigure.objects.filter(year__lte=2023).select_related("province"))
    mismatches = {
        (row.figure.year, row.figure.measure, int(row.published)) for row in rows if not row.agrees
    }
    # The figures the press got wrong, and the plan's budget rounded otherwise (as before).
    assert mismatches == {
        (2022, "certified_3_star", 32),
        (2022, "new_products", 58),
        (2022, "producers_new", 46),
        (2023, "budget_total", 3_800_000_000),
        (2023, "budget_state_share", 52),
        (2023, "budget_socialised_share", 47),
    }


# --- Loading again -----------------------------------------------------------------------------


def snapshot() -> list:
    models = (
        Certificate,
        Evaluation,
        Transition,
        DossierDocument,
        InspectionPlan,
        Inspection,
        InspectionPoint,
        InspectionAttachment,
        PublicReport,
        Revocation,
        Notice,
    )
    rows = [serializers.serialize("json", model.objects.order_by("pk")) for model in models]
    histories = [
        model.history.count() for model in (Certificate, Evaluation, Inspection, Revocation)
    ]
    return [*rows, histories]


def test_a_second_load_writes_nothing(demo):
    before = snapshot()
    out = StringIO()
    call_command("load_demo", allow_demo_passwords=True, stdout=out)
    assert snapshot() == before
    printed = out.getvalue()
    assert "thêm 0 đợt đánh giá, 0 hồ sơ đánh giá." in printed
    assert "thêm 0 kế hoạch kiểm tra, 0 lượt kiểm tra, 0 phản ánh, 0 quyết định thu hồi." in printed
