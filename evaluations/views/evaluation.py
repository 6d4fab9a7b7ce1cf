from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy
from core.forms import add_errors
from core.submissions import SAVED, submit_once
from evaluations import carried, dossier, online, services, workflow
from evaluations.forms import (
    AdvisoryForm,
    CentralDeclineForm,
    CommentForm,
    CorrectDecisionForm,
    DecisionForm,
    DisqualifyForm,
    DivergenceForm,
    EvaluationCreateForm,
    MinistryDeclineForm,
    ReceiveForm,
    RemarkForm,
    ReturnForm,
    ReturnToProducerForm,
)
from evaluations.models import Evaluation, Round
from evaluations.scoring import SheetStructure
from products.models import Certificate, Product, add_months

S = Evaluation.Status


@dataclass(frozen=True)
class Action:
    """A workflow button of the evaluation page: its URL name, form and service."""

    name: str
    target: str
    label: str
    form_class: type | None
    service: Callable
    style: str = "primary"
    success: str = ""
    #: The label when the move starts from another status ({status: label}).
    label_from: dict | None = None

    def label_for(self, evaluation) -> str:
        return (self.label_from or {}).get(evaluation.status, self.label)


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "submit",
            S.SUBMITTED,
            gettext_lazy("Gửi thẩm định"),
            None,
            services.evaluation_submit,
            success=gettext_lazy("Đã gửi hồ sơ đi thẩm định."),
        ),
        Action(
            "resubmit",
            S.RESUBMITTED,
            gettext_lazy("Gửi lại"),
            CommentForm,
            services.evaluation_resubmit,
            success=gettext_lazy("Đã gửi lại hồ sơ."),
        ),
        Action(
            "return",
            S.RETURNED,
            gettext_lazy("Trả lại hồ sơ"),
            ReturnForm,
            services.evaluation_return,
            style="outline-danger",
            success=gettext_lazy("Đã trả lại hồ sơ cho cán bộ địa phương."),
        ),
        Action(
            "recognise",
            S.RECOGNISED,
            gettext_lazy("Công nhận"),
            DecisionForm,
            services.evaluation_recognise,
            success=gettext_lazy("Đã công nhận và cấp giấy chứng nhận."),
        ),
        Action(
            "not-recognise",
            S.NOT_RECOGNISED,
            gettext_lazy("Không công nhận"),
            CommentForm,
            services.evaluation_not_recognise,
            style="outline-danger",
            success=gettext_lazy("Đã ghi kết luận không công nhận."),
        ),
        Action(
            "propose-central",
            S.PROPOSED_CENTRAL,
            gettext_lazy("Đề nghị Trung ương công nhận 5 sao"),
            CommentForm,
            services.evaluation_propose_central,
            success=gettext_lazy("Đã đề nghị Trung ương công nhận 5 sao."),
        ),
        Action(
            "central-recognise",
            S.CENTRAL_RECOGNISED,
            gettext_lazy("Ghi quyết định 5 sao của Trung ương"),
            DecisionForm,
            services.evaluation_central_recognise,
            success=gettext_lazy("Đã ghi quyết định 5 sao và cấp giấy chứng nhận."),
        ),
        Action(
            "disqualify",
            S.DISQUALIFIED,
            gettext_lazy("Loại hồ sơ"),
            DisqualifyForm,
            services.evaluation_disqualify,
            style="outline-danger",
            success=gettext_lazy("Đã loại hồ sơ; lý do được ghi lại."),
        ),
        # 26/2026/QĐ-TTg: a dossier its producer filed online, received or returned to it.
        Action(
            "receive",
            S.RECEIVED,
            gettext_lazy("Tiếp nhận"),
            ReceiveForm,
            online.dossier_receive,
            success=gettext_lazy(
                "Đã tiếp nhận hồ sơ chủ thể nộp trực tuyến; xã đánh giá sơ bộ và gửi lên tỉnh."
            ),
        ),
        Action(
            "return-producer",
            S.PREPARING,
            gettext_lazy("Trả lại cho chủ thể"),
            ReturnToProducerForm,
            online.dossier_return_to_producer,
            style="outline-danger",
            success=gettext_lazy("Đã trả lại hồ sơ cho chủ thể bổ sung."),
        ),
        # 26/2026/QĐ-TTg
        Action(
            "forward",
            S.FORWARDED,
            gettext_lazy("Gửi hồ sơ lên tỉnh"),
            CommentForm,
            services.evaluation_forward,
            success=gettext_lazy("Đã gửi hồ sơ lên tỉnh; Văn phòng Điều phối kiểm tra hồ sơ."),
        ),
        Action(
            "accept",
            S.ADVISORY,
            gettext_lazy("Hồ sơ đầy đủ — chuyển Tổ tư vấn"),
            CommentForm,
            services.evaluation_accept,
            success=gettext_lazy("Đã chuyển hồ sơ cho Tổ tư vấn thẩm định."),
        ),
        Action(
            "to-council",
            S.COUNCIL,
            gettext_lazy("Chuyển Hội đồng chấm điểm"),
            CommentForm,
            services.evaluation_to_council,
            success=gettext_lazy("Đã chuyển hồ sơ cho Hội đồng chấm điểm."),
            label_from={S.SCORED: gettext_lazy("Trả về Hội đồng chấm lại")},
        ),
        Action(
            "scored",
            S.SCORED,
            gettext_lazy("Hội đồng đã chấm xong — trình quyết định"),
            CommentForm,
            services.evaluation_scored,
            success=gettext_lazy("Đã trình kết quả để quyết định công nhận."),
        ),
        Action(
            "approve-central",
            S.MINISTRY,
            gettext_lazy("Phê duyệt kết quả, gửi Bộ đề nghị 5 sao"),
            DecisionForm,
            services.evaluation_approve_central,
            success=gettext_lazy("Đã ghi quyết định phê duyệt kết quả và gửi Bộ."),
        ),
        Action(
            "ministry-decline",
            S.MINISTRY_DECLINED,
            gettext_lazy("Ghi kết quả: Bộ không công nhận 5 sao"),
            MinistryDeclineForm,
            services.evaluation_ministry_decline,
            style="outline-secondary",
            success=gettext_lazy("Đã ghi kết quả của Bộ; tỉnh quyết định theo kết quả này."),
        ),
        Action(
            "central-decline",
            S.CENTRAL_DECLINED,
            gettext_lazy("Trung ương giữ 4 sao"),
            CentralDeclineForm,
            services.evaluation_central_decline,
            style="outline-secondary",
            success=gettext_lazy("Đã ghi kết quả của Hội đồng Trung ương."),
        ),
    ]
}
BY_TARGET = {action.target: action for action in ACTIONS.values()}
#: Until scoring starts, the page recalls when the sheet says a dossier is rejected.
DOSSIER_CHECK_STATUSES = (S.DRAFT, S.RETURNED, S.RECEIVED, S.FORWARDED, S.RESUBMITTED, S.ADVISORY)


