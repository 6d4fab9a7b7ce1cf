"""The 26 score sheets of 26/2026/QĐ-TTg and its classification (Phụ lục I and II): each sheet
loads from the portal's data files for its product set, adds up as Điều 3 requires and keeps the
star marks printed on its options; an evaluation takes the sheet of its product's set."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluations import services
from evaluations.criteria import DATA_DIR
from evaluations.models import CriteriaSet, Option
from evaluations.scoring import SheetStructure, min_points_for_stars
from products.models import LegalBasis, ProductCategory
from tests.factories import ProductFactory, category_26, category_148
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
SHEET_FILES = sorted((DATA_DIR / "sheets" / "qd-26-2026").glob("*.json"))


def sheet_data(number: int) -> dict:
    return json.loads(SHEET_FILES[number - 1].read_text(encoding="utf-8"))


def scored_criteria(data: dict):
    for part in data["parts"]:
        for section in part["sections"]:
            for criterion in section["criteria"]:
                yield from criterion.get("children") or [criterion]


# --- Phụ lục I ----------------------------------------------------------------------------------


def test_the_classification_is_phu_luc_i(criteria_sets):
    categories = ProductCategory.objects.filter(scheme=LAW)
    by_level = {level: categories.filter(level=level) for level in (1, 2, 3)}
    leaves = categories.filter(is_leaf=True)
    assert by_level[1].count() == 6
    assert by_level[2].count() == 17
    assert leaves.count() == 26
    assert all(leaf.ministry for leaf in leaves)
    assert categories.get(code="II.2.a").ministry == "Bộ Y tế"
    assert categories.get(code="VI.1").ministry == (
        "Bộ Văn hóa, Thể thao và Du lịch; Bộ Nông nghiệp và Môi trường"
    )
    assert categories.get(code="I.6").is_leaf  # a nhóm without phân nhóm is itself a bộ


def test_every_148_set_maps_to_the_same_set_of_26_2026(criteria_sets):
    for old in ProductCategory.objects.filter(scheme="148/QĐ-TTg", is_leaf=True):
        new = old.in_scheme(LAW)
        assert (new.code, new.is_leaf) == (old.code, True)
    assert ProductCategory.objects.get(scheme="1048/QĐ-TTg", code="1.3").in_scheme(LAW) is None


# --- Phụ lục II ---------------------------------------------------------------------------------


def test_there_are_26_sheets_one_per_product_set(criteria_sets):
    sheets = CriteriaSet.objects.filter(legal_basis__code=LAW).select_related("category")
    assert len(SHEET_FILES) == 26
    assert sheets.count() == 26
    assert {sheet.category.code for sheet in sheets} == set(
        ProductCategory.objects.filter(scheme=LAW, is_leaf=True).values_list("code", flat=True)
    )
    assert not any(sheet.is_illustrative for sheet in sheets)
    assert all("Phụ lục II" in sheet.source for sheet in sheets)


@pytest.mark.parametrize("number", range(1, 27))
def test_each_sheet_adds_up_to_a_40_b_25_c_35(criteria_sets, number):
    sheet = CriteriaSet.objects.get(code=f"qd-26-2026-bo-{number:02d}")
    structure = SheetStructure.load(sheet)
    maxima = {part.code: part.max_points for part in structure.parts}
    assert maxima == {"A": 40, "B": 25, "C": 35}
    for part in structure.parts:
        assert part.sheet_max_points == part.max_points
    assert structure.max_total == 100


@pytest.mark.parametrize("number", range(1, 27))
def test_each_sheets_star_marks_match_its_data(criteria_sets, number):
    data = sheet_data(number)
    sheet = CriteriaSet.objects.get(code=data["code"])
    stored = {
        (code, text): stars
        for code, text, stars in Option.objects.filter(
            criterion__section__part__criteria_set=sheet
        ).values_list("criterion__code", "text", "min_stars_required")
    }
    for criterion in scored_criteria(data):
        marks = []
        for option in criterion["options"]:
            assert stored[(criterion["code"], option["text"])] == option.get("min_stars")
            if option.get("min_stars"):
                marks.append((Decimal(str(option["points"])), option["min_stars"]))
        expected = {
            int(stars): Decimal(str(points))
            for stars, points in criterion.get("min_points_for_stars", {}).items()
        }
        assert min_points_for_stars(marks) == expected


def test_575_star_marks_as_counted_in_the_decision(criteria_sets):
    marked = Option.objects.filter(
        criterion__section__part__criteria_set__legal_basis__code=LAW,
        min_stars_required__isnull=False,
    )
    assert marked.count() == 575


def test_a_lower_mark_carries_up_until_a_higher_level_has_its_own():
    # Set 1, criterion 2.3: *** on the 1-point option, **** on the 3-point one.
    assert min_points_for_stars([(Decimal(1), 3), (Decimal(3), 4)]) == {
        3: Decimal(1),
        4: Decimal(3),
        5: Decimal(3),
    }
    # Set 1, criterion 1.6: **** on its 1-point option only.
    assert min_points_for_stars([(Decimal(1), 4)]) == {4: Decimal(1), 5: Decimal(1)}
    assert min_points_for_stars([]) == {}


def test_the_printed_corrections_are_applied_and_named(criteria_sets):
    # Set 4 criterion 7 prints 13 for a 3-point option; set 11 criterion 6.1.1 prints 11 for 1.
    four = CriteriaSet.objects.get(code="qd-26-2026-bo-04")
    assert Option.objects.filter(
        criterion__section__part__criteria_set=four, criterion__code="7"
    ).order_by("-points")[0].points == Decimal(3)
    assert "in 13 điểm, sửa thành 3" in four.source
    eleven = CriteriaSet.objects.get(code="qd-26-2026-bo-11")
    assert "in 11 điểm, sửa thành 1" in eleven.source
    # Set 26 prints part A as 35 points; its criteria add to 40, as Điều 3 requires.
    assert "tiêu đề in (35 điểm)" in CriteriaSet.objects.get(code="qd-26-2026-bo-26").source


# --- An evaluation takes the sheet of its product's set ---------------------------------------


@pytest.mark.parametrize(
    ("category", "sheet"),
    [
        (lambda: category_26("I.1.a"), "qd-26-2026-bo-01"),
        (lambda: category_148("I.4.a"), "qd-26-2026-bo-09"),  # 148 maps to its 26/2026 set
        (lambda: category_26("VI.1"), "qd-26-2026-bo-26"),
    ],
)
def test_an_evaluation_takes_the_sheet_of_its_products_set(
    criteria_sets, co_do, officer_co_do, category, sheet
):
    product = make_product(co_do)
    product.category = category()
    product.save()
    evaluation = open_evaluation(make_round(LAW), product, officer_co_do)
    assert evaluation.criteria_set.code == sheet
    assert evaluation.criteria_set.legal_basis.code == LAW


def test_old_rounds_keep_their_one_illustrative_sheet(criteria_sets, co_do, officer_co_do):
    product = ProductFactory(producer=make_product(co_do).producer, category=category_26("I.1.a"))
    evaluation = open_evaluation(make_round("1489/QĐ-TTg"), product, officer_co_do)
    assert evaluation.criteria_set == criteria_sets["1489/QĐ-TTg"]


@pytest.mark.parametrize(
    ("scheme", "code", "message"),
    [
        ("1048/QĐ-TTg", "1.3", "chưa có bộ sản phẩm theo Phụ lục I"),
        (LAW, "I.3", "chưa chọn bộ sản phẩm"),
    ],
)
def test_a_product_without_a_set_of_26_2026_cannot_be_evaluated(
    criteria_sets, co_do, officer_co_do, scheme, code, message
):
    product = make_product(co_do)
    product.category = ProductCategory.objects.get(scheme=scheme, code=code)
    product.save()
    with pytest.raises(ValidationError) as refused:
        open_evaluation(make_round(LAW), product, officer_co_do)
    assert message in " ".join(refused.value.message_dict["product"])


def test_the_pages_say_an_unclassified_product_cannot_be_evaluated(
    login, criteria_sets, co_do, officer_co_do
):
    product = make_product(co_do)
    product.category = ProductCategory.objects.get(scheme="1048/QĐ-TTg", code="1.3")
    product.save()
    round_ = make_round(LAW)
    client = login(officer_co_do)

    page = client.get(product.get_absolute_url()).content.decode()
    assert 'id="unclassified"' in page
    assert "chưa đánh giá được cho đến khi sửa phân loại" in page

    response = client.post(
        reverse("evaluations:create"),
        {"product": product.pk, "round": round_.pk, "kind": "new"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["product"]
    assert any("phân loại lại sản phẩm trước khi đánh giá" in error for error in errors)

    product.category = category_26("I.3.d")
    product.save()
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'id="unclassified"' not in page


# --- What the sheets contain --------------------------------------------------------------------


def law_evaluation(co_do, officer, category_code: str, *, members: int = 1, number: int = 1):
    product = make_product(co_do)
    product.category = category_26(category_code)
    product.save()
    evaluation = open_evaluation(make_round(LAW, members=members, number=number), product, officer)
    return to_council(evaluation, officer=officer, office=office())


def criterion(structure: SheetStructure, code: str):
    return next(c for c in structure.criteria.values() if c.code == code)


def top_choices(structure: SheetStructure, **points) -> dict[int, int]:
    """Every criterion at its highest printed option, or at the points given by code
    (``c5_1=0`` for 5.1)."""
    chosen = {}
    for item in structure.criteria.values():
        wanted = points.get("c" + item.code.replace(".", "_"))
        options = item.printed_options
        option = (
            max(options, key=lambda o: o.points)
            if wanted is None
            else next(o for o in options if o.points == Decimal(str(wanted)))
        )
        chosen[item.id] = option.id
    return chosen


def save(sheet, by, choices):
    return services.sheet_save(sheet=sheet, by=by, choices=choices, version=sheet.version)


def test_sub_criteria_are_scored_under_their_group(criteria_sets, co_do, officer_co_do):
    evaluation = law_evaluation(co_do, officer_co_do, "I.5.a")  # set 11: tea
    structure = SheetStructure.load(evaluation.criteria_set)
    codes = [c.code for c in structure.criteria.values()]
    assert "6.1.1" in codes and "6.1.2" in codes and "6.1" not in codes
    appearance = criterion(structure, "6.1.1").group
    assert (appearance.code, appearance.text, appearance.max_points) == ("6.1", "Ngoại hình", 4)
    assert [c.code for c in appearance.criteria] == ["6.1.1", "6.1.2"]
    senses = next(s for p in structure.parts for s in p.sections if s.code == "6")
    assert [(g.code if g else None, [c.code for c in cs]) for g, cs in senses.blocks] == [
        ("6.1", ["6.1.1", "6.1.2"]),
        ("6.2", ["6.2.1", "6.2.2", "6.2.3"]),
    ]


def test_a_criterion_without_a_0_option_is_printed_as_it_is(criteria_sets, co_do, officer_co_do):
    evaluation = law_evaluation(co_do, officer_co_do, "I.1.a")
    structure = SheetStructure.load(evaluation.criteria_set)
    origin = criterion(structure, "1.1")  # Nguồn gốc sản phẩm: 1, 2 or 3 points
    assert [o.points for o in origin.printed_options] == [1, 2, 3]
    lowest = top_choices(structure, c1_1=1)
    highest = top_choices(structure)
    assert structure.sheet_result(highest).total - structure.sheet_result(lowest).total == 2


def test_a_choose_one_case_criterion_scores_one_option_of_either_case(
    criteria_sets, co_do, officer_co_do, login
):
    evaluation = law_evaluation(co_do, officer_co_do, "VI.1")  # set 26: tourism services
    structure = SheetStructure.load(evaluation.criteria_set)
    business = criterion(structure, "8")
    assert business.has_cases and business.max_points == 3
    cases = business.cases
    assert [label for label, _ in cases] == [
        "Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp",
        "Trường hợp 2: Điểm dịch vụ du lịch",
    ]
    assert [[o.points for o in options] for _, options in cases] == [[1, 3], [1, 3]]
    chosen = top_choices(structure)
    chosen[business.id] = cases[1][1][1].id  # case 2, 3 points
    result = structure.sheet_result(chosen)
    assert result.total == 100 and result.complete

    page = login(officer_co_do).get(evaluation.sheets.get().get_absolute_url()).content.decode()
    assert "Trường hợp 2: Điểm dịch vụ du lịch" in page
    assert "chấm theo một trong hai trường hợp" in page


def test_criteria_that_need_a_story_are_not_scored_without_one(criteria_sets, co_do, officer_co_do):
    evaluation = law_evaluation(co_do, officer_co_do, "I.1.a")
    structure = SheetStructure.load(evaluation.criteria_set)
    story, structure_of_story = criterion(structure, "5.1"), criterion(structure, "5.2")
    assert story.tells_story and structure_of_story.needs_story
    without = top_choices(structure, c5_1=0)
    result = structure.sheet_result(without)
    assert structure_of_story.id in result.not_applicable
    assert result.points[structure_of_story.id] == 0
    assert result.complete and result.required == len(structure.criteria) - 1
    # 5.2's 2 points do not count: 5.1 lost its 5 and 5.2 its 2.
    assert structure.sheet_result(top_choices(structure)).total - result.total == 7

    sheet = save(evaluation.sheets.get(), secretary(), without)
    assert not sheet.answers.filter(criterion_id=structure_of_story.id).exists()
    assert sheet.is_complete


def test_notes_and_marks_are_shown_beside_their_criterion(
    criteria_sets, co_do, officer_co_do, login
):
    evaluation = law_evaluation(co_do, officer_co_do, "I.1.a")
    page = login(officer_co_do).get(evaluation.sheets.get().get_absolute_url()).content.decode()
    assert "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh" in page
    assert "Chỉ áp dụng khi có câu chuyện sản phẩm" in page
    assert 'title="Yêu cầu tối thiểu cho 4 sao">★★★★</span>' in page


def test_the_product_code_is_province_commune_number_year(
    criteria_sets, co_do, officer_co_do, login
):
    commune = officer_co_do.areas.filter(valid_until__isnull=True).order_by("code").first()
    round_ = make_round(LAW, members=1)
    codes = []
    for name in ("Gạo thơm Thới Lai", "Khô cá lóc Thới Lai"):
        product = ProductFactory(
            producer=make_product(commune, name=f"Nền {name}").producer,
            name=name,
            category=category_26("I.2.a"),
        )
        codes.append(open_evaluation(round_, product, officer_co_do).code)
    year = round_.year
    assert codes == [f"92-{commune.code}-01-{year}", f"92-{commune.code}-02-{year}"]
    # A producer still recorded in a former district has no commune code.
    assert law_evaluation(co_do, officer_co_do, "I.2.a", number=2).code == ""
    # Under 1489 no code is printed.
    product = ProductFactory(producer=make_product(commune, name="Khác").producer)
    assert open_evaluation(make_round("1489/QĐ-TTg"), product, officer_co_do).code == ""


def test_a_knock_out_ends_the_sheet_and_the_product_is_not_rated(
    criteria_sets, co_do, officer_co_do, login
):
    evaluation = law_evaluation(co_do, officer_co_do, "I.3.c", members=2)  # set 7
    structure = SheetStructure.load(evaluation.criteria_set)
    raw_material = criterion(structure, "1.1")
    imported = raw_material.knockouts[0]
    assert imported.text == "Bị loại: sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc"
    first, second = evaluation.sheets.order_by("member__order")
    first = save(first, secretary(), {raw_material.id: imported.id})
    assert first.is_complete  # nothing more to score on this sheet
    save(second, secretary(), top_choices(structure))
    evaluation.refresh_from_db()
    assert evaluation.is_eliminated and evaluation.stars is None
    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    assert 'id="knocked-out"' in page
    assert "sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc" in page


def test_a_stop_rule_is_a_knock_out_that_stops_the_scoring(criteria_sets, co_do, officer_co_do):
    evaluation = law_evaluation(co_do, officer_co_do, "I.1.a")
    structure = SheetStructure.load(evaluation.criteria_set)
    impurities = criterion(structure, "6.1").knockouts[0]
    assert impurities.stops_scoring and impurities.text.startswith("Dừng đánh giá: ")
    result = structure.sheet_result({impurities.criterion_id: impurities.id})
    assert result.complete and result.knocked_out


# --- Old records keep their law -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "deadline"), [("new", "21/07/2026"), ("renewal", "21/06/2026")])
def test_a_dossier_of_a_replaced_decision_shows_its_transition_deadline(
    criteria_sets, co_do, officer_co_do, login, kind, deadline
):
    from tests.factories import CertificateFactory

    product = make_product(co_do)
    if kind == "renewal":
        CertificateFactory(product=product, legal_basis="1489/QĐ-TTg")
    evaluation = open_evaluation(make_round("1489/QĐ-TTg"), product, officer_co_do, kind=kind)
    newer, day = evaluation.criteria_set.legal_basis.transition_for(kind)
    assert newer.code == LAW and day.strftime("%d/%m/%Y") == deadline
    page = login(officer_co_do).get(evaluation.get_absolute_url()).content.decode()
    assert 'id="transition"' in page
    assert f"chậm nhất ngày {deadline}" in page
    assert "Đã quá thời hạn chuyển tiếp." in page  # today is after it
    # Under the law in force there is no such notice.
    assert LegalBasis.objects.get(code=LAW).transition_for(kind) is None


def test_a_knocked_out_product_is_not_recognised_with_the_knock_out_as_reason(
    criteria_sets, co_do, officer_co_do, city_reviewer
):
    evaluation = law_evaluation(co_do, officer_co_do, "I.3.c")
    structure = SheetStructure.load(evaluation.criteria_set)
    copied = criterion(structure, "2.1").knockouts[0]
    chosen = top_choices(structure)
    chosen[copied.criterion_id] = copied.id
    save(evaluation.sheets.get(), secretary(), chosen)
    evaluation = services.evaluation_scored(evaluation=evaluation, by=secretary())
    evaluation = services.evaluation_not_recognise(evaluation=evaluation, by=city_reviewer)
    reason = evaluation.transitions.last().comment
    assert reason.startswith("Không xếp hạng, theo điều kiện loại của phiếu chấm: 2.1 — Bị loại:")
    assert "giống hệt sản phẩm của nhà sản xuất khác" in reason
