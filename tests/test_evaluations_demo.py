"""The demo's evaluations: the 2022 rounds behind the 51 recognitions of the registry demo, and
2023 work for every demo account; loading twice changes nothing."""

from decimal import Decimal

import pytest
from django.db.models import Max
from django.urls import reverse

from accounts.models import User
from evaluations import workflow
from evaluations.demo import OFFICERS, load_evaluations
from evaluations.models import Answer, Evaluation, Round, ScoreSheet, Transition
from ocop_portal import demo
from products.models import Certificate

pytestmark = pytest.mark.django_db
S = Evaluation.Status


@pytest.fixture
def loaded(can_tho):
    demo.load_registry()
    demo.load_accounts()
    steps = []
    counts = load_evaluations(progress=lambda done, total: steps.append((done, total)))
    return counts, steps


def test_each_2022_recognition_has_its_evaluation(loaded):
    _counts, steps = loaded
    certificates = Certificate.objects.filter(decision_date__year=2022, kind="new")
    assert certificates.count() == 51
    assert steps[-1] == (51, 51)
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


def test_the_two_potential_5_stars_were_forwarded_to_the_centre(loaded):
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


def test_2023_gives_every_demo_account_something_to_do(loaded, client):
    by_status = {
        status: Evaluation.objects.filter(round__year=2023, status=status).count()
        for status in (S.DRAFT, S.SUBMITTED, S.RETURNED)
    }
    assert by_status[S.DRAFT] >= 3 and by_status[S.SUBMITTED] >= 1 and by_status[S.RETURNED] == 1
    for username in OFFICERS.values():
        client.force_login(User.objects.get(username=username))
        context = client.get(reverse("evaluations:queue")).context
        todo = context["drafts"] + context["returned"] + context["to_decide"]
        assert todo, username
    client.force_login(User.objects.get(username="city"))
    assert client.get(reverse("evaluations:queue")).context["review_count"] >= 1
    returned = Evaluation.objects.get(status=S.RETURNED)
    assert returned.transitions.last().comment
    assert returned.round.legal_basis().code == "148/QĐ-TTg"
    # Under 148, Thốt Nốt decides its own 3★ renewal.
    three = Evaluation.objects.get(status=S.SUBMITTED, stars=3)
    assert workflow.deciding_level(three) == "district"


def test_loading_the_demo_twice_changes_nothing(loaded):
    tables = (Round, Evaluation, ScoreSheet, Answer, Transition, Certificate)

    def state():
        return [
            (model.objects.count(), model.objects.aggregate(Max("pk"))["pk__max"])
            for model in tables
        ] + [Evaluation.objects.aggregate(Max("updated_at"))["updated_at__max"]]

    before = state()
    assert load_evaluations() == {"rounds": 0, "evaluations": 0}
    assert state() == before
    assert Evaluation.history.filter(history_type="~").count() == 0


def test_demo_scores_are_decimals_to_two_places(loaded):
    for score in Evaluation.objects.exclude(score=None).values_list("score", flat=True):
        assert score == score.quantize(Decimal("0.01"))
