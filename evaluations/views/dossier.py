"""The commune's step of a two-level dossier (26/2026/QĐ-TTg): the producer's self-assessment
(Mẫu 02), the commune's report (Mẫu 03), and the three forms printed on A4. Whoever sees the
evaluation sees these pages; the commune's officers change them while the dossier is with the
commune (``dossier.commune_edit_reason``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from areas.provinces import words_of
from core.forms import add_errors
from core.submissions import SAVED, submit_once
from evaluations import carried, dossier
from evaluations.dossier_forms import PreassessmentForm, SelfAssessmentForm
from evaluations.models import Evaluation
from evaluations.scoring import SheetStructure
from products.models import Certificate


def _evaluation(user, pk: int) -> Evaluation:
    """The evaluation if the user sees it, else 404."""
    queryset = Evaluation.objects.visible_to(user).select_related(
        "product__producer__area",
        "product__category",
        "round__area",
        "criteria_set__legal_basis",
        "criteria_set__category",
        "created_by",
        "carried_from__round__area",
    )
    return get_object_or_404(queryset, pk=pk)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _facts(evaluation: Evaluation) -> dict:
    """What every page of the commune's step shows about the dossier."""
    area = evaluation.product.producer.area
    province = words_of(area)
    category = dossier.product_set(evaluation)
    deadline = dossier.commune_deadline(evaluation)
    chain = []
    while category is not None and len(chain) < 5:
        chain.insert(0, category)
        category = category.parent
    return {
        "evaluation": evaluation,
        "producer": evaluation.product.producer,
        "commune": area,
        "commune_name": _lower_first(area.name) if area else "",
        "province_name": _lower_first(province.name),
        "category_chain": chain,
        "needs_samples": dossier.needs_samples(evaluation),
        "required_samples": dossier.REQUIRED_SAMPLES,
        "deadline": deadline,
        "overdue": deadline is not None
        and deadline < timezone.localdate()
        and evaluation.status in Evaluation.LOCAL_STATUSES,
    }


def _self_assessment_rows(
    structure: SheetStructure, form, chosen: dict, evidence: dict, carried_ids=frozenset()
):
    """Parts → sections → criteria, each with its claimed option, evidence and errors, and
    whether its answer is still as carried from the previous dossier."""

    def row(criterion):
        option = structure.options.get(chosen.get(criterion.id))
        return {
            "carried": criterion.id in carried_ids,
            "criterion": criterion,
            "field": form[f"c{criterion.id}"],
            "evidence_field": form[f"e{criterion.id}"],
            "chosen": chosen.get(criterion.id),
            "option": option,
            "evidence": evidence.get(criterion.id, ""),
            "errors": [*form.errors.get(f"c{criterion.id}", [])],
            "evidence_errors": [*form.errors.get(f"e{criterion.id}", [])],
        }

    return [
        {
            "part": part,
            "sections": [
                {"section": section, "rows": [row(criterion) for criterion in section.criteria]}
                for section in part.sections
            ],
        }
        for part in structure.parts
    ]


