"""The producer's own pages of its dossiers filed online (``/producer/dossiers/``): its list,
starting one, the dossier with its timeline and what is asked of it, the registration (Mẫu 01),
the self-assessment (Mẫu 02), the documents and filing. Every read starts from
``owned_by(request.user)``: another producer's dossier, or any dossier for a staff account, is
a 404. The producer never sees the council's sheets, the province's remarks, the Tổ tư vấn's
findings or the commune's report (Mẫu 03); the result (stars, score) once concluded."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from areas import provinces
from core import policy
from core.forms import add_errors
from core.submissions import SAVED, submit_once
from core.uploads import attachment_response, limits_uploads
from evaluations import documents, dossier, online, services, workflow
from evaluations.models import DocumentRequest, DossierDocument, Evaluation, Round, Transition
from evaluations.online_forms import (
    FileForm,
    ProducerDocumentForm,
    RegistrationForm,
    ResubmitForm,
    StartForm,
    producer_dossier,
)
from evaluations.scoring import SheetStructure
from evaluations.views.documents import _criteria, page_context, remove, upload
from evaluations.views.dossier import (
    _facts,
    form_01_context,
    form_02_context,
    kinds_ticked,
    self_assessment_page,
)
from evaluations.views.evaluation import _tell_carried
from evaluations.views.lists import with_next_steps
from products.models import Certificate, Product
from subjects.models import Producer

S = Evaluation.Status
A = Transition.Action

#: Steps the producer does not see: the province's remarks, the chair's explanation of the
#: members' totals, an administrator's correction.
HIDDEN_ACTIONS = {A.COMMENT, A.DIVERGENCE, A.CORRECT}
#: Steps whose reason is the producer's to read (what to complete, why not recognised).
PUBLIC_REASONS = {
    A.RETURN,
    A.RETURN_TO_PRODUCER,
    A.NOT_RECOGNISE,
    A.DISQUALIFY,
    A.CENTRAL_DECLINE,
    A.MINISTRY_DECLINE,
}
#: Steps the commune takes (the rest, but the producer's own, are the province's).
COMMUNE_ACTIONS = {A.CREATE, A.RECEIVE, A.RETURN_TO_PRODUCER, A.FORWARD, A.RESUBMIT}
#: The producer's own moves, their page's button and form.
MOVES = {
    S.FILED: ("file", gettext_lazy("Nộp hồ sơ cho xã"), FileForm, online.dossier_file),
    S.RESUBMITTED: (
        "resubmit",
        gettext_lazy("Gửi lại hồ sơ đã bổ sung"),
        ResubmitForm,
        services.evaluation_resubmit,
    ),
}
BY_NAME = {name: (target, *rest) for target, (name, *rest) in MOVES.items()}


def _own(user, pk: int) -> Evaluation:
    """The dossier if it is the user's producer's, else 404."""
    queryset = Evaluation.objects.owned_by(user).select_related(
        "product__producer__area",
        "product__category",
        "round__area",
        "criteria_set__legal_basis",
        "criteria_set__category",
        "previous_certificate",
        "certificate",
        "central_certificate",
        "carried_from__round__area",
    )
    return get_object_or_404(queryset, pk=pk)


def _require_account(user) -> None:
    policy.require(user, "dossier.follow")


# --- Deadlines and steps, as the producer reads them -------------------------------------------


def producer_deadline(evaluation: Evaluation, requests) -> tuple[date | None, str]:
    """The day the dossier's next step is due, and what it is, as the producer reads it."""
    status = evaluation.status
    round_ = evaluation.round
    if status == S.PREPARING and round_.forward_by:
        return round_.forward_by, _("Hạn xã gửi hồ sơ của đợt lên tỉnh: nộp sớm để xã kịp xử lý")
    if status in (S.FILED, S.RECEIVED):
        deadline = dossier.commune_deadline(evaluation) or round_.forward_by
        return deadline, _("Hạn xã đánh giá sơ bộ và gửi hồ sơ lên tỉnh")
    if status == S.RETURNED:
        due = [request.due_on for request in requests if request.due_on]
        if due:
            return min(due), _("Hạn bổ sung tài liệu theo đề nghị của Sở")
        return None, ""
    if getattr(evaluation, "decision_deadline", None):
        return evaluation.decision_deadline, _("Hạn quyết định đánh giá lại")
    if status in Evaluation.OPEN_STATUSES and status not in (S.MINISTRY, S.MINISTRY_DECLINED):
        return round_.decide_by, _("Hạn quyết định công nhận của đợt")
    return None, ""


