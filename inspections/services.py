"""The writes of inspection after recognition and of the public's reports.

Every write asks the policy first (PermissionDenied, saying who does it, for anyone else), is
one transaction, locks the row it changes and validates the whole record before saving; a
refused write raises ``ValidationError`` keyed by the field to show it next to (nothing of it
is kept). A demo loader or an import calls these as the pages do:

- ``plan_create``, ``plan_update``, ``plan_approve``: the province's yearly plan;
- ``line_add``, ``line_update``, ``line_remove``: its periodic inspections (a certified product
  of the plan's province, with a certificate valid in the plan's year);
- ``adhoc_create``: an ad-hoc inspection (đột xuất) with its reason, perhaps from a report;
- ``record``: the record of an inspection (the points checked, the findings, attachments);
- ``attach``: one more photo or document while the record may be written;
- ``follow_up``: what follows the record (nothing, a corrective deadline, a re-inspection, a
  proposal to revoke the certificate);
- ``report_submit``, ``report_take``, ``report_close``, ``report_to_inspection``: the public's
  reports.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from areas.models import Area
from core import policy, uploads
from core.versioning import check_version
from inspections.models import (
    Inspection,
    InspectionAttachment,
    InspectionPlan,
    InspectionPoint,
    PublicReport,
    points,
)
from products import revocations
from products.models import Certificate, Product

K, S, F = Inspection.Kind, Inspection.Status, Inspection.FollowUp
R = InspectionPoint.Result

#: The record's fields, compared when a save comes from a page loaded before another one.
RECORD_FIELDS = ("done_on", "inspectors", "findings")


def _save(instance, *, by):
    instance.full_clean()
    # Who, for the field-by-field history (also outside a request: commands, tests).
    instance._history_user = by
    instance.save()
    return instance


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- Which products, which certificate -----------------------------------------------------------


def _valid_in_year(year: int):
    """Certificates valid on at least one day of the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return Certificate.objects.filter(decision_date__lte=end, valid_until__gte=start).exclude(
        revoked_on__lte=start
    )


def certificate_in_year(product: Product, year: int) -> Certificate | None:
    """The product's certificate valid in the year (the latest decided), or None."""
    return _valid_in_year(year).filter(product=product).order_by("-decision_date", "-pk").first()


def plan_products(plan: InspectionPlan, user):
    """The products a line of the plan may name: of the plan's province, seen by the user, with
    a certificate valid in the plan's year."""
    certified = _valid_in_year(plan.year).filter(product=OuterRef("pk"))
    return (
        Product.objects.visible_to(user)
        .filter(plan.province.q_within("producer__area__path"))
        .filter(Exists(certified))
    )


def certified_products(user, on: date | None = None):
    """The products with a certificate valid on the day (today) that the user sees: those an
    ad-hoc inspection may be opened for."""
    return Product.objects.visible_to(user).certified_on(on or timezone.localdate())


# --- The yearly plan -----------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, plan: InspectionPlan, by) -> InspectionPlan:
    policy.require(by, "inspection.plan", plan if plan.province_id else None)
    if plan.province_id and plan.province.level != Area.Level.PROVINCE:
        raise ValidationError({"province": _("Kế hoạch kiểm tra lập cho một tỉnh, thành phố.")})
    return _save(plan, by=by)


@transaction.atomic
def plan_update(*, plan: InspectionPlan, by) -> InspectionPlan:
    """Its title, approval document and note (an edit form's instance: a save over a newer one
    is refused, core.versioning)."""
    policy.require(by, "inspection.plan", plan)
    return _save(plan, by=by)


@transaction.atomic
def plan_approve(*, plan: InspectionPlan, by) -> InspectionPlan:
    """Draft → approved. From then on its lines stay (none is added or removed); what more
    the year needs is inspected ad hoc."""
    plan = InspectionPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    policy.require(by, "inspection.plan", plan)
    if plan.is_approved:
        raise ValidationError(_("Kế hoạch này đã được phê duyệt."), code="already_approved")
    if not plan.lines.exists():
        raise ValidationError(
            _("Kế hoạch chưa có sản phẩm nào: thêm các lượt kiểm tra trước khi phê duyệt."),
            code="no_lines",
        )
    plan.status = InspectionPlan.Status.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = by
    return _save(plan, by=by)