def self_assessment_page(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    edit_reason: str | None,
    saved_url: str,
    template: str,
    context: dict | None = None,
) -> HttpResponse:
    """The self-assessment (Mẫu 02) page, for the commune's officer and for the producer: the
    form on the sheet's criteria, saved unless ``edit_reason`` says why not, then back to
    ``saved_url``; ``context`` adds what the one page shows more."""
    structure = SheetStructure.load(evaluation.criteria_set)
    stored_choices, stored_evidence = dossier.self_assessment_of(evaluation)

    if request.method == "POST":
        form = SelfAssessmentForm(request.POST, structure=structure)
        if edit_reason:
            form.is_valid()
            form.add_error(None, edit_reason)
        elif form.is_valid():
            try:
                dossier.self_assessment_save(
                    evaluation=evaluation,
                    by=request.user,
                    choices=form.choices(),
                    evidence=form.evidence(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                result = dossier.self_score(structure, form.choices())
                messages.success(
                    request,
                    _(
                        "Đã lưu báo cáo tự đánh giá: %(answered)s/%(count)s tiêu chí, "
                        "%(total)s điểm."
                    )
                    % {
                        "answered": result.answered,
                        "count": len(structure.criteria),
                        "total": formats.number_format(result.total.normalize(), use_l10n=True),
                    },
                )
                return redirect(saved_url)
        chosen = form.posted_choices()
        evidence = {cid: form.data.get(f"e{cid}", "") for cid in structure.criteria}
    else:
        initial = {"version": evaluation.version}
        initial.update({f"c{cid}": oid for cid, oid in stored_choices.items()})
        initial.update({f"e{cid}": text for cid, text in stored_evidence.items()})
        form = SelfAssessmentForm(initial=initial, structure=structure)
        chosen, evidence = stored_choices, stored_evidence

    report = carried.report(evaluation, structure)
    carried_ids = carried.carried_answers(evaluation) if report else set()
    page = {
        **_facts(evaluation),
        "title": _("Báo cáo tự đánh giá (Mẫu 02)"),
        "form": form,
        "structure": structure,
        "carried": report,
        "parts": _self_assessment_rows(structure, form, chosen, evidence, carried_ids),
        "result": dossier.self_score(structure, chosen),
        "edit_reason": edit_reason,
        **(context or {}),
    }
    return render(request, template, page)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The producer's self-assessment against every criterion of the dossier's sheet: the
    option they claim and their evidence; the self-score totals. Read-only, with the reason,
    for those who cannot change the commune's part now."""
    evaluation = _evaluation(request.user, pk)
    return self_assessment_page(
        request,
        evaluation,
        edit_reason=dossier.commune_edit_reason(evaluation, request.user),
        saved_url=reverse("evaluations:self_assessment", kwargs={"pk": evaluation.pk}),
        template="evaluations/dossier_self_assessment.html",
        context={"missing": dossier.forward_missing(evaluation)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def preassessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The commune's report (Mẫu 03): the four contents, its letter and day, the samples.
    Read-only, with the reason, for those who cannot change the commune's part now."""
    evaluation = _evaluation(request.user, pk)
    edit_reason = dossier.commune_edit_reason(evaluation, request.user)
    if request.method == "POST":
        form = PreassessmentForm(request.POST, instance=evaluation)
        if edit_reason:
            form.is_valid()
            form.add_error(None, edit_reason)
        elif form.is_valid():
            try:
                dossier.preassessment_save(
                    evaluation=evaluation,
                    by=request.user,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Đã lưu báo cáo đánh giá của xã (Mẫu 03)."))
                return redirect("evaluations:preassessment", pk=evaluation.pk)
        # The page shows the dossier as stored, not as the refused form left it.
        evaluation.refresh_from_db()
    else:
        form = PreassessmentForm(instance=evaluation)
    if edit_reason:
        for field in form.fields.values():
            field.disabled = True
    context = {
        **_facts(evaluation),
        "title": _("Báo cáo đánh giá của xã (Mẫu 03)"),
        "form": form,
        "content_fields": [form[name] for name in dossier.CONTENTS],
        "edit_reason": edit_reason,
        "missing": dossier.forward_missing(evaluation),
    }
    return render(request, "evaluations/dossier_preassessment.html", context)


# --- The printed forms (A4 portrait) ---------------------------------------------------------


def kinds_ticked(evaluation: Evaluation) -> list[tuple[str, bool]]:
    """The three kinds of Mẫu 01, each with whether it is the dossier's."""
    kinds = [
        (_("Lần đầu"), Certificate.Kind.NEW),
        (_("Nâng hạng"), Certificate.Kind.UPGRADE),
        (_("Đánh giá lại"), Certificate.Kind.RENEWAL),
    ]
    return [(label, evaluation.kind == kind) for label, kind in kinds]


def form_01_context(evaluation: Evaluation) -> dict:
    """What Mẫu 01 on A4 shows, printed by the commune or by the producer."""
    return {
        **_facts(evaluation),
        "kinds": kinds_ticked(evaluation),
        "receiver": who.get_full_name() if (who := dossier.receiver(evaluation)) else "",
    }


def form_02_context(evaluation: Evaluation) -> dict:
    """What Mẫu 02 on A4 shows: Phần III as entered and the self-score."""
    structure = SheetStructure.load(evaluation.criteria_set)
    choices, evidence = dossier.self_assessment_of(evaluation)
    rows = [
        {
            "criterion": criterion,
            "option": structure.options.get(choices.get(criterion.id)),
            "evidence": evidence.get(criterion.id, ""),
        }
        for criterion in structure.criteria.values()
    ]
    return {
        **_facts(evaluation),
        "rows": rows,
        "result": dossier.self_score(structure, choices),
        "max_total": structure.max_total,
    }


@require_safe
@login_required
def print_form_01(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 01: the registration slip, with the commune's box."""
    evaluation = _evaluation(request.user, pk)
    return render(request, "evaluations/print_form_01.html", form_01_context(evaluation))


@require_safe
@login_required
def print_form_02(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 02: the self-assessment report, Phần III as entered."""
    evaluation = _evaluation(request.user, pk)
    return render(request, "evaluations/print_form_02.html", form_02_context(evaluation))


@require_safe
@login_required
def print_form_03(request: HttpRequest, pk: int) -> HttpResponse:
    """Mẫu 03: the commune's report on four contents of the dossier."""
    evaluation = _evaluation(request.user, pk)
    contents = [
        {
            "label": dossier.CONTENT_LABELS[name],
            "hint": dossier.CONTENT_HINTS[name],
            "text": getattr(evaluation, name),
        }
        for name in dossier.CONTENTS
    ]
    return render(
        request, "evaluations/print_form_03.html", {**_facts(evaluation), "contents": contents}
    )