def _confirmation(action: Action, evaluation, today) -> list[str]:
    """What an irreversible step does, in a few lines, to confirm before it is taken."""
    if action.target == S.RECOGNISED:
        stars = workflow.stars_to_recognise(evaluation)
        months = evaluation.criteria_set.certificate_validity_months
        until = formats.date_format(add_months(today, months), "SHORT_DATE_FORMAT")
        return [
            _("Cấp giấy chứng nhận %(stars)s sao cho “%(product)s”.")
            % {"stars": stars, "product": evaluation.product.name},
            _("Hiệu lực %(months)s tháng từ ngày quyết định (đến %(day)s nếu quyết định hôm nay).")
            % {"months": months, "day": until},
            _("Sản phẩm hiện ngay trên danh mục công khai."),
            _("Sau đó chỉ quản trị viên sửa được quyết định, kèm lý do."),
        ]
    if action.target == S.CENTRAL_RECOGNISED:
        return [
            _("Cấp giấy chứng nhận 5 sao của Bộ Nông nghiệp và Môi trường."),
            _("Sản phẩm hiện ngay trên danh mục công khai."),
        ]
    if action.target == S.MINISTRY:
        return [
            _("Ghi quyết định phê duyệt kết quả; hồ sơ gửi Bộ Nông nghiệp và Môi trường."),
            _("Tỉnh chưa cấp giấy chứng nhận: Bộ quyết định 5 sao."),
        ]
    if action.target in (S.NOT_RECOGNISED, S.DISQUALIFIED):
        return [
            _("Hồ sơ kết thúc, không cấp giấy chứng nhận."),
            _("Sản phẩm có thể đăng ký lại trong một đợt sau."),
        ]
    return []


def _action_form(action: Action, evaluation, data=None):
    """The action's form, given the evaluation when it needs it (the sheet's conditions)."""
    kwargs = {"prefix": action.name}
    if getattr(action.form_class, "takes_evaluation", False):
        kwargs["evaluation"] = evaluation
    return action.form_class(data, **kwargs)


def visible_evaluations(user):
    return Evaluation.objects.visible_to(user).select_related(
        "product__producer__area",
        "product__category",
        "round__area",
        "criteria_set__legal_basis",
        "criteria_set__category",
        "previous_certificate",
        "certificate",
        "central_certificate",
        "created_by",
    )


