"""Buyers' enquiries: the public form of a catalogue product ("Liên hệ kết nối tiêu thụ") and
its thank-you page; for those signed in, the list, an enquiry with its answer and its closing,
and the summary by sector and by area (with its CSV).

The public form takes no account and no outside captcha, as the public's reports do: CSRF as
every form, at most ``OCOP_ENQUIRIES_PER_HOUR`` enquiries an hour from one client address
(core.ratelimit), and a field robots fill in and people never see (nothing is then saved, and
the robot gets the same thank-you page). Sent twice with the same form token, it makes one
enquiry.

Reads start from ``services.visible`` (``visible_to`` for the staff, ``owned_by`` for the
producer's account): anything else answers 404. Writes ask the policy (``enquiry.answer``,
``enquiry.close``)."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy, public_forms
from core.forms import save_or_refuse
from core.history import history_entries
from core.imports import neutralise
from core.lists import page_of, sort
from core.numbers import format_number
from core.submissions import SAVED, submit_once
from enquiries import services
from enquiries.filters import EnquiryFilter
from enquiries.forms import AnswerForm, CloseForm, EnquiryForm
from enquiries.models import Enquiry, answer_due, new_reference
from enquiries.steps import next_step
from products.catalogue_views import catalogue_url
from products.models import Product

_SALT = "enquiries.public-enquiry"

SORT_COLUMNS = {
    "received": ("received_at",),
    "product": ("product__search_name", "-received_at"),
    "buyer": ("organisation", "-received_at"),
    "status": ("status", "-received_at"),
}


# --- The public form ---------------------------------------------------------------------------


def _catalogue_product(pk: int) -> Product:
    """A product whose catalogue page is public today, or 404."""
    return get_object_or_404(services.catalogue_products().select_related("producer__area"), pk=pk)


def thanks_address(reference: str, product: Product) -> str:
    """The thank-you page of an enquiry, signed: nobody makes one up."""
    signed = signing.Signer(salt=_SALT).sign(f"{reference}.{product.pk}")
    return reverse("public_enquiries:thanks", args=[signed])


def _thanks(reference: str, product: Product):
    return redirect(thanks_address(reference, product))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_create(request: HttpRequest, pk: int) -> HttpResponse:
    product = _catalogue_product(pk)
    form = EnquiryForm(request.POST or None)

    def submit(data, token):
        return services.submit(
            product=product,
            organisation=data["organisation"],
            kind=data["kind"],
            quantity=data.get("quantity", ""),
            message=data["message"],
            contact_name=data["contact_name"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            token=token,
        )

    def thanks(enquiry):
        if enquiry is None:  # a robot
            return _thanks(new_reference(), product)
        return _thanks(enquiry.reference, enquiry.product)

    return public_forms.receive(
        request,
        form,
        records=Enquiry.objects,
        scope="public-enquiry",
        limit=settings.OCOP_ENQUIRIES_PER_HOUR,
        too_many=_(
            "Bạn đã gửi nhiều yêu cầu kết nối trong một giờ qua (tối đa %(limit)s). "
            "Yêu cầu này chưa được gửi: xin thử lại sau một giờ, hoặc liên hệ trực "
            "tiếp chủ thể hay %(office)s."
        ),
        submit=submit,
        thanks=thanks,
        template="enquiries/enquiry_form.html",
        context={
            "product": product,
            "product_url": catalogue_url(product),
            "due": answer_due(timezone.localdate()),
        },
    )


@never_cache
@require_safe
def enquiry_thanks(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        reference, _dot, pk = signing.Signer(salt=_SALT).unsign(signed).rpartition(".")
    except signing.BadSignature as bad:
        raise Http404 from bad
    product = get_object_or_404(Product.objects.select_related("producer__area"), pk=pk)
    context = {
        "reference": reference,
        "product": product,
        "product_url": catalogue_url(product),
        "due": answer_due(timezone.localdate()),
        "office_name": settings.OCOP_OFFICE_NAME,
    }
    return render(request, "enquiries/enquiry_thanks.html", context)


# --- Signed in: the list, an enquiry, its answer and closing -----------------------------------


def _visible(user):
    return services.visible(user).for_lists()


@require_safe
@login_required
def enquiry_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    enquiry_filter = EnquiryFilter(request.GET, queryset=_visible(user), user=user)
    enquiries, current_sort = sort(enquiry_filter.qs, request, SORT_COLUMNS, "-received")
    page = page_of(enquiries, request)
    for enquiry in page.object_list:
        enquiry.next = next_step(enquiry)
    context = {
        "filter": enquiry_filter,
        "page": page,
        "current_sort": current_sort,
        "is_producer": policy.is_producer_account(user),
        "may_summarise": policy.can(user, "enquiry.summary"),
    }
    return render(request, "enquiries/enquiry_list.html", context)


def _detail(request, enquiry: Enquiry, *, answer_form=None, close_form=None, status=200):
    user = request.user
    may_answer = policy.can(user, "enquiry.answer", enquiry)
    may_close = policy.can(user, "enquiry.close", enquiry)
    if may_answer and answer_form is None:
        answer_form = AnswerForm(initial={"version": enquiry.version, "answer": enquiry.answer})
    if may_close and close_form is None:
        close_form = CloseForm(initial={"version": enquiry.version})
    context = {
        "enquiry": enquiry,
        "next": next_step(enquiry),
        "may_answer": may_answer,
        "may_close": may_close,
        "answer_form": answer_form if may_answer else None,
        "close_form": close_form if may_close else None,
        "is_producer": policy.is_producer_account(user),
        "history": history_entries(enquiry),
    }
    return render(request, "enquiries/enquiry_detail.html", context, status=status)


@require_safe
@login_required
def enquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(_visible(request.user), pk=pk))


def _step(request: HttpRequest, pk: int, action: str, form_class, field: str, write, done: str):
    """A step on an enquiry (``enquiry.answer``, ``enquiry.close``): asks the policy, then
    ``write(user, enquiry, text, version=…)`` with the form's ``field``. Saved: the message
    ``done`` (``%(ref)s`` is the enquiry's reference) and back to the enquiry; refused: its
    page with the form's errors (``<action's verb>_form`` of ``_detail``)."""
    enquiry = get_object_or_404(_visible(request.user), pk=pk)
    policy.require(request.user, action, enquiry)
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def saved():
            return write(request.user, enquiry, data[field], version=data["version"])

        if save_or_refuse(form, saved) is not None:
            messages.success(request, done % {"ref": enquiry.reference})
            return redirect(enquiry)
    return _detail(request, enquiry, **{f"{action.split('.')[1]}_form": form})


@require_POST
@login_required
@submit_once(replayed=SAVED)
def enquiry_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "enquiry.answer",
        AnswerForm,
        "answer",
        services.answer,
        _("Đã lưu trả lời người mua."),
    )


@require_POST
@login_required
@submit_once(replayed=SAVED)
def enquiry_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "enquiry.close",
        CloseForm,
        "note",
        services.close,
        _("Đã đóng yêu cầu %(ref)s."),
    )


# --- The summary -------------------------------------------------------------------------------


def _summary_filter(request: HttpRequest) -> EnquiryFilter:
    """The enquiries the reader sees, filtered as asked; this year's unless a year is asked."""
    policy.require(request.user, "enquiry.summary")
    params = request.GET.copy()
    if not params.get("year"):
        params["year"] = str(timezone.localdate().year)
    return EnquiryFilter(params, queryset=_visible(request.user), user=request.user)


