"""Writes of the plans, targets, budget and published figures.

Each write asks the policy first (``plan.change`` on the plan it belongs to: PermissionDenied,
saying who writes plans, for anyone else), is one transaction and validates the whole record
(``full_clean``) before saving anything; a refused write raises ``ValidationError`` keyed by
field, for the form to show."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import BudgetLine, Disbursement, Plan, PublishedFigure, Target
from core import policy
from core.numbers import format_vnd
from core.versioning import check_version

#: Fields of a target that an approved plan keeps as they are: only the value may change.
FIXED_ONCE_APPROVED = ("indicator", "custom_name", "custom_unit", "area_id")
#: Fields of a target's reported result.
RESULT_FIELDS = ("reported_value", "reported_source", "reported_on")


def _save(instance, *, by, reason: str = ""):
    instance.full_clean()
    # Who and why, for the field-by-field history (also outside a request: commands, tests).
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


@transaction.atomic
def plan_create(*, plan: Plan, by) -> Plan:
    policy.require(by, "plan.change", plan if plan.province_id else None)
    return _save(plan, by=by)


@transaction.atomic
def plan_update(*, plan: Plan, by) -> Plan:
    policy.require(by, "plan.change", plan)
    return _save(plan, by=by)


@transaction.atomic
def plan_approve(*, plan: Plan, by) -> Plan:
    """Draft → approved. From then on a target's value changes only with a reason."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    policy.require(by, "plan.change", plan)
    if plan.is_approved:
        raise ValidationError(_("Kế hoạch này đã được phê duyệt."), code="already_approved")
    if not plan.targets.exists():
        raise ValidationError(
            _("Kế hoạch chưa có chỉ tiêu nào: thêm chỉ tiêu trước khi phê duyệt."),
            code="no_targets",
        )
    plan.status = Plan.Status.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = by
    return _save(plan, by=by)


@transaction.atomic
def target_save(*, target: Target, by, reason: str = "") -> Target:
    """Add a target or change one. In an approved plan a reason is required, the indicator and
    area stay as approved, and the first change keeps the approved value as the original."""
    plan = Plan.objects.select_for_update().get(pk=target.plan_id)
    policy.require(by, "plan.change", plan)
    if plan.is_approved:
        reason = reason.strip()
        if not reason:
            raise ValidationError(
                {"change_reason": _("Kế hoạch đã phê duyệt: hãy ghi lý do điều chỉnh.")}
            )
        if target.pk:
            before = Target.objects.select_for_update().get(pk=target.pk)
            moved = [f for f in FIXED_ONCE_APPROVED if getattr(before, f) != getattr(target, f)]
            if moved:
                raise ValidationError(
                    _(
                        "Kế hoạch đã phê duyệt: chỉ sửa được giá trị chỉ tiêu. Muốn đổi chỉ tiêu "
                        "hoặc địa bàn, hãy thêm một chỉ tiêu mới."
                    ),
                    code="fixed_once_approved",
                )
            if before.value != target.value and target.original_value is None:
                target.original_value = before.value
        target.change_reason = reason
    return _save(target, by=by, reason=reason)


@transaction.atomic
def target_report_result(
    *, target: Target, value, source: str, reported_on, by, version: int | None = None
) -> Target:
    """The result of a target that no record counts (training, tourism villages, custom);
    `version`: the one the user loaded, refused (StaleSave) when someone saved since."""
    target = Target.objects.select_for_update().select_related("plan__province").get(pk=target.pk)
    policy.require(by, "plan.change", target.plan)
    if version is not None:
        check_version(target, version, RESULT_FIELDS)
    target.reported_value = value
    target.reported_source = source
    target.reported_on = reported_on
    return _save(target, by=by)


@transaction.atomic
def budget_line_create(*, line: BudgetLine, by) -> BudgetLine:
    policy.require(by, "plan.change", line.plan)
    return _save(line, by=by)


def over_plan_message(line: BudgetLine, amount: int) -> str | None:
    """Why a disbursement would take its line past the plan; None when it fits."""
    paid = line.disbursements.aggregate(total=Sum("amount"))["total"] or 0
    if paid + amount <= line.amount:
        return None
    return _(
        "Vượt kế hoạch của dòng kinh phí: kế hoạch %(planned)s, đã giải ngân %(paid)s, còn lại "
        "%(left)s. Kiểm tra lại số tiền; nếu đúng là giải ngân vượt kế hoạch, đánh dấu ô xác "
        "nhận bên dưới rồi lưu lại."
    ) % {
        "planned": format_vnd(line.amount),
        "paid": format_vnd(paid),
        "left": format_vnd(max(line.amount - paid, 0)),
    }


@transaction.atomic
def disbursement_create(
    *, disbursement: Disbursement, by, confirm_over_plan: bool = False
) -> Disbursement:
    """Record a disbursement; past its line's plan only when the user has confirmed it."""
    # Lock the line: two disbursements entered at once must not both fit the same remainder.
    line = (
        BudgetLine.objects.select_for_update().select_related("plan").get(pk=disbursement.line_id)
    )
    policy.require(by, "plan.change", line.plan)
    if disbursement.amount is not None and disbursement.amount > 0:
        message = over_plan_message(line, disbursement.amount)
        if message and not confirm_over_plan:
            raise ValidationError({"amount": ValidationError(message, code="over_plan")})
        disbursement.over_plan_confirmed = bool(message)
    return _save(disbursement, by=by)


@transaction.atomic
def published_figure_create(*, figure: PublishedFigure, by) -> PublishedFigure:
    # A figure belongs to its province's year, as its plan does.
    policy.require(by, "plan.change", figure)
    return _save(figure, by=by)
