"""The review workflow: the transition table (every allowed and forbidden move, and who may
make it), each transition's service, recognition by the level each legal basis allows, the
certificates it creates, central results, re-recognition and upgrades, corrections, closed
rounds and the recognition of a whole round."""

import contextlib
from datetime import date, timedelta
from decimal import Decimal
from itertools import product as pairs

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluations import services, workflow
from evaluations.models import Evaluation, Transition
from products.models import Certificate, Product, add_months
from tests.conftest import officer_of
from tests.factories import CertificateFactory
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    fill,
    make_product,
    make_round,
    open_evaluation,
    option_of,
    planned_choices,
    scored,
    submitted,
    today,
)

pytestmark = pytest.mark.django_db

S = Evaluation.Status
STATUSES = list(S.values)


@pytest.fixture
def product(co_do):
    return make_product(co_do)


@pytest.fixture
def personas(officer_co_do, officer_ninh_kieu, city_reviewer, administrator):
    return {
        "local": officer_co_do,
        "outsider": officer_ninh_kieu,
        "city": city_reviewer,
        "admin": administrator,
    }


def recognise(evaluation, by, number="123/QĐ-UBND", day=None, signer="Phó Chủ tịch UBND"):
    return services.evaluation_recognise(
        evaluation=evaluation,
        by=by,
        decision_number=number,
        decision_date=day or today(),
        signer=signer,
    )


# --- The table --------------------------------------------------------------------------------

#: Who may make each move of the table, for a 4★ evaluation that the city decides (1489).
EXPECTED_ACTORS = {
    (S.DRAFT, S.SUBMITTED): {"local", "admin"},
    (S.SUBMITTED, S.RETURNED): {"city", "admin"},
    (S.SUBMITTED, S.RECOGNISED): {"city", "admin"},
    (S.SUBMITTED, S.NOT_RECOGNISED): {"city", "admin"},
    (S.RETURNED, S.RESUBMITTED): {"local", "admin"},
    (S.RESUBMITTED, S.RETURNED): {"city", "admin"},
    (S.RESUBMITTED, S.RECOGNISED): {"city", "admin"},
    (S.RESUBMITTED, S.NOT_RECOGNISED): {"city", "admin"},
    (S.RECOGNISED, S.PROPOSED_CENTRAL): {"city", "admin"},
    (S.RECOGNISED, S.RECOGNISED): {"admin"},
    (S.PROPOSED_CENTRAL, S.CENTRAL_RECOGNISED): {"city", "admin"},
    (S.PROPOSED_CENTRAL, S.CENTRAL_DECLINED): {"city", "admin"},
    (S.PROPOSED_CENTRAL, S.PROPOSED_CENTRAL): {"admin"},
    (S.CENTRAL_RECOGNISED, S.CENTRAL_RECOGNISED): {"admin"},
    (S.CENTRAL_DECLINED, S.CENTRAL_DECLINED): {"admin"},
    # The province checks the dossier against the sheet's "Hồ sơ bị loại khi…".
    (S.DRAFT, S.DISQUALIFIED): {"city", "admin"},
    (S.RETURNED, S.DISQUALIFIED): {"city", "admin"},
}


