"""The commune's step of a two-level dossier (26/2026/QĐ-TTg Điều 6–7): the producer files a
registration (Mẫu 01), a self-assessment (Mẫu 02) and five samples at the commune; within 15
working days the commune checks the dossier, assesses four contents, issues its report (Mẫu 03)
and a letter asking the province to evaluate, and forwards the dossier.

Here: who may change the commune's part and why not, the self-assessment and the report with
their saves, what is still missing before the dossier may be forwarded, the commune's deadline
and the province's deadline on a re-rating (45 days from the day it found the dossier complete,
Điều 7.6.g). The workflow's moves (receive, forward, return) live in ``evaluations.services``."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import policy
from core.versioning import check_version
from core.workdays import add_working_days
from evaluations.models import Contribution, Evaluation, SelfAssessment, Transition
from evaluations.scoring import SheetStructure
from products import rerating
from products.models import Certificate

#: Samples handed in with a dossier (Điều 6.2.d), but for the tourism-services product set.
REQUIRED_SAMPLES = 5
#: The sector of Phụ lục I of 26/2026/QĐ-TTg (as of 148/QĐ-TTg) that sends no samples: "VI.
#: Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch" (its one set, VI.1).
NO_SAMPLES_SECTOR = "VI"

#: The four contents the commune assesses (Điều 7.2.a), in the order of Mẫu 03 part II.
CONTENTS = ("local_materials", "local_labour", "idea_origin", "local_identity")
#: What the commune's report form edits.
PREASSESSMENT_FIELDS = ("samples", *CONTENTS, "commune_letter", "preassessed_on")

#: The headings of Mẫu 03 part II and the decision's own hint under each.
CONTENT_LABELS = {
    "local_materials": gettext_lazy("Về sử dụng nguyên liệu địa phương"),
    "local_labour": gettext_lazy("Về sử dụng lao động địa phương"),
    "idea_origin": gettext_lazy("Nguồn gốc ý tưởng sản phẩm"),
    "local_identity": gettext_lazy("Bản sắc/trí tuệ địa phương"),
}
CONTENT_HINTS = {
    "local_materials": gettext_lazy(
        "Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng nguyên liệu "
        "thực tế của chủ thể trên địa bàn xã."
    ),
    "local_labour": gettext_lazy(
        "Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng thực tế về lao "
        "động địa phương của chủ thể trên địa bàn xã."
    ),
    "idea_origin": gettext_lazy(
        "Nhận xét về nguồn gốc sản phẩm (truyền thống, sản phẩm mới) của chủ thể dựa trên thực "
        "tế của địa phương."
    ),
    "local_identity": gettext_lazy(
        "Đánh giá các giá trị văn hóa, tri thức bản địa (giống, nguyên liệu, điều kiện sản "
        "xuất), kinh nghiệm sản xuất của cộng đồng và phương thức sản xuất đặc trưng của địa "
        "phương, tạo nên sự khác biệt của sản phẩm."
    ),
}


# --- Who may change the commune's part -------------------------------------------------------


def commune_edit_reason(evaluation: Evaluation, user) -> str | None:
    """Why this user cannot change the commune's part of the dossier now (the registration's
    facts, the self-assessment, the report Mẫu 03); None when they can."""
    basis = evaluation.criteria_set.legal_basis
    if not basis.is_two_level:
        return _(
            "Hồ sơ đánh giá theo %(basis)s: không có bước Ủy ban nhân dân cấp xã tiếp nhận, "
            "đánh giá sơ bộ."
        ) % {"basis": basis.code}
    if evaluation.status in Evaluation.PRODUCER_STATUSES:
        return _(
            "Chủ thể đang lập, nộp hồ sơ trực tuyến: xã xem hồ sơ, tiếp nhận khi chủ thể đã nộp."
        )
    if evaluation.status not in Evaluation.LOCAL_STATUSES:
        return _("Hồ sơ đã gửi lên tỉnh: phần của xã đã khóa.")
    decision = policy.can(user, "evaluation.fill", evaluation)
    if not decision:
        return decision.reason
    return None


def producer_edit_reason(evaluation: Evaluation, user) -> str | None:
    """Why this user cannot change the producer's part of a dossier filed online now (its
    registration and self-assessment); None when they can: the producer's account, while it
    prepares the dossier."""
    decision = policy.can(user, "dossier.prepare", evaluation)
    return None if decision else decision.reason


def self_assessment_edit_reason(evaluation: Evaluation, user) -> str | None:
    """Who changes the self-assessment (Mẫu 02): the producer's account while it prepares a
    dossier filed online, else the commune while the dossier is with it (None when this user
    may)."""
    if producer_edit_reason(evaluation, user) is None:
        return None
    return commune_edit_reason(evaluation, user)


def receiver(evaluation: Evaluation):
    """Who received the dossier at the commune: the officer who opened it on paper, or who
    received it once its producer filed it online (None until then)."""
    if not evaluation.online:
        return evaluation.created_by
    step = (
        evaluation.transitions.filter(action=Transition.Action.RECEIVE)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    return step.by if step else None


# --- The registration's facts ----------------------------------------------------------------


def product_set(evaluation: Evaluation):
    """The product set the dossier is evaluated in, in its legal basis's classification: the
    set of its sheet, else the product's category as classified under the basis (or None)."""
    if evaluation.criteria_set.category_id is not None:
        return evaluation.criteria_set.category
    category = evaluation.product.category
    if category is None:
        return None
    return category.in_scheme(evaluation.criteria_set.legal_basis.classification)