def _commune(step: Transition, area, successors: list) -> str:
    """The local government that took a commune's step: the producer's area while it existed
    (a district until 30/06/2025); after it, the commune that took the area over whose officer
    acted ("UBND cấp xã" when the officer serves several of them)."""
    if step.at is None or area.is_valid_on(timezone.localdate(step.at)):
        return _("UBND %(area)s") % {"area": area.name}
    acting = {assigned.pk for assigned in step.by.areas.all()} if step.by else set()
    communes = [successor for successor in successors if successor.pk in acting]
    if len(communes) == 1:
        return _("UBND %(area)s") % {"area": communes[0].name}
    return _("UBND cấp xã")


def _who(step: Transition, evaluation: Evaluation, department: str, successors: list) -> str:
    if step.by is not None and policy.owns(step.by, evaluation):
        return _("Chủ thể")
    if step.action in COMMUNE_ACTIONS:
        return _commune(step, evaluation.product.producer.area, successors)
    return department


def public_steps(evaluation: Evaluation) -> list[dict]:
    """The timeline the producer reads: every move but the province's internal steps, each
    with the unit that took it and, where it is the producer's to read, its reason."""
    area = evaluation.product.producer.area
    department = provinces.words_of(area).department
    # A producer still registered in a former district: the communes that took it over.
    successors = [] if area.is_current else list(area.successors.all())
    steps = (
        evaluation.transitions.exclude(action__in=HIDDEN_ACTIONS)
        .select_related("by")
        .prefetch_related("by__areas")
    )
    return [
        {
            "step": step,
            "who": _who(step, evaluation, department, successors),
            "reason": step.comment if step.action in PUBLIC_REASONS else "",
        }
        for step in steps
    ]


def _latest(evaluation: Evaluation, action: str) -> Transition | None:
    return evaluation.transitions.filter(action=action).order_by("-at", "-pk").first()


# --- The list -----------------------------------------------------------------------------------


