"""Year plans: the plan of a year (targets and results, budget and disbursement, published
figures beside the records) and the forms of the city reviewers.

Everyone signed in in the province reads a plan: officers read the province-wide part and what
lies in their areas; only city reviewers and administrators write (the policy's
``plan.change``, asked by every form page and every service).
"""

from collections.abc import Callable
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from areas.provinces import chosen_code, home_first
from budgets import services
from budgets.forms import (
    BudgetLineForm,
    DisbursementForm,
    PlanDocumentForm,
    PlanForm,
    PublishedFigureForm,
    TargetForm,
    TargetResultForm,
)
from budgets.models import (
    REPORTED_MEASURES,
    BudgetLine,
    Disbursement,
    Plan,
    PublishedFigure,
    Target,
)
from budgets.reports import YearRecords, budget_summary, compare, target_results
from core import numbers, policy
from core.forms import save_or_refuse
from core.history import history_entries
from core.submissions import SAVED, submit_once

FORM_METHODS = ["GET", "HEAD", "POST"]


def _plan(request: HttpRequest, year: int) -> Plan:
    # One province per portal: should a user see several provinces' plans for the same year,
    # the one they chose (?province=CODE) answers, else the installation's own, else the first
    # by code.
    plan = (
        Plan.objects.visible_to(request.user)
        .select_related("province", "approved_by")
        .filter(year=year)
        .order_by(home_first("province__code", chosen_code(request)), "province__path")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def _plan_to_change(request: HttpRequest, year: int) -> Plan:
    """The plan of the year (404 if the user does not read it), if the user may change it (403
    saying who does, if not): officers only read plans."""
    plan = _plan(request, year)
    policy.require(request.user, "plan.change", plan)
    return plan


def _submitted(request: HttpRequest, form: BaseForm, write: Callable[[], object]) -> bool:
    """Validate the form, then run the write; a refused write puts its errors on the form."""
    return request.method == "POST" and form.is_valid() and save_or_refuse(form, write) is not None


def _form_page(request: HttpRequest, form: BaseForm, plan: Plan | None, title: str, **extra):
    context = {"form": form, "plan": plan, "title": title, **extra}
    return render(request, "budgets/form.html", context)


@require_safe
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).for_list().select_related("province")
    # Several provinces' plans: each row names its province and opens it.
    several = len({plan.province_id for plan in plans}) > 1
    return render(request, "budgets/plan_list.html", {"plans": plans, "several_provinces": several})


@require_safe
@login_required
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    user = request.user
    plan = _plan(request, year)  # read by everyone in the province
    # The whole plan's lines give the province-wide totals, which every reader of the plan
    # sees; the lines themselves are listed only where visible_to allows.
    all_lines = list(BudgetLine.objects.filter(plan=plan).with_disbursed().select_related("area"))
    visible = set(
        BudgetLine.objects.visible_to(user).filter(plan=plan).values_list("pk", flat=True)
    )
    records = YearRecords(plan.province, plan.year, budget_lines=all_lines)
    results = target_results(
        Target.objects.visible_to(user).filter(plan=plan).select_related("area"), records
    )
    figures = PublishedFigure.objects.visible_to(user).filter(
        province=plan.province, year=plan.year
    )
    context = {
        "plan": plan,
        "years": Plan.objects.visible_to(user)
        .filter(province=plan.province)
        .order_by("year")
        .values_list("year", flat=True),
        "province_targets": [row for row in results if not row.target.area_id],
        "area_targets": [row for row in results if row.target.area_id],
        "budget": budget_summary(all_lines),
        "lines": [line for line in all_lines if line.pk in visible],
        "disbursements": Disbursement.objects.visible_to(user)
        .filter(line__plan=plan)
        .select_related("line__area"),
        "comparisons": compare(figures, {(plan.province_id, plan.year): records}),
        "can_edit": policy.can(user, "plan.change", plan).allowed,
        "history": history_entries(plan),
    }
    context["approval_lines"] = approval_summary(plan, results, context["budget"])
    return render(request, "budgets/plan_detail.html", context)


def approval_summary(plan: Plan, results, budget) -> list[str]:
    """What approving the plan does, in the confirmation shown before it."""
    return [
        _(
            "%(plan)s chuyển sang “Đã phê duyệt”, với %(targets)s chỉ tiêu và tổng kinh phí "
            "%(total)s như đang hiển thị."
        )
        % {
            "plan": plan,
            "targets": numbers.format_number(len(results)),
            "total": numbers.format_vnd_short(budget.total.planned),
        },
        _(
            "Từ nay mỗi lần điều chỉnh chỉ tiêu phải ghi lý do; giá trị đã phê duyệt được giữ "
            "làm số gốc để so sánh."
        ),
        _("Không hủy được phê duyệt trên cổng."),
    ]


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def plan_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "plan.change")
    form = PlanForm(request.POST or None, user=request.user)
    if _submitted(request, form, lambda: services.plan_create(plan=form.instance, by=request.user)):
        messages.success(request, _("Đã tạo %(plan)s.") % {"plan": form.instance})
        return redirect(form.instance)
    return _form_page(request, form, None, _("Tạo kế hoạch OCOP năm"))


