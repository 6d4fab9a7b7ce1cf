"""Scoring and the criteria sets as data: band edges, averages rounded half up, eliminating
options, star minimums read across the members; the shipped sets; a fourth legal basis from
data files alone."""

import json
import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluations import services
from evaluations.criteria import DATA_DIR, CriteriaDataError, load_criteria_sets, read_sets
from evaluations.models import Evaluation, Option
from evaluations.scoring import SheetStructure, average, band_stars
from products.models import LegalBasis, add_months
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    fill,
    make_product,
    make_round,
    open_evaluation,
    option_of,
    scored,
)

pytestmark = pytest.mark.django_db

BANDS_1048 = [(5, Decimal(90)), (4, Decimal(70)), (3, Decimal(50)), (2, Decimal(30)), (1, 0)]


# --- Bands and averages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "stars"),
    [
        ("0", 1),
        ("29.99", 1),
        ("30", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
    ],
)
def test_star_bands_at_their_edges(score, stars):
    assert band_stars(Decimal(score), BANDS_1048) == stars


@pytest.mark.parametrize("basis", ["1048/QĐ-TTg", "148/QĐ-TTg", "1489/QĐ-TTg"])
def test_every_shipped_set_has_the_1048_bands(criteria_sets, basis):
    criteria_set = criteria_sets[basis]
    for score, stars in [("49.99", 2), ("50", 3), ("69.99", 3), ("70", 4), ("89.99", 4), ("90", 5)]:
        assert criteria_set.stars_for(Decimal(score)) == stars


def test_average_is_to_two_decimals_rounded_half_up():
    assert average([Decimal(70), Decimal(71), Decimal(71)]) == Decimal("70.67")
    assert average([Decimal("70"), Decimal("70.01")]) == Decimal("70.01")  # 70.005 → up
    assert average([Decimal("89.99"), Decimal("90")]) == Decimal("90.00")  # 89.995 → up
    assert average([Decimal("49.98"), Decimal("49.99")]) == Decimal("49.99")  # 49.985 → up
    assert average([]) is None


def test_score_is_the_average_of_the_members_totals(criteria_sets, co_do, officer_co_do):
    evaluation = scored(make_round(members=4), make_product(co_do), officer_co_do, [88, 90, 91, 92])
    assert evaluation.score == Decimal("90.25")
    assert (evaluation.band_stars, evaluation.stars) == (5, 5)


@pytest.mark.parametrize(
    ("totals", "score", "stars"),
    [
        ([49, 50, 50], "49.67", 2),
        ([50, 50, 50], "50.00", 3),
        ([69, 70, 70], "69.67", 3),
        ([70, 70, 70], "70.00", 4),
        ([89, 90, 90], "89.67", 4),
        ([90, 90, 90], "90.00", 5),
    ],
)
def test_members_sheets_at_the_band_edges(
    criteria_sets, co_do, officer_co_do, totals, score, stars
):
    evaluation = scored(
        make_round(), make_product(co_do), officer_co_do, totals, stars=min(stars + 1, 5)
    )
    assert evaluation.score == Decimal(score)
    assert evaluation.stars == stars


# --- Eliminating options and star minimums ----------------------------------------------------