@require_safe
@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The producer's dossiers (online and on paper), each with its status in plain words, who
    acts next and the deadline where there is one."""
    user = request.user
    _require_account(user)
    rows = with_next_steps(
        list(
            Evaluation.objects.owned_by(user)
            .for_lists()
            .prefetch_related("criteria_set__legal_basis__star_bands")
            .order_by("-created_at", "-pk")
        )
    )
    requests: dict[int, list[DocumentRequest]] = {}
    asked = DocumentRequest.objects.filter(
        evaluation__in=[row.pk for row in rows], fulfilled_at__isnull=True
    ).order_by("asked_at", "pk")
    for request_ in asked if rows else []:
        requests.setdefault(request_.evaluation_id, []).append(request_)
    today = timezone.localdate()
    for row in rows:
        row.open_requests = requests.get(row.pk, [])
        row.deadline, row.deadline_label = producer_deadline(row, row.open_requests)
        row.overdue = row.deadline is not None and row.deadline < today
        row.concluded = row.status not in Evaluation.OPEN_STATUSES
    return render(request, "evaluations/online/list.html", {"rows": rows})


# --- Starting a dossier ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once
def dossier_start(request: HttpRequest) -> HttpResponse:
    """Choose a product (or come from a certificate: ``?certificate=<pk>``, a re-rating carried
    from the previous dossier), the round, the kind and the samples; the dossier starts."""
    user = request.user
    policy.require(user, "dossier.start")
    today = timezone.localdate()
    producer = Producer.objects.owned_by(user).select_related("area").first()
    if producer is None:
        raise Http404
    owned = Product.objects.owned_by(user)
    pending = list(
        Evaluation.objects.owned_by(user)
        .filter(status__in=Evaluation.OPEN_STATUSES)
        .select_related("product", "round")
    )
    products = owned.exclude(pk__in=[e.product_id for e in pending]).order_by("search_name", "pk")
    rounds = online.open_rounds(producer.area, today)
    initial = {"round": rounds[0] if rounds else None}
    certificate = None
    if (raw := request.GET.get("certificate", "")).isdigit():
        certificate = get_object_or_404(
            Certificate.objects.owned_by(user).select_related("product"), pk=raw
        )
        initial.update(product=certificate.product, kind=Certificate.Kind.RENEWAL, carry=True)
        if request.GET.get("kind") == Certificate.Kind.UPGRADE:
            initial["kind"] = Certificate.Kind.UPGRADE
    elif (raw := request.GET.get("product", "")).isdigit():
        product = owned.filter(pk=raw).first()
        if product is not None:
            initial.update(product=product, kind=online.kinds_for(product)[0])
    form = StartForm(
        request.POST or None,
        initial=initial,
        products=products,
        rounds=Round.objects.filter(pk__in=[r.pk for r in rounds])
        .select_related("area")
        .order_by("-year", "number"),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            evaluation = online.dossier_start(
                product=values["product"],
                round=values["round"],
                kind=values["kind"],
                samples=values["samples"],
                carry=values["carry"],
                by=user,
                today=today,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Đã lập hồ sơ “%(product)s”: điền phiếu đăng ký (Mẫu 01), báo cáo tự đánh giá "
                    "(Mẫu 02), thêm tài liệu rồi nộp cho xã."
                )
                % {"product": evaluation.product.name},
            )
            _tell_carried(request, evaluation)
            return redirect("online:detail", evaluation.pk)
    context = {
        "form": form,
        "certificate": certificate,
        "pending": pending,
        "rounds": rounds,
        "producer": producer,
    }
    return render(request, "evaluations/online/start.html", context)


# --- The dossier --------------------------------------------------------------------------------


def _result(evaluation: Evaluation) -> dict | None:
    """The final result, once concluded: the stars recognised, the council's total score, the
    decision and its certificate, or why not recognised."""
    if evaluation.status in Evaluation.OPEN_STATUSES:
        return None
    return {
        "recognised": evaluation.status in Evaluation.RECOGNISED_STATUSES,
        "stars": evaluation.recognised_stars,
        "score": evaluation.score if evaluation.status != S.DISQUALIFIED else None,
        "decision_number": evaluation.decision_number,
        "decision_date": evaluation.decision_date,
        "certificate": evaluation.central_certificate or evaluation.certificate,
    }


def _detail(request, evaluation: Evaluation, *, bound=None, status=200) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    dossier.with_rerating_deadlines([evaluation], today)
    files = producer_dossier(documents.dossier(evaluation))
    deadline, deadline_label = producer_deadline(evaluation, files.open_requests)
    moves = []
    for move in workflow.available(evaluation, user, today=today):
        if move.target not in MOVES:
            continue
        name, label, form_class, _service = MOVES[move.target]
        form = bound[1] if bound is not None and bound[0] == name else form_class(prefix=name)
        moves.append({"name": name, "label": label, "move": move, "form": form})
    structure = SheetStructure.load(evaluation.criteria_set)
    choices, _evidence = dossier.self_assessment_of(evaluation)
    returned = workflow.latest_return(evaluation)
    context = {
        "evaluation": evaluation,
        "next_step": workflow.next_step(evaluation, returned=returned),
        "returned": returned,
        "returned_by_commune": (
            _latest(evaluation, A.RETURN_TO_PRODUCER) if evaluation.status == S.PREPARING else None
        ),
        "deadline": deadline,
        "deadline_label": deadline_label,
        "overdue": deadline is not None and deadline < today,
        "steps": public_steps(evaluation),
        "files": files,
        "asked": evaluation.document_requests.order_by("asked_at", "pk"),
        "moves": moves,
        "self_score": dossier.self_score(structure, choices),
        "max_total": structure.max_total,
        "criteria_count": len(structure.criteria),
        "missing": dossier.file_missing(evaluation) if evaluation.status == S.PREPARING else [],
        "result": _result(evaluation),
        "needs_samples": dossier.needs_samples(evaluation),
        "today": today,
    }
    return render(request, "evaluations/online/detail.html", context, status=status)


@require_safe
@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _own(request.user, pk))


@require_POST
@login_required
@submit_once(replayed=SAVED)
def dossier_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Filing the dossier, or sending it back after a return: refused (403, saying who does)
    for anyone but who makes the move; a refusal of the dossier's state stays on the page."""
    evaluation = _own(request.user, pk)
    if move not in BY_NAME:
        raise Http404
    target, _label, form_class, service = BY_NAME[move]
    workflow.require_actor(evaluation, target, request.user)
    if workflow.table(evaluation).get(evaluation.status, {}).get(target) is None:
        raise PermissionDenied(
            _("Hồ sơ đang ở bước “%(status)s”: chưa thể làm việc này.")
            % {"status": evaluation.get_status_display()}
        )
    form = form_class(request.POST, prefix=move)
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "pledge"}
        try:
            service(evaluation=evaluation, by=request.user, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã nộp hồ sơ; Ủy ban nhân dân cấp xã tiếp nhận hoặc trả lại kèm lý do.")
                if target == S.FILED
                else _("Đã gửi lại hồ sơ đã bổ sung; Sở kiểm tra lại hồ sơ."),
            )
            return redirect("online:detail", evaluation.pk)
    evaluation.refresh_from_db()
    return _detail(request, evaluation, bound=(move, form))