def needs_samples(evaluation: Evaluation) -> bool:
    """Five samples go with the dossier, but for the set of community tourism, ecotourism and
    tourist sites (Điều 6.2.d)."""
    category = product_set(evaluation)
    return category is None or category.sector_code != NO_SAMPLES_SECTOR


def commune_deadline(evaluation: Evaluation) -> date | None:
    """The last day of the commune's working days (15 under 26/2026) from the day it received
    the dossier; None without that day or without such a time limit."""
    days = evaluation.criteria_set.legal_basis.local_review_working_days
    if evaluation.filed_on is None or not days:
        return None
    return add_working_days(evaluation.filed_on, days)


#: A dossier the province has found complete (the OCOP office's "accept" move) and not yet
#: decided on: the re-rating's decision deadline runs. A dossier returned since is incomplete
#: again; accepted anew, its time counts from the new day.
ACCEPTED_STATUSES = (
    Evaluation.Status.ADVISORY,
    Evaluation.Status.COUNCIL,
    Evaluation.Status.SCORED,
    Evaluation.Status.MINISTRY,
    Evaluation.Status.MINISTRY_DECLINED,
)


def accepted_days(evaluations) -> dict[int, date]:
    """{evaluation id: the day it was last accepted as complete} for the evaluations given, in
    one query (the ``accept`` Transition, the day in the portal's time zone)."""
    days: dict[int, date] = {}
    if not evaluations:
        return days
    steps = (
        Transition.objects.filter(
            evaluation__in=[e.pk for e in evaluations], action=Transition.Action.ACCEPT
        )
        .order_by("evaluation", "-at", "-pk")
        .values_list("evaluation_id", "at")
    )
    for evaluation_id, at in steps:
        days.setdefault(evaluation_id, timezone.localtime(at).date())
    return days


def rerating_deadline(evaluation: Evaluation, accepted_on: date | None) -> date | None:
    """The day by which a re-rating dossier accepted as complete on ``accepted_on`` is decided
    (its legal basis's days: 45 under 26/2026/QĐ-TTg); None for another dossier, one not (or
    no longer) accepted, or a basis with no such limit (148, 1489: their transition rule)."""
    if evaluation.kind != Certificate.Kind.RENEWAL or evaluation.status not in ACCEPTED_STATUSES:
        return None
    return rerating.decision_deadline(evaluation.criteria_set.legal_basis, accepted_on)


def with_rerating_deadlines(evaluations, today: date | None = None):
    """Each evaluation with ``decision_deadline`` (or None), ``decision_days`` and
    ``decision_overdue`` (past the deadline, in calendar days); one query for all of them."""
    today = today or timezone.localdate()
    renewals = [e for e in evaluations if e.kind == Certificate.Kind.RENEWAL]
    accepted = accepted_days([e for e in renewals if e.status in ACCEPTED_STATUSES])
    for evaluation in evaluations:
        deadline = rerating_deadline(evaluation, accepted.get(evaluation.pk))
        evaluation.decision_deadline = deadline
        evaluation.decision_days = evaluation.criteria_set.legal_basis.rerating_decision_days
        evaluation.decision_overdue = deadline is not None and today > deadline
    return evaluations


# --- The self-assessment (Mẫu 02 Phần III) ---------------------------------------------------


