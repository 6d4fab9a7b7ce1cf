"""The synthetic national registry for load tests, at a tiny scale."""

import io
import random

import pytest
from django.core.management import CommandError, call_command

from evaluations.models import (
    Answer,
    CriteriaSet,
    Evaluation,
    MinimumsRule,
    ScoreSheet,
    Transition,
)
from evaluations.scoring import SheetStructure
from evaluations.services import evaluation_result
from ocop_portal import synthetic
from products.models import Certificate, Product
from subjects.models import Producer

pytestmark = pytest.mark.django_db


def test_refuses_without_debug_or_the_flag(can_tho, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="i-know-this-is-not-production"):
        call_command("generate_synthetic", scale=0.001)
    assert not Producer.objects.exists()


def test_tiny_scale_counts_and_valid_rows(can_tho, settings):
    settings.DEBUG = True
    call_command("generate_synthetic", scale=0.005, seed=7, stdout=io.StringIO())
    want = synthetic.targets(0.005)
    assert (want.producers, want.products, want.certificates) == (100, 250, 300)
    producers = Producer.objects.filter(address__endswith=synthetic.MARK)
    assert producers.count() == 100
    assert all(p.is_illustrative for p in producers)
    assert Product.objects.filter(producer__in=producers, is_illustrative=True).count() == 250
    certificates = Certificate.objects.filter(product__producer__in=producers)
    assert certificates.count() == 300
    # Every producer has at least one product, and the rows pass the models' own validation.
    assert not producers.filter(products__isnull=True).exists()
    sample = random.Random(1).sample(list(certificates.select_related("product")), 60)
    for certificate in sample:
        certificate.full_clean()
        assert certificate.valid_until == certificate.compute_valid_until()
    for product in Product.objects.filter(producer__in=producers)[:30]:
        product.full_clean()
    for producer in producers[:30]:
        producer.full_clean()


def test_deterministic_and_clear(can_tho, settings):
    settings.DEBUG = True
    synthetic.generate(seed=3, scale=0.002)
    first = list(Certificate.objects.order_by("pk").values_list("stars", "decision_date"))
    # Run again: complete already, nothing is written.
    assert synthetic.generate(seed=3, scale=0.002) == synthetic.Counts(0, 0, 0)
    assert synthetic.clear() > 0
    assert not Certificate.objects.exists()
    synthetic.generate(seed=3, scale=0.002)
    again = list(Certificate.objects.order_by("pk").values_list("stars", "decision_date"))
    assert first == again


# --- Rounds, evaluations and score sheets ----------------------------------------------------

SIZES = {"producers": 40, "products": 90, "certificates": 60}


def synthetic_evaluations():
    return Evaluation.objects.filter(round__in=synthetic.synthetic_rounds())


