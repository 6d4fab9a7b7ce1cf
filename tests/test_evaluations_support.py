"""Shared builders of the evaluation tests (rounds, evaluations, filled sheets), and checks that
they build what the other test modules rely on. Other modules import the fixtures from here."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from areas.models import Area
from evaluations import services
from evaluations.criteria import load_criteria_sets
from evaluations.demo import plan_sheet
from evaluations.models import CouncilMember, CriteriaSet, Evaluation, Round
from evaluations.scoring import SheetStructure
from tests.factories import ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

#: The day each legal basis's rounds open in these tests (all still open today).
OPENS_ON = {
    "1048/QĐ-TTg": date(2022, 5, 2),
    "148/QĐ-TTg": date(2024, 3, 1),
    "1489/QĐ-TTg": date(2025, 9, 1),
    "26/2026/QĐ-TTg": None,  # a month ago
}


def today() -> date:
    return timezone.localdate()


@pytest.fixture(name="criteria_sets")
def criteria_sets_fixture(can_tho) -> dict[str, CriteriaSet]:
    """The shipped sheets that score every product of their legal basis (1048, 148, 1489), by
    legal basis; 26/2026's sheets, one per product set, are all loaded too (import this
    function to use the fixture)."""
    if not CriteriaSet.objects.exists():
        load_criteria_sets()
    return {
        criteria_set.legal_basis_id: criteria_set
        for criteria_set in CriteriaSet.objects.filter(category=None).select_related("legal_basis")
    }


def province() -> Area:
    return Area.objects.get(code="92", valid_until__isnull=True)


def make_round(
    basis: str = "1489/QĐ-TTg",
    *,
    members: int = 3,
    area: Area | None = None,
    level: str = Round.RoundLevel.CITY,
    closes_on: date | None = None,
    number: int = 1,
    opens_on: date | None = None,
) -> Round:
    opens_on = opens_on or OPENS_ON[basis] or today() - timedelta(days=30)
    round_ = Round(
        year=opens_on.year,
        number=number,
        level=level,
        area=area or province(),
        opens_on=opens_on,
        closes_on=closes_on,
    )
    round_.full_clean()
    round_.save()
    roles = [CouncilMember.Role.CHAIR, CouncilMember.Role.MEMBER, CouncilMember.Role.SECRETARY]
    for index in range(members):
        CouncilMember.objects.create(
            round=round_,
            name=f"Thành viên {index + 1}",
            role=roles[min(index, 2)],
            order=index,
        )
    return round_


def make_product(area: Area, name: str = "Trà mãng cầu Thới Hưng"):
    return ProductFactory(producer=ProducerFactory(area=area), name=name)


def open_evaluation(round_: Round, product, by, kind: str = "new") -> Evaluation:
    return services.evaluation_create(product=product, round=round_, kind=kind, by=by)


#: The smallest file the dossier takes as a PDF.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def attach_required(evaluation: Evaluation, by) -> None:
    """A PDF for every item the law requires before the commune forwards the dossier."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations import documents

    for item in documents.missing_required(evaluation, documents.Stage.COUNCIL):
        documents.add_document(
            evaluation=evaluation,
            upload=SimpleUploadedFile(f"{item.code}.pdf", PDF, "application/pdf"),
            by=by,
            title=str(item.title),
            checklist_code=item.code,
        )


def commune_report(evaluation: Evaluation, by=None) -> None:
    """The commune's Mẫu 03 written, its letter numbered, the producer's self-assessment
    claiming one criterion (stored directly: the pages that write them are tested on their
    own), and the documents the law requires attached (by `by`, the filing officer if none)."""
    from evaluations.models import SelfAssessment

    structure = SheetStructure.load(evaluation.criteria_set)
    criterion = next(iter(structure.criteria.values()))
    SelfAssessment.objects.get_or_create(
        evaluation=evaluation,
        criterion_id=criterion.id,
        defaults={"option_id": criterion.options[0].id, "evidence": "Hợp đồng liên kết."},
    )
    attach_required(evaluation, by or evaluation.created_by)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        local_materials="Bưởi trồng tại xã, 12 ha.",
        local_labour="15 lao động địa phương.",
        idea_origin="Sản phẩm truyền thống của xã.",
        local_identity="Giống bưởi năm roi đặc trưng của vùng.",
        commune_letter="45/UBND-KT",
        preassessed_on=evaluation.filed_on,
        samples=5,
    )
    evaluation.refresh_from_db()