def self_assessment_of(evaluation: Evaluation) -> tuple[dict[int, int | None], dict[int, str]]:
    """({criterion id: option claimed or None}, {criterion id: evidence})."""
    rows = SelfAssessment.objects.filter(evaluation=evaluation).values_list(
        "criterion_id", "option_id", "evidence"
    )
    choices, evidence = {}, {}
    for criterion_id, option_id, text in rows:
        choices[criterion_id] = option_id
        evidence[criterion_id] = text
    return choices, evidence


def self_score(structure: SheetStructure, choices: dict[int, int | None]):
    """The sheet's result for the options claimed (SheetResult: total, answered, …)."""
    return structure.sheet_result({cid: oid for cid, oid in choices.items() if oid})


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("criteria_set__legal_basis", "criteria_set__category", "product__category")
        .select_related("product__producer__area")
        .get(pk=evaluation.pk)
    )


def _refuse_unless_editable(evaluation: Evaluation, user) -> None:
    if reason := commune_edit_reason(evaluation, user):
        raise ValidationError(reason, code="locked")


def _refuse_unless_self_assessment_editable(evaluation: Evaluation, user) -> None:
    if reason := self_assessment_edit_reason(evaluation, user):
        raise ValidationError(reason, code="locked")


def self_assessment_save(
    *,
    evaluation: Evaluation,
    by,
    choices: dict[int, int | None],
    evidence: dict[int, str],
    version: int,
) -> Evaluation:
    """Save the producer's claims ({criterion id: option id or None}) and evidence ({criterion
    id: text}), all or nothing: by the producer's account on a dossier it prepares online, or
    by the commune. Refused (ValidationError, nothing written) when that part is locked, when
    the dossier was saved since `version` was read (StaleSave, naming who), or when a
    criterion is not on the sheet or an option not of its criterion (the error under
    ``c<criterion id>``). A criterion left out of both keeps what it had; one with no option
    and no evidence has its row removed; an answer carried from the previous dossier
    loses its mark once changed. Moves the evaluation's version on."""
    with transaction.atomic():
        current = _locked(evaluation)
        _refuse_unless_self_assessment_editable(current, by)
        check_version(current, version)
        structure = SheetStructure.load(current.criteria_set)
        errors = {}
        for criterion_id in {*choices, *evidence}:
            if criterion_id not in structure.criteria:
                errors[f"c{criterion_id}"] = _("Tiêu chí này không có trong phiếu của hồ sơ.")
        for criterion_id, option_id in choices.items():
            option = structure.options.get(option_id) if option_id else None
            if option_id and (option is None or option.criterion_id != criterion_id):
                errors.setdefault(
                    f"c{criterion_id}", _("Mức đạt này không thuộc tiêu chí; hãy chọn lại.")
                )
        if errors:
            raise ValidationError(errors)

        existing = {row.criterion_id: row for row in current.self_assessments.all()}
        removed, changed, added = [], [], []
        for criterion_id in {*choices, *evidence}:
            row = existing.get(criterion_id)
            option_id = choices.get(criterion_id, row.option_id if row else None) or None
            text = evidence.get(criterion_id, row.evidence if row else "")
            text = (text or "").strip()
            if option_id is None and not text:
                if row is not None:
                    removed.append(row.pk)
            elif row is None:
                added.append(
                    SelfAssessment(
                        evaluation=current,
                        criterion_id=criterion_id,
                        option_id=option_id,
                        evidence=text,
                    )
                )
            elif (row.option_id, row.evidence) != (option_id, text):
                # An answer carried from the previous dossier is the producer's own once edited.
                row.option_id, row.evidence, row.carried_from = option_id, text, None
                changed.append(row)
        SelfAssessment.objects.filter(pk__in=removed).delete()
        SelfAssessment.objects.bulk_update(changed, ["option", "evidence", "carried_from"])
        SelfAssessment.objects.bulk_create(added)
        # The dossier's version moves on, and its history says who saved the self-assessment.
        current._history_user = by
        current._change_reason = _("Lưu báo cáo tự đánh giá (Mẫu 02)")
        current.save(update_fields=["updated_at"])
    return current


# --- The commune's report (Mẫu 03) -----------------------------------------------------------


def preassessment_errors(evaluation: Evaluation, today: date | None = None) -> dict[str, str]:
    """The report's own rules: its day is neither in the future nor before the dossier was
    received."""
    today = today or timezone.localdate()
    errors = {}
    day = evaluation.preassessed_on
    if day is not None and day > today:
        errors["preassessed_on"] = _("Ngày báo cáo không thể sau hôm nay.")
    elif day is not None and evaluation.filed_on is not None and day < evaluation.filed_on:
        errors["preassessed_on"] = _(
            "Ngày báo cáo không thể trước ngày xã tiếp nhận hồ sơ (%(day)s)."
        ) % {"day": formats.date_format(evaluation.filed_on, "SHORT_DATE_FORMAT")}
    return errors