def _detail(
    request,
    evaluation,
    *,
    bound=None,
    divergence_form=None,
    remark_form=None,
    advisory_form=None,
    status=200,
) -> HttpResponse:
    """The evaluation page; `bound` is an action's form posted with errors, shown open."""
    user = request.user
    today = timezone.localdate()
    structure = SheetStructure.load(evaluation.criteria_set)
    sheets = list(evaluation.sheets.select_related("member", "updated_by"))
    choices = services.sheet_choices(sheets)
    result = services.evaluation_result(evaluation, structure, sheets, choices)
    for sheet in sheets:
        sheet.result = structure.sheet_result(choices[sheet.pk])
    moves = []
    for move in workflow.available(evaluation, user, today=today):
        if move.target in (S.PROPOSED_CENTRAL, S.MINISTRY) and not move.allowed:
            continue  # only for products of 90 points or more: nothing to explain otherwise
        action = BY_TARGET[move.target]
        form = None
        if action.form_class:
            is_bound = bound is not None and bound[0] == action.name
            form = bound[1] if is_bound else _action_form(action, evaluation)
        moves.append(
            {
                "action": action,
                "confirm": _confirmation(action, evaluation, today) if move.allowed else [],
                "label": action.label_for(evaluation),
                "move": move,
                "form": form,
                "open": bound is not None and bound[0] == action.name,
            }
        )
    lock_reason = workflow.sheet_lock_reason(evaluation, user, today=today)
    # A dossier of a replaced decision finishes under it within the transition period.
    transition = None
    if evaluation.status in (*Evaluation.EDITABLE_STATUSES, *Evaluation.WAITING_STATUSES):
        transition = evaluation.criteria_set.legal_basis.transition_for(evaluation.kind)
    divergence = workflow.divergence_reason(evaluation, result.spread)
    returned = workflow.latest_return(evaluation)
    can_review = policy.can(user, "evaluation.review", evaluation).allowed
    if advisory_form is None and evaluation.status == S.ADVISORY and can_review:
        advisory_form = AdvisoryForm(
            initial={
                "survey_on": evaluation.survey_on,
                "advisory_findings": evaluation.advisory_findings,
                "lab_tests_requested": evaluation.lab_tests_requested,
                "version": evaluation.version,
            }
        )
    at_the_commune = (S.RECEIVED, S.FILED)
    deadline = dossier.commune_deadline(evaluation) if evaluation.status in at_the_commune else None
    dossier.with_rerating_deadlines([evaluation], today)
    two_level = evaluation.criteria_set.legal_basis.is_two_level
    at_commune = two_level and evaluation.status in at_the_commune
    before_council = two_level and evaluation.status in (
        S.PREPARING,
        S.FILED,
        S.RECEIVED,
        S.FORWARDED,
        S.RESUBMITTED,
        S.RETURNED,
        S.ADVISORY,
    )
    context = {
        # Before the council scores, a two-level dossier has no result to show.
        "show_result": not before_council or any(sheet.result.answered for sheet in sheets),
        "round_cutoff": evaluation.round.forward_deadline_reason(today) if at_commune else None,
        "commune_deadline": deadline,
        "commune_overdue": deadline is not None and deadline < today,
        "evaluation": evaluation,
        "structure": structure,
        "sheets": sheets,
        "result": result,
        "divergence": divergence,
        "transition": transition,
        "today": today,
        "divergence_form": (
            divergence_form or DivergenceForm()
            if divergence and not lock_reason and not workflow.is_correction(evaluation)
            else None
        ),
        "divergence_limit": settings.OCOP_DIVERGENCE_POINTS,
        "moves": moves,
        "lock_reason": lock_reason,
        "deciding_level": workflow.deciding_level(evaluation),
        "transitions": evaluation.transitions.select_related("by"),
        "is_correction": workflow.is_correction(evaluation),
        "criteria_set": evaluation.criteria_set,
        "next_step": workflow.next_step(evaluation, returned=returned),
        "returned": returned,
        "two_level": two_level,
        "remark_form": (
            remark_form or RemarkForm() if workflow.can_comment(evaluation, user) else None
        ),
        "advisory_form": advisory_form,
        "dossier_check_statuses": DOSSIER_CHECK_STATUSES,
        "receiver": dossier.receiver(evaluation),
    }
    return render(request, "evaluations/evaluation_detail.html", context, status=status)


@require_safe
@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    return _detail(request, evaluation)