# --- Mẫu 01 and Mẫu 02 --------------------------------------------------------------------------


def _edit_reason(evaluation: Evaluation, user) -> str | None:
    return dossier.producer_edit_reason(evaluation, user)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def registration(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration (Mẫu 01): the registry's facts of the producer and product, the kind,
    and the samples the producer will hand in (changed while it prepares the dossier)."""
    evaluation = _own(request.user, pk)
    edit_reason = _edit_reason(evaluation, request.user)
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if edit_reason:
            form.is_valid()
            form.add_error(None, edit_reason)
        elif form.is_valid():
            try:
                dossier.registration_save(
                    evaluation=evaluation,
                    by=request.user,
                    samples=form.cleaned_data["samples"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Đã lưu phiếu đăng ký (Mẫu 01)."))
                return redirect("online:registration", evaluation.pk)
    else:
        form = RegistrationForm(
            initial={"samples": evaluation.samples, "version": evaluation.version}
        )
    if edit_reason:
        for field in form.fields.values():
            field.disabled = True
    context = {
        **_facts(evaluation),
        "title": _("Phiếu đăng ký (Mẫu 01)"),
        "form": form,
        "edit_reason": edit_reason,
        "kinds": kinds_ticked(evaluation),
    }
    return render(request, "evaluations/online/registration.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-assessment (Mẫu 02) on the score sheet of the product's set: the option the
    producer claims for each criterion and its evidence, with the self-score."""
    evaluation = _own(request.user, pk)
    return self_assessment_page(
        request,
        evaluation,
        edit_reason=_edit_reason(evaluation, request.user),
        saved_url=reverse("online:self_assessment", args=[evaluation.pk]),
        template="evaluations/online/self_assessment.html",
    )


@require_safe
@login_required
def print_form(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """Mẫu 01 or Mẫu 02 on A4, to sign and scan into the dossier."""
    evaluation = _own(request.user, pk)
    if form == "01":
        return render(request, "evaluations/online/print_form_01.html", form_01_context(evaluation))
    return render(request, "evaluations/online/print_form_02.html", form_02_context(evaluation))


# --- Documents ----------------------------------------------------------------------------------


def _documents_page(request, evaluation: Evaluation, *, form=None) -> HttpResponse:
    full = documents.dossier(evaluation)
    files = producer_dossier(full)
    may_add = policy.can(request.user, "document.add", evaluation)
    if form is None and may_add:
        form = ProducerDocumentForm(dossier=full, criteria=_criteria(evaluation))
    return render(
        request,
        "evaluations/online/documents.html",
        page_context(evaluation, dossier=files, form=form, may_add=may_add),
    )


@require_safe
@login_required
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _documents_page(request, _own(request.user, pk))


@require_POST
@login_required
@limits_uploads
def document_upload(request: HttpRequest, pk: int, *, oversized) -> HttpResponse:
    evaluation = _own(request.user, pk)
    policy.require(request.user, "document.add", evaluation)
    return upload(
        request,
        evaluation=evaluation,
        oversized=oversized,
        form_class=ProducerDocumentForm,
        page=_documents_page,
        done="online:documents",
    )


def _own_document(user, pk: int, document_pk: int) -> DossierDocument:
    """A document of the producer's own dossier that the producer reads (not the commune's or
    the province's papers), else 404."""
    document = get_object_or_404(
        DossierDocument.objects.owned_by(user).select_related(
            "evaluation__criteria_set", "evaluation__product__producer__area"
        ),
        pk=document_pk,
        evaluation_id=pk,
    )
    checklist = documents.checklist_of(document.evaluation.criteria_set.legal_basis_id)
    items = {item.code: item for item in checklist.items}
    item = items.get(document.checklist_code)
    if item is not None and item.provided_by != documents.Provider.PRODUCER:
        raise Http404
    return document


@require_safe
@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    return attachment_response(_own_document(request.user, pk, document_pk))


@require_POST
@login_required
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _own_document(request.user, pk, document_pk)
    return remove(request, document, done="online:documents")
