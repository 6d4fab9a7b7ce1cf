"""Everything that changes an evaluation: creating it, saving a score sheet, and one function
per workflow transition. Each runs in a transaction, asks ``workflow.check`` whether the move is
allowed, validates what it writes (full_clean) and records who, when and why as a Transition.

Nothing here runs from signals or save(): the pages and the demo call these functions."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from areas.models import Area
from core import policy
from core.caching import record_changed
from core.integrity import rules_as_errors
from core.versioning import check_version
from evaluations import carried, workflow
from evaluations.models import (
    Answer,
    Contribution,
    CriteriaSet,
    Evaluation,
    MinimumsRule,
    Round,
    ScoreSheet,
    Transition,
)
from evaluations.scoring import SheetStructure
from products import rerating
from products.models import Certificate, LegalBasis, Product

S = Evaluation.Status


class SheetConflict(Exception):
    """Someone saved the sheet after it was opened: nothing was written."""

    def __init__(self, sheet: ScoreSheet, choices: dict[int, int]):
        super().__init__(f"score sheet {sheet.pk} changed (version {sheet.version})")
        self.sheet = sheet
        self.choices = choices


@dataclass(frozen=True)
class Decision:
    number: str
    date: date
    signer: str


# --- Reading ---------------------------------------------------------------------------------


def _locked(evaluation: Evaluation) -> Evaluation:
    """The evaluation as stored now, locked for the rest of the transaction."""
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related(
            "round__area",
            "criteria_set__legal_basis",
            "product__producer__area",
            "previous_certificate",
        )
        .get(pk=evaluation.pk)
    )


def sheet_choices(sheets) -> dict[int, dict[int, int]]:
    """{sheet id: {criterion id: option id}} for the sheets given, in one query."""
    choices: dict[int, dict[int, int]] = {sheet.pk: {} for sheet in sheets}
    rows = Answer.objects.filter(sheet__in=list(choices)).values_list(
        "sheet_id", "criterion_id", "option_id"
    )
    for sheet_id, criterion_id, option_id in rows:
        choices[sheet_id][criterion_id] = option_id
    return choices


def evaluation_result(evaluation: Evaluation, structure: SheetStructure, sheets=None, choices=None):
    """The product's result from its sheets (the members' and the council's agreed one), read
    by the minimums rule the evaluation was opened with."""
    sheets = list(evaluation.sheets.all()) if sheets is None else sheets
    choices = sheet_choices(sheets) if choices is None else choices
    council = next((sheet for sheet in sheets if sheet.is_council), None)
    return structure.evaluation_result(
        [choices[sheet.pk] for sheet in sheets if not sheet.is_council],
        rule=evaluation.minimums_rule,
        council=choices[council.pk] if council else None,
    )


def refresh_result(evaluation: Evaluation, structure: SheetStructure | None = None):
    """Recompute the product's score and stars from every sheet and store them."""
    structure = structure or SheetStructure.load(evaluation.criteria_set)
    result = evaluation_result(evaluation, structure)
    evaluation.score = result.score
    evaluation.band_stars = result.band_stars
    evaluation.stars = result.stars
    evaluation.is_eliminated = result.eliminated
    evaluation.sheets_complete = result.complete
    if evaluation.divergence_spread is not None and evaluation.divergence_spread != result.spread:
        # The chair's reason was for other totals: the council re-scored.
        evaluation.divergence_reason, evaluation.divergence_spread = "", None
    Evaluation.objects.filter(pk=evaluation.pk).update(
        score=result.score,
        band_stars=result.band_stars,
        stars=result.stars,
        is_eliminated=result.eliminated,
        sheets_complete=result.complete,
        divergence_reason=evaluation.divergence_reason,
        divergence_spread=evaluation.divergence_spread,
        updated_at=timezone.now(),
    )
    # update() sends no signal: what is cached of the province's evaluations (its dashboards,
    # its users' to-do counts) is made new here, as a save would make it.
    record_changed(Evaluation, evaluation)
    return result


def _record(
    evaluation: Evaluation,
    target: str,
    by,
    *,
    comment: str = "",
    decision: Decision | None = None,
    changes: str = "",
    at=None,
    today: date | None = None,
) -> Transition:
    """Move the evaluation onto `target` (already checked) and write down the step. A step
    that concludes a re-rating dossier ends the grace it gave the certificate it re-rates, on
    the decision's day (the day of the step when it has no decision)."""
    source = evaluation.status
    action = workflow.action_for(evaluation, target)
    evaluation.status = target
    evaluation.full_clean()
    evaluation.save()
    if source in Evaluation.OPEN_STATUSES and target not in Evaluation.OPEN_STATUSES:
        decided_on = decision.date if decision else (today or timezone.localdate())
        keep_extension(evaluation, by, decided_on=decided_on)
    step = Transition(
        evaluation=evaluation,
        action=action,
        from_status=source,
        to_status=target,
        by=by,
        at=at or timezone.now(),
        comment=comment.strip(),
        decision_number=decision.number if decision else "",
        decision_date=decision.date if decision else None,
        signer=decision.signer if decision else "",
        changes=changes,
    )
    step.full_clean()
    step.save()
    return step


