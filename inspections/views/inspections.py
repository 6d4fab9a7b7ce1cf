"""The inspections: the list with its filters, an inspection with its record and follow-up,
an ad-hoc inspection's form, the record's form and the attachments.

Reads start from ``visible_to(request.user)`` (404 outside the user's areas); writes ask the
policy (``inspection.plan``, ``inspection.record``, ``inspection.follow_up``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy
from core.forms import add_errors
from core.history import history_entries
from core.lists import page_of, sort
from core.submissions import SAVED, submit_once
from core.uploads import attachment_response, limits_uploads
from inspections import services
from inspections.filters import InspectionFilter
from inspections.forms import AdhocForm, AttachmentForm, FollowUpForm, RecordForm
from inspections.models import Inspection, InspectionAttachment
from inspections.steps import next_step, when_planned
from inspections.views.common import FORM_METHODS, form_page, saved

SORT_COLUMNS = {
    "product": ("product__search_name",),
    "when": ("year", "planned_month", "planned_on"),
    "area": ("product__producer__area__full_name", "product__search_name"),
    "status": ("status", "product__search_name"),
    "updated": ("updated_at",),
}


FOLLOW_UP_LINES = [
    gettext_lazy(
        "Quyết định được ghi vào lượt kiểm tra; sau đó biên bản và quyết định không sửa được."
    ),
    gettext_lazy(
        "Yêu cầu khắc phục hoặc tái kiểm tra: một lượt tái kiểm tra được lập cho ngày đã ghi "
        "(thời hạn khắc phục, hoặc ngày dự kiến tái kiểm tra), gắn với lượt này."
    ),
    gettext_lazy(
        "Đề nghị thu hồi: giấy chứng nhận được đề nghị thu hồi theo căn cứ đã chọn (Điều 8 khoản "
        "1); cấp có thẩm quyền quyết định trong 15 ngày kể từ ngày có kết luận."
    ),
    gettext_lazy("Không cần xử lý thêm: lượt kiểm tra kết thúc."),
]


def _visible(user):
    return Inspection.objects.visible_to(user).for_lists()


@require_safe
@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspection_filter = InspectionFilter(
        request.GET, queryset=_visible(request.user), user=request.user
    )
    inspections, current_sort = sort(inspection_filter.qs, request, SORT_COLUMNS, "-when")
    page = page_of(inspections, request)
    for inspection in page.object_list:
        inspection.next = next_step(inspection)
    context = {
        "filter": inspection_filter,
        "page": page,
        "current_sort": current_sort,
        "can_open": policy.can(request.user, "inspection.plan"),
    }
    return render(request, "inspections/inspection_list.html", context)


@require_http_methods(FORM_METHODS)
@login_required
@submit_once
def adhoc_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "inspection.plan")
    initial = (
        {"product": request.GET["product"]} if request.GET.get("product", "").isdigit() else {}
    )
    form = AdhocForm(request.POST or None, initial=initial, user=request.user)
    opened = _("Đã lập lượt kiểm tra đột xuất.")
    if inspection := saved(
        request,
        form,
        lambda: services.adhoc_create(by=request.user, **form.cleaned_data),
        opened,
    ):
        return redirect(inspection)
    return form_page(request, form, _("Kiểm tra đột xuất"), back=reverse("inspections:list"))


def _detail(request, inspection: Inspection, *, follow_up_form=None, attachment_form=None):
    user = request.user
    may_record = policy.can(user, "inspection.record", inspection)
    may_follow_up = policy.can(user, "inspection.follow_up", inspection)
    if follow_up_form is None and may_follow_up:
        follow_up_form = FollowUpForm(initial={"version": inspection.version})
    results = {row.code: row for row in inspection.points.all()}
    context = {
        "inspection": inspection,
        "next": next_step(inspection),
        "when": when_planned(inspection),
        "points": [(point, results.get(point.code)) for point in services.points()],
        "attachments": inspection.attachments.select_related("added_by"),
        "reinspection": inspection.reinspections.first(),
        "reports": inspection.reports.all(),
        "may_record": may_record,
        "may_plan": policy.can(user, "inspection.plan", inspection),
        "may_follow_up": may_follow_up,
        "follow_up_form": follow_up_form,
        "follow_up_lines": FOLLOW_UP_LINES,
        "attachment_form": attachment_form or (AttachmentForm() if may_record else None),
        "history": history_entries(inspection),
    }
    return render(request, "inspections/inspection_detail.html", context)


@require_safe
@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(_visible(request.user), pk=pk)
    return _detail(request, inspection)


@require_http_methods(FORM_METHODS)
@login_required
@limits_uploads  # the size limit is in place before the body is read; CSRF checked after it
@submit_once(replayed=SAVED)
def inspection_record(request: HttpRequest, pk: int, *, oversized) -> HttpResponse:
    inspection = get_object_or_404(_visible(request.user), pk=pk)
    policy.require(request.user, "inspection.record", inspection)
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, oversized=oversized)
    else:
        form = RecordForm(initial=RecordForm.initial_for(inspection))
    written = _("Đã ghi biên bản kiểm tra.")
    if saved(
        request,
        form,
        lambda: services.record(inspection=inspection, by=request.user, **form.arguments()),
        written,
    ):
        return redirect(inspection)
    return render(
        request,
        "inspections/record_form.html",
        {"inspection": inspection, "form": form, "when": when_planned(inspection)},
    )


@require_POST
@login_required
@limits_uploads
@submit_once
def attachment_add(request: HttpRequest, pk: int, *, oversized) -> HttpResponse:
    inspection = get_object_or_404(_visible(request.user), pk=pk)
    policy.require(request.user, "inspection.record", inspection)
    form = AttachmentForm(request.POST, request.FILES, oversized=oversized)
    if form.is_valid():
        try:
            attachment = services.attach(
                inspection=inspection,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data.get("title", ""),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Đã thêm tài liệu “%(title)s”.") % {"title": attachment.title}
            )
            return redirect(f"{inspection.get_absolute_url()}#attachments")
    # The page again, the refused form with its errors in place of an empty one.
    return _detail(request, inspection, attachment_form=form)


@require_safe
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """The file, as an attachment of its stored type, to those who see the inspection."""
    attachments = InspectionAttachment.objects.visible_to(request.user).filter(inspection_id=pk)
    return attachment_response(get_object_or_404(attachments, pk=attachment_pk))


@require_POST
@login_required
@submit_once
def inspection_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(_visible(request.user), pk=pk)
    policy.require(request.user, "inspection.follow_up", inspection)
    form = FollowUpForm(request.POST)
    decided = _("Đã ghi quyết định xử lý sau kiểm tra.")
    if saved(
        request,
        form,
        lambda: services.follow_up(inspection=inspection, by=request.user, **form.cleaned_data),
        decided,
    ):
        return redirect(inspection)
    inspection.refresh_from_db()
    return _detail(request, inspection, follow_up_form=form)