#: The 26/2026 process (Điều 7): who may make each move ("decider": the city reviewer here).
EXPECTED_TWO_LEVEL = {
    # Filed online by the producer's account; the commune receives it or returns it.
    (S.PREPARING, S.FILED): "producer",
    (S.FILED, S.RECEIVED): "local",
    (S.FILED, S.PREPARING): "local",
    (S.RECEIVED, S.FORWARDED): "local",
    (S.FORWARDED, S.ADVISORY): "city",
    (S.FORWARDED, S.RETURNED): "city",
    (S.FORWARDED, S.DISQUALIFIED): "city",
    (S.RETURNED, S.RESUBMITTED): "local_or_producer",
    (S.RETURNED, S.DISQUALIFIED): "city",
    (S.RESUBMITTED, S.ADVISORY): "city",
    (S.RESUBMITTED, S.RETURNED): "city",
    (S.RESUBMITTED, S.DISQUALIFIED): "city",
    (S.ADVISORY, S.COUNCIL): "city",
    (S.ADVISORY, S.RETURNED): "city",
    (S.ADVISORY, S.DISQUALIFIED): "city",
    (S.COUNCIL, S.SCORED): "city",
    (S.COUNCIL, S.RETURNED): "city",
    (S.SCORED, S.RECOGNISED): "city",
    (S.SCORED, S.NOT_RECOGNISED): "city",
    (S.SCORED, S.MINISTRY): "city",
    (S.SCORED, S.COUNCIL): "city",
    (S.SCORED, S.RETURNED): "city",
    (S.MINISTRY, S.CENTRAL_RECOGNISED): "city",
    (S.MINISTRY, S.MINISTRY_DECLINED): "city",
    (S.MINISTRY_DECLINED, S.RECOGNISED): "city",
    (S.MINISTRY_DECLINED, S.NOT_RECOGNISED): "city",
    (S.RECOGNISED, S.RECOGNISED): "admin",
    (S.CENTRAL_RECOGNISED, S.CENTRAL_RECOGNISED): "admin",
}
TWO_LEVEL_STATUSES = {
    S.PREPARING,
    S.FILED,
    S.RECEIVED,
    S.FORWARDED,
    S.RETURNED,
    S.RESUBMITTED,
    S.ADVISORY,
    S.COUNCIL,
    S.SCORED,
    S.MINISTRY,
    S.MINISTRY_DECLINED,
    S.RECOGNISED,
    S.NOT_RECOGNISED,
    S.CENTRAL_RECOGNISED,
    S.DISQUALIFIED,
}
OLD_PROCESS_STATUSES = set(STATUSES) - {
    S.PREPARING,
    S.FILED,
    S.RECEIVED,
    S.FORWARDED,
    S.ADVISORY,
    S.COUNCIL,
    S.SCORED,
    S.MINISTRY,
    S.MINISTRY_DECLINED,
}


def test_the_tables_are_exactly_the_documented_workflows():
    table = {
        (source, target) for source, targets in workflow.TRANSITIONS.items() for target in targets
    }
    assert table == set(EXPECTED_ACTORS)
    assert set(workflow.TRANSITIONS) == OLD_PROCESS_STATUSES
    two_level = {
        (source, target): actor.value
        for source, targets in workflow.TWO_LEVEL.items()
        for target, actor in targets.items()
    }
    expected = {
        pair: {
            "city": "reviewer",
            "local": "local",
            "admin": "admin",
            "producer": "producer",
            "local_or_producer": "local_or_producer",
        }[who]
        for pair, who in EXPECTED_TWO_LEVEL.items()
    }
    deciders = {(S.SCORED, S.RECOGNISED), (S.SCORED, S.NOT_RECOGNISED), (S.SCORED, S.MINISTRY)}
    deciders |= {(S.MINISTRY_DECLINED, S.RECOGNISED), (S.MINISTRY_DECLINED, S.NOT_RECOGNISED)}
    for pair in deciders:
        expected[pair] = "decider"
    assert two_level == expected
    assert set(workflow.TWO_LEVEL) == TWO_LEVEL_STATUSES
    assert {S.RECOGNISED, S.NOT_RECOGNISED, S.MINISTRY} == workflow.DECIDING_TARGETS


@pytest.fixture
def four_star(criteria_sets, product, officer_co_do):
    return scored(make_round(), product, officer_co_do, [76, 77, 78])


@pytest.mark.parametrize(("source", "target"), list(pairs(STATUSES, STATUSES)))
def test_every_move_is_allowed_only_to_its_actors(four_star, personas, source, target):
    four_star.status = source
    allowed = EXPECTED_ACTORS.get((source, target))
    for name, user in personas.items():
        if allowed is None:
            with pytest.raises(ValidationError) as refused:
                workflow.check(four_star, target, user)
            assert refused.value.code == "transition_not_allowed", (name, source, target)
        elif name in allowed:
            # Allowed to this person; whether the state permits it is tested below.
            with contextlib.suppress(ValidationError):
                workflow.check(four_star, target, user)
        else:
            with pytest.raises(PermissionDenied):
                workflow.check(four_star, target, user)


# --- Submitting and returning ------------------------------------------------------------------