def _schedule_errors(year: int, planned_month, planned_on) -> dict:
    if not planned_month and not planned_on:
        return {"planned_month": _("Hãy chọn tháng hoặc ngày dự kiến kiểm tra.")}
    if planned_on and planned_on.year != year:
        return {"planned_on": _("Ngày dự kiến phải trong năm %(year)s.") % {"year": year}}
    if planned_on and planned_month and planned_on.month != planned_month:
        return {"planned_month": _("Tháng dự kiến khác tháng của ngày dự kiến.")}
    return {}


def _locked_plan(plan: InspectionPlan) -> InspectionPlan:
    return (
        InspectionPlan.objects.select_for_update(of=("self",))
        .select_related("province")
        .get(pk=plan.pk)
    )


@transaction.atomic
def line_add(
    *,
    plan: InspectionPlan,
    product: Product,
    by,
    planned_month: int | None = None,
    planned_on: date | None = None,
    team: str = "",
) -> Inspection:
    """A periodic inspection of the plan: a product of the plan's province with a certificate
    valid in the plan's year, once per plan, while the plan is a draft."""
    plan = _locked_plan(plan)
    policy.require(by, "inspection.plan", plan)
    policy.require(by, "inspection.plan", product)
    if plan.is_approved:
        raise ValidationError(
            _(
                "Kế hoạch đã phê duyệt: các lượt kiểm tra của kế hoạch giữ nguyên; sản phẩm cần "
                "kiểm tra thêm được kiểm tra đột xuất."
            ),
            code="plan_approved",
        )
    product = Product.objects.select_related("producer__area").get(pk=product.pk)
    errors = _schedule_errors(plan.year, planned_month, planned_on)
    certificate = certificate_in_year(product, plan.year)
    if not plan.province.contains(product.producer.area):
        errors["product"] = _("Sản phẩm này không thuộc %(province)s.") % {
            "province": plan.province.name
        }
    elif certificate is None:
        errors["product"] = _(
            "Sản phẩm này không có giấy chứng nhận OCOP còn hiệu lực trong năm %(year)s."
        ) % {"year": plan.year}
    _refuse(errors)
    line = Inspection(
        kind=K.PERIODIC,
        plan=plan,
        product=product,
        certificate=certificate,
        year=plan.year,
        planned_month=planned_month or planned_on.month,
        planned_on=planned_on,
        team=team.strip(),
        added_by=by,
    )
    return _save(line, by=by)


@transaction.atomic
def line_update(*, line: Inspection, by) -> Inspection:
    """When and by whom a planned inspection is to be done (an edit form's instance)."""
    stored = Inspection.objects.select_for_update(of=("self",)).get(pk=line.pk)
    policy.require(by, "inspection.plan", stored)
    if stored.status != S.PLANNED:
        raise ValidationError(_("Lượt kiểm tra đã có biên bản: lịch kiểm tra không đổi nữa."))
    _refuse(_schedule_errors(stored.year, line.planned_month, line.planned_on))
    if line.planned_on and not line.planned_month:
        line.planned_month = line.planned_on.month
    return _save(line, by=by)


@transaction.atomic
def line_remove(*, line: Inspection, by) -> None:
    """Take a product out of a draft plan (the history keeps the line)."""
    line = Inspection.objects.select_for_update(of=("self",)).select_related("plan").get(pk=line.pk)
    policy.require(by, "inspection.plan", line)
    if line.plan is None or line.plan.is_approved or line.status != S.PLANNED:
        raise ValidationError(
            _("Chỉ bỏ được sản phẩm khỏi kế hoạch chưa phê duyệt, khi chưa kiểm tra.")
        )
    line._history_user = by
    line.delete()


def _open(kind: str, *, planned_on: date, team: str, by, **fields) -> Inspection:
    """An inspection outside the plan, planned for a day."""
    inspection = Inspection(
        kind=kind,
        year=planned_on.year,
        planned_month=planned_on.month,
        planned_on=planned_on,
        team=team.strip(),
        added_by=by,
        **fields,
    )
    return _save(inspection, by=by)


# --- Ad-hoc inspections ----------------------------------------------------------------------


