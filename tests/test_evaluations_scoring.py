"""Scoring and the criteria sets as data: band edges, averages rounded half up, eliminating
options, mandatory criteria; the shipped sets; a fourth set added from a data file alone."""

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluations import services, workflow
from evaluations.criteria import DATA_DIR, CriteriaDataError, load_criteria_sets, read_sets
from evaluations.models import CriteriaSet, Option
from evaluations.scoring import SheetStructure, average, band_stars
from products.models import Certificate
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


# --- Eliminating options and mandatory criteria -----------------------------------------------


def test_an_eliminating_option_on_any_sheet_means_not_rated(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    raw_material = dict([option_of(evaluation, "A1.1", eliminating=True)])
    fill(evaluation, [85, 86, 87], by=officer_co_do, override=raw_material)
    assert evaluation.is_eliminated
    assert evaluation.stars is None
    assert evaluation.score is not None  # the points are still shown


def test_a_missing_mandatory_criterion_caps_the_stars(criteria_sets, co_do, officer_co_do):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    # Traceability (A2.4) is mandatory from 4★: scoring 0 there keeps a 80-point product at 3★.
    no_traceability = dict([option_of(evaluation, "A2.4", points=0)])
    fill(evaluation, [82, 82, 82], by=officer_co_do, stars=4, override=no_traceability)
    assert evaluation.band_stars == 4
    assert evaluation.stars == 3


def test_missing_a_criterion_mandatory_from_3_stars_means_no_certificate(
    criteria_sets, co_do, officer_co_do
):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    no_label = dict([option_of(evaluation, "A2.3", points=0)])
    fill(evaluation, [75, 75, 75], by=officer_co_do, stars=4, override=no_label)
    assert evaluation.stars == 2


def test_a_criterion_mandatory_for_5_stars_caps_a_90_point_product_at_4(
    criteria_sets, co_do, officer_co_do
):
    evaluation = open_evaluation(make_round(), make_product(co_do), officer_co_do)
    no_quality_system = dict([option_of(evaluation, "C3.4", points=0)])
    fill(evaluation, [93, 93, 93], by=officer_co_do, stars=5, override=no_quality_system)
    assert evaluation.band_stars == 5
    assert evaluation.stars == 4


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


def test_legal_bases_are_the_registrys(criteria_sets):
    assert set(criteria_sets) == set(Certificate.LegalBasis.values)
    for basis, criteria_set in criteria_sets.items():
        assert criteria_set.issues_certificates
        assert criteria_set.certificate_validity_months == Certificate.VALIDITY_MONTHS[basis]


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


@pytest.mark.parametrize(
    ("day", "basis"),
    [
        (date(2019, 8, 21), "1048/QĐ-TTg"),
        (date(2023, 2, 23), "1048/QĐ-TTg"),
        (date(2023, 2, 24), "148/QĐ-TTg"),
        (date(2025, 7, 5), "148/QĐ-TTg"),
        (date(2025, 7, 6), "1489/QĐ-TTg"),
        (date(2026, 11, 1), "1489/QĐ-TTg"),
    ],
)
def test_the_set_in_force_on_a_day(criteria_sets, day, basis):
    assert CriteriaSet.objects.in_force_on(day).first().legal_basis == basis


def test_loading_twice_changes_nothing(criteria_sets):
    assert load_criteria_sets() == {"sets": 3, "created": 0, "updated": 0, "deleted": 0}


def test_a_set_in_use_keeps_its_sheet(criteria_sets, co_do, officer_co_do, tmp_path):
    open_evaluation(make_round(), make_product(co_do), officer_co_do)
    for path in DATA_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    data = json.loads((tmp_path / "qd-148-2023.json").read_text(encoding="utf-8"))
    data["parts"][0]["sections"][0]["criteria"][0]["options"][1]["points"] = 0.5
    data["parts"][0]["max_points"] = 40  # unchanged: the top option still decides the maximum
    (tmp_path / "qd-148-2023.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CriteriaDataError, match="đã được dùng"):
        load_criteria_sets(tmp_path)
    assert Option.objects.filter(points=Decimal("0.5")).count() == 0


def test_a_sheet_that_does_not_add_up_is_refused(tmp_path):
    data = json.loads((DATA_DIR / "qd-148-2023.json").read_text(encoding="utf-8"))
    data["parts"][2]["max_points"] = 36
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CriteriaDataError, match="phần C tối đa 36"):
        read_sets(tmp_path)


# --- A fourth set, from a data file alone ---------------------------------------------------------

FOURTH_SET = {
    "code": "qd-26-2026-thu-nghiem",
    "name": "Bộ tiêu chí thử nghiệm theo 26/2026/QĐ-TTg",
    "legal_basis": "26/2026/QĐ-TTg",
    "valid_from": "2026-03-01",
    "local_level": "commune",
    "certificate_validity_months": 36,
    "central_proposal_score": 85,
    "star_bands": [
        {"stars": 5, "min_score": 85, "recognised_by": "central"},
        {"stars": 4, "min_score": 65, "recognised_by": "city"},
        {"stars": 3, "min_score": 45, "recognised_by": "city"},
        {"stars": 2, "min_score": 25},
        {"stars": 1, "min_score": 0},
    ],
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
                            "mandatory_from_stars": 4,
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


def test_a_fourth_set_from_a_data_file_scores_by_its_own_rules(
    criteria_sets, co_do, officer_co_do, city_reviewer, tmp_path
):
    (tmp_path / "qd-26-2026.json").write_text(
        json.dumps(FOURTH_SET, ensure_ascii=False), encoding="utf-8"
    )
    assert load_criteria_sets(tmp_path)["sets"] == 1
    round_ = make_round(opens_on=date(2026, 4, 1), members=2)
    assert round_.criteria_set().code == "qd-26-2026-thu-nghiem"

    evaluation = open_evaluation(round_, make_product(co_do), officer_co_do)
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

    # Its legal basis is not in the certificate registry yet: submitted, but not recognised.
    evaluation = services.evaluation_submit(evaluation=evaluation, by=officer_co_do)
    with pytest.raises(ValidationError, match="26/2026/QĐ-TTg chưa có trong sổ"):
        workflow.check(evaluation, "recognised", city_reviewer)