def province_user(username: str, full_name: str = ""):
    """An officer of the Department (Cần Thơ), made once per test."""
    from accounts.models import User
    from tests.factories import UserFactory

    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return UserFactory(
        username=username,
        role=User.Role.CITY,
        areas=[Area.objects.get(code="92")],
        full_name=full_name or username,
    )


def office():
    """The province's OCOP office: checks dossiers, records the Tổ tư vấn's review."""
    return province_user("vanphong", "Văn phòng Điều phối")


def secretary():
    """The council's secretary: enters the members' sheets (and so never decides)."""
    return province_user("thuky", "Trần Thư Ký")


def to_council(evaluation: Evaluation, *, officer, office, today=None) -> Evaluation:
    """A 26/2026 dossier from the commune to the province's council: the commune's report,
    forwarded, found complete, reviewed by the Tổ tư vấn."""
    commune_report(evaluation)
    evaluation = services.evaluation_forward(evaluation=evaluation, by=officer, today=today)
    evaluation = services.evaluation_accept(evaluation=evaluation, by=office, today=today)
    evaluation = services.advisory_save(
        evaluation=evaluation,
        by=office,
        survey_on=None,
        advisory_findings="Cơ sở sản xuất đúng hồ sơ.",
        today=today,
    )
    return services.evaluation_to_council(evaluation=evaluation, by=office, today=today)


def planned_choices(
    evaluation: Evaluation, total: Decimal, *, stars: int, seed: int = 1
) -> dict[int, int]:
    structure = SheetStructure.load(evaluation.criteria_set)
    return plan_sheet(structure, Decimal(total), stars, random.Random(seed))


def option_of(evaluation: Evaluation, code: str, *, points=None, eliminating=False) -> tuple:
    """(criterion id, option id) of a criterion's option: the eliminating one, or by points."""
    structure = SheetStructure.load(evaluation.criteria_set)
    criterion = next(c for c in structure.criteria.values() if c.code == code)
    option = next(
        o
        for o in criterion.options
        if (o.is_eliminating if eliminating else o.points == Decimal(points))
    )
    return criterion.id, option.id


def fill(
    evaluation: Evaluation,
    totals,
    *,
    by,
    stars: int | None = None,
    override: dict | None = None,
    on: int = 1,
) -> Evaluation:
    """Fill every member's sheet through the service so that each member's total is
    `totals[i]` (then apply `override` {criterion id: option id} to the first `on` sheets)."""
    sheets = list(evaluation.sheets.filter(is_council=False).order_by("member__order"))
    for index, (sheet, total) in enumerate(zip(sheets, totals, strict=True)):
        total = Decimal(str(total))
        band = stars or evaluation.criteria_set.stars_for(total)
        choices = planned_choices(evaluation, total, stars=band, seed=index)
        if override and index < on:
            choices.update(override)
        sheet.refresh_from_db()
        services.sheet_save(sheet=sheet, by=by, choices=choices, version=sheet.version)
    evaluation.refresh_from_db()
    return evaluation


def scored(round_, product, by, totals, kind="new", **kwargs) -> Evaluation:
    return fill(open_evaluation(round_, product, by, kind), totals, by=by, **kwargs)


def submitted(round_, product, by, totals, kind="new", **kwargs) -> Evaluation:
    evaluation = scored(round_, product, by, totals, kind, **kwargs)
    return services.evaluation_submit(evaluation=evaluation, by=by)


# --- The builders build what the tests rely on --------------------------------------------------


def test_a_round_of_each_legal_basis_scores_with_its_own_set(criteria_sets, co_do):
    for basis in OPENS_ON:
        assert make_round(basis, number=5).legal_basis().code == basis
    for basis in criteria_sets:
        assert make_round(basis, number=6).criteria_set() == criteria_sets[basis]


def test_fill_reaches_each_members_total_exactly(criteria_sets, co_do, officer_co_do):
    evaluation = scored(make_round(), make_product(co_do), officer_co_do, [70, 71, 71])
    totals = sorted(evaluation.sheets.values_list("total", flat=True))
    assert totals == [Decimal(70), Decimal(71), Decimal(71)]
    assert evaluation.score == Decimal("70.67")
    assert evaluation.sheets_complete