@transaction.atomic
def adhoc_create(
    *,
    product: Product,
    reason: str,
    by,
    planned_on: date | None = None,
    team: str = "",
    report: PublicReport | None = None,
) -> Inspection:
    """An ad-hoc inspection of a product certified on the planned day (today by default), with
    its reason; from a report, the report is linked to it and is being processed."""
    policy.require(by, "inspection.plan", product)
    planned_on = planned_on or timezone.localdate()
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Hãy ghi lý do kiểm tra đột xuất.")
    certificate = product.certificate_on(planned_on)
    if certificate is None:
        errors["product"] = _(
            "Sản phẩm này không có giấy chứng nhận OCOP còn hiệu lực ngày %(day)s."
        ) % {"day": formats.date_format(planned_on, "SHORT_DATE_FORMAT")}
    if report is not None:
        report = PublicReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
        policy.require(by, "report.handle", report)
        if report.product_id != product.pk:
            errors["product"] = _("Phản ánh này nói về một sản phẩm khác.")
        elif report.status == PublicReport.Status.CLOSED or report.inspection_id:
            errors["reason"] = _("Phản ánh này đã được xử lý.")
    _refuse(errors)
    inspection = _open(
        K.AD_HOC,
        product=product,
        certificate=certificate,
        planned_on=planned_on,
        team=team,
        reason=reason,
        by=by,
    )
    if report is not None:
        report.inspection = inspection
        report.status = PublicReport.Status.PROCESSING
        report.handled_by, report.handled_at = by, timezone.now()
        _save(report, by=by)
    return inspection


# --- The record ------------------------------------------------------------------------------


def _locked(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("product__producer__area", "certificate", "follows")
        .get(pk=inspection.pk)
    )


def _store(inspection: Inspection, upload, *, title: str, content_type: str, by, stored: list):
    attachment = InspectionAttachment(
        inspection=inspection,
        title=" ".join((title or getattr(upload, "name", "") or "").split())[:255]
        or _("Tài liệu kiểm tra"),
        content_type=content_type,
        size=upload.size,
        sha256=uploads.digest(upload),
        added_by=by,
    )
    attachment.file.save("upload", upload, save=False)
    stored.append(attachment.file)
    attachment.full_clean()
    attachment.save()
    return attachment


def _storing(write):
    """Run a write that stores files: should it fail, the files it stored are deleted again."""
    stored: list = []
    try:
        return write(stored)
    except BaseException:
        for file in stored:
            file.delete(save=False)
        raise


@transaction.atomic
def record(
    *,
    inspection: Inspection,
    by,
    done_on: date | None,
    inspectors: str,
    findings: str,
    results: Mapping[str, tuple[str, str]],
    files: Iterable = (),
    version: int | None = None,
) -> Inspection:
    """Write (or correct, until the follow-up is decided) the record of an inspection:
    ``results`` maps each point's code to (result, note); a point not met needs its note.
    ``files``: photos and documents to attach, each checked as every upload is. The result is
    "not passed" as soon as one point is not met. Recording a re-inspection ends the
    follow-up of the inspection it follows."""
    inspection = _locked(inspection)
    policy.require(by, "inspection.record", inspection)
    if version is not None:
        check_version(inspection, version, RECORD_FIELDS)
    errors: dict[str, list] = {}
    if done_on is None:
        errors["done_on"] = [_("Hãy ghi ngày kiểm tra.")]
    elif done_on > timezone.localdate():
        errors["done_on"] = [_("Ngày kiểm tra không được ở tương lai.")]
    elif done_on < inspection.certificate.decision_date:
        errors["done_on"] = [_("Ngày kiểm tra phải sau ngày công nhận sản phẩm.")]
    if not (inspectors or "").strip():
        errors["inspectors"] = [_("Hãy ghi thành phần đoàn kiểm tra.")]
    for point in points():
        result, note = results.get(point.code, ("", ""))
        if result not in R.values:
            errors[f"point_{point.code}"] = [_("Hãy chọn kết quả của điểm này.")]
        elif result == R.NOT_MET and not (note or "").strip():
            errors[f"point_{point.code}_note"] = [_("Điểm không đạt: hãy ghi điều chưa đạt.")]
    files = list(files)
    for upload in files:
        try:
            uploads.check_upload(upload)
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.messages)
    _refuse(errors)

    first = inspection.status == S.PLANNED
    failed = any(results[point.code][0] == R.NOT_MET for point in points())
    inspection.done_on = done_on
    inspection.inspectors = inspectors.strip()
    inspection.findings = (findings or "").strip()
    inspection.result = Inspection.Result.FAILED if failed else Inspection.Result.PASSED
    inspection.status = S.RECORDED
    inspection.recorded_by = by
    inspection.recorded_at = timezone.now()

    def write(stored):
        _save(inspection, by=by)
        for point in points():
            result, note = results[point.code]
            row = InspectionPoint.objects.filter(inspection=inspection, code=point.code).first()
            row = row or InspectionPoint(inspection=inspection, code=point.code)
            row.result, row.note = result, (note or "").strip()
            _save(row, by=by)
        for upload in files:
            content_type = uploads.check_upload(upload)
            _store(inspection, upload, title="", content_type=content_type, by=by, stored=stored)
        earlier = inspection.follows
        if first and earlier is not None and earlier.status == S.FOLLOW_UP:
            earlier = Inspection.objects.select_for_update(of=("self",)).get(pk=earlier.pk)
            earlier.status = S.CLOSED
            _save(earlier, by=by)
        return inspection

    return _storing(write)


