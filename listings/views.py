"""The producer's public page: the account's pages under /producer/page/ (its page as
published, its proposals, a form for its details and one per product) and the officers'
review under /listings/reviews/.

The account reads only its own records (``owned_by``: another producer's answer 404); the
officers read the proposals of their areas (``visible_to``: 404 outside them). Writes ask the
policy (``page.propose``, ``page.withdraw``, ``page.review``) through ``listings.services``;
a refused write shows its reason next to the field, nothing of it kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy
from core.forms import add_errors, save_or_refuse
from core.history import history_entries
from core.lists import page_of
from core.submissions import SAVED, submit_once
from core.uploads import attachment_response, limits_uploads
from listings import compare, services
from listings.forms import PointOfSaleFormSet, ProducerPageForm, ProductPageForm, ReviewForm
from listings.models import PageChange, StagedPhoto
from products.models import Certificate, PointOfSale, Product, ProductPhoto
from subjects.models import Producer

FORM_METHODS = ["GET", "HEAD", "POST"]
#: Proposals on one page of the review list.
REVIEW_PAGE_SIZE = 10
#: The account's latest decided proposals shown on its page.
RECENT = 10


def _producer_of(user) -> Producer:
    """The producer whose account the user is; 403 saying who keeps the page otherwise."""
    producer = Producer.objects.owned_by(user).select_related("area").first()
    policy.require(user, "page.propose", producer)
    return producer


def _with_parts(queryset):
    """Proposals with what their comparison reads: the published product's gallery and points
    of sale, and the new photos (a fixed number of queries for any number of proposals)."""
    return queryset.for_lists().prefetch_related(
        Prefetch("product__gallery", queryset=ProductPhoto.objects.order_by("position", "pk")),
        Prefetch("product__points_of_sale", queryset=PointOfSale.objects.order_by("position")),
        Prefetch("photos", queryset=StagedPhoto.objects.order_by("position", "pk")),
    )


# --- The producer's account ---------------------------------------------------------------------


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The page as the public sees it, the proposals waiting, the latest decisions."""
    producer = _producer_of(request.user)
    today = timezone.localdate()
    certified = Certificate.objects.valid_on(today).filter(product=OuterRef("pk"))
    products = list(
        producer.products.annotate(
            photo_count=Count("gallery", distinct=True),
            point_count=Count("points_of_sale", distinct=True),
            in_catalogue=Exists(certified),
        ).order_by("-in_catalogue", "search_name", "pk")
    )
    changes = PageChange.objects.owned_by(request.user).select_related("product")
    pending = list(changes.pending())
    by_target = {change.product_id: change for change in pending}
    for product in products:
        product.pending = by_target.get(product.pk)
    context = {
        "producer": producer,
        "products": products,
        "producer_pending": by_target.get(None),
        "pending": pending,
        "recent": list(changes.exclude(status=PageChange.Status.PENDING)[:RECENT]),
        "contacts": _contacts(producer),
    }
    return render(request, "listings/index.html", context)


def _contacts(producer: Producer) -> list[tuple[str, str, bool]]:
    return [
        (_("Điện thoại"), producer.phone, producer.phone_public),
        (_("Thư điện tử"), producer.email, producer.email_public),
        (_("Trang web"), producer.website, producer.website_public),
    ]


def _pending_page(request, target, pending: PageChange) -> HttpResponse:
    """A form's page while a proposal waits for the same page: no form, the proposal."""
    context = {"target": target, "pending": compare.describe(pending)}
    return render(request, "listings/pending.html", context)


@require_http_methods(FORM_METHODS)
@login_required
@submit_once(replayed=SAVED)
def producer_edit(request: HttpRequest) -> HttpResponse:
    producer = _producer_of(request.user)
    if pending := services.pending_for(producer):
        return _pending_page(request, producer, pending)
    form = ProducerPageForm(request.POST or None, producer=producer)
    if request.method == "POST" and form.is_valid():
        change = save_or_refuse(
            form,
            lambda: services.propose(
                request.user,
                producer,
                values=form.values(),
                version=form.cleaned_data["version"],
            ),
        )
        if change is not None:
            messages.success(request, _("Đã gửi đề xuất; cán bộ xã sẽ duyệt trước khi công khai."))
            return redirect(change)
    return render(request, "listings/producer_form.html", {"form": form, "producer": producer})