def test_an_eliminating_option_on_any_sheet_means_not_rated(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    raw_material = dict([option_of(evaluation, "A1.1", eliminating=True)])
    fill(evaluation, [85, 86, 87], by=officer_co_do, override=raw_material)
    assert evaluation.is_eliminated
    assert evaluation.stars is None
    assert evaluation.score is not None  # the points are still shown


def test_a_minimum_all_members_miss_caps_the_stars(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    # Traceability (A2.4) must score for 4★: 0 there keeps an 82-point product at 3★.
    no_traceability = dict([option_of(evaluation, "A2.4", points=0)])
    fill(evaluation, [82, 82, 82], by=officer_co_do, stars=4, override=no_traceability, on=3)
    assert evaluation.band_stars == 4
    assert evaluation.stars == 3


def test_missing_a_3_star_minimum_means_no_certificate(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    no_label = dict([option_of(evaluation, "A2.3", points=0)])
    fill(evaluation, [75, 75, 75], by=officer_co_do, stars=4, override=no_label, on=3)
    assert evaluation.stars == 2


def test_a_5_star_minimum_caps_a_90_point_product_at_4(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    no_quality_system = dict([option_of(evaluation, "C3.4", points=0)])
    # Two members of three (the median) score the quality system 0.
    fill(evaluation, [97, 97, 90], by=officer_co_do, stars=5, override=no_quality_system, on=2)
    assert evaluation.band_stars == 5
    assert evaluation.stars == 4


def test_one_member_of_three_below_a_minimum_does_not_cap_under_the_median(
    criteria_sets, co_do, officer_co_do
):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    assert evaluation.minimums_rule == "median"
    no_traceability = dict([option_of(evaluation, "A2.4", points=0)])
    fill(evaluation, [82, 82, 82], by=officer_co_do, stars=4, override=no_traceability, on=1)
    assert evaluation.stars == 4
    fill(evaluation, [82, 82, 82], by=officer_co_do, stars=4, override=no_traceability, on=2)
    assert evaluation.stars == 3


def test_evaluations_scored_before_the_setting_read_the_lowest_member(
    criteria_sets, co_do, officer_co_do
):
    """They were capped when any member scored 0 on a mandatory criterion: still so."""
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    Evaluation.objects.filter(pk=evaluation.pk).update(minimums_rule="lowest")
    evaluation.refresh_from_db()
    no_traceability = dict([option_of(evaluation, "A2.4", points=0)])
    fill(evaluation, [82, 82, 82], by=officer_co_do, stars=4, override=no_traceability, on=1)
    assert evaluation.stars == 3


def test_sheet_result_counts_parts_and_completeness(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    structure = SheetStructure.load(evaluation.criteria_set)
    first = next(iter(structure.criteria.values()))
    result = structure.sheet_result({first.id: first.options[-1].id})
    assert result.answered == 1 and not result.complete
    assert result.part_totals["A"] == first.max_points
    assert result.total == first.max_points


# --- The shipped criteria sets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "maxima"),
    [
        ("1048/QĐ-TTg", {"A": 35, "B": 25, "C": 40}),
        ("148/QĐ-TTg", {"A": 40, "B": 25, "C": 35}),
        ("1489/QĐ-TTg", {"A": 40, "B": 25, "C": 35}),
    ],
)
def test_section_maxima_add_up_to_the_part_maxima(criteria_sets, basis, maxima):
    structure = SheetStructure.load(criteria_sets[basis])
    assert {part.code: part.max_points for part in structure.parts} == maxima
    for part in structure.parts:
        assert sum(section.max_points for section in part.sections) == part.max_points
    assert structure.max_total == 100
    assert criteria_sets[basis].is_illustrative
    assert "minh họa" in criteria_sets[basis].name


def test_legal_bases_come_from_their_data_files(criteria_sets):
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    assert set(bases) == {"1048/QĐ-TTg", "148/QĐ-TTg", "1489/QĐ-TTg", "26/2026/QĐ-TTg"}
    assert all(basis.certificate_validity_months == 36 for basis in bases.values())
    # 148 and 1489 lapse 60 days after 26/2026 takes effect on 22/05/2026 (its Điều 11).
    assert bases["148/QĐ-TTg"].in_force_until == date(2026, 7, 21)
    assert bases["1489/QĐ-TTg"].in_force_until == date(2026, 7, 21)
    law = bases["26/2026/QĐ-TTg"]
    assert (law.signed_on, law.in_force_from, law.in_force_until) == (
        date(2026, 5, 22),
        date(2026, 5, 22),
        None,
    )
    assert {basis.code for basis in law.replaces.all()} == {"148/QĐ-TTg", "1489/QĐ-TTg"}
    assert (law.transition_days, law.transition_rerating_days, law.late_rerating_grace_days) == (
        60,
        30,
        180,
    )
    assert law.levels == ["commune", "city", "central"]
    for basis, criteria_set in criteria_sets.items():
        assert criteria_set.legal_basis == bases[basis]


def test_who_recognises_what_comes_from_the_data(criteria_sets):
    levels = {
        basis: {stars: criteria_set.recognising_level(stars) for stars in range(1, 6)}
        for basis, criteria_set in criteria_sets.items()
    }
    assert levels["1048/QĐ-TTg"] == {1: None, 2: None, 3: "city", 4: "city", 5: "central"}
    assert levels["148/QĐ-TTg"] == {1: None, 2: None, 3: "district", 4: "city", 5: "central"}
    assert levels["1489/QĐ-TTg"] == {1: None, 2: None, 3: "city", 4: "city", 5: "central"}
    assert criteria_sets["1489/QĐ-TTg"].local_level == "commune"
    assert criteria_sets["148/QĐ-TTg"].certifiable_stars(5) == 4
    law = LegalBasis.objects.get(code="26/2026/QĐ-TTg")
    assert {stars: law.recognising_level(stars) for stars in range(1, 6)} == levels["1489/QĐ-TTg"]
    assert law.local_level == "commune"


@pytest.mark.parametrize(
    ("day", "basis"),
    [
        (date(2019, 8, 21), "1048/QĐ-TTg"),
        (date(2023, 2, 23), "1048/QĐ-TTg"),
        (date(2023, 2, 24), "148/QĐ-TTg"),
        (date(2025, 7, 5), "148/QĐ-TTg"),
        (date(2025, 7, 6), "1489/QĐ-TTg"),
        (date(2026, 5, 21), "1489/QĐ-TTg"),
        # 148 and 1489 stay in force 60 more days for the dossiers filed before; new rounds
        # follow the decision in force that took effect last.
        (date(2026, 5, 22), "26/2026/QĐ-TTg"),
        (date(2026, 11, 1), "26/2026/QĐ-TTg"),
    ],
)
def test_the_basis_in_force_on_a_day(criteria_sets, day, basis):
    assert LegalBasis.objects.in_force_on(day).first().code == basis


def test_old_bases_are_no_longer_in_force_after_their_transition(criteria_sets):
    in_force = set(LegalBasis.objects.in_force_on(date(2026, 7, 21)).values_list("code", flat=True))
    assert in_force == {"148/QĐ-TTg", "1489/QĐ-TTg", "26/2026/QĐ-TTg"}
    in_force = set(LegalBasis.objects.in_force_on(date(2026, 7, 22)).values_list("code", flat=True))
    assert in_force == {"26/2026/QĐ-TTg"}


def test_loading_twice_changes_nothing(criteria_sets):
    counts = load_criteria_sets()
    assert (counts["created"], counts["updated"], counts["deleted"]) == (0, 0, 0)
    assert counts["legal_bases"] == 4


def _copy_data(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    return tmp_path


def _edit(path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_set_in_use_keeps_its_sheet(criteria_sets, co_do, officer_co_do, tmp_path):
    open_evaluation(make_round("148/QĐ-TTg"), make_product(co_do), officer_co_do)
    data_dir = _copy_data(tmp_path)

    def halve(data):
        data["parts"][0]["sections"][0]["criteria"][0]["options"][1]["points"] = 0.5

    _edit(data_dir / "sheets" / "qd-148-2023.json", halve)
    with pytest.raises(CriteriaDataError, match="đã được dùng"):
        load_criteria_sets(data_dir)
    assert Option.objects.filter(points=Decimal("0.5")).count() == 0


def test_a_basis_in_use_keeps_its_bands_but_takes_its_end_date(
    criteria_sets, co_do, officer_co_do, tmp_path
):
    open_evaluation(make_round("148/QĐ-TTg"), make_product(co_do), officer_co_do)
    data_dir = _copy_data(tmp_path)
    path = data_dir / "legal_bases" / "qd-148-2023.json"

    def lower_4_stars(data):
        data["star_bands"][1]["min_score"] = 65

    _edit(path, lower_4_stars)
    with pytest.raises(CriteriaDataError, match="không sửa được hạng sao"):
        load_criteria_sets(data_dir)
    assert LegalBasis.objects.get(code="148/QĐ-TTg").bands[1].min_score == 70

    _copy_data(tmp_path)

    def end_earlier(data):
        data["in_force_until"] = "2026-07-20"

    _edit(path, end_earlier)
    load_criteria_sets(data_dir)
    assert LegalBasis.objects.get(code="148/QĐ-TTg").in_force_until == date(2026, 7, 20)


def test_a_sheet_that_does_not_add_up_is_refused(tmp_path):
    data = json.loads((DATA_DIR / "sheets" / "qd-148-2023.json").read_text(encoding="utf-8"))
    data["parts"][2]["max_points"] = 36
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CriteriaDataError, match="phần C tối đa 36"):
        read_sets(tmp_path)


# --- A fourth legal basis, from data files alone ---------------------------------------------


def fourth_basis(today: date) -> dict:
    """A decision the portal has never seen: other bands, 24-month certificates, its own
    proposal score. In force since two months ago, so a round of last month is under it."""
    return {
        "code": "99/2026/QĐ-TTg",
        "title": "Quyết định thử nghiệm 99/2026/QĐ-TTg",
        "signed_on": (today - timedelta(days=60)).isoformat(),
        "in_force_from": (today - timedelta(days=60)).isoformat(),
        "levels": ["commune", "city", "central"],
        "local_level": "commune",
        "certificate_validity_months": 24,
        "central_proposal_score": 85,
        "classification": "148/QĐ-TTg",
        "replaces": ["26/2026/QĐ-TTg"],
        "star_bands": [
            {"stars": 5, "min_score": 85, "recognised_by": "central"},
            {"stars": 4, "min_score": 65, "recognised_by": "city"},
            {"stars": 3, "min_score": 45, "recognised_by": "city"},
            {"stars": 2, "min_score": 25},
            {"stars": 1, "min_score": 0},
        ],
    }


FOURTH_SHEET = {
    "code": "qd-99-2026-thu-nghiem",
    "name": "Phiếu chấm thử nghiệm theo 99/2026/QĐ-TTg",
    "legal_basis": "99/2026/QĐ-TTg",
    "parts": [
        {
            "code": "A",
            "name": "Tổ chức sản xuất",
            "max_points": 60,
            "sections": [
                {
                    "code": "A1",
                    "name": "Nguyên liệu",
                    "criteria": [
                        {
                            "code": "A1.1",
                            "text": "Nguồn nguyên liệu",
                            "options": [
                                {"text": "Không rõ nguồn gốc", "points": 0, "eliminating": True},
                                {"text": "Một phần tại địa phương", "points": 30},
                                {"text": "Toàn bộ tại địa phương", "points": 60},
                            ],
                        }
                    ],
                }
            ],
        },
        {
            "code": "B",
            "name": "Chất lượng",
            "max_points": 40,
            "sections": [
                {
                    "code": "B1",
                    "name": "Tiêu chuẩn",
                    "criteria": [
                        {
                            "code": "B1.1",
                            "text": "Công bố tiêu chuẩn",
                            "options": [
                                {"text": "Chưa công bố", "points": 0},
                                {"text": "Tự công bố", "points": 20},
                                {"text": "Tiêu chuẩn quốc gia", "points": 40},
                            ],
                        }
                    ],
                }
            ],
        },
    ],
}


def test_a_fourth_legal_basis_from_data_files_alone_is_used_end_to_end(
    criteria_sets, co_do, officer_co_do, city_reviewer, tmp_path
):
    today = timezone.localdate()
    (tmp_path / "legal_bases").mkdir()
    (tmp_path / "sheets").mkdir()
    (tmp_path / "legal_bases" / "qd-99-2026.json").write_text(
        json.dumps(fourth_basis(today), ensure_ascii=False), encoding="utf-8"
    )
    (tmp_path / "sheets" / "qd-99-2026.json").write_text(
        json.dumps(FOURTH_SHEET, ensure_ascii=False), encoding="utf-8"
    )
    counts = load_criteria_sets(tmp_path)
    assert (counts["legal_bases"], counts["sets"]) == (1, 1)
    round_ = make_round(opens_on=today - timedelta(days=30), members=2)
    assert round_.legal_basis().code == "99/2026/QĐ-TTg"

    evaluation = open_evaluation(round_, make_product(co_do), officer_co_do)
    assert evaluation.criteria_set.code == "qd-99-2026-thu-nghiem"
    structure = SheetStructure.load(evaluation.criteria_set)
    assert [part.max_points for part in structure.parts] == [60, 40]
    sheets = list(evaluation.sheets.all())
    a, b = (structure.criteria[c] for c in sorted(structure.criteria))
    # 60 + 20 and 30 + 20: average 65, its 4★ band (the 1048 bands would give 3★).
    for sheet, first in zip(sheets, [a.options[2], a.options[1]], strict=True):
        services.sheet_save(
            sheet=sheet,
            by=officer_co_do,
            choices={a.id: first.id, b.id: b.options[1].id},
            version=sheet.version,
        )
    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.stars) == (Decimal("65.00"), 4)

    # The city recognises it: the certificate names the new basis and lasts its 24 months
    # (the members' totals, 80 and 50, stand by the chair's reason).
    services.evaluation_explain_divergence(
        evaluation=evaluation, by=officer_co_do, reason="Hội đồng thống nhất giữ kết quả."
    )
    evaluation = services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    decided = today - timedelta(days=1)
    evaluation = services.evaluation_recognise(
        evaluation=evaluation,
        by=city_reviewer,
        decision_number="99/QĐ-UBND",
        decision_date=decided,
        signer="Phó Chủ tịch UBND thành phố",
    )
    certificate = evaluation.certificate
    assert certificate.legal_basis.code == "99/2026/QĐ-TTg"
    assert (certificate.stars, certificate.level) == (4, "city")
    assert certificate.valid_until == add_months(decided, 24) - timedelta(days=1)
    assert certificate.is_valid_on(today)