@transaction.atomic
def attach(*, inspection: Inspection, upload, by, title: str = "") -> InspectionAttachment:
    """One more photo or document, while the record may be written."""
    inspection = _locked(inspection)
    policy.require(by, "inspection.record", inspection)
    try:
        content_type = uploads.check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    return _storing(
        lambda stored: _store(
            inspection, upload, title=title, content_type=content_type, by=by, stored=stored
        )
    )


# --- The follow-up ---------------------------------------------------------------------------


def _reinspection(inspection: Inspection, *, planned_on: date, reason: str, team: str, by):
    return _open(
        K.REINSPECTION,
        follows=inspection,
        product=inspection.product,
        certificate=inspection.certificate,
        planned_on=planned_on,
        team=team,
        reason=reason,
        by=by,
    )


@transaction.atomic
def follow_up(
    *,
    inspection: Inspection,
    kind: str,
    by,
    note: str = "",
    deadline: date | None = None,
    actions: str = "",
    planned_on: date | None = None,
    team: str = "",
    ground: str = "",
    concluded_on: date | None = None,
    concluded_by: str = "",
    findings: str = "",
    version: int | None = None,
) -> Inspection:
    """Decide what follows a record:

    - ``none``: the inspection ends (a record not passed says why in ``note``);
    - ``corrective``: the producer fixes ``actions`` by ``deadline``; a re-inspection is planned
      for that day;
    - ``reinspection``: a re-inspection planned for ``planned_on``;
    - ``revocation``: a proposal to revoke the certificate inspected on ``ground`` (one of the
      six of Điều 8 khoản 1, ``products.revocations.GROUNDS``), concluded on ``concluded_on``
      (the day of the inspection by default) by ``concluded_by`` (the inspection team) with
      ``findings`` (the record's by default); the inspection keeps the revocation it opened.
    """
    inspection = _locked(inspection)
    policy.require(by, "inspection.follow_up", inspection)
    if version is not None:
        check_version(inspection, version, ("follow_up",))
    note, actions = (note or "").strip(), (actions or "").strip()
    errors = {}
    if kind not in F.values:
        errors["kind"] = _("Hãy chọn cách xử lý sau kiểm tra.")
    elif kind == F.NONE and inspection.result == Inspection.Result.FAILED and not note:
        errors["note"] = _("Kết quả không đạt: hãy ghi vì sao không cần xử lý thêm.")
    elif kind == F.CORRECTIVE:
        if deadline is None:
            errors["deadline"] = _("Hãy ghi thời hạn khắc phục.")
        elif deadline <= inspection.done_on:
            errors["deadline"] = _("Thời hạn khắc phục phải sau ngày kiểm tra.")
        if not actions:
            errors["actions"] = _("Hãy ghi những nội dung chủ thể phải khắc phục.")
    elif kind == F.REINSPECTION:
        if planned_on is None:
            errors["planned_on"] = _("Hãy ghi ngày dự kiến tái kiểm tra.")
        elif planned_on < inspection.done_on:
            errors["planned_on"] = _("Ngày tái kiểm tra không trước ngày kiểm tra.")
    _refuse(errors)

    inspection.follow_up = kind
    inspection.follow_up_note = note
    inspection.follow_up_by, inspection.follow_up_at = by, timezone.now()
    if kind == F.NONE:
        inspection.status = S.CLOSED
    elif kind == F.REVOCATION:
        inspection.status = S.REVOCATION
        inspection.revocation = revocations.propose(
            certificate=inspection.certificate,
            ground=ground,
            concluded_on=concluded_on or inspection.done_on,
            concluded_by=(concluded_by or "").strip() or default_concluded_by(inspection),
            findings=(findings or "").strip() or default_findings(inspection),
            by=by,
        )
    else:
        inspection.status = S.FOLLOW_UP
    if kind == F.CORRECTIVE:
        inspection.corrective_deadline, inspection.corrective_actions = deadline, actions
    _save(inspection, by=by)
    if kind == F.CORRECTIVE:
        reason = _("Kiểm tra việc khắc phục đến ngày %(day)s: %(actions)s") % {
            "day": formats.date_format(deadline, "SHORT_DATE_FORMAT"),
            "actions": actions,
        }
        _reinspection(inspection, planned_on=deadline, reason=reason, team=team, by=by)
    elif kind == F.REINSPECTION:
        _reinspection(inspection, planned_on=planned_on, reason=note, team=team, by=by)
    return inspection