# --- The grace of a late re-rating dossier (26/2026/QĐ-TTg Điều 12.3) --------------------------


def filed_day(evaluation: Evaluation) -> date:
    """The day the dossier was filed: received at the commune, or (under the earlier process,
    with no such day) opened."""
    return evaluation.filed_on or timezone.localtime(evaluation.created_at).date()


def keep_extension(evaluation: Evaluation, by, *, decided_on: date | None = None) -> None:
    """Set the extension of the certificate a re-rating dossier re-rates, as the dossier now
    stands: from a late filing, the grace's last day; once decided (``decided_on``), cut at
    the decision's day. A dossier not filed late leaves it as it is: an earlier late dossier's
    extension is history and stays."""
    if evaluation.kind != Certificate.Kind.RENEWAL or evaluation.previous_certificate_id is None:
        return
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("legal_basis")
        .get(pk=evaluation.previous_certificate_id)
    )
    filed_on = filed_day(evaluation)
    schedule = rerating.Schedule.load()
    if certificate.revoked_on is not None or not rerating.filed_late(
        certificate, filed_on, schedule
    ):
        return
    extended = rerating.extension_for(
        certificate, filed_on=filed_on, decided_on=decided_on, schedule=schedule
    )
    if certificate.extended_until == extended:
        return
    certificate.extended_until = extended
    certificate._history_user = by
    certificate._change_reason = (
        _("Gia hạn hiệu lực đến khi có kết quả đánh giá lại (hồ sơ nộp sau thời hạn)")
        if decided_on is None
        else _("Kết thúc gia hạn: đã có kết quả đánh giá lại")
    )
    # The database refuses an extension that does not reach past the expiry.
    with rules_as_errors(certificate):
        certificate.save(update_fields=["extended_until", "updated_at"])


# --- Creating ---------------------------------------------------------------------------------


@dataclass
class Opening:
    """What opening a dossier of a product in a round rests on, or why it cannot be opened
    (``errors``: field → messages)."""

    basis: LegalBasis | None
    criteria_set: CriteriaSet | None
    members: list
    previous: Certificate | None
    errors: dict


