"""Reports from the public ("Báo cáo vấn đề"): the form anyone opens from a product of the
public catalogue, its thank-you page with a reference, and the city's list and handling.

The public form takes no account and no outside captcha: CSRF as every form, a limit of
``OCOP_PUBLIC_REPORTS_PER_HOUR`` reports an hour from one client address (core.ratelimit,
as the password reset), and a field robots fill in and people never see (the form is then
refused silently, with the same thank-you page). Sent twice with the same form token, it
makes one report."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy, public_forms
from core.history import history_entries
from core.lists import page_of
from core.submissions import submit_once
from inspections import services
from inspections.filters import ReportFilter
from inspections.forms import PublicReportForm, ReportCloseForm, ReportInspectionForm
from inspections.models import PublicReport, new_reference
from inspections.steps import report_next_step
from inspections.views.common import one_step, saved
from products.catalogue_views import catalogue_url
from products.models import Product

_SALT = "inspections.public-report"


def _catalogue_product(pk: int) -> Product:
    """A product of the public catalogue (certified today), or 404."""
    products = Product.objects.certified_on(timezone.localdate()).select_related("producer")
    return get_object_or_404(products, pk=pk)


def thanks_address(reference: str) -> str:
    """The thank-you page of a reference, signed: nobody makes one up for a reference."""
    return reverse("public_reports:thanks", args=[signing.Signer(salt=_SALT).sign(reference)])


def _thanks(reference: str):
    return redirect(thanks_address(reference))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    product = _catalogue_product(pk)
    form = PublicReportForm(request.POST or None)

    def submit(data, token):
        return services.report_submit(
            product=product,
            kind=data["kind"],
            description=data["description"],
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
            token=token,
        )

    def thanks(report):
        return _thanks(new_reference() if report is None else report.reference)

    return public_forms.receive(
        request,
        form,
        records=PublicReport.objects,
        scope="public-report",
        limit=settings.OCOP_PUBLIC_REPORTS_PER_HOUR,
        too_many=_(
            "Bạn đã gửi nhiều phản ánh trong một giờ qua (tối đa %(limit)s). Phản ánh "
            "này chưa được gửi: xin thử lại sau một giờ, hoặc liên hệ trực tiếp "
            "%(office)s."
        ),
        submit=submit,
        thanks=thanks,
        template="inspections/report_form.html",
        context={
            "product": product,
            "product_url": catalogue_url(product),
            "office_name": settings.OCOP_OFFICE_NAME,
        },
    )


@never_cache
@require_safe
def report_thanks(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        reference = signing.Signer(salt=_SALT).unsign(signed)
    except signing.BadSignature as bad:
        raise Http404 from bad
    context = {"reference": reference, "office_name": settings.OCOP_OFFICE_NAME}
    return render(request, "inspections/report_thanks.html", context)


# --- The city's handling -----------------------------------------------------------------------


def _visible(user):
    return PublicReport.objects.visible_to(user).select_related(
        "product__producer__area", "inspection", "handled_by"
    )


@require_safe
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    report_filter = ReportFilter(request.GET, queryset=_visible(request.user), user=request.user)
    page = page_of(report_filter.qs.order_by("-created_at", "-pk"), request)
    for report in page.object_list:
        report.next = report_next_step(report)
    context = {
        "filter": report_filter,
        "page": page,
        "counts": {
            status: count
            for status, count in _visible(request.user)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        },
        "may_handle": policy.can(request.user, "report.handle"),
    }
    return render(request, "inspections/report_list.html", context)


def _detail(request, report: PublicReport, *, close_form=None, inspect_form=None):
    may_handle = policy.can(request.user, "report.handle", report)
    is_open = report.status != PublicReport.Status.CLOSED
    if may_handle and is_open:
        close_form = close_form or ReportCloseForm()
        if not report.inspection_id:
            inspect_form = inspect_form or ReportInspectionForm(
                initial={
                    "reason": _("Phản ánh %(reference)s của người dân: %(kind)s.")
                    % {"reference": report.reference, "kind": report.get_kind_display()},
                    "planned_on": timezone.localdate(),
                }
            )
    context = {
        "report": report,
        "next": report_next_step(report),
        "may_handle": may_handle,
        "close_form": close_form if may_handle and is_open else None,
        "inspect_form": inspect_form if may_handle and is_open else None,
        "history": history_entries(report),
    }
    return render(request, "inspections/report_detail.html", context)


@require_safe
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(_visible(request.user), pk=pk))


def _to_handle(request, pk: int) -> PublicReport:
    report = get_object_or_404(_visible(request.user), pk=pk)
    policy.require(request.user, "report.handle", report)
    return report


@require_POST
@login_required
def report_take(request: HttpRequest, pk: int) -> HttpResponse:
    report = _to_handle(request, pk)
    taken = _("Đã tiếp nhận phản ánh %(ref)s.") % {"ref": report.reference}
    return one_step(
        request, lambda: services.report_take(report=report, by=request.user), taken, report
    )


@require_POST
@login_required
@submit_once
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    report = _to_handle(request, pk)
    form = ReportCloseForm(request.POST)
    closed = _("Đã đóng phản ánh %(ref)s.") % {"ref": report.reference}
    if saved(
        request,
        form,
        lambda: services.report_close(report=report, by=request.user, **form.cleaned_data),
        closed,
    ):
        return redirect(report)
    return _detail(request, report, close_form=form)


@require_POST
@login_required
@submit_once
def report_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    report = _to_handle(request, pk)
    form = ReportInspectionForm(request.POST)
    opened = _("Đã lập lượt kiểm tra đột xuất từ phản ánh.")
    if inspection := saved(
        request,
        form,
        lambda: services.report_to_inspection(report=report, by=request.user, **form.cleaned_data),
        opened,
    ):
        return redirect(inspection)
    return _detail(request, report, inspect_form=form)
