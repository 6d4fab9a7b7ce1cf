from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy, workdays
from core.forms import add_errors, save_or_refuse
from core.submissions import SAVED, submit_once
from evaluations import decision_list, services, workflow
from evaluations.forms import (
    CouncilMemberFormSet,
    RoundForm,
    RoundRecogniseForm,
)
from evaluations.models import Evaluation, EvaluationQuerySet, Round
from products.models import LegalBasis

S = Evaluation.Status


def _visible_evaluations_q(user) -> Q:
    """The evaluations of a round that the user may see (for counts on the round list): the
    rule of ``Evaluation.objects.visible_to``, reached from the round."""
    return policy.inside(user, f"evaluations__{EvaluationQuerySet.area_path_lookup}")


@require_safe
@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    visible = _visible_evaluations_q(request.user)
    rounds = (
        Round.objects.visible_to(request.user)
        .select_related("area")
        .annotate(
            evaluation_count=Count("evaluations", filter=visible, distinct=True),
            waiting_count=Count(
                "evaluations",
                filter=visible & Q(evaluations__status__in=Evaluation.WAITING_STATUSES),
                distinct=True,
            ),
            open_count=Count(
                "evaluations",
                filter=visible & Q(evaluations__status__in=Evaluation.OPEN_STATUSES),
                distinct=True,
            ),
        )
    )
    today = timezone.localdate()
    rounds = list(rounds)
    for round_ in rounds:
        round_.cutoffs = cutoffs(round_, today, has_open=bool(round_.open_count))
    context = {"rounds": rounds, "today": today}
    return render(request, "evaluations/round_list.html", context)


@dataclass(frozen=True)
class Cutoff:
    """One cut-off of a round as its pages show it: the day and, while it matters, where today
    stands against it in working days."""

    label: str
    day: date
    status: workdays.DeadlineStatus | None
    note: str = ""


def cutoffs(round_: Round, today: date, *, has_open: bool) -> list[Cutoff]:
    """The forwarding cut-off (its count while it runs) and the decision cut-off (its count
    while it runs, or after it while the round is open and dossiers of it still are: a closed
    round's dossiers left undone count no longer)."""
    lines = []
    if round_.forward_by:
        running = today <= round_.forward_by
        lines.append(
            Cutoff(
                _("Hạn xã gửi hồ sơ lên"),
                round_.forward_by,
                workdays.deadline_status(round_.forward_by, today) if running else None,
                "" if running else _("đã hết hạn nhận hồ sơ"),
            )
        )
    if round_.decide_by:
        counts = today <= round_.decide_by or (has_open and not round_.is_closed(today))
        lines.append(
            Cutoff(
                _("Hạn quyết định"),
                round_.decide_by,
                workdays.deadline_status(round_.decide_by, today) if counts else None,
            )
        )
    return lines


def _candidates(round_: Round, user, evaluations: list[Evaluation]) -> list[int]:
    """Evaluations of the round this user may recognise now."""
    ids = []
    for evaluation in evaluations:
        try:
            workflow.check(evaluation, S.RECOGNISED, user)
        except (ValidationError, PermissionDenied):
            continue
        ids.append(evaluation.pk)
    return ids


