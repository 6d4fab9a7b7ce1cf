"""The printed forms: each member's sheet as the official "phiếu đánh giá" on A4, and the
council's summary of one evaluation on one page (static/css/sheet-print.css)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from evaluations import services
from evaluations.models import CouncilMember
from evaluations.scoring import SheetStructure
from evaluations.views.evaluation import visible_evaluations


@require_safe
@login_required
def sheet_print(request: HttpRequest, pk: int, sheet_pk: int) -> HttpResponse:
    """One member's sheet: every criterion with every option, the chosen one ticked, the
    total, and the member's name under a signature line."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    sheet = evaluation.sheets.select_related("member").filter(pk=sheet_pk).first()
    if sheet is None:
        raise Http404
    structure = SheetStructure.load(evaluation.criteria_set)
    chosen = services.sheet_choices([sheet])[sheet.pk]
    context = {
        "evaluation": evaluation,
        "sheet": sheet,
        "structure": structure,
        "chosen": chosen,
        "result": structure.sheet_result(chosen),
    }
    return render(request, "evaluations/sheet_print.html", context)


@require_safe
@login_required
def summary_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The council's result on one page: members and their totals, the average, the band,
    the minimums as read, the knock-outs and the stars; the chair's and secretary's lines."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    structure = SheetStructure.load(evaluation.criteria_set)
    sheets = list(evaluation.sheets.select_related("member"))
    choices = services.sheet_choices(sheets)
    result = services.evaluation_result(evaluation, structure, sheets, choices)
    for sheet in sheets:
        sheet.result = structure.sheet_result(choices[sheet.pk])
    members = [sheet.member for sheet in sheets if sheet.member]
    # The first member named to each role of the council signs for it.
    council_roles = {}
    for member in members:
        council_roles.setdefault(member.role, member)
    context = {
        "evaluation": evaluation,
        "structure": structure,
        "sheets": sheets,
        "result": result,
        "band": next(
            (b for b in evaluation.criteria_set.bands if b.stars == result.band_stars), None
        ),
        "chair": council_roles.get(CouncilMember.Role.CHAIR),
        "secretary": council_roles.get(CouncilMember.Role.SECRETARY),
    }
    return render(request, "evaluations/summary_print.html", context)