def test_a_draft_is_submitted_only_when_every_sheet_is_complete(
    criteria_sets, product, officer_co_do
):
    evaluation = open_evaluation(make_round(), product, officer_co_do)
    sheet = evaluation.sheets.first()
    choices = dict(list(_plan(evaluation, 75).items())[:5])
    services.sheet_save(sheet=sheet, by=officer_co_do, choices=choices, version=sheet.version)
    with pytest.raises(ValidationError, match="chấm đủ"):
        services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    fill(evaluation, [75, 75, 75], by=officer_co_do)
    evaluation = services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    assert evaluation.status == S.SUBMITTED
    step = evaluation.transitions.last()
    assert (step.action, step.from_status, step.to_status, step.by) == (
        Transition.Action.SUBMIT,
        S.DRAFT,
        S.SUBMITTED,
        officer_co_do,
    )


def _plan(evaluation, total):
    from tests.test_evaluations_support import planned_choices

    return planned_choices(evaluation, Decimal(total), stars=4)


def test_returning_needs_a_comment_and_reopens_the_sheets(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [75, 75, 75])
    assert workflow.sheet_lock_reason(evaluation, officer_co_do)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_return(evaluation=evaluation, by=city_reviewer, comment="  ")
    assert "comment" in refused.value.error_dict
    evaluation = services.evaluation_return(
        evaluation=evaluation, by=city_reviewer, comment="Bổ sung phiếu kiểm nghiệm."
    )
    assert evaluation.status == S.RETURNED
    assert workflow.sheet_lock_reason(evaluation, officer_co_do) is None
    assert evaluation.transitions.last().comment == "Bổ sung phiếu kiểm nghiệm."

    evaluation = services.evaluation_resubmit(
        evaluation=evaluation, by=officer_co_do, comment="Đã bổ sung."
    )
    assert evaluation.status == S.RESUBMITTED
    evaluation = services.evaluation_return(
        evaluation=evaluation, by=city_reviewer, comment="Lần 2"
    )
    assert evaluation.status == S.RETURNED
    actions = list(evaluation.transitions.values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "resubmit", "return"]


def test_the_officer_cannot_return_or_recognise(criteria_sets, product, officer_co_do):
    evaluation = submitted(make_round(), product, officer_co_do, [75, 75, 75])
    with pytest.raises(PermissionDenied):
        services.evaluation_return(evaluation=evaluation, by=officer_co_do, comment="x")
    with pytest.raises(PermissionDenied):
        recognise(evaluation, officer_co_do)
    assert Certificate.objects.filter(product=product).count() == 0


def test_a_stale_copy_cannot_move_an_evaluation_twice(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [75, 75, 75])
    stale = Evaluation.objects.get(pk=evaluation.pk)
    recognise(evaluation, city_reviewer)
    with pytest.raises(ValidationError):
        services.evaluation_return(evaluation=stale, by=city_reviewer, comment="muộn")
    assert Certificate.objects.filter(product=product).count() == 1


# --- Recognition and its certificate ------------------------------------------------------------


def test_the_city_recognises_and_the_certificate_enters_the_registry(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [76, 77, 79])
    decided = today() - timedelta(days=2)
    evaluation = recognise(evaluation, city_reviewer, "812/QĐ-UBND", decided, "Trần Văn A")
    certificate = evaluation.certificate
    assert evaluation.status == S.RECOGNISED
    assert (certificate.stars, certificate.score) == (4, Decimal("77.33"))
    assert certificate.legal_basis_id == "1489/QĐ-TTg"
    assert (certificate.level, certificate.kind) == ("city", "new")
    assert (certificate.decision_number, certificate.decision_date) == ("812/QĐ-UBND", decided)
    assert certificate.area == product.producer.area
    assert certificate.valid_until == add_months(decided, 36) - timedelta(days=1)
    step = evaluation.transitions.last()
    assert (step.decision_number, step.decision_date, step.signer, step.by) == (
        "812/QĐ-UBND",
        decided,
        "Trần Văn A",
        city_reviewer,
    )
    product = Product.objects.with_status().get(pk=product.pk)
    assert (product.current_stars, product.current_valid_until) == (4, certificate.valid_until)


def test_recognition_needs_a_decision_in_the_past(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [75, 75, 75])
    with pytest.raises(ValidationError) as refused:
        services.evaluation_recognise(
            evaluation=evaluation,
            by=city_reviewer,
            decision_number="",
            decision_date=today() + timedelta(days=1),
            signer="",
        )
    assert set(refused.value.error_dict) == {"decision_number", "decision_date", "signer"}
    evaluation.refresh_from_db()
    assert evaluation.status == S.SUBMITTED
    assert not Certificate.objects.filter(product=product).exists()