def _round_page(request, round_: Round, *, form=None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    evaluations = list(
        Evaluation.objects.visible_to(user)
        .filter(round=round_)
        .select_related(
            "product__producer__area",
            "product__category",
            "certificate",
            "criteria_set__legal_basis",
            "round__area",
        )
        .prefetch_related("criteria_set__legal_basis__star_bands", "contributions", "sheets")
        .order_by("product__producer__area__full_name", "product__search_name", "pk")
    )
    recognised = decision_list.rows(
        [evaluation for evaluation in evaluations if evaluation.is_recognised]
    )
    may_recognise = policy.can(user, "round.recognise", round_)
    candidate_ids = _candidates(round_, user, evaluations) if may_recognise else []
    if candidate_ids and form is None:
        form = RoundRecogniseForm(
            candidates=Evaluation.objects.filter(pk__in=candidate_ids).select_related("product"),
            initial={"evaluations": candidate_ids},
        )
    context = {
        "round": round_,
        "members": round_.members.all(),
        "legal_basis": LegalBasis.objects.in_force_on(round_.opens_on)
        .annotate(sheet_count=Count("criteria_sets"))
        .prefetch_related("star_bands")
        .first(),
        "evaluations": evaluations,
        "recognised": recognised,
        "decision": decision_list.shared_decision(recognised),
        "candidate_ids": set(candidate_ids),
        "form": form if candidate_ids or form is not None else None,
        "today": today,
        "cutoffs": cutoffs(
            round_,
            today,
            has_open=any(e.status in Evaluation.OPEN_STATUSES for e in evaluations),
        ),
        "is_open": round_.is_open(),
    }
    return render(request, "evaluations/round_detail.html", context)


@require_safe
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("area"), pk=pk)
    return _round_page(request, round_)


@require_POST
@login_required
@submit_once(replayed=SAVED)
def round_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    """The city recognises the chosen evaluations of a round under one decision."""
    round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("area"), pk=pk)
    policy.require(request.user, "round.recognise", round_)
    candidates = (
        Evaluation.objects.visible_to(request.user)
        .filter(round=round_, status__in=Evaluation.WAITING_STATUSES)
        .select_related("product")
    )
    form = RoundRecogniseForm(request.POST, candidates=candidates)
    if form.is_valid():
        values = form.cleaned_data
        try:
            done = services.round_recognise(
                round=round_,
                by=request.user,
                evaluations=values["evaluations"],
                decision_number=values["decision_number"],
                decision_date=values["decision_date"],
                signer=values["signer"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã công nhận %(count)s sản phẩm theo quyết định %(number)s.")
                % {"count": len(done), "number": values["decision_number"]},
            )
            return redirect(round_)
    return _round_page(request, round_, form=form)


def _round_form(request, round_: Round | None) -> HttpResponse:
    policy.require(request.user, "round.manage", round_)
    instance = round_ or Round()
    form = RoundForm(request.POST or None, instance=instance, user=request.user)
    members = CouncilMemberFormSet(request.POST or None, instance=instance, prefix="members")

    def write() -> tuple[Round, int]:
        saved = form.save()
        members.instance = saved
        for order, member_form in enumerate(members.forms):
            member_form.instance.order = order
        members.save()
        return saved, services.round_add_missing_sheets(round=saved)

    if (
        request.method == "POST"
        and form.is_valid()
        and members.is_valid()
        and (done := save_or_refuse(form, write, checked=[f.instance for f in members.forms]))
    ):
        saved, added = done
        message = _("Đã lưu %(round)s.") % {"round": saved.title}
        if added:
            message += " " + _("Đã thêm %(count)s phiếu chấm cho thành viên mới.") % {
                "count": added
            }
        messages.success(request, message)
        return redirect(saved)
    context = {"form": form, "members": members, "round": round_}
    return render(request, "evaluations/round_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once
def round_create(request: HttpRequest) -> HttpResponse:
    return _round_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.visible_to(request.user), pk=pk)
    return _round_form(request, round_)


def _decision_list(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("area"), pk=pk)
    items = decision_list.rows(decision_list.recognised(round_, request.user))
    if extension == "docx":
        content, content_type = decision_list.docx_bytes(round_, items), decision_list.DOCX
    else:
        content, content_type = decision_list.xlsx_bytes(round_, items), decision_list.XLSX
    response = HttpResponse(content, content_type=content_type)
    name = decision_list.filename(round_, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def round_decision_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's recognised products as the appendix of the decision (Word)."""
    return _decision_list(request, pk, "docx")


@require_safe
@login_required
def round_decision_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's recognised products as a spreadsheet."""
    return _decision_list(request, pk, "xlsx")