@require_http_methods(FORM_METHODS)
@login_required
@submit_once(replayed=SAVED)
def plan_edit(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    form = PlanDocumentForm(request.POST or None, instance=plan)
    if _submitted(request, form, lambda: services.plan_update(plan=plan, by=request.user)):
        messages.success(request, _("Đã lưu %(plan)s.") % {"plan": plan})
        return redirect(plan)
    return _form_page(request, form, plan, _("Sửa văn bản kế hoạch"))


@require_POST
@login_required
def plan_approve(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    try:
        services.plan_approve(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã phê duyệt %(plan)s. Từ nay điều chỉnh chỉ tiêu phải ghi lý do.") % {"plan": plan},
        )
    return redirect(plan)


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def target_create(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    form = TargetForm(request.POST or None, plan=plan, user=request.user)
    if _submitted(request, form, lambda: _save_target(request, form)):
        messages.success(request, _("Đã thêm chỉ tiêu “%(target)s”.") % {"target": form.instance})
        return redirect(f"{plan.get_absolute_url()}#targets")
    return _form_page(request, form, plan, _("Thêm chỉ tiêu"))


@require_http_methods(FORM_METHODS)
@login_required
@submit_once(replayed=SAVED)
def target_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    target = get_object_or_404(
        Target.objects.visible_to(request.user).filter(plan=plan).select_related("area"), pk=pk
    )
    saved = copy(target)  # the form changes its instance while it validates
    form = TargetForm(request.POST or None, instance=target, plan=plan, user=request.user)
    if _submitted(request, form, lambda: _save_target(request, form)):
        messages.success(request, _("Đã lưu chỉ tiêu “%(target)s”.") % {"target": target})
        return redirect(f"{plan.get_absolute_url()}#targets")
    return _form_page(
        request, form, plan, _("Sửa chỉ tiêu"), target=saved, history=history_entries(target)
    )


def _save_target(request: HttpRequest, form: TargetForm) -> Target:
    reason = form.cleaned_data.get("change_reason", "")
    return services.target_save(target=form.instance, by=request.user, reason=reason)


@require_http_methods(FORM_METHODS)
@login_required
@submit_once(replayed=SAVED)
def target_result(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    target = get_object_or_404(
        Target.objects.visible_to(request.user)
        .filter(plan=plan, indicator__in=REPORTED_MEASURES)
        .select_related("area"),
        pk=pk,
    )
    form = TargetResultForm(request.POST or None, instance=target)

    def write():
        return services.target_report_result(
            target=target,
            value=form.cleaned_data["reported_value"],
            source=form.cleaned_data["reported_source"],
            reported_on=form.cleaned_data["reported_on"],
            by=request.user,
            version=form.cleaned_data["version"],
        )

    if _submitted(request, form, write):
        messages.success(request, _("Đã ghi kết quả “%(target)s”.") % {"target": target})
        return redirect(f"{plan.get_absolute_url()}#targets")
    return _form_page(request, form, plan, _("Ghi kết quả chỉ tiêu"), target=target)


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def budget_line_create(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    form = BudgetLineForm(request.POST or None, plan=plan, user=request.user)
    if _submitted(
        request, form, lambda: services.budget_line_create(line=form.instance, by=request.user)
    ):
        messages.success(request, _("Đã thêm dòng kinh phí “%(line)s”.") % {"line": form.instance})
        return redirect(f"{plan.get_absolute_url()}#budget")
    return _form_page(request, form, plan, _("Thêm dòng kinh phí"))


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def disbursement_create(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    lines = BudgetLine.objects.visible_to(request.user).filter(plan=plan).select_related("area")
    initial = {"line": request.GET["line"]} if request.GET.get("line", "").isdigit() else {}
    form = DisbursementForm(request.POST or None, initial=initial, lines=lines)

    def write():
        return services.disbursement_create(
            disbursement=form.instance,
            by=request.user,
            confirm_over_plan=form.confirms_over_plan,
        )

    if _submitted(request, form, write):
        messages.success(request, _("Đã ghi khoản giải ngân “%(item)s”.") % {"item": form.instance})
        return redirect(f"{plan.get_absolute_url()}#disbursements")
    if any(e.code == "over_plan" for e in form.errors.as_data().get("amount", [])):
        form.ask_confirmation()
    return _form_page(request, form, plan, _("Ghi khoản giải ngân"))


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def figure_create(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_to_change(request, year)
    form = PublishedFigureForm(request.POST or None, plan=plan)
    if _submitted(
        request,
        form,
        lambda: services.published_figure_create(figure=form.instance, by=request.user),
    ):
        messages.success(request, _("Đã ghi số liệu đã công bố."))
        return redirect(f"{plan.get_absolute_url()}#figures")
    return _form_page(request, form, plan, _("Ghi số liệu đã công bố"))