def test_under_148_the_district_recorded_its_own_3_star_decision_until_june_2025(
    criteria_sets, product, officer_co_do, city_reviewer
):
    """Before 01/07/2025 a district decided its 3★ (by another officer than the one who
    entered the file); from that day the districts are gone and the province decides."""
    day = date(2025, 3, 3)
    colleague = officer_of("925", full_name="Phạm Thị Trưởng Phòng")
    round_ = make_round("148/QĐ-TTg")
    evaluation = services.evaluation_create(
        product=product, round=round_, kind="new", by=officer_co_do, today=day
    )
    sheets = list(evaluation.sheets.filter(is_council=False).order_by("member__order"))
    for index, (sheet, total) in enumerate(zip(sheets, [60, 62, 64], strict=True)):
        choices = planned_choices(evaluation, Decimal(total), stars=3, seed=index)
        services.sheet_save(
            sheet=sheet, by=officer_co_do, choices=choices, version=sheet.version, today=day
        )
    evaluation.refresh_from_db()
    evaluation = services.evaluation_submit(evaluation=evaluation, by=officer_co_do, today=day)
    assert workflow.deciding_level(evaluation, day) == "district"
    assert workflow.deciding_level(evaluation, date(2025, 7, 1)) == "city"
    with pytest.raises(PermissionDenied):
        workflow.check(evaluation, S.RECOGNISED, city_reviewer, today=day)
    with pytest.raises(PermissionDenied, match="quyết định phải do người khác"):
        workflow.check(evaluation, S.RECOGNISED, officer_co_do, today=day)
    evaluation = services.evaluation_return(
        evaluation=evaluation, by=colleague, comment="Bổ sung phiếu kiểm nghiệm.", today=day
    )
    evaluation = services.evaluation_resubmit(evaluation=evaluation, by=officer_co_do, today=day)
    # From July 2025 only the province decides an open dossier.
    with pytest.raises(PermissionDenied):
        workflow.check(evaluation, S.RECOGNISED, colleague, today=date(2025, 7, 1))
    workflow.check(evaluation, S.RECOGNISED, city_reviewer, today=date(2025, 7, 1))
    evaluation = services.evaluation_recognise(
        evaluation=evaluation,
        by=colleague,
        decision_number="45/QĐ-UBND",
        decision_date=day,
        signer="Chủ tịch UBND quận Cờ Đỏ",
        today=day,
    )
    assert (evaluation.certificate.stars, evaluation.certificate.level) == (3, "district")
    assert evaluation.certificate.legal_basis_id == "148/QĐ-TTg"


def test_under_148_the_city_decides_4_stars(criteria_sets, product, officer_co_do, city_reviewer):
    evaluation = submitted(make_round("148/QĐ-TTg"), product, officer_co_do, [72, 74, 76])
    with pytest.raises(PermissionDenied):
        recognise(evaluation, officer_co_do)
    evaluation = recognise(evaluation, city_reviewer)
    assert (evaluation.certificate.stars, evaluation.certificate.level) == (4, "city")


@pytest.mark.parametrize("basis", ["1048/QĐ-TTg", "1489/QĐ-TTg"])
def test_under_1048_and_1489_the_city_recognises_3_stars(
    criteria_sets, product, officer_co_do, city_reviewer, basis
):
    evaluation = submitted(make_round(basis), product, officer_co_do, [55, 56, 57])
    with pytest.raises(PermissionDenied):
        recognise(evaluation, officer_co_do)
    evaluation = recognise(evaluation, city_reviewer)
    assert (evaluation.certificate.stars, evaluation.certificate.level) == (3, "city")
    assert evaluation.certificate.legal_basis_id == basis


def test_below_50_points_is_not_recognised(criteria_sets, product, officer_co_do, city_reviewer):
    evaluation = submitted(make_round(), product, officer_co_do, [48, 49, 50])
    assert evaluation.stars == 2
    with pytest.raises(ValidationError, match="Không công nhận"):
        recognise(evaluation, city_reviewer)
    evaluation = services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)
    assert evaluation.status == S.NOT_RECOGNISED
    assert "49,00" in evaluation.transitions.last().comment
    assert not Certificate.objects.filter(product=product).exists()
    assert workflow.TRANSITIONS[S.NOT_RECOGNISED] == {}


