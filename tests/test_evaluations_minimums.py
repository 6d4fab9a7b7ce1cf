"""Star minimums of 26/2026/QĐ-TTg on its real sheets: the stars are the highest level whose
band the average reaches and whose minimums (the *** / **** / ***** marks) are all met, read
across the members' sheets by the city's rule; below the 3★ minimums a product is not
recognised, and the page says exactly what is missing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluations import services, workflow
from evaluations.scoring import SheetStructure
from products.models import LegalBasis
from tests.factories import category_26
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    office,
    open_evaluation,
    secretary,
    to_council,
)

pytestmark = pytest.mark.django_db

LAW = "26/2026/QĐ-TTg"


def fresh_fruit(co_do, officer, *, members: int = 3):
    """A product of set 1 (Rau, củ, quả, hạt tươi) in a round under 26/2026, with the
    province's council."""
    product = make_product(co_do, "Bưởi năm roi Thới Lai")
    product.category = category_26("I.1.a")
    product.save()
    evaluation = open_evaluation(make_round(LAW, members=members), product, officer)
    return to_council(evaluation, officer=officer, office=office())


def choose(structure: SheetStructure, total, *, fixed: dict | None = None, stars: int = 5):
    """Options adding up to `total`: the criteria in `fixed` ({code: points}) at those points,
    every other one meeting the minimums up to `stars`, the story told, no knock-out."""
    fixed = fixed or {}
    criteria = list(structure.criteria.values())
    allowed = []
    for criterion in criteria:
        floor = max(
            (need for level, need in criterion.min_points.items() if level <= stars),
            default=Decimal(0),
        )
        options = [
            o
            for o in criterion.printed_options
            if (
                o.points == Decimal(str(fixed[criterion.code]))
                if criterion.code in fixed
                else o.points >= floor and not (criterion.tells_story and o.points == 0)
            )
        ]
        allowed.append(sorted(options, key=lambda o: -o.points))
    reachable = [set() for _ in range(len(criteria) + 1)]
    reachable[-1] = {Decimal(0)}
    for index in range(len(criteria) - 1, -1, -1):
        reachable[index] = {r + o.points for o in allowed[index] for r in reachable[index + 1]}
    remaining = Decimal(str(total))
    assert remaining in reachable[0], f"no sheet of {total} points"
    chosen = {}
    for index, criterion in enumerate(criteria):
        option = next(o for o in allowed[index] if remaining - o.points in reachable[index + 1])
        chosen[criterion.id] = option.id
        remaining -= option.points
    return chosen


def fill(evaluation, by, sheets_choices):
    for sheet, choices in zip(member_sheets(evaluation), sheets_choices, strict=True):
        services.sheet_save(sheet=sheet, by=by, choices=choices, version=sheet.version)
    evaluation.refresh_from_db()
    return evaluation


def member_sheets(evaluation):
    return list(evaluation.sheets.filter(is_council=False).order_by("member__order"))


def test_bands_of_26_2026_at_every_edge_with_every_minimum_met(criteria_sets):
    law = LegalBasis.objects.get(code=LAW)
    sheet = law.criteria_sets.get(category__code="I.1.a")
    structure = SheetStructure.load(sheet)
    met = {criterion.id: criterion.max_points for criterion in structure.criteria.values()}
    for score, stars in [
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
    ]:
        rating = structure.rate(Decimal(score), met)
        assert (rating.band_stars, rating.stars, rating.missing) == (stars, stars, [])
    assert [(band.stars, band.min_score, band.recognised_by) for band in law.bands] == [
        (5, 90, "central"),
        (4, 70, "city"),
        (3, 50, "city"),
        (2, 30, ""),
        (1, 0, ""),
    ]


def test_a_75_point_average_missing_a_4_star_minimum_gives_3_stars(
    criteria_sets, co_do, officer_co_do, login
):
    evaluation = fresh_fruit(co_do, officer_co_do)
    structure = SheetStructure.load(evaluation.criteria_set)
    label = next(c for c in structure.criteria.values() if c.code == "2.3")
    assert label.min_points == {3: 1, 4: 3, 5: 3}
    # Every member: labelled as required (1 point), but not with the e-traceability code (3).
    simple_label = choose(structure, 75, fixed={"2.3": 1})
    evaluation = fill(evaluation, secretary(), [simple_label] * 3)
    assert evaluation.score == Decimal("75.00")
    assert (evaluation.band_stars, evaluation.stars) == (4, 3)

    result = services.evaluation_result(evaluation, structure)
    assert [(m.stars, m.criterion.code, m.required, m.reading) for m in result.missing] == [
        (4, "2.3", 3, 1)
    ]
    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    assert "4★ cần tiêu chí 2.3 ≥ 3 điểm — hội đồng: 1 điểm" in page
    assert "Điểm đạt hạng 4 sao nhưng chỉ xếp 3 sao" in page


def test_meeting_the_minimum_gives_the_band(criteria_sets, co_do, officer_co_do):
    evaluation = fresh_fruit(co_do, officer_co_do)
    structure = SheetStructure.load(evaluation.criteria_set)
    evaluation = fill(evaluation, secretary(), [choose(structure, 75, fixed={"2.3": 3})] * 3)
    assert (evaluation.band_stars, evaluation.stars) == (4, 4)


