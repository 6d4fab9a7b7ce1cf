"""The demo's evaluations: the 2022 rounds behind the 51 recognitions of the registry demo, a
2023 round closed with what was left in it, and a 2026 round under 26/2026/QĐ-TTg with work for
every demo account on the real sheets; loading twice changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Max
from django.urls import reverse

from accounts.models import User
from evaluations import services, workflow
from evaluations.demo import OFFICERS, load_evaluations
from evaluations.models import Answer, Evaluation, Round, ScoreSheet, Transition
from evaluations.scoring import SheetStructure
from products.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
S = Evaluation.Status


def test_each_2022_recognition_has_its_evaluation(demo):
    certificates = Certificate.objects.filter(decision_date__year=2022, kind="new")
    assert certificates.count() == 51
    for certificate in certificates.select_related("evaluation__criteria_set"):
        evaluation = certificate.evaluation
        assert evaluation.criteria_set.legal_basis_id == "1048/QĐ-TTg"
        assert evaluation.sheets_complete and not evaluation.is_eliminated
        if certificate.score is not None:
            assert evaluation.score == certificate.score
        assert evaluation.criteria_set.stars_for(evaluation.score) == evaluation.band_stars
        assert evaluation.criteria_set.certifiable_stars(evaluation.stars) == certificate.stars
        assert evaluation.recognised_stars == certificate.stars
        assert evaluation.decision_number == certificate.decision_number
        assert evaluation.round.year == 2022 and evaluation.round.is_closed()
        totals = list(evaluation.sheets.values_list("total", flat=True))
        assert len(totals) == 4
        assert sum(totals) / 4 == evaluation.score


def test_the_two_potential_5_stars_were_forwarded_to_the_centre(demo):
    proposed = Evaluation.objects.filter(status=S.PROPOSED_CENTRAL)
    assert {e.product.name for e in proposed} == {
        "Khô cá lóc một nắng Kim Loan",
        "Dâu Hạ Châu Nhơn Ái",
    }
    for evaluation in proposed:
        assert evaluation.score >= 90 and evaluation.certificate.is_potential_five_star
        actions = list(evaluation.transitions.values_list("action", flat=True))
        assert actions == ["create", "submit", "recognise", "propose_central"]
    assert Evaluation.objects.filter(round__year=2022, status=S.RECOGNISED).count() == 49


def test_the_2023_round_ended_as_such_rounds_end_and_holds_nothing_dated_2026(demo):
    round_ = Round.objects.get(year=2023)
    assert round_.closes_on == date(2023, 12, 29) and round_.is_closed()
    assert round_.legal_basis().code == "148/QĐ-TTg"
    assert round_.created_at.year == 2023 and round_.updated_at.year == 2023
    evaluations = Evaluation.objects.filter(round=round_)
    # Nothing left open to show as overdue: recognised, or closed (withdrawn, never completed).
    assert not evaluations.filter(status__in=Evaluation.OPEN_STATUSES).exists()
    assert evaluations.filter(status=S.RECOGNISED).count() == 8
    assert evaluations.filter(status=S.DISQUALIFIED).count() == 3
    for evaluation in evaluations:
        assert evaluation.created_at.year == evaluation.updated_at.year == 2023
        assert evaluation.minimums_rule == "lowest"
        assert {step.at.year for step in evaluation.transitions.all()} == {2023}
        assert {sheet.updated_at.year for sheet in evaluation.sheets.all()} == {2023}
        assert {row.history_date.year for row in evaluation.history.all()} == {2023}
        assert {d.added_at.year for d in evaluation.documents.all()} == {2023}
    for evaluation in evaluations.filter(status=S.DISQUALIFIED):
        assert evaluation.transitions.last().comment
    upgrade = evaluations.get(kind="upgrade")
    assert [s.action for s in upgrade.transitions.all()] == [
        "create",
        "submit",
        "return",
        "disqualify",
    ]


def test_the_2023_recognitions_were_decided_by_the_level_of_their_stars(demo):
    """Under 148/QĐ-TTg the district recognised 3★ (entered from its decision), the city 4★;
    the certificates of 09–12/2023 run to 09–12/2026, each dossier holding the papers that the
    re-rating of 2026 starts from."""
    recognised = Evaluation.objects.filter(round__year=2023, status=S.RECOGNISED).select_related(
        "certificate__area", "previous_certificate"
    )
    for evaluation in recognised:
        certificate = evaluation.certificate
        assert certificate.legal_basis_id == "148/QĐ-TTg" and certificate.kind == "renewal"
        assert date(2023, 9, 1) <= certificate.decision_date <= date(2023, 12, 29)
        assert certificate.valid_until.year == 2026 and certificate.valid_until.month >= 9
        assert certificate.area == evaluation.product.producer.area  # the former district
        assert certificate.stars == evaluation.previous_certificate.stars
        assert evaluation.documents.count() == 4 and evaluation.self_assessments.exists()
        step = evaluation.transitions.get(action="recognise")
        assert step.at.date() == certificate.decision_date
        if certificate.stars == 3:
            assert certificate.level == "district"
            assert step.by is None and evaluation.signer == "Chủ tịch UBND quận Thốt Nốt"
        else:
            assert certificate.level == "city" and step.by.username == "city"
    assert {e.certificate.stars for e in recognised} == {3, 4}


def test_2026_gives_every_demo_account_something_to_do(demo, client):
    rounds = Round.objects.filter(year=2026).order_by("number")
    assert [(r.number, r.is_extra) for r in rounds] == [(2, False), (3, True)]
    for round_ in rounds:
        assert round_.is_open() and round_.legal_basis().code == "26/2026/QĐ-TTg"
    # Received after the second round's cut-off, a dossier waits in the extra round.
    assert rounds[0].forward_deadline_reason() and not rounds[1].forward_deadline_reason()
    late = Evaluation.objects.filter(round__year=2026, filed_on__gt=date(2026, 10, 30))
    assert late.exists() and set(late.values_list("round__number", flat=True)) == {3}
    for username in OFFICERS.values():
        client.force_login(User.objects.get(username=username))
        context = client.get(reverse("evaluations:queue")).context
        todo = [
            evaluation
            for evaluation in context["received"] + context["returned"]
            if evaluation.round.year == 2026
        ]
        assert todo, username
    client.force_login(User.objects.get(username="city"))
    context = client.get(reverse("evaluations:queue")).context
    assert context["review_count"] >= 6
    waiting = {
        evaluation.status
        for group in context["review_groups"]
        for district in group["districts"]
        for evaluation in district["evaluations"]
    }
    assert {S.FORWARDED, S.ADVISORY, S.COUNCIL, S.SCORED, S.MINISTRY} <= waiting


def test_2026_holds_a_dossier_at_every_step_of_26_2026(demo):
    """At the commune (two of them late), returned, forwarded, with the Tổ tư vấn, with the
    council, scored, decided, and at the Ministry; nobody decides a file they had a hand in."""
    evaluations = Evaluation.objects.filter(round__year=2026)
    statuses = set(evaluations.values_list("status", flat=True))
    assert statuses == {
        S.RECEIVED,
        S.RETURNED,
        S.FORWARDED,
        S.ADVISORY,
        S.COUNCIL,
        S.SCORED,
        S.RECOGNISED,
        S.MINISTRY,
    }
    late = [
        e
        for e in evaluations.filter(status=S.RECEIVED)
        if (date.today() - e.filed_on).days > 21  # 15 working days: three weeks at least
    ]
    assert {e.product.name for e in late} == {"Trà bông sen Ninh Kiều", "Mật ong hoa tràm Cờ Đỏ"}
    returned = evaluations.get(product__name="Gạo thơm Thới An")
    assert "phiếu kết quả kiểm nghiệm" in workflow.next_step(returned).why
    recognised = evaluations.get(status=S.RECOGNISED, kind="new")
    assert recognised.certificate.legal_basis_id == "26/2026/QĐ-TTg"
    assert recognised.certificate.stars == recognised.recognised_stars == 4
    ministry = evaluations.get(status=S.MINISTRY)
    assert ministry.score >= 90 and ministry.approval_number and ministry.certificate is None
    secretary = User.objects.get(username="thuky")
    city = User.objects.get(username="city")
    for evaluation in evaluations.filter(status=S.SCORED):
        assert workflow.own_file_reason(evaluation, secretary)
        assert workflow.own_file_reason(evaluation, city) is None


def test_2026_products_of_current_communes_are_scored_on_their_real_sheets(demo):
    # The new products; the re-ratings of products of the former districts are in
    # test_demo_after_recognition, the dossier a producer filed online in test_demo.
    evaluations = Evaluation.objects.filter(round__year=2026, kind="new", online=False)
    evaluations = evaluations.select_related(
        "product__category", "product__producer__area", "criteria_set__category"
    )
    assert evaluations.count() == 16
    sets = set()
    for evaluation in evaluations:
        area = evaluation.product.producer.area
        assert area.is_current and area.level == area.Level.COMMUNE
        assert evaluation.criteria_set.legal_basis_id == "26/2026/QĐ-TTg"
        assert evaluation.criteria_set.category == evaluation.product.category
        assert not evaluation.criteria_set.is_illustrative
        assert evaluation.code == f"92-{area.code}-{evaluation.number:02d}-2026"
        assert evaluation.created_at.year == 2026 and evaluation.minimums_rule == "median"
        sets.add(evaluation.criteria_set.category.code)
    # Fresh fruit, rice, honey, processed fish, fish sauce, tea and rice cakes.
    assert {"I.1.a", "I.2.a", "I.3.d", "I.4.a", "I.5.b"} <= sets
    for evaluation in evaluations.filter(status__in=[S.SCORED, S.RECOGNISED, S.MINISTRY]):
        assert evaluation.sheets_complete and evaluation.sheets.count() == 5
        assert evaluation.stars and evaluation.stars >= 3


def test_one_2026_product_reaches_the_4_star_band_but_misses_a_4_star_minimum(demo):
    fish = Evaluation.objects.get(round__year=2026, product__name="Chả cá thát lát Cái Răng")
    assert fish.status == S.SCORED
    assert (fish.band_stars, fish.stars) == (4, 3)
    result = services.evaluation_result(fish, SheetStructure.load(fish.criteria_set))
    assert [(m.stars, m.criterion.code, m.required, m.reading) for m in result.missing] == [
        (4, "2.3", 3, 1)
    ]
    strawberry = Evaluation.objects.get(round__year=2026, product__name="Dâu Hạ Châu Mỹ Khánh")
    assert (strawberry.band_stars, strawberry.stars) == (4, 4)


def test_loading_the_demo_twice_changes_nothing(demo):
    tables = (Round, Evaluation, ScoreSheet, Answer, Transition, Certificate)

    def state():
        return [
            (model.objects.count(), model.objects.aggregate(Max("pk"))["pk__max"])
            for model in tables
        ] + [Evaluation.objects.aggregate(Max("updated_at"))["updated_at__max"]]

    before = state()
    history = Evaluation.history.count()
    steps = []
    again = load_evaluations(progress=lambda done, total: steps.append((done, total)))
    assert again == {"rounds": 0, "evaluations": 0}
    assert steps[-1] == (51, 51)
    assert state() == before
    assert Evaluation.history.count() == history


def test_demo_scores_are_decimals_to_two_places(demo):
    for score in Evaluation.objects.exclude(score=None).values_list("score", flat=True):
        assert score == score.quantize(Decimal("0.01"))