@require_POST
@login_required
def evaluation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow transition, through its service; a refused form stays filled in. Someone
    who does not make this move is refused (403, saying who does) before the form is read."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    workflow.require_actor(evaluation, step.target, request.user)
    form = _action_form(step, evaluation, request.POST) if step.form_class else None
    if form is None or form.is_valid():
        values = form.cleaned_data if form else {}
        try:
            step.service(evaluation=evaluation, by=request.user, **values)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect(evaluation)
            add_errors(form, error)
        else:
            messages.success(request, step.success)
            return redirect(evaluation)
    evaluation.refresh_from_db()
    return _detail(request, evaluation, bound=(step.name, form))


@require_POST
@login_required
def evaluation_divergence(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's reason for keeping the members' totals although they differ by the city's
    threshold or more, entered by whoever enters the sheets."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    form = DivergenceForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_explain_divergence(
                evaluation=evaluation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã ghi lý do giữ kết quả chấm của hội đồng."))
            return redirect(evaluation)
    evaluation.refresh_from_db()
    return _detail(request, evaluation, divergence_form=form)


@require_POST
@login_required
@submit_once
def evaluation_remark(request: HttpRequest, pk: int) -> HttpResponse:
    """The province's remark on a dossier, at any step before the decision."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    if not workflow.can_comment(evaluation, request.user):
        raise PermissionDenied(
            _("Ý kiến trên hồ sơ do cán bộ của Sở ghi, trước khi hồ sơ có quyết định.")
        )
    form = RemarkForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_comment(evaluation=evaluation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã ghi ý kiến vào quá trình xử lý hồ sơ."))
            return redirect(evaluation)
    return _detail(request, evaluation, remark_form=form)


@require_POST
@login_required
def evaluation_advisory(request: HttpRequest, pk: int) -> HttpResponse:
    """The Tổ tư vấn's findings, saved before the dossier goes to the council."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    policy.require(request.user, "evaluation.review", evaluation)
    form = AdvisoryForm(request.POST)
    if form.is_valid():
        try:
            services.advisory_save(evaluation=evaluation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu kết quả thẩm định của Tổ tư vấn."))
            return redirect(evaluation)
    evaluation.refresh_from_db()
    return _detail(request, evaluation, advisory_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once
def evaluation_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "evaluation.add")
    initial = {}
    if (product_id := request.GET.get("product", "")).isdigit():
        initial["product"] = Product.objects.visible_to(request.user).filter(pk=product_id).first()
    if (round_id := request.GET.get("round", "")).isdigit():
        initial["round"] = Round.objects.visible_to(request.user).filter(pk=round_id).first()
    if (kind := request.GET.get("kind", "")) in Certificate.Kind.values:
        initial["kind"] = kind
    form = EvaluationCreateForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã lập hồ sơ đánh giá “%(product)s” với %(count)s phiếu chấm.")
                % {"product": evaluation.product, "count": evaluation.sheets.count()},
            )
            _tell_carried(request, evaluation)
            return redirect(evaluation)
    return render(request, "evaluations/evaluation_form.html", {"form": form})


def _tell_carried(request: HttpRequest, evaluation: Evaluation) -> None:
    """What the new dossier took from the previous one, and what it could not take."""
    report = carried.report(evaluation, SheetStructure.load(evaluation.criteria_set))
    if not report:
        return
    messages.info(
        request,
        _(
            "Bắt đầu từ hồ sơ %(source)s: %(documents)s tài liệu và %(answers)s tiêu chí tự "
            "đánh giá được chuyển sang — thay những gì đã thay đổi."
        )
        % {"source": report.source_label, "documents": report.documents, "answers": report.answers},
    )
    if report.answers_left:
        messages.warning(
            request,
            _("Không chuyển được: %(items)s.") % {"items": "; ".join(report.answers_left)},
        )
    if report.documents_left:
        messages.info(request, carried.documents_left_sentence(report.documents_left))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def evaluation_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator corrects the decision of a recognised evaluation, with a reason."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    policy.require(request.user, "evaluation.correct", evaluation)
    if not workflow.is_correction(evaluation):
        raise PermissionDenied(_("Chỉ sửa được quyết định của hồ sơ đã công nhận."))
    initial = {
        "decision_number": evaluation.decision_number,
        "decision_date": evaluation.decision_date,
        "signer": evaluation.signer,
        "version": evaluation.version,
    }
    form = CorrectDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_correct_decision(
                evaluation=evaluation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã sửa quyết định; lý do được lưu trong lịch sử."))
            return redirect(evaluation)
    return render(
        request, "evaluations/correct_form.html", {"form": form, "evaluation": evaluation}
    )