def test_evaluations_counts_exact_and_results_computed(can_tho, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command(
        "generate_synthetic",
        seed=5,
        rounds=3,
        evaluations=50,
        sheets=213,  # 4 members' sheets each, and 13 councils' agreed sheets
        stdout=out,
        **SIZES,
    )
    assert "\r[" in out.getvalue() and "100% phiếu chấm 213/213" in out.getvalue()
    rounds = synthetic.synthetic_rounds()
    assert rounds.count() == 3
    # Cần Thơ's rounds of 2026, numbered after the province's own, the last one still open.
    assert sorted(rounds.values_list("number", flat=True)) == [1, 2, 3]
    assert list(rounds.order_by("opens_on").values_list("closes_on", flat=True))[-1] is None
    assert all(round_.members.count() == 4 for round_ in rounds)
    evaluations = synthetic_evaluations()
    assert evaluations.count() == 50
    sheets = ScoreSheet.objects.filter(evaluation__in=evaluations)
    assert sheets.count() == 213
    assert sheets.filter(is_council=True).count() == 13
    assert evaluations.filter(minimums_rule=MinimumsRule.COUNCIL).count() == 13
    # On the real sheets of 26/2026, one product set's sheet each.
    assert set(evaluations.values_list("criteria_set__legal_basis", flat=True)) == {
        "26/2026/QĐ-TTg"
    }
    assert not CriteriaSet.objects.filter(
        evaluations__in=evaluations, is_illustrative=True
    ).exists()
    # Every sheet complete; its total and the evaluation's result are what the scoring says.
    for evaluation in evaluations.select_related("criteria_set__legal_basis"):
        structure = SheetStructure.load(evaluation.criteria_set)
        result = evaluation_result(evaluation, structure)
        assert evaluation.sheets_complete and result.complete
        assert (evaluation.score, evaluation.band_stars, evaluation.stars) == (
            result.score,
            result.band_stars,
            result.stars,
        )
        assert evaluation.is_eliminated == result.eliminated
        for sheet, sheet_result in zip(
            [s for s in evaluation.sheets.all() if not s.is_council], result.sheets, strict=True
        ):
            assert sheet.is_complete and sheet.total == sheet_result.total
            assert sheet.answered == sheet_result.answered == sheet_result.required
        evaluation.full_clean()
    # The totals spread over the bands, not one score for everyone.
    bands = set(evaluations.values_list("band_stars", flat=True))
    assert len(bands) >= 2
    # At most one open evaluation per product, each with its product code and first step.
    products = list(evaluations.values_list("product_id", flat=True))
    assert len(products) == len(set(products))
    assert evaluations.filter(code="").count() == 0
    assert Transition.objects.filter(evaluation__in=evaluations, action="create").count() == 50


def test_evaluations_resumable_and_idempotent(can_tho, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(synthetic, "EVALUATION_BATCH", 8)
    sizes = {**SIZES, "rounds": 2, "evaluations": 30, "sheets": 150}
    whole = synthetic.generate(seed=9, **sizes)
    assert (whole.rounds, whole.evaluations, whole.sheets) == (2, 30, 150)
    first = list(
        synthetic_evaluations()
        .order_by("pk")
        .values_list("product__name", "score", "stars", "status", "code")
    )
    answers = Answer.objects.filter(sheet__evaluation__in=synthetic_evaluations()).count()
    # Run again: nothing to write.
    again = synthetic.generate(seed=9, **sizes)
    assert again == synthetic.Counts(0, 0, 0, 0, 0, 0)
    assert synthetic_evaluations().count() == 30

    # A run stopped after its first batch of evaluations (each batch is one transaction)…
    synthetic.clear()
    calls = []
    real = synthetic._Evaluations._batch

    def stop_after_one(self, *args):
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        return real(self, *args)

    monkeypatch.setattr(synthetic._Evaluations, "_batch", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        synthetic.generate(seed=9, **sizes)
    assert synthetic_evaluations().count() == 8
    assert ScoreSheet.objects.filter(evaluation__in=synthetic_evaluations()).count() == 40
    # …is finished by running it again: the same rows as one whole run.
    monkeypatch.setattr(synthetic._Evaluations, "_batch", real)
    finished = synthetic.generate(seed=9, **sizes)
    assert (finished.producers, finished.rounds, finished.evaluations) == (0, 0, 22)
    assert finished.sheets == 110
    assert (
        list(
            synthetic_evaluations()
            .order_by("pk")
            .values_list("product__name", "score", "stars", "status", "code")
        )
        == first
    )
    assert Answer.objects.filter(sheet__evaluation__in=synthetic_evaluations()).count() == answers


def test_evaluations_refused_beyond_one_per_product(can_tho, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="nhiều nhất một"):
        call_command("generate_synthetic", evaluations=91, stdout=io.StringIO(), **SIZES)
    with pytest.raises(CommandError, match="ít nhất một phiếu"):
        call_command("generate_synthetic", evaluations=10, sheets=9, stdout=io.StringIO(), **SIZES)