def test_an_eliminated_product_is_not_recognised(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = open_evaluation(make_round(), product, officer_co_do)
    fill(
        evaluation,
        [80, 80, 80],
        by=officer_co_do,
        override=dict([option_of(evaluation, "A1.1", eliminating=True)]),
    )
    evaluation = services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    with pytest.raises(ValidationError, match="loại trừ"):
        recognise(evaluation, city_reviewer)
    evaluation = services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)
    assert evaluation.transitions.last().comment == (
        "Không xếp hạng, theo điều kiện loại của phiếu chấm: A1.1 — Nhập khẩu toàn bộ hoặc không "
        "rõ nguồn gốc, xuất xứ."
    )


def test_a_recognisable_product_cannot_be_refused(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [75, 75, 75])
    with pytest.raises(ValidationError, match="công nhận hoặc trả lại"):
        services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)


# --- The central council --------------------------------------------------------------------------


def test_90_points_at_the_city_is_recognised_4_stars_and_proposed_to_the_centre(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [90, 92, 93], stars=5)
    assert (evaluation.score, evaluation.stars) == (Decimal("91.67"), 5)
    evaluation = recognise(evaluation, city_reviewer)
    assert (evaluation.certificate.stars, evaluation.certificate.level) == (4, "city")
    assert evaluation.certificate.is_potential_five_star
    evaluation = services.evaluation_propose_central(evaluation=evaluation, by=city_reviewer)
    assert evaluation.status == S.PROPOSED_CENTRAL
    assert Certificate.objects.potential_five_star(today()).filter(product=product).exists()

    evaluation = services.evaluation_central_recognise(
        evaluation=evaluation,
        by=city_reviewer,
        decision_number="2361/QĐ-BNNMT",
        decision_date=today(),
        signer="Thứ trưởng Bộ Nông nghiệp và Môi trường",
    )
    assert evaluation.status == S.CENTRAL_RECOGNISED
    five = evaluation.central_certificate
    assert (five.stars, five.level, five.decision_number) == (5, "central", "2361/QĐ-BNNMT")
    assert product.certificate_on(today()) == five


def test_the_centre_may_keep_the_product_at_4_stars(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = submitted(make_round(), product, officer_co_do, [91, 91, 91], stars=5)
    evaluation = recognise(evaluation, city_reviewer)
    evaluation = services.evaluation_propose_central(evaluation=evaluation, by=city_reviewer)
    with pytest.raises(ValidationError):
        services.evaluation_central_decline(evaluation=evaluation, by=city_reviewer, comment="")
    evaluation = services.evaluation_central_decline(
        evaluation=evaluation, by=city_reviewer, comment="Chưa đạt 5 sao."
    )
    assert evaluation.status == S.CENTRAL_DECLINED
    assert product.certificate_on(today()).stars == 4


def test_below_90_is_not_proposed_to_the_centre(
    criteria_sets, product, officer_co_do, city_reviewer
):
    evaluation = recognise(
        submitted(make_round(), product, officer_co_do, [88, 89, 89]), city_reviewer
    )
    with pytest.raises(ValidationError, match="Trung ương"):
        services.evaluation_propose_central(evaluation=evaluation, by=city_reviewer)


# --- Re-recognition and upgrades ----------------------------------------------------------------


def test_re_recognition_replaces_the_previous_certificate_from_its_decision_date(
    criteria_sets, product, officer_co_do, city_reviewer
):
    old = CertificateFactory(product=product, stars=3, decision_date=date(2023, 12, 1))
    with pytest.raises(ValidationError, match="công nhận lại hoặc nâng hạng"):
        open_evaluation(make_round(), product, officer_co_do, kind="new")
    evaluation = open_evaluation(make_round(number=2), product, officer_co_do, kind="renewal")
    assert evaluation.previous_certificate == old
    fill(evaluation, [60, 62, 64], by=officer_co_do)
    services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    decided = today() - timedelta(days=1)
    evaluation = recognise(evaluation, city_reviewer, "900/QĐ-UBND", decided)
    renewed = evaluation.certificate
    assert renewed.kind == "renewal"
    assert product.certificate_on(decided - timedelta(days=1)) == old
    assert product.certificate_on(decided) == renewed


def test_an_upgrade_supersedes_the_lower_certificate(
    criteria_sets, product, officer_co_do, city_reviewer
):
    CertificateFactory(product=product, stars=3, decision_date=date(2024, 6, 1))
    evaluation = submitted(make_round(), product, officer_co_do, [75, 76, 77], kind="upgrade")
    evaluation = recognise(evaluation, city_reviewer)
    assert (evaluation.certificate.stars, evaluation.certificate.kind) == (4, "upgrade")
    assert Product.objects.with_status().get(pk=product.pk).current_stars == 4


def test_an_upgrade_that_does_not_score_higher_is_not_recognised(
    criteria_sets, product, officer_co_do, city_reviewer
):
    CertificateFactory(product=product, stars=4, decision_date=date(2024, 6, 1))
    evaluation = submitted(make_round(), product, officer_co_do, [75, 76, 77], kind="upgrade")
    with pytest.raises(ValidationError, match="cao hơn"):
        recognise(evaluation, city_reviewer)
    evaluation = services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)
    assert "không cao hơn" in evaluation.transitions.last().comment


