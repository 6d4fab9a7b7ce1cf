from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import add_errors
from core.submissions import SAVED, submit_once
from evaluations import services, workflow
from evaluations.forms import ScoreSheetForm
from evaluations.models import Evaluation
from evaluations.scoring import SheetStructure


def _rows(structure: SheetStructure, form: ScoreSheetForm, chosen: dict, stored: dict | None):
    """Parts → sections → blocks (a group's heading over its sub-criteria, or one criterion)
    → criteria, each with the option on screen, its errors, and after a conflict the option
    the other person saved when it differs."""

    def row(criterion):
        other = None
        if stored is not None and stored.get(criterion.id) != chosen.get(criterion.id):
            other = structure.options.get(stored.get(criterion.id)) or "—"
        return {
            "criterion": criterion,
            "name": f"c{criterion.id}",
            "chosen": chosen.get(criterion.id),
            "errors": form.errors.get(f"c{criterion.id}", []),
            "other": other,
        }

    return [
        {
            "part": part,
            "sections": [
                {
                    "section": section,
                    "blocks": [
                        {"group": group, "rows": [row(criterion) for criterion in criteria]}
                        for group, criteria in section.blocks
                    ],
                }
                for section in part.sections
            ],
        }
        for part in structure.parts
    ]


def _sheet_evaluations(user):
    """The dossiers a sheet page reads: what it shows and what the policy asks, without the
    dossier page's certificates and author (each join of a fourteen-table lookup cost the
    planner more than the lookup itself: 13 ms of 14)."""
    return Evaluation.objects.visible_to(user).select_related(
        "product__producer__area", "round__area", "criteria_set__legal_basis"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def sheet_edit(request: HttpRequest, pk: int, sheet_pk: int) -> HttpResponse:
    """One council member's sheet: radio buttons per criterion, running totals and a star
    preview (static/js/score-sheet.js); the server recomputes on save. A refused save — a
    conflict, a lock, a wrong value — shows the page again with everything as chosen."""
    user = request.user
    evaluation = get_object_or_404(_sheet_evaluations(user), pk=pk)
    sheets = list(evaluation.sheets.select_related("member", "updated_by"))
    sheet = next((s for s in sheets if s.pk == sheet_pk), None)
    if sheet is None:
        raise Http404
    structure = SheetStructure.load(evaluation.criteria_set)
    lock_reason = workflow.sheet_lock_reason(evaluation, user)
    correcting = lock_reason is None and workflow.is_correction(evaluation)
    stored = services.sheet_choices([sheet])[sheet.pk]
    conflict = None

    if request.method == "POST":
        form = ScoreSheetForm(request.POST, structure=structure, correcting=correcting)
        if lock_reason:
            form.is_valid()
            form.add_error(None, lock_reason)
        elif form.is_valid():
            try:
                services.sheet_save(
                    sheet=sheet,
                    by=user,
                    choices=form.choices(),
                    version=form.cleaned_data["version"],
                    reason=form.cleaned_data.get("reason", ""),
                )
            except services.SheetConflict as error:
                conflict = error
                data = request.POST.copy()
                data["version"] = str(error.sheet.version)
                form = ScoreSheetForm(data, structure=structure, correcting=correcting)
                form.is_valid()
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                result = structure.sheet_result(form.choices())
                messages.success(
                    request,
                    _(
                        "Đã lưu phiếu chấm của %(member)s: %(answered)s/%(count)s tiêu chí, "
                        "%(total)s điểm."
                    )
                    % {
                        "member": sheet.title,
                        "answered": result.answered,
                        "count": len(structure.criteria),
                        "total": formats.number_format(result.total.normalize(), use_l10n=True),
                    },
                )
                following = sheets[sheets.index(sheet) + 1 :]
                if request.POST.get("then") == "next" and following:
                    return redirect(following[0].get_absolute_url())
                if request.POST.get("then") == "stay":
                    return redirect(sheet.get_absolute_url())
                return redirect(evaluation)
        chosen = form.posted_choices()
    else:
        initial = {"version": sheet.version}
        initial.update({f"c{cid}": oid for cid, oid in stored.items()})
        form = ScoreSheetForm(initial=initial, structure=structure, correcting=correcting)
        chosen = stored

    result = structure.sheet_result(chosen)
    index = sheets.index(sheet)
    context = {
        "evaluation": evaluation,
        "sheet": sheet,
        "sheets": sheets,
        "next_sheet": sheets[index + 1] if index + 1 < len(sheets) else None,
        "form": form,
        "parts": _rows(structure, form, chosen, conflict.choices if conflict else None),
        "structure": structure,
        "result": result,
        "lock_reason": lock_reason,
        "correcting": correcting,
        "conflict": conflict,
        "bands": [{"stars": stars, "min": float(minimum)} for stars, minimum in structure.bands],
        "max_total": structure.max_total,
    }
    status = 409 if conflict else 200
    return render(request, "evaluations/sheet_form.html", context, status=status)