def test_missing_a_3_star_minimum_means_not_recognised(
    criteria_sets, co_do, officer_co_do, city_reviewer, login
):
    evaluation = fresh_fruit(co_do, officer_co_do)
    structure = SheetStructure.load(evaluation.criteria_set)
    # Packaging (2.2) needs 2 points from 3★: simple packaging (1) misses it.
    plain = choose(structure, 75, fixed={"2.2": 1})
    evaluation = fill(evaluation, secretary(), [plain] * 3)
    assert (evaluation.band_stars, evaluation.stars) == (4, 2)
    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    assert "chưa đạt yêu cầu tối thiểu của 3 sao: không được công nhận" in page
    assert "3★ cần tiêu chí 2.2 ≥ 2 điểm — hội đồng: 1 điểm" in page

    evaluation = services.evaluation_scored(evaluation=evaluation, by=secretary())
    with pytest.raises(ValidationError, match="chưa đạt yêu cầu tối thiểu của 3 sao"):
        workflow.check(evaluation, "recognised", city_reviewer)
    evaluation = services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)
    assert evaluation.status == "not_recognised"
    assert "chưa đạt yêu cầu tối thiểu của 3 sao" in evaluation.transitions.last().comment


@pytest.mark.parametrize(
    ("members", "low", "stars"),
    [
        (3, 1, 4),  # one member of three below: the median meets the minimum
        (3, 2, 3),  # two of three below: the median misses it
        (2, 1, 3),  # 1 and 3: the median is 2, below 3
    ],
)
def test_the_median_of_the_members_points_decides_a_minimum(
    criteria_sets, co_do, officer_co_do, members, low, stars
):
    evaluation = fresh_fruit(co_do, officer_co_do, members=members)
    structure = SheetStructure.load(evaluation.criteria_set)
    below, above = choose(structure, 76, fixed={"2.3": 1}), choose(structure, 76, fixed={"2.3": 3})
    evaluation = fill(evaluation, secretary(), [below] * low + [above] * (members - low))
    assert evaluation.minimums_rule == "median"
    assert (evaluation.band_stars, evaluation.stars) == (4, stars)


def test_under_the_council_setting_the_agreed_sheet_decides_the_minimums(
    criteria_sets, co_do, officer_co_do, settings
):
    settings.OCOP_MINIMUMS_READING = "council"
    evaluation = fresh_fruit(co_do, officer_co_do)
    assert evaluation.minimums_rule == "council"
    council = evaluation.sheets.get(is_council=True)
    assert council.member is None and evaluation.sheets.count() == 4
    structure = SheetStructure.load(evaluation.criteria_set)
    evaluation = fill(evaluation, secretary(), [choose(structure, 80, fixed={"2.3": 3})] * 3)
    assert not evaluation.sheets_complete  # the council's sheet is still empty
    assert evaluation.score == Decimal("80.00")

    agreed = choose(structure, 60, fixed={"2.3": 1})
    services.sheet_save(sheet=council, by=secretary(), choices=agreed, version=council.version)
    evaluation.refresh_from_db()
    assert evaluation.sheets_complete
    assert evaluation.score == Decimal("80.00")  # the members' average, not the agreed sheet's
    assert (evaluation.band_stars, evaluation.stars) == (4, 3)


def test_the_setting_accepts_only_the_documented_readings(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "ocop_portal.settings",
            "DEBUG": "true",
            "OCOP_MINIMUMS_READING": "average",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
    )
    assert result.returncode != 0
    assert "OCOP_MINIMUMS_READING" in result.stderr


# --- Printed: each member's sheet and the council's summary -----------------------------------


def test_each_members_sheet_prints_as_the_official_form(
    criteria_sets, officer_co_do, officer_ninh_kieu, login
):
    commune = officer_co_do.areas.filter(valid_until__isnull=True).order_by("code").first()
    evaluation = fresh_fruit(commune, officer_co_do)
    structure = SheetStructure.load(evaluation.criteria_set)
    chosen = choose(structure, 75, fixed={"2.3": 1})
    evaluation = fill(evaluation, secretary(), [chosen] * 3)
    sheet = member_sheets(evaluation)[0]
    url = f"/evaluations/{evaluation.pk}/sheets/{sheet.pk}/print/"

    page = login(officer_co_do).get(url).content.decode()
    assert "PHIẾU ĐÁNH GIÁ SẢN PHẨM OCOP" in page
    assert "Bộ 1. Rau, củ, quả, hạt tươi" in page
    assert evaluation.product.name in page and evaluation.product.producer.name in page
    assert evaluation.code and f"data-product-code>{evaluation.code}<" in page
    assert page.count("☒") == len(structure.criteria)  # one option ticked per criterion
    options = sum(len(c.options) for c in structure.criteria.values())
    assert page.count("☐") == options - len(structure.criteria)
    assert "<th>75</th>" in page  # the member's total
    assert f"data-member>{sheet.member.name}<" in page
    assert "(Ký, ghi rõ họ tên)" in page
    assert 'href="/static/css/sheet-print.css"' in page or "sheet-print" in page

    assert login(officer_ninh_kieu).get(url).status_code == 404


def test_the_councils_summary_prints_on_one_page(criteria_sets, co_do, officer_co_do, login):
    evaluation = fresh_fruit(co_do, officer_co_do)
    structure = SheetStructure.load(evaluation.criteria_set)
    evaluation = fill(
        evaluation,
        secretary(),
        [choose(structure, total, fixed={"2.3": 1}) for total in (74, 75, 76)],
    )
    page = login(officer_co_do).get(f"/evaluations/{evaluation.pk}/print/").content.decode()
    assert "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP" in page
    for sheet in member_sheets(evaluation):
        assert sheet.member.name in page
    assert "data-average>75,00<" in page
    assert "4 sao (từ 70 điểm)" in page
    assert "4★ cần tiêu chí 2.3 ≥ 3 điểm — hội đồng: 1 điểm" in page
    assert "data-stars>3 sao" in page
    assert "CHỦ TỊCH HỘI ĐỒNG" in page and "THƯ KÝ HỘI ĐỒNG" in page
    assert 'class="print-one-page"' in page
