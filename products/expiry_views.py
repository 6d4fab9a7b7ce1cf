"""The certificates to act on: those about to expire and those expired without renewal.

A certificate is valid 36 months from its decision; the issuer notifies the producer at least
30 days ahead (``notify_expiring``), and a product not re-evaluated in time loses its stars.
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.lists import PAGE_SIZE, page_of
from products.expiry_filters import ExpiryFilterForm
from products.models import Certificate, CertificateQuerySet


@require_safe
@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ExpiryFilterForm(request.GET, user=request.user, today=today)
    certificates = form.narrow(
        Certificate.objects.visible_to(request.user).select_related("product__producer", "area")
    )
    days = form.days_ahead
    soon = certificates.expiring_within(days, today).not_renewed().order_by("valid_until", "pk")
    expired = certificates.expired_not_renewed(today).order_by("-valid_until", "pk")
    context = {
        "form": form,
        "days": days,
        "today": today,
        "soon": _page(soon, request, "page", today),
        "expired": _page(expired, request, "expired_page", today),
    }
    return render(request, "products/expiring.html", context)


def _page(certificates: CertificateQuerySet, request: HttpRequest, param: str, today: date) -> Page:
    """One page of certificates, each with its days to expiry (negative once expired). The
    page is chosen on the certificates' keys alone; its 25 rows are then read with their
    product, producer and area (not every row the list runs through)."""

    def rows(ids):
        return Certificate.objects.filter(pk__in=ids).select_related("product__producer", "area")

    page = page_of(certificates, request, PAGE_SIZE, rows=rows, param=param)
    for certificate in page:
        certificate.days_left = (certificate.valid_until - today).days
        certificate.days_expired = -certificate.days_left
    return page