def test_a_product_has_one_open_evaluation_at_a_time(criteria_sets, product, officer_co_do):
    open_evaluation(make_round(), product, officer_co_do)
    with pytest.raises(ValidationError, match="chưa kết luận"):
        open_evaluation(make_round(number=2), product, officer_co_do)


def test_an_officer_opens_evaluations_only_in_their_areas(
    criteria_sets, product, officer_ninh_kieu, city_reviewer
):
    round_ = make_round()
    for user in (officer_ninh_kieu, city_reviewer):
        with pytest.raises(PermissionDenied):
            open_evaluation(round_, product, user)


def test_a_district_round_takes_only_its_districts_products(
    criteria_sets, co_do, ninh_kieu, officer_co_do
):
    round_ = make_round("148/QĐ-TTg", level="district", area=ninh_kieu)
    with pytest.raises(ValidationError, match="không thuộc địa bàn"):
        open_evaluation(round_, make_product(co_do), officer_co_do)


# --- Closed rounds ------------------------------------------------------------------------------


def test_a_closed_round_locks_its_evaluations_and_says_why(
    criteria_sets, product, officer_co_do, city_reviewer
):
    round_ = make_round(closes_on=today() + timedelta(days=10))
    evaluation = scored(round_, product, officer_co_do, [75, 75, 75])
    round_.closes_on = today() - timedelta(days=1)
    round_.save()
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    reason = workflow.sheet_lock_reason(evaluation, officer_co_do)
    assert "đã kết thúc" in reason
    sheet = evaluation.sheets.first()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.sheet_save(sheet=sheet, by=officer_co_do, choices={}, version=sheet.version)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    with pytest.raises(ValidationError, match="không mở nhận hồ sơ"):
        open_evaluation(round_, make_product(product.producer.area, "Khác"), officer_co_do)


def test_a_decision_can_still_follow_a_closed_round(
    criteria_sets, product, officer_co_do, city_reviewer
):
    round_ = make_round(closes_on=today() + timedelta(days=10))
    evaluation = submitted(round_, product, officer_co_do, [75, 75, 75])
    round_.closes_on = today() - timedelta(days=1)
    round_.save()
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.evaluation_return(evaluation=evaluation, by=city_reviewer, comment="x")
    assert recognise(evaluation, city_reviewer).status == S.RECOGNISED


# --- Corrections by an administrator ------------------------------------------------------------


@pytest.fixture
def recognised(criteria_sets, product, officer_co_do, city_reviewer):
    return recognise(submitted(make_round(), product, officer_co_do, [76, 77, 78]), city_reviewer)


def test_only_an_administrator_corrects_a_recognised_evaluation_with_a_reason(
    recognised, officer_co_do, city_reviewer, administrator
):
    sheet = recognised.sheets.order_by("member__order").first()
    choices = services.sheet_choices([sheet])[sheet.pk]
    for user in (officer_co_do, city_reviewer):
        assert workflow.sheet_lock_reason(recognised, user)
        with pytest.raises(ValidationError, match="chỉ quản trị viên"):
            services.sheet_save(sheet=sheet, by=user, choices=choices, version=sheet.version)
    with pytest.raises(ValidationError) as refused:
        services.sheet_save(sheet=sheet, by=administrator, choices=choices, version=sheet.version)
    assert "reason" in refused.value.error_dict

    criterion_id, option_id = option_of(recognised, "B1.1", points=5)
    changed = {**choices, criterion_id: option_id}
    sheet = services.sheet_save(
        sheet=sheet,
        by=administrator,
        choices=changed,
        version=sheet.version,
        reason="Nhập nhầm phiếu giấy của thành viên 1.",
    )
    recognised.refresh_from_db()
    step = recognised.transitions.last()
    assert (step.action, step.by, step.comment) == (
        Transition.Action.CORRECT,
        administrator,
        "Nhập nhầm phiếu giấy của thành viên 1.",
    )
    assert "B1.1" in step.changes
    recognised.certificate.refresh_from_db()
    assert recognised.certificate.score == recognised.score
    assert recognised.status == S.RECOGNISED


