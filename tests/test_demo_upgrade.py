"""A demo database loaded before the 2023 round was concluded (its dossiers left open: drafts
partly scored, dossiers sent for review) is brought up to date by loading the demo again: the
open dossiers are concluded from where they stand, dated 2023, and the 2026 re-ratings of
their certificates follow."""

from datetime import date

import pytest

from accounts.models import User
from evaluations import demo as evaluations
from evaluations.models import Evaluation
from ocop_portal import demo
from products.models import Certificate, Product

pytestmark = pytest.mark.django_db
S = Evaluation.Status
A = evaluations.A


@pytest.fixture
def old_demo(can_tho):
    """The registry, the accounts and two dossiers of the 2023 round as the earlier demo left
    them: a draft scored on 60% of its criteria, and one sent for review."""
    demo.load_registry()
    demo.load_accounts()
    users = {u.username: u for u in User.objects.all()}
    builder = evaluations._Builder(users)
    round_, _ = evaluations._ensure_round(evaluations.ROUND_2023, can_tho)
    left = {}
    for name, filled in (("Trà mãng cầu Kim Nhiên", 0.6), ("Bánh tráng nem Thu Ba", 1)):
        product = Product.objects.get(name=name)
        target = next(p.target for p in evaluations.PLANNED_2023 if p.product == name)
        left[name] = builder.create(
            round_=round_,
            product=product,
            kind="renewal",
            score=target,
            stars=round_.criteria_set().stars_for(target),
            filled=filled,
            previous=product.certificates.get(),
            created=evaluations.OPENED_2023,
        )
    submitted = left["Bánh tráng nem Thu Ba"]
    builder.step(submitted, A.SUBMIT, S.DRAFT, S.SUBMITTED, submitted.created_by, date(2023, 4, 10))
    return left


def test_loading_again_concludes_the_dossiers_left_open(old_demo):
    assert not old_demo["Trà mãng cầu Kim Nhiên"].sheets_complete
    counts = demo.load_evaluations()
    assert counts["evaluations"] == 51 + 9 + 16 + 6  # the two left open were not made again
    for name, evaluation in old_demo.items():
        evaluation.refresh_from_db()
        assert evaluation.status == S.RECOGNISED and evaluation.sheets_complete, name
        assert evaluation.documents.count() == 4
        steps = list(evaluation.transitions.values_list("action", flat=True))
        assert steps == ["create", "submit", "recognise"], name
        assert {step.at.year for step in evaluation.transitions.all()} == {2023}
        assert evaluation.updated_at.year == 2023
        assert {row.history_date.year for row in evaluation.history.all()} == {2023}
        assert evaluation.certificate.decision_date.year == 2023
    # The re-rating of 2026 of the one filed late follows.
    thu_ba = Certificate.objects.get(
        product__name="Bánh tráng nem Thu Ba", decision_date__year=2023
    )
    assert thu_ba.extended_until is not None
    assert demo.load_evaluations() == {"rounds": 0, "evaluations": 0}
