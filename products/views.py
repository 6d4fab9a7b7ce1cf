from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import policy
from core.forms import save_or_refuse
from core.history import history_entries
from core.lists import page_of, sort
from core.submissions import SAVED, submit_once
from products.filters import ProductFilter
from products.forms import ProductForm
from products.models import Certificate, LegalBasis, Product, Revocation, ground_reference
from subjects.models import Producer

SORT_COLUMNS = {
    "name": ("search_name",),
    "producer": ("producer__search_name", "search_name"),
    "area": ("producer__area__full_name", "search_name"),
    "stars": ("current_stars", "search_name"),
    "valid_until": ("current_valid_until", "search_name"),
}


def label_revocations(products) -> None:
    """The ground of each revoked product's revocation, as the pages name it."""
    for product in products:
        ground = getattr(product, "revocation_ground", None)
        product.revocation_ground_label = ground_reference(ground) if ground else ""


@require_safe
@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    products = (
        Product.objects.visible_to(request.user)
        .select_related("producer__area", "category")
        .with_status()
    )
    product_filter = ProductFilter(request.GET, queryset=products, user=request.user)
    products, current_sort = sort(product_filter.qs, request, SORT_COLUMNS, "name")

    def rows(ids):
        # The status's subqueries for the 25 rows shown, not for every row before them.
        return (
            Product.objects.filter(pk__in=ids)
            .select_related("producer__area", "category")
            .with_status()
            .with_revocations()
        )

    page = page_of(products, request, rows=rows)
    label_revocations(page.object_list)
    context = {
        "filter": product_filter,
        "page": page,
        "current_sort": current_sort,
        "today": timezone.localdate(),
    }
    return render(request, "products/product_list.html", context)


@require_safe
@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.visible_to(request.user)
        .select_related("producer__area", "category__parent__parent")
        .with_status()
        .with_revocations(),
        pk=pk,
    )
    label_revocations([product])
    today = timezone.localdate()
    certificates = list(
        Certificate.objects.visible_to(request.user)
        .filter(product=product)
        .select_related("area", "legal_basis")
    )
    # Most products never had a revocation: their revocations are read only when one shows.
    live = {}
    if product.revocation_pending or any(c.revoked_on for c in certificates):
        live = {
            revocation.certificate_id: revocation
            for revocation in Revocation.objects.filter(
                certificate__in=[c.pk for c in certificates]
            ).exclude(status=Revocation.Status.DROPPED)
        }
    for certificate in certificates:
        certificate.revocation = live.get(certificate.pk)
        certificate.revocable = certificate.revocation is None and certificate.is_valid_on(today)
    evaluations = (
        product.evaluations.visible_to(request.user)
        .select_related("round")
        .order_by("-round__year", "-round__number", "-pk")
    )
    # Scored on the sheet of its product set under the law in force: a product classified
    # only under 1048, or only to a group, waits to be classified again.
    basis = LegalBasis.objects.in_force_on(timezone.localdate()).first()
    in_scheme = product.category.in_scheme(basis.classification) if basis else None
    context = {
        "product": product,
        "unclassified_under": basis if basis and not (in_scheme and in_scheme.is_leaf) else None,
        "certificates": certificates,
        "propose": policy.can(request.user, "revocation.propose", product),
        "any_revocable": any(certificate.revocable for certificate in certificates),
        "evaluations": evaluations,
        "history": history_entries(product),
        "today": today,
    }
    return render(request, "products/product_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once
def product_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "product.add")
    initial = {}
    if producer_id := request.GET.get("producer", "").strip():
        producer = (
            Producer.objects.visible_to(request.user).filter(pk=producer_id).first()
            if producer_id.isdigit()
            else None
        )
        if producer:
            initial["producer"] = producer
    form = ProductForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid() and (product := save_or_refuse(form)):
        messages.success(request, _("Đã đăng ký sản phẩm “%(name)s”.") % {"name": product.name})
        return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "product": form.instance})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once(replayed=SAVED)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.visible_to(request.user), pk=pk)
    policy.require(request.user, "product.change", product)
    form = ProductForm(
        request.POST or None, request.FILES or None, instance=product, user=request.user
    )
    if request.method == "POST" and form.is_valid() and save_or_refuse(form):
        messages.success(
            request, _("Đã lưu thay đổi của sản phẩm “%(name)s”.") % {"name": product.name}
        )
        return redirect(product)
    return render(request, "products/product_form.html", {"form": form, "product": product})