@require_http_methods(FORM_METHODS)
@login_required
@limits_uploads  # the size limit is in place before the body is read; CSRF checked after it
@submit_once(replayed=SAVED)
def product_edit(request: HttpRequest, pk: int, *, oversized) -> HttpResponse:
    _producer_of(request.user)
    product = get_object_or_404(
        Product.objects.owned_by(request.user).prefetch_related(
            Prefetch("gallery", queryset=ProductPhoto.objects.order_by("position", "pk")),
            Prefetch("points_of_sale", queryset=PointOfSale.objects.order_by("position")),
        ),
        pk=pk,
    )
    if pending := services.pending_for(product):
        return _pending_page(request, product, pending)
    if request.method == "POST":
        form = ProductPageForm(request.POST, request.FILES, product=product, oversized=oversized)
        points = PointOfSaleFormSet(request.POST, prefix="points")
    else:
        form = ProductPageForm(product=product)
        initial = services.published_values(product)["points_of_sale"]
        points = PointOfSaleFormSet(initial=initial, prefix="points")
    if request.method == "POST" and form.is_valid() and points.is_valid():

        def write():
            values, photos = form.values(points.values())
            return services.propose(
                request.user,
                product,
                values=values,
                photos=photos,
                version=form.cleaned_data["version"],
            )

        change = save_or_refuse(form, write)
        if change is not None:
            messages.success(request, _("Đã gửi đề xuất; cán bộ xã sẽ duyệt trước khi công khai."))
            return redirect(change)
    context = {"form": form, "points": points, "product": product}
    return render(request, "listings/product_form.html", context)


def _own_change(request, pk: int) -> PageChange:
    changes = _with_parts(PageChange.objects.owned_by(request.user))
    return get_object_or_404(changes, pk=pk)


def _detail(request, change: PageChange, *, for_officer: bool, review_form=None):
    compare.describe(change)
    context = {
        "change": change,
        "for_officer": for_officer,
        "review_form": review_form or ReviewForm(initial={"version": change.version}),
        "history": history_entries(change),
    }
    return render(request, "listings/change_detail.html", context)


@require_safe
@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's proposal: what it changes, where it stands, who acts next."""
    return _detail(request, _own_change(request, pk), for_officer=False)


@require_POST
@login_required
@submit_once(replayed=SAVED)
def change_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = _own_change(request, pk)
    policy.require(request.user, "page.withdraw", change)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(request.user, change, version=form.cleaned_data["version"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã rút đề xuất; trang công khai giữ nguyên."))
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return redirect(change)


@require_safe
@login_required
def own_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A new photo of the account's proposal, before it is public."""
    photos = StagedPhoto.objects.owned_by(request.user).filter(change_id=pk)
    return attachment_response(get_object_or_404(photos, pk=photo_pk))


# --- The officers' review ----------------------------------------------------------------------


@require_safe
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """The proposals waiting in the officer's areas, oldest first, each with its comparison
    and its buttons."""
    policy.require(request.user, "page.review")
    pending = _with_parts(PageChange.objects.visible_to(request.user).pending()).order_by(
        "proposed_at", "pk"
    )
    page = page_of(pending, request, REVIEW_PAGE_SIZE)
    for change in page.object_list:
        compare.describe(change)
        change.review_form = ReviewForm(initial={"version": change.version})
    return render(request, "listings/review_list.html", {"page": page})


def _visible_change(request, pk: int) -> PageChange:
    return get_object_or_404(_with_parts(PageChange.objects.visible_to(request.user)), pk=pk)


@require_safe
@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible_change(request, pk), for_officer=True)


def _decide(request, pk: int, decide, success: str) -> HttpResponse:
    change = _visible_change(request, pk)
    policy.require(request.user, "page.review", change)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            decide(change, form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success)
            if request.POST.get("next") == "list":
                return redirect("listing_reviews:list")
            return redirect(change.get_review_url())
    # The page again, read anew, with the refused form and its reasons.
    return _detail(request, _visible_change(request, pk), for_officer=True, review_form=form)


@require_POST
@login_required
@submit_once(replayed=SAVED)
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda change, data: services.approve(
            request.user, change, version=data["version"], note=data["note"]
        ),
        _("Đã duyệt: thay đổi đã hiện trên danh mục sản phẩm OCOP."),
    )


@require_POST
@login_required
@submit_once(replayed=SAVED)
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda change, data: services.reject(
            request.user, change, data["note"], version=data["version"]
        ),
        _("Đã trả lại đề xuất kèm ý kiến; trang công khai giữ nguyên."),
    )


@require_safe
@login_required
def review_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A new photo of a proposal of the officer's areas, for the review."""
    photos = StagedPhoto.objects.visible_to(request.user).filter(change_id=pk)
    return attachment_response(get_object_or_404(photos, pk=photo_pk))
