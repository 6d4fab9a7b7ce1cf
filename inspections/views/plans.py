"""The yearly inspection plans: the list, a plan with its lines, the city's forms.

Everyone of the province reads a plan; each officer sees the lines of their own areas. Only
those the policy's ``inspection.plan`` allows (the city reviewers) write."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import numbers, policy
from core.history import history_entries
from core.submissions import SAVED, submit_once
from inspections import services
from inspections.forms import LineEditForm, LineForm, PlanEditForm, PlanForm
from inspections.models import Inspection, InspectionPlan
from inspections.steps import next_step, plan_next_step
from inspections.views.common import FORM_METHODS, form_page, one_step, saved
from products.models import Product

#: Options a product search answers with.
CHOICES_LIMIT = 20


def _plans(user):
    return InspectionPlan.objects.visible_to(user).select_related("province", "approved_by")


def _plan_to_change(request: HttpRequest, pk: int) -> InspectionPlan:
    """The plan (404 if the user does not read it), if the user may change it (403 saying
    who does, if not)."""
    plan = get_object_or_404(_plans(request.user), pk=pk)
    policy.require(request.user, "inspection.plan", plan)
    return plan


@require_safe
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    lines = Q(lines__in=Inspection.objects.visible_to(request.user))
    plans = _plans(request.user).annotate(
        line_count=Count("lines", filter=lines),
        done_count=Count("lines", filter=lines & ~Q(lines__status=Inspection.Status.PLANNED)),
    )
    several = len({plan.province_id for plan in plans}) > 1
    return render(
        request,
        "inspections/plan_list.html",
        {"plans": plans, "several_provinces": several},
    )


def approval_summary(plan: InspectionPlan, count: int) -> list[str]:
    """What approving the plan does, in the confirmation shown before it."""
    return [
        _("%(plan)s chuyển sang “Đã phê duyệt” với %(count)s lượt kiểm tra định kỳ.")
        % {"plan": plan, "count": numbers.format_number(count)},
        _(
            "Từ nay các lượt kiểm tra của kế hoạch giữ nguyên: không thêm, không bỏ sản phẩm; "
            "lịch và đoàn kiểm tra của từng lượt vẫn điều chỉnh được."
        ),
        _("Sản phẩm cần kiểm tra thêm trong năm được kiểm tra đột xuất."),
        _("Cán bộ xã thấy các lượt kiểm tra sản phẩm của địa bàn mình."),
        _("Không hủy được phê duyệt trên cổng."),
    ]


@require_safe
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = get_object_or_404(_plans(user), pk=pk)
    visible = Inspection.objects.visible_to(user).for_lists()
    lines = list(visible.filter(plan=plan).order_by("planned_month", "planned_on", "pk"))
    others = list(
        visible.filter(plan__isnull=True, year=plan.year)
        .filter(plan.province.q_within("product__producer__area__path"))
        .order_by("planned_on", "pk")
    )
    for inspection in (*lines, *others):
        inspection.next = next_step(inspection)
    can_plan = policy.can(user, "inspection.plan", plan)
    context = {
        "plan": plan,
        "lines": lines,
        "others": others,
        "total_lines": plan.lines.count() if can_plan else len(lines),
        "can_plan": can_plan,
        "next": plan_next_step(plan),
        "history": history_entries(plan),
    }
    if can_plan and not plan.is_approved:
        context["approval_lines"] = approval_summary(plan, context["total_lines"])
    return render(request, "inspections/plan_detail.html", context)


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def plan_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "inspection.plan")
    form = PlanForm(request.POST or None, user=request.user)
    if plan := saved(
        request,
        form,
        lambda: services.plan_create(plan=form.instance, by=request.user),
        _("Đã lập kế hoạch kiểm tra."),
    ):
        return redirect(plan)
    return form_page(request, form, _("Lập kế hoạch kiểm tra năm"))


@require_http_methods(FORM_METHODS)
@login_required
@submit_once(replayed=SAVED)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_to_change(request, pk)
    form = PlanEditForm(request.POST or None, instance=plan)
    if saved(
        request,
        form,
        lambda: services.plan_update(plan=plan, by=request.user),
        _("Đã lưu kế hoạch kiểm tra."),
    ):
        return redirect(plan)
    return form_page(request, form, _("Sửa kế hoạch kiểm tra"), plan=plan)


@require_POST
@login_required
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_to_change(request, pk)
    return one_step(
        request,
        lambda: services.plan_approve(plan=plan, by=request.user),
        _("Đã phê duyệt %(plan)s.") % {"plan": plan},
        plan,
    )


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_to_change(request, pk)
    form = LineForm(request.POST or None, plan=plan, user=request.user)
    if saved(
        request,
        form,
        lambda: services.line_add(plan=plan, by=request.user, **form.cleaned_data),
        _("Đã thêm sản phẩm vào kế hoạch."),
    ):
        return redirect(f"{plan.get_absolute_url()}#lines")
    return form_page(request, form, _("Thêm sản phẩm vào kế hoạch"), plan=plan)


def _line_to_change(request: HttpRequest, pk: int) -> Inspection:
    line = get_object_or_404(
        Inspection.objects.visible_to(request.user).for_lists().select_related("plan__province"),
        pk=pk,
    )
    policy.require(request.user, "inspection.plan", line)
    return line


@require_http_methods(FORM_METHODS)
@login_required
@submit_once(replayed=SAVED)
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line_to_change(request, pk)
    form = LineEditForm(request.POST or None, instance=line)
    if saved(
        request,
        form,
        lambda: services.line_update(line=line, by=request.user),
        _("Đã lưu lịch kiểm tra."),
    ):
        return redirect(line)
    return form_page(
        request,
        form,
        _("Sửa lịch kiểm tra"),
        plan=line.plan,
        inspection=line,
        back=line.get_absolute_url(),
        history=history_entries(line),
    )


@require_POST
@login_required
def line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line_to_change(request, pk)
    if line.plan is None:
        return redirect(line)
    removed = _("Đã bỏ “%(product)s” khỏi kế hoạch.") % {"product": line.product.name}
    return one_step(
        request,
        lambda: services.line_remove(line=line, by=request.user),
        removed,
        f"{line.plan.get_absolute_url()}#lines",
    )


@require_safe
@login_required
def product_choices(request: HttpRequest) -> JsonResponse:
    """The products matching the words typed that a line of the plan (``?plan=``), or else an
    ad-hoc inspection, may name: the options of the product field (AutocompleteSelect)."""
    query = request.GET.get("q", "").strip()[:100]
    products = Product.objects.none()
    plan_pk = request.GET.get("plan", "")
    if query:
        if plan_pk.isdigit():
            plan = get_object_or_404(_plans(request.user), pk=plan_pk)
            products = services.plan_products(plan, request.user)
        else:
            products = services.certified_products(request.user)
        products = products.search(query).select_related("producer").order_by("search_name")
    results = [
        {"id": product.pk, "text": f"{product.name} — {product.producer.name}"}
        for product in products[:CHOICES_LIMIT]
    ]
    return JsonResponse({"results": results})