@require_safe
@login_required
def enquiry_summary(request: HttpRequest) -> HttpResponse:
    enquiry_filter = _summary_filter(request)
    context = {
        "filter": enquiry_filter,
        "summary": services.summary(enquiry_filter.qs),
        "year": enquiry_filter.form.cleaned_data.get("year") if enquiry_filter.is_valid() else None,
        "query": enquiry_filter.data.urlencode(),
    }
    return render(request, "enquiries/enquiry_summary.html", context)


@require_safe
@login_required
def enquiry_summary_csv(request: HttpRequest) -> HttpResponse:
    """The summary as CSV: UTF-8 with a BOM (Excel then reads the diacritics), text that a
    spreadsheet would run as a formula neutralised, as the open data are."""
    enquiry_filter = _summary_filter(request)
    summary = services.summary(enquiry_filter.qs)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("Nhóm"), _("Ngành, địa bàn"), _("Nhận được"), _("Đã trả lời"), _("Tỷ lệ trả lời (%)")]
    )
    sections = [
        (_("Ngành"), summary.by_sector),
        (_("Địa bàn"), summary.by_area),
        (_("Tổng cộng"), [summary.total]),
    ]
    for section, rows in sections:
        for row in rows:
            share = row.answered_share
            writer.writerow(
                [
                    neutralise(str(section)),
                    neutralise(row.label),
                    row.received,
                    row.answered,
                    "" if share is None else format_number(share, 1, trim=True),
                ]
            )
    year = enquiry_filter.form.cleaned_data.get("year") if enquiry_filter.is_valid() else ""
    response = HttpResponse(out.getvalue().encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="yeu-cau-ket-noi-{year}.csv"'
    return response