def default_concluded_by(inspection: Inspection) -> str:
    """Who concluded, when the office does not say otherwise: the inspection's team."""
    return _("Đoàn kiểm tra sau công nhận: %(team)s") % {
        "team": " ".join(inspection.inspectors.split())
    }


def default_findings(inspection: Inspection) -> str:
    """The record's findings and the points not met, as the revocation's findings."""
    lines = [inspection.findings] if inspection.findings else []
    lines += [
        f"{row.title}: {row.note}"
        for row in inspection.points.filter(result=R.NOT_MET).order_by("pk")
    ]
    return "\n".join(lines)


# --- Reports from the public -------------------------------------------------------------------


@transaction.atomic
def report_submit(
    *,
    product: Product,
    kind: str,
    description: str,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    token: str | None = None,
) -> PublicReport:
    """A report from anyone, about a product of the public catalogue (certified today). Sent
    again with the same form ``token``, it is the report already made."""
    if token and (earlier := PublicReport.objects.filter(form_token=token).first()):
        return earlier
    if not Product.objects.certified_on(timezone.localdate()).filter(pk=product.pk).exists():
        raise ValidationError(_("Sản phẩm này không còn trong danh mục sản phẩm OCOP."))
    report = PublicReport(
        product=product,
        kind=kind,
        description=(description or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        contact_email=(contact_email or "").strip(),
        form_token=token or "",
    )
    report.full_clean()
    report.save()
    return report


def _locked_report(report: PublicReport, by) -> PublicReport:
    report = (
        PublicReport.objects.select_for_update(of=("self",))
        .select_related("product__producer__area")
        .get(pk=report.pk)
    )
    policy.require(by, "report.handle", report)
    return report


@transaction.atomic
def report_take(*, report: PublicReport, by) -> PublicReport:
    """New → being processed by the office."""
    report = _locked_report(report, by)
    if report.status != PublicReport.Status.NEW:
        raise ValidationError(_("Phản ánh này đã được tiếp nhận."))
    report.status = PublicReport.Status.PROCESSING
    report.handled_by, report.handled_at = by, timezone.now()
    return _save(report, by=by)


@transaction.atomic
def report_close(*, report: PublicReport, by, note: str) -> PublicReport:
    """Close a report with what was done about it."""
    report = _locked_report(report, by)
    if report.status == PublicReport.Status.CLOSED:
        raise ValidationError(_("Phản ánh này đã đóng."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Hãy ghi kết quả xử lý phản ánh.")})
    report.status = PublicReport.Status.CLOSED
    report.closing_note = note.strip()
    report.handled_by, report.handled_at = by, timezone.now()
    return _save(report, by=by)


@transaction.atomic
def report_to_inspection(
    *,
    report: PublicReport,
    by,
    reason: str = "",
    planned_on: date | None = None,
    team: str = "",
) -> Inspection:
    """Turn a report into an ad-hoc inspection of its product, linked both ways."""
    report = _locked_report(report, by)
    reason = (reason or "").strip() or _("Phản ánh %(reference)s của người dân: %(kind)s.") % {
        "reference": report.reference,
        "kind": report.get_kind_display(),
    }
    return adhoc_create(
        product=report.product,
        reason=reason,
        by=by,
        planned_on=planned_on,
        team=team,
        report=report,
    )