def check_opening(*, product: Product, round: Round, kind: str, basis_day: date, today: date):
    """The rules of opening a dossier, shared by the commune receiving one on paper and the
    producer starting one online: the round open today and over the product's area, a legal
    basis in force on `basis_day` with a sheet for the product's set, a council, no other open
    dossier of the product, and a kind that fits the product's certificates. Call with the
    product locked."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    day = formats.date_format(basis_day, "SHORT_DATE_FORMAT")
    basis = LegalBasis.objects.in_force_on(basis_day).first()
    criteria_set, no_sheet = (
        CriteriaSet.objects.sheet_for(basis, product.category) if basis else (None, "")
    )
    members = list(round.members.all())
    if not round.is_open(today):
        refuse("round", _("%(round)s không mở nhận hồ sơ hôm nay.") % {"round": round.title})
    if basis is None:
        refuse("round", _("Chưa có căn cứ pháp lý áp dụng ngày %(day)s.") % {"day": day})
    elif criteria_set is None:
        refuse("product", no_sheet)
    if not members:
        refuse("round", _("Đợt này chưa có thành viên hội đồng."))
    if not round.area.contains(product.producer.area):
        refuse(
            "product",
            _("Sản phẩm không thuộc địa bàn của hội đồng %(area)s.") % {"area": round.area.name},
        )
    pending = (
        Evaluation.objects.filter(product=product, status__in=Evaluation.OPEN_STATUSES)
        .select_related("round__area")
        .first()
    )
    if pending:
        refuse(
            "product",
            format_html(
                _('Sản phẩm đang có <a href="{url}">hồ sơ chưa kết luận</a> trong {round}.'),
                url=pending.get_absolute_url(),
                round=pending.round.title,
            ),
        )
    previous = product.certificates.order_by("-decision_date", "-pk").first()
    if kind == Certificate.Kind.NEW and previous:
        refuse(
            "kind",
            _(
                "Sản phẩm đã có giấy chứng nhận %(stars)s sao (%(number)s): chọn công nhận lại "
                "hoặc nâng hạng."
            )
            % {"stars": previous.stars, "number": previous.decision_number},
        )
    if kind != Certificate.Kind.NEW and previous is None:
        refuse("kind", _("Sản phẩm chưa có giấy chứng nhận: chọn công nhận mới."))
    if kind == Certificate.Kind.UPGRADE and previous and previous.stars >= 5:
        refuse("kind", _("Sản phẩm đã đạt 5 sao, không nâng hạng được nữa."))
    return Opening(basis, criteria_set, members, previous, errors)


def open_sheets(evaluation: Evaluation, members) -> None:
    """One empty sheet per council member (and the council's agreed sheet when the city reads
    the star minimums from it)."""
    sheets = [ScoreSheet(evaluation=evaluation, member=member) for member in members]
    if evaluation.minimums_rule == MinimumsRule.COUNCIL:
        sheets.append(ScoreSheet(evaluation=evaluation, is_council=True))
    ScoreSheet.objects.bulk_create(sheets)


@transaction.atomic
def evaluation_create(
    *,
    product: Product,
    round: Round,
    kind: str,
    by,
    filed_on: date | None = None,
    samples: int = 0,
    carry: bool = True,
    today=None,
) -> Evaluation:
    """Open an evaluation of a product in a round, with one empty sheet per council member (and
    the council's agreed sheet when the city reads the star minimums from it).

    Under 26/2026/QĐ-TTg this is the commune receiving the producer's dossier (Mẫu 01): its
    registration number, the day received and the samples. The day received picks the legal
    basis (Điều 12: a dossier filed before 22/05/2026 finishes under the rules it was filed
    under); without one, the day the round opened.

    A product has one open (not yet concluded) evaluation at a time: the product is locked while
    this is checked, and the database refuses a second one all the same.

    An upgrade or re-rating dossier starts from the product's previous one (its documents and
    self-assessment carried over, ``evaluations.carried``) unless `carry` is False."""
    today = today or timezone.localdate()
    policy.require(by, "evaluation.add", product)
    # Two officers opening the same product in two rounds at once: the second waits here, then
    # finds the first one's evaluation below.
    Product.objects.select_for_update().filter(pk=product.pk).first()
    errors: dict[str, list[str]] = {}
    if filed_on is not None and filed_on > today:
        errors.setdefault("filed_on", []).append(_("Ngày tiếp nhận hồ sơ không được ở tương lai."))
        filed_on = None
    opening = check_opening(
        product=product, round=round, kind=kind, basis_day=filed_on or round.opens_on, today=today
    )
    for field, messages in opening.errors.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    basis, criteria_set, members, previous = (
        opening.basis,
        opening.criteria_set,
        opening.members,
        opening.previous,
    )

    two_level = basis.is_two_level
    evaluation = Evaluation(
        product=product,
        round=round,
        kind=kind,
        criteria_set=criteria_set,
        status=S.RECEIVED if two_level else S.DRAFT,
        filed_on=filed_on or (today if two_level else None),
        samples=samples or 0,
        previous_certificate=previous if kind != Certificate.Kind.NEW else None,
        created_by=by,
        minimums_rule=settings.OCOP_MINIMUMS_READING,
    )
    assign_number(evaluation, basis)
    evaluation.full_clean()
    with rules_as_errors(evaluation):
        evaluation.save()
    open_sheets(evaluation, members)
    step = Transition(
        evaluation=evaluation,
        action=Transition.Action.RECEIVE if two_level else Transition.Action.CREATE,
        to_status=evaluation.status,
        by=by,
    )
    step.full_clean()
    step.save()
    Contribution.objects.create(evaluation=evaluation, user=by, kind=Contribution.Kind.FILED)
    if carry and kind in carried.KINDS:
        source = carried.source_for(product, previous, exclude=evaluation.pk)
        if source is not None:
            carried.carry_over(evaluation=evaluation, source=source, by=by)
    # Filed after the window closed but by the expiry day: the certificate stays valid until
    # the result (at most its grace).
    keep_extension(evaluation, by)
    return evaluation


def assign_number(evaluation: Evaluation, basis) -> None:
    """The product code its legal basis prints on the sheets, (Mã tỉnh)-(Mã xã)-(STT)-(Năm),
    and the registration number of its Mẫu 01, …/PĐK-(Mã tỉnh)-(Mã xã)-(Năm), the number
    counting the commune's evaluations of the year. Only for a producer in a current commune
    (records of the former districts have no commune code)."""
    area = evaluation.product.producer.area
    if not basis.product_code_format or area.level != Area.Level.COMMUNE or not area.is_current:
        return
    # One number at a time per commune: the commune's row is the lock.
    Area.objects.select_for_update().filter(pk=area.pk).first()
    year = evaluation.round.year
    taken = Evaluation.objects.filter(
        round__year=year, product__producer__area=area, number__isnull=False
    ).aggregate(last=Max("number"))["last"]
    evaluation.number = (taken or 0) + 1
    where = {"province": area.path.split("/")[0], "commune": area.code, "year": year}
    evaluation.code = basis.product_code(number=evaluation.number, **where)
    evaluation.registration_number = basis.registration_number(number=evaluation.number, **where)


@transaction.atomic
def round_add_missing_sheets(*, round: Round) -> int:
    """An empty sheet for members added to the council after its evaluations were opened
    (only where sheets can still be filled in). Returns the number of sheets added."""
    members = list(round.members.all())
    added = []
    for evaluation in round.evaluations.filter(status__in=Evaluation.EDITABLE_STATUSES):
        have = set(evaluation.sheets.values_list("member_id", flat=True))
        added += [
            ScoreSheet(evaluation=evaluation, member=member)
            for member in members
            if member.pk not in have
        ]
    ScoreSheet.objects.bulk_create(added)
    for evaluation in {sheet.evaluation for sheet in added}:
        refresh_result(evaluation)
    return len(added)


# --- Score sheets ----------------------------------------------------------------------------


def _describe(structure: SheetStructure, option_id: int | None) -> str:
    if option_id is None:
        return "—"
    option = structure.options[option_id]
    return f"{option.text} ({formats.number_format(option.points.normalize(), use_l10n=True)})"


@transaction.atomic
def sheet_save(
    *,
    sheet: ScoreSheet,
    by,
    choices: dict[int, int],
    version: int,
    reason: str = "",
    today=None,
) -> ScoreSheet:
    """Save a member's choices ({criterion id: option id}; a draft may leave criteria out).

    Refused with SheetConflict when the sheet was saved by someone else since `version` was
    read; with ValidationError when locked, an option does not belong to its criterion, or a
    correction lacks its reason or would change the stars."""
    evaluation = _locked(sheet.evaluation)
    if reason_locked := workflow.sheet_lock_reason(evaluation, by, today=today):
        raise ValidationError(reason_locked, code="locked")
    correcting = workflow.is_correction(evaluation)
    if correcting:
        workflow.check(evaluation, evaluation.status, by, today=today)
        if not reason.strip():
            raise ValidationError(
                {"reason": _("Hãy ghi lý do sửa phiếu chấm của hồ sơ đã công nhận.")}
            )
    structure = SheetStructure.load(evaluation.criteria_set)
    errors = {
        f"c{criterion_id}": _("Mức đạt này không thuộc tiêu chí.")
        for criterion_id, option_id in choices.items()
        if criterion_id not in structure.criteria
        or structure.options.get(option_id) is None
        or structure.options[option_id].criterion_id != criterion_id
    }
    if errors:
        raise ValidationError(errors)
    # Criteria that apply only when a product story exists are not scored when the member
    # chose that there is none: whatever was chosen there is dropped.
    applicable = structure.applicable(choices)
    choices = {cid: oid for cid, oid in choices.items() if cid in applicable}

    claimed = ScoreSheet.objects.filter(pk=sheet.pk, evaluation=evaluation, version=version).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not claimed:
        current = ScoreSheet.objects.select_related("updated_by", "member").get(pk=sheet.pk)
        raise SheetConflict(current, sheet_choices([current])[current.pk])

    existing = {answer.criterion_id: answer for answer in sheet.answers.all()}
    before = {criterion_id: answer.option_id for criterion_id, answer in existing.items()}
    removed = [answer.pk for cid, answer in existing.items() if cid not in choices]
    changed = []
    for criterion_id, option_id in choices.items():
        answer = existing.get(criterion_id)
        if answer is not None and answer.option_id != option_id:
            answer.option_id = option_id
            changed.append(answer)
    Answer.objects.filter(pk__in=removed).delete()
    Answer.objects.bulk_update(changed, ["option"])
    Answer.objects.bulk_create(
        [
            Answer(sheet_id=sheet.pk, criterion_id=criterion_id, option_id=option_id)
            for criterion_id, option_id in choices.items()
            if criterion_id not in existing
        ]
    )
    result = structure.sheet_result(choices)
    ScoreSheet.objects.filter(pk=sheet.pk).update(
        total=result.total, answered=result.answered, is_complete=result.complete
    )
    if not correcting:
        Contribution.objects.get_or_create(
            evaluation=evaluation, user=by, kind=Contribution.Kind.SHEET
        )

    recognised_stars, recognised_score = evaluation.stars, evaluation.score
    refresh_result(evaluation, structure)
    if correcting:
        if evaluation.is_eliminated or evaluation.stars != recognised_stars:
            raise ValidationError(
                _(
                    "Sửa như vậy làm thay đổi hạng sao đã công nhận (%(before)s sao): cần một "
                    "quyết định mới, không sửa được ở đây."
                )
                % {"before": recognised_stars},
                code="stars_changed",
            )
        lines = [
            f"{sheet.title} — {structure.criteria[cid].code}: "
            f"{_describe(structure, before.get(cid))} → {_describe(structure, choices.get(cid))}"
            for cid in sorted(set(before) | set(choices), key=lambda c: structure.criteria[c].code)
            if before.get(cid) != choices.get(cid)
        ]
        if recognised_score != evaluation.score:
            lines.append(
                _("Điểm: %(before)s → %(after)s")
                % {"before": recognised_score, "after": evaluation.score}
            )
            for certificate in (evaluation.certificate, evaluation.central_certificate):
                if certificate is not None:
                    certificate.score = evaluation.score
                    certificate.full_clean()
                    certificate.save()
        _record(evaluation, evaluation.status, by, comment=reason, changes="\n".join(lines))
    sheet.refresh_from_db()
    return sheet


# --- Transitions -----------------------------------------------------------------------------


def _require(field: str, value: str, message: str) -> None:
    if not (value or "").strip():
        raise ValidationError({field: message})


def _decision(
    evaluation: Evaluation, number: str, day: date | None, signer: str, today: date
) -> Decision:
    errors = {}
    if not (number or "").strip():
        errors["decision_number"] = _("Hãy ghi số quyết định.")
    if day is None:
        errors["decision_date"] = _("Hãy ghi ngày quyết định.")
    elif day > today:
        errors["decision_date"] = _("Ngày quyết định không được ở tương lai.")
    elif day < evaluation.round.opens_on:
        errors["decision_date"] = _("Ngày quyết định không được trước ngày mở đợt đánh giá.")
    if not (signer or "").strip():
        errors["signer"] = _("Hãy ghi người ký quyết định.")
    if errors:
        raise ValidationError(errors)
    return Decision(number.strip(), day, signer.strip())


def _issue(evaluation: Evaluation, *, stars: int, level: str, decision: Decision) -> Certificate:
    """The certificate in the registry: valid for the set's months from the decision date."""
    certificate = Certificate(
        product=evaluation.product,
        stars=stars,
        score=evaluation.score,
        legal_basis=evaluation.criteria_set.legal_basis,
        level=level,
        kind=evaluation.kind,
        decision_number=decision.number,
        decision_date=decision.date,
        area=evaluation.product.producer.area,
    )
    certificate.valid_until = certificate.compute_valid_until()
    certificate.full_clean()
    with rules_as_errors(certificate):
        certificate.save()
    return certificate


