from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import policy
from core.forms import save_or_refuse
from core.history import history_entries
from core.lists import page_of, sort
from core.submissions import SAVED, submit_once
from subjects.filters import ProducerFilter
from subjects.forms import ProducerForm
from subjects.models import Producer

SORT_COLUMNS = {
    "name": ("search_name",),
    "kind": ("kind", "search_name"),
    "area": ("area__full_name", "search_name"),
    "products": ("product_count", "search_name"),
}


@require_safe
@login_required
def producer_list(request: HttpRequest) -> HttpResponse:
    producers = (
        Producer.objects.visible_to(request.user)
        .select_related("area")
        .annotate(product_count=Count("products"))
    )
    producer_filter = ProducerFilter(request.GET, queryset=producers, user=request.user)
    producers, current_sort = sort(producer_filter.qs, request, SORT_COLUMNS, "name")
    context = {
        "filter": producer_filter,
        "page": page_of(producers, request),
        "current_sort": current_sort,
    }
    return render(request, "subjects/producer_list.html", context)


@require_safe
@login_required
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    producer = get_object_or_404(
        Producer.objects.visible_to(request.user).select_related("area"), pk=pk
    )
    products = producer.products.visible_to(request.user).select_related("category").with_status()
    context = {"producer": producer, "products": products, "history": history_entries(producer)}
    return render(request, "subjects/producer_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once
def producer_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "producer.add")
    form = ProducerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and (producer := save_or_refuse(form)):
        messages.success(request, _("Đã đăng ký chủ thể “%(name)s”.") % {"name": producer.name})
        return redirect(producer)
    return render(request, "subjects/producer_form.html", _form_context(request, form))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def producer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    producer = get_object_or_404(Producer.objects.visible_to(request.user), pk=pk)
    policy.require(request.user, "producer.change", producer)
    form = ProducerForm(request.POST or None, instance=producer, user=request.user)
    if request.method == "POST" and form.is_valid() and save_or_refuse(form):
        messages.success(
            request, _("Đã lưu thay đổi của chủ thể “%(name)s”.") % {"name": producer.name}
        )
        return redirect(producer)
    return render(request, "subjects/producer_form.html", _form_context(request, form))


def _form_context(request: HttpRequest, form: ProducerForm) -> dict:
    return {"form": form, "producer": form.instance}