def test_a_correction_that_would_change_the_stars_is_refused(recognised, administrator):
    sheet = recognised.sheets.first()
    choices = services.sheet_choices([sheet])[sheet.pk]
    criterion_id, option_id = option_of(recognised, "A1.1", eliminating=True)
    with pytest.raises(ValidationError, match="cần một quyết định mới"):
        services.sheet_save(
            sheet=sheet,
            by=administrator,
            choices={**choices, criterion_id: option_id},
            version=sheet.version,
            reason="Thử",
        )
    recognised.refresh_from_db()
    assert not recognised.is_eliminated
    assert recognised.transitions.last().action == Transition.Action.RECOGNISE


def test_an_administrator_corrects_the_decision_and_its_certificate(
    recognised, administrator, city_reviewer
):
    with pytest.raises(PermissionDenied):
        services.evaluation_correct_decision(
            evaluation=recognised,
            by=city_reviewer,
            reason="x",
            decision_number="1/QĐ-UBND",
            decision_date=today(),
            signer="X",
        )
    day = today() - timedelta(days=3)
    evaluation = services.evaluation_correct_decision(
        evaluation=recognised,
        by=administrator,
        reason="Sai số quyết định khi nhập.",
        decision_number="124/QĐ-UBND",
        decision_date=day,
        signer=recognised.signer,
    )
    certificate = Certificate.objects.get(pk=evaluation.certificate_id)
    assert (certificate.decision_number, certificate.decision_date) == ("124/QĐ-UBND", day)
    assert certificate.valid_until == add_months(day, 36) - timedelta(days=1)
    step = evaluation.transitions.last()
    assert step.comment == "Sai số quyết định khi nhập."
    assert "123/QĐ-UBND → 124/QĐ-UBND" in step.changes


# --- A whole round under one decision -----------------------------------------------------------


def test_the_city_recognises_a_whole_round_under_one_decision(
    criteria_sets, co_do, officer_co_do, city_reviewer
):
    round_ = make_round()
    first = submitted(round_, make_product(co_do, "Một"), officer_co_do, [60, 60, 60])
    second = submitted(round_, make_product(co_do, "Hai"), officer_co_do, [80, 80, 80])
    done = services.round_recognise(
        round=round_,
        by=city_reviewer,
        evaluations=[first, second],
        decision_number="3787/QĐ-UBND",
        decision_date=today(),
        signer="Phó Chủ tịch UBND thành phố",
    )
    assert {e.certificate.stars for e in done} == {3, 4}
    assert {e.certificate.decision_number for e in done} == {"3787/QĐ-UBND"}


def test_a_round_decision_is_all_or_nothing(criteria_sets, co_do, officer_co_do, city_reviewer):
    round_ = make_round()
    good = submitted(round_, make_product(co_do, "Một"), officer_co_do, [70, 70, 70])
    weak = submitted(round_, make_product(co_do, "Hai"), officer_co_do, [40, 40, 40])
    with pytest.raises(ValidationError) as refused:
        services.round_recognise(
            round=round_,
            by=city_reviewer,
            evaluations=[good, weak],
            decision_number="3787/QĐ-UBND",
            decision_date=today(),
            signer="Phó Chủ tịch",
        )
    assert "Hai" in " ".join(refused.value.messages)
    assert not Certificate.objects.filter(decision_number="3787/QĐ-UBND").exists()
    good.refresh_from_db()
    assert good.status == S.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.round_recognise(
            round=round_,
            by=officer_co_do,
            evaluations=[good],
            decision_number="1/QĐ",
            decision_date=today(),
            signer="X",
        )