def _move(evaluation: Evaluation, target: str, by, *, comment: str = "", today=None):
    """A move that writes nothing but the step: checked, then recorded (in the caller's
    transaction, on the evaluation as stored now)."""
    evaluation = _locked(evaluation)
    workflow.check(evaluation, target, by, today=today)
    _record(evaluation, target, by, comment=comment, today=today)
    return evaluation


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, by, today=None) -> Evaluation:
    """The local officer sends a fully scored evaluation for review."""
    return _move(evaluation, S.SUBMITTED, by, today=today)


@transaction.atomic
def evaluation_resubmit(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """The local officer sends a returned evaluation back, completed."""
    return _move(evaluation, S.RESUBMITTED, by, comment=comment, today=today)


@transaction.atomic
def evaluation_return(
    *, evaluation: Evaluation, by, comment: str, documents=(), due_on=None, today=None
) -> Evaluation:
    """The province sends the dossier back to the commune (the deciding level to the officer
    under the earlier decisions), saying what to fix, which documents to add and, if it sets
    one, by when (`due_on`); a dossier filed online, to its producer as well."""
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.RETURNED, by, today=today)
    _require("comment", comment, _("Hãy ghi lý do trả lại để cán bộ địa phương bổ sung."))
    if due_on is not None and due_on < (today or timezone.localdate()):
        raise ValidationError({"due_on": _("Hạn bổ sung không được trước hôm nay.")})
    step = _record(evaluation, S.RETURNED, by, comment=comment)
    if documents:
        from evaluations import documents as dossier_documents

        dossier_documents.request_documents(
            evaluation=evaluation, items=list(documents), by=by, transition=step, due_on=due_on
        )
    return evaluation