def preassessment_save(
    *, evaluation: Evaluation, by, values: dict, version: int, today: date | None = None
) -> Evaluation:
    """Save the commune's report (the four contents, its letter and day) and the samples it
    confirms (`values`: some of PREASSESSMENT_FIELDS); records that `by` pre-assessed the
    dossier. Refused (ValidationError, nothing written) when the commune's part is locked, the
    dossier was saved since `version`, or a rule of the report is broken."""
    unknown = set(values) - set(PREASSESSMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of the commune's report: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(evaluation)
        _refuse_unless_editable(current, by)
        check_version(current, version, list(values))
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(current, name, value)
        if errors := preassessment_errors(current, today):
            raise ValidationError(errors)
        current._history_user = by
        current.save(update_fields=[*values, "updated_at"])
        Contribution.objects.get_or_create(
            evaluation=current, user=by, kind=Contribution.Kind.PREASSESSED
        )
    return current


# --- The producer's registration (Mẫu 01) on a dossier filed online ---------------------------


def registration_save(*, evaluation: Evaluation, by, samples: int, version: int) -> Evaluation:
    """The producer's registration of a dossier it prepares online: the samples it will hand
    in at the commune (its other facts are the registry's: producer, product, product set,
    kind). Refused (ValidationError, nothing written) unless the producer's account may change
    it now, or when the dossier was saved since `version` (StaleSave, naming who)."""
    with transaction.atomic():
        current = _locked(evaluation)
        if reason := producer_edit_reason(current, by):
            raise ValidationError(reason, code="locked")
        check_version(current, version, ["samples"])
        if samples is None or samples < 0:
            raise ValidationError({"samples": _("Số sản phẩm mẫu không thể âm.")})
        current.samples = samples
        current._history_user = by
        current._change_reason = _("Lưu phiếu đăng ký (Mẫu 01)")
        current.save(update_fields=["samples", "updated_at"])
    return current


def file_missing(evaluation: Evaluation) -> list[str]:
    """What the producer must still do before it files its dossier online, each a sentence;
    empty when nothing is missing (with the documents, the guard of the "file" move)."""
    missing = []
    if needs_samples(evaluation) and evaluation.samples < REQUIRED_SAMPLES:
        missing.append(
            _(
                "Phiếu đăng ký (Mẫu 01) ghi %(count)s/%(required)s sản phẩm mẫu: hồ sơ nộp kèm "
                "05 sản phẩm mẫu tại xã."
            )
            % {"count": evaluation.samples, "required": REQUIRED_SAMPLES}
        )
    claimed = SelfAssessment.objects.filter(evaluation=evaluation, option__isnull=False)
    if not claimed.exists():
        missing.append(_("Báo cáo tự đánh giá (Mẫu 02) chưa tự chấm tiêu chí nào."))
    return missing


# --- Before forwarding -----------------------------------------------------------------------


def forward_missing(evaluation: Evaluation) -> list[str]:
    """What the commune must still do before it forwards the dossier to the province, each a
    sentence; empty when nothing is missing (the guard of the "forward" move)."""
    missing = []
    for name in CONTENTS:
        if not getattr(evaluation, name).strip():
            missing.append(
                _("Báo cáo Mẫu 03 chưa có nội dung “%(content)s”.")
                % {"content": CONTENT_LABELS[name]}
            )
    if not evaluation.commune_letter.strip():
        missing.append(
            _("Chưa ghi số văn bản của Ủy ban nhân dân xã đề nghị tỉnh đánh giá, phân hạng.")
        )
    if evaluation.preassessed_on is None:
        missing.append(_("Chưa ghi ngày ban hành Báo cáo Mẫu 03."))
    if needs_samples(evaluation) and evaluation.samples < REQUIRED_SAMPLES:
        missing.append(
            _("Mới có %(count)s/%(required)s sản phẩm mẫu: hồ sơ gửi tỉnh kèm 05 sản phẩm mẫu.")
            % {"count": evaluation.samples, "required": REQUIRED_SAMPLES}
        )
    claimed = SelfAssessment.objects.filter(evaluation=evaluation, option__isnull=False)
    if not claimed.exists():
        missing.append(_("Báo cáo tự đánh giá (Mẫu 02) chưa tự chấm tiêu chí nào."))
    return missing