# --- 26/2026/QĐ-TTg: the commune forwards, the province checks, reviews, scores, decides -------


@transaction.atomic
def evaluation_forward(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """The commune sends its pre-assessed dossier (Mẫu 03 and its letter) to the province."""
    return _move(evaluation, S.FORWARDED, by, comment=comment, today=today)


@transaction.atomic
def evaluation_accept(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """The OCOP office finds the dossier complete and hands it to the Tổ tư vấn."""
    return _move(evaluation, S.ADVISORY, by, comment=comment, today=today)


@transaction.atomic
def advisory_save(
    *,
    evaluation: Evaluation,
    by,
    survey_on: date | None,
    advisory_findings: str,
    lab_tests_requested: str = "",
    version: int | None = None,
    today=None,
) -> Evaluation:
    """The Tổ tư vấn's review: the site survey's day, its findings, extra lab tests asked."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    policy.require(by, "evaluation.review", evaluation)
    if evaluation.status != S.ADVISORY:
        raise ValidationError(
            _("Tổ tư vấn ghi kết quả khi hồ sơ đang ở bước thẩm định."), code="locked"
        )
    if version is not None:
        check_version(
            evaluation, version, ("survey_on", "advisory_findings", "lab_tests_requested")
        )
    errors = {}
    if survey_on and survey_on > today:
        errors["survey_on"] = _("Ngày khảo sát không được ở tương lai.")
    if not (advisory_findings or "").strip():
        errors["advisory_findings"] = _("Hãy ghi kết quả thẩm định, khảo sát.")
    if errors:
        raise ValidationError(errors)
    evaluation.survey_on = survey_on
    evaluation.advisory_findings = advisory_findings.strip()
    evaluation.lab_tests_requested = (lab_tests_requested or "").strip()
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_to_council(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """The Tổ tư vấn's review is done (or the council is to score again): the council scores."""
    return _move(evaluation, S.COUNCIL, by, comment=comment, today=today)


@transaction.atomic
def evaluation_scored(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """Every member's sheet is in: the result goes to the Chairman's decision."""
    return _move(evaluation, S.SCORED, by, comment=comment, today=today)


@transaction.atomic
def evaluation_approve_central(
    *,
    evaluation: Evaluation,
    by,
    decision_number: str,
    decision_date: date | None,
    signer: str,
    comment: str = "",
    today=None,
) -> Evaluation:
    """90 points or more: the Chairman's decision approving the result, and the dossier to the
    Ministry (no certificate of the province: the Ministry decides 5★)."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.MINISTRY, by, today=today)
    decision = _decision(evaluation, decision_number, decision_date, signer, today)
    evaluation.approval_number = decision.number
    evaluation.approval_date = decision.date
    _record(evaluation, S.MINISTRY, by, comment=comment, decision=decision)
    return evaluation


@transaction.atomic
def evaluation_ministry_decline(
    *, evaluation: Evaluation, by, ministry_score, comment: str, today=None
) -> Evaluation:
    """The Ministry did not recognise 5★: its council's score, from which the Chairman may
    recognise 3★/4★ (Điều 7.4)."""
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.MINISTRY_DECLINED, by, today=today)
    _require("comment", comment, _("Hãy ghi kết quả của Bộ Nông nghiệp và Môi trường."))
    if ministry_score is None:
        raise ValidationError({"ministry_score": _("Hãy ghi điểm của Hội đồng Trung ương.")})
    if ministry_score >= evaluation.criteria_set.central_proposal_score:
        raise ValidationError(
            {
                "ministry_score": _(
                    "Từ %(score)s điểm là 5 sao: hãy ghi quyết định công nhận 5 sao của Bộ."
                )
                % {"score": evaluation.criteria_set.central_proposal_score.normalize()}
            }
        )
    evaluation.ministry_score = ministry_score
    _record(evaluation, S.MINISTRY_DECLINED, by, comment=comment)
    return evaluation


@transaction.atomic
def evaluation_comment(*, evaluation: Evaluation, by, comment: str, today=None) -> Transition:
    """The province's remark on a dossier of its province at any step before the decision."""
    evaluation = _locked(evaluation)
    if not workflow.can_comment(evaluation, by):
        raise PermissionDenied(
            _("Ý kiến trên hồ sơ do cán bộ của Sở ghi, trước khi hồ sơ có quyết định.")
        )
    _require("comment", comment, _("Hãy ghi ý kiến."))
    step = Transition(
        evaluation=evaluation,
        action=Transition.Action.COMMENT,
        from_status=evaluation.status,
        to_status=evaluation.status,
        by=by,
        comment=comment.strip(),
    )
    step.full_clean()
    step.save()
    Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=timezone.now())
    return step


@transaction.atomic
def evaluation_recognise(
    *,
    evaluation: Evaluation,
    by,
    decision_number: str,
    decision_date: date | None,
    signer: str,
    comment: str = "",
    today=None,
) -> Evaluation:
    """Record the recognition decision of the level allowed to recognise the stars scored and
    issue the certificate (a 5★ score: 4★ by the city, then a proposal to the centre)."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.RECOGNISED, by, today=today)
    decision = _decision(evaluation, decision_number, decision_date, signer, today)
    stars = workflow.stars_to_recognise(evaluation)
    level = evaluation.criteria_set.recognising_level(stars)
    evaluation.certificate = _issue(evaluation, stars=stars, level=level, decision=decision)
    evaluation.decision_number = decision.number
    evaluation.decision_date = decision.date
    evaluation.signer = decision.signer
    evaluation.recognised_level = level
    evaluation.recognised_stars = stars
    _record(evaluation, S.RECOGNISED, by, comment=comment, decision=decision)
    return evaluation


@transaction.atomic
def evaluation_not_recognise(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """Record that the product is not recognised: eliminated, or below the certified stars."""
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.NOT_RECOGNISED, by, today=today)
    if not comment.strip():
        comment = refusal_reason(evaluation)
    _record(evaluation, S.NOT_RECOGNISED, by, comment=comment, today=today)
    return evaluation


@transaction.atomic
def evaluation_disqualify(
    *, evaluation: Evaluation, by, reasons=(), comment: str = "", today=None
) -> Evaluation:
    """The province finds the dossier falls under its sheet's "Hồ sơ bị loại khi…": the
    evaluation ends, with the conditions met and what was found."""
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.DISQUALIFIED, by, today=today)
    listed = evaluation.criteria_set.disqualifiers
    if any(reason not in listed for reason in reasons):
        raise ValidationError({"reasons": _("Trường hợp này không có trong phiếu chấm.")})
    lines = [_("Hồ sơ bị loại khi: %(reason)s") % {"reason": reason} for reason in reasons]
    if comment.strip():
        lines.append(comment.strip())
    if not lines:
        raise ValidationError(
            {"comment": _("Hãy chọn trường hợp hồ sơ bị loại hoặc ghi lý do loại hồ sơ.")}
        )
    _record(evaluation, S.DISQUALIFIED, by, comment="\n".join(lines), today=today)
    return evaluation


@transaction.atomic
def evaluation_explain_divergence(*, evaluation: Evaluation, by, reason: str, today=None):
    """The chair records why the members' totals may stand although they differ by the city's
    threshold or more; the council's result can then be sent on. Entered by whoever enters
    the sheets; a re-scoring to other totals asks for a new reason."""
    evaluation = _locked(evaluation)
    if locked := workflow.sheet_lock_reason(evaluation, by, today=today):
        raise ValidationError(locked, code="locked")
    if workflow.is_correction(evaluation):
        raise ValidationError(_("Hồ sơ đã được công nhận."), code="locked")
    _require("reason", reason, _("Hãy ghi lý do Chủ tịch hội đồng giữ kết quả chấm."))
    gap = workflow.spread(evaluation)
    if gap < settings.OCOP_DIVERGENCE_POINTS:
        raise ValidationError(
            _("Tổng điểm của các thành viên chênh nhau dưới %(limit)s điểm: không cần giải trình.")
            % {"limit": settings.OCOP_DIVERGENCE_POINTS},
            code="no_divergence",
        )
    evaluation.divergence_reason = reason.strip()
    evaluation.divergence_spread = gap
    evaluation.save(update_fields=["divergence_reason", "divergence_spread", "updated_at"])
    step = Transition(
        evaluation=evaluation,
        action=Transition.Action.DIVERGENCE,
        from_status=evaluation.status,
        to_status=evaluation.status,
        by=by,
        comment=reason.strip(),
        changes=_("Chênh lệch giữa các thành viên: %(gap)s điểm")
        % {"gap": formats.number_format(gap.normalize(), use_l10n=True)},
    )
    step.full_clean()
    step.save()
    return evaluation


def refusal_reason(evaluation: Evaluation) -> str:
    if evaluation.is_eliminated:
        result = evaluation_result(evaluation, SheetStructure.load(evaluation.criteria_set))
        found = "; ".join(
            f"{criterion.code} — {option.text}" for criterion, option in result.knocked_out
        )
        if not found:
            return _("Bị loại theo tiêu chí loại trừ.")
        return _("Không xếp hạng, theo điều kiện loại của phiếu chấm: %(found)s.") % {
            "found": found
        }
    score = formats.number_format(evaluation.score, 2, use_l10n=True)
    if evaluation.stars and evaluation.previous_certificate and evaluation.kind == "upgrade":
        return _("Đạt %(score)s điểm, %(stars)s sao: không cao hơn hạng hiện có.") % {
            "score": score,
            "stars": evaluation.stars,
        }
    lowest = evaluation.criteria_set.lowest_certified_stars
    if (evaluation.band_stars or 0) >= lowest and (evaluation.stars or 0) < lowest:
        return _(
            "Đạt %(score)s điểm (hạng %(band)s sao) nhưng chưa đạt yêu cầu tối thiểu của "
            "%(stars)s sao."
        ) % {"score": score, "band": evaluation.band_stars, "stars": lowest}
    return _("Đạt %(score)s điểm, dưới hạng được công nhận.") % {"score": score}


@transaction.atomic
def evaluation_propose_central(*, evaluation: Evaluation, by, comment: str = "", today=None):
    """The city forwards a product it recognised with 90 points or more (potential 5★)."""
    return _move(evaluation, S.PROPOSED_CENTRAL, by, comment=comment, today=today)


@transaction.atomic
def evaluation_central_recognise(
    *,
    evaluation: Evaluation,
    by,
    decision_number: str,
    decision_date: date | None,
    signer: str,
    comment: str = "",
    today=None,
) -> Evaluation:
    """Record the central council's 5★ decision: a 5★ certificate (superseding the city's 4★
    under the earlier decisions; the first one under 26/2026)."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.CENTRAL_RECOGNISED, by, today=today)
    decision = _decision(evaluation, decision_number, decision_date, signer, today)
    stars = max(band.stars for band in evaluation.criteria_set.bands)
    evaluation.central_certificate = _issue(
        evaluation, stars=stars, level=Certificate.Level.CENTRAL, decision=decision
    )
    evaluation.recognised_stars = stars
    evaluation.recognised_level = Certificate.Level.CENTRAL
    if not evaluation.decision_number:  # 26/2026: the Ministry's is the only decision
        evaluation.decision_number = decision.number
        evaluation.decision_date = decision.date
        evaluation.signer = decision.signer
    _record(evaluation, S.CENTRAL_RECOGNISED, by, comment=comment, decision=decision)
    return evaluation


@transaction.atomic
def evaluation_central_decline(*, evaluation: Evaluation, by, comment: str, today=None):
    """Record that the central council kept the product at 4★ (the city's certificate stands)."""
    evaluation = _locked(evaluation)
    workflow.check(evaluation, S.CENTRAL_DECLINED, by, today=today)
    _require("comment", comment, _("Hãy ghi kết quả của Hội đồng Trung ương."))
    _record(evaluation, S.CENTRAL_DECLINED, by, comment=comment, today=today)
    return evaluation


@transaction.atomic
def evaluation_correct_decision(
    *,
    evaluation: Evaluation,
    by,
    reason: str,
    decision_number: str,
    decision_date: date | None,
    signer: str,
    version: int | None = None,
    today=None,
) -> Evaluation:
    """An administrator corrects the recorded decision (and its certificate), with a reason;
    `version`: the one the page showed, refused (StaleSave) when someone saved since."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    if version is not None:
        check_version(evaluation, version, ("decision_number", "decision_date", "signer"))
    workflow.check(evaluation, evaluation.status, by, today=today)
    _require("reason", reason, _("Hãy ghi lý do sửa."))
    decision = _decision(evaluation, decision_number, decision_date, signer, today)
    labels = {
        "decision_number": _("Số quyết định"),
        "decision_date": _("Ngày quyết định"),
        "signer": _("Người ký"),
    }
    new = {
        "decision_number": decision.number,
        "decision_date": decision.date,
        "signer": decision.signer,
    }
    lines = [
        f"{labels[name]}: {_show(getattr(evaluation, name))} → {_show(value)}"
        for name, value in new.items()
        if getattr(evaluation, name) != value
    ]
    if not lines:
        raise ValidationError(_("Không có gì thay đổi."), code="unchanged")
    for name, value in new.items():
        setattr(evaluation, name, value)
    certificate = evaluation.certificate
    if certificate is not None:
        certificate.decision_number = decision.number
        certificate.decision_date = decision.date
        certificate.valid_until = certificate.compute_valid_until()
        certificate.full_clean()
        with rules_as_errors(certificate):
            certificate.save()
        # The grace of the certificate it re-rated ended on the decision's day: the corrected one.
        keep_extension(evaluation, by, decided_on=decision.date)
    _record(evaluation, evaluation.status, by, comment=reason, changes="\n".join(lines))
    return evaluation


def _show(value) -> str:
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value or "—")


@transaction.atomic
def round_recognise(
    *,
    round: Round,
    by,
    evaluations,
    decision_number: str,
    decision_date: date | None,
    signer: str,
    today=None,
) -> list[Evaluation]:
    """Recognise several evaluations of a round under one decision: all of them, or none."""
    policy.require(by, "round.recognise", round)
    evaluations = list(evaluations)
    if not evaluations:
        raise ValidationError({"evaluations": _("Hãy chọn ít nhất một hồ sơ.")})
    done, problems = [], []
    for evaluation in evaluations:
        if evaluation.round_id != round.pk:
            raise ValidationError({"evaluations": _("Hồ sơ không thuộc đợt đánh giá này.")})
        try:
            with transaction.atomic():
                done.append(
                    evaluation_recognise(
                        evaluation=evaluation,
                        by=by,
                        decision_number=decision_number,
                        decision_date=decision_date,
                        signer=signer,
                        today=today,
                    )
                )
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) & {
                "decision_number",
                "decision_date",
                "signer",
            }:
                raise
            problems.append(f"{evaluation.product}: {' '.join(error.messages)}")
        except PermissionDenied as error:
            problems.append(f"{evaluation.product}: {error}")
    if problems:
        raise ValidationError({"evaluations": problems})
    return done
