"""The public OCOP catalogue: the products certified today, for everyone, without signing in.

Every page here starts from :func:`public_products`, never from ``visible_to(user)``: the
catalogue is the same for every visitor, signed in or not, and what keeps it public is the rule
"a certificate valid today" (``ProductQuerySet.certified_on``). A draft, uncertified, expired or
revoked product never passes it, and only public fields leave these views: no tax code, score,
evaluation, internal note, unpublished contact or user. The address of a product no longer
certified says since when and why (410, ``lapse_of``), with the revocation's public decision only.

Pages are cached (:func:`cached`) as fragments: the navigation bar around them carries the
visitor's name and a CSRF token, so it is rendered for each request, from the cache's one query.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from areas import provinces
from areas.models import Area
from core.caching import cached_until_changed
from core.lists import page_of
from core.text import fold
from products import qr
from products.catalogue_filters import CatalogueFilter
from products.models import Certificate, Product, ProductCategory, ProductQuerySet, Revocation

PAGE_SIZE = 24
#: Stars first, then the name.
ORDER = ("-current_stars", "search_name", "pk")
QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
#: The first segments of the public addresses; robots.txt disallows every other route.
PUBLIC_ROUTES = ("catalogue", "sitemap.xml", "robots.txt", "static/", "media/")

#: The records public pages are made of.
CATALOGUE_KINDS = ("areas", "subjects", "products")
T = TypeVar("T")


def public_read(view):
    """A public page that only reads: GET and HEAD, outside ATOMIC_REQUESTS' transaction (two
    round trips fewer; a page served from the cache makes one query, ``data_as_of``)."""
    return transaction.non_atomic_requests(require_safe(view))


def public_products(today: date) -> ProductQuerySet:
    """The products of the public catalogue: those with a certificate valid on the day.

    Deliberately not ``visible_to(user)``, which scopes the officers' pages to their areas: the
    catalogue is public and the same for everyone. ``certified_on(today)`` is what keeps it so,
    and every public page and file starts here. Annotated by ``with_status`` (current stars,
    certificate, valid until).
    """
    return (
        Product.objects.certified_on(today)
        .with_status(today)
        .select_related("producer__area", "category__parent__parent")
    )


def slug_of(product: Product) -> str:
    """The product's name in its address, without diacritics: gao-st25-ho-quang-tri."""
    return slugify(fold(product.name)) or "san-pham"


def catalogue_url(product: Product) -> str:
    return reverse("catalogue:product", args=[product.pk, slug_of(product)])


@dataclass(frozen=True)
class Place:
    """Where a certified product comes from, named as today.

    The producer's area is where it is registered, a certificate's area where it was recognised;
    either may be a former district (until 30/06/2025). The current unit among them names the
    place and the former district is named beside it; with no current unit, the communes that
    took over the district's territory (``successors``) tell where that is now.
    """

    current: Area | None
    former: Area | None

    @classmethod
    def of(cls, registered: Area, recognised: Area) -> "Place":
        current = next((a for a in (registered, recognised) if a.is_current), None)
        former = next((a for a in (recognised, registered) if not a.is_current), None)
        return cls(current, former)

    @property
    def area(self) -> Area:
        """The unit to name: today's, or the former district when no current one is known."""
        return self.current or self.former


def sector_of(category: ProductCategory) -> ProductCategory:
    while category.parent_id and category.level != ProductCategory.Level.SECTOR:
        category = category.parent
    return category


def describe(products) -> list[Product]:
    """Attach what public pages show beside each product, in one query: its valid certificate
    (``certificate``, with the area where it was recognised), ``place``, ``sector`` and ``url``."""
    products = list(products)
    certificates = Certificate.objects.select_related("area").in_bulk(
        [product.current_certificate_id for product in products]
    )
    for product in products:
        product.certificate = certificates[product.current_certificate_id]
        product.place = Place.of(product.producer.area, product.certificate.area)
        product.sector = sector_of(product.category)
        product.url = catalogue_url(product)
    return products


def public_contacts(producer) -> list[dict]:
    """The contact details the producer chose to publish, and nothing else."""
    published = [
        (producer.phone_public, producer.phone, "telephone", _("Điện thoại"), "tel:"),
        (producer.email_public, producer.email, "envelope", _("Email"), "mailto:"),
        (producer.website_public, producer.website, "globe", _("Website"), ""),
    ]
    return [
        {"icon": icon, "label": label, "value": value, "href": scheme + value.replace(" ", "")}
        for public, value, icon, label, scheme in published
        if public and value
    ]


def cached(
    request: HttpRequest, name: str, build: Callable[[date], T], *parts
) -> tuple[T, datetime | None]:
    """``build(today)`` from the cache until the data changes (core/caching.py); the
    scheme and host are part of the key, as public pages carry absolute addresses."""
    chosen = request.GET.get("province", "").strip()
    return cached_until_changed(
        f"catalogue.{name}",
        build,
        parts,
        request.scheme,
        request.get_host(),
        # One province's page waits for that province's changes only.
        province=chosen if chosen.isdigit() else None,
        kinds=CATALOGUE_KINDS,
    )


def _fragment(request, template, context, *, title, description, breadcrumbs, **meta) -> dict:
    """A page's cached part: its main content and what the head says about it (title,
    description, Open Graph: ``canonical`` address, ``image``, ``kind``) and, for a page of one
    province's products, that ``province`` (its name heads the page, its department signs it)."""
    province = meta.get("province")
    return {
        "branding": {"province_name": province.name, "department_name": province.department}
        if province
        else {},
        "title": str(title),
        "description": Truncator(str(description)).chars(300),
        "url": request.build_absolute_uri(meta.get("canonical", request.get_full_path())),
        "image": meta.get("image", ""),
        "kind": meta.get("kind", "website"),
        "breadcrumbs": [(str(label), url) for label, url in breadcrumbs],
        "main": render_to_string(template, context, request),
    }


def _page(request: HttpRequest, fragment: dict, as_of) -> HttpResponse:
    # The footer's "data as of" is the value the cache key was made of: no second query.
    context = {"fragment": fragment, "data_as_of": as_of, **fragment["branding"]}
    response = render(request, "catalogue/page.html", context, status=fragment.get("status", 200))
    if fragment.get("noindex"):
        response["X-Robots-Tag"] = "noindex"
    return response


@dataclass(frozen=True)
class Lapse:
    """Why a product that once had a certificate has none valid on the day: its latest
    certificate was revoked, or it expired. Only what the public may read: the revocation's
    decision and ground, never the reason written on the certificate."""

    product: Product
    certificate: Certificate
    revoked: bool
    #: The first day the certificate was no longer valid.
    day: date
    decision_number: str = ""
    ground: str = ""

    @property
    def message(self) -> str:
        day = date_format(self.day, "SHORT_DATE_FORMAT")
        if not self.revoked:
            return _("Giấy chứng nhận OCOP của sản phẩm này đã hết hiệu lực ngày %(day)s.") % {
                "day": day
            }
        text = _("Giấy chứng nhận OCOP của sản phẩm này đã bị thu hồi ngày %(day)s") % {"day": day}
        if self.decision_number:
            text += _(" theo Quyết định số %(number)s (căn cứ: %(ground)s)") % {
                "number": self.decision_number,
                "ground": self.ground,
            }
        return text + "."


def lapse_of(pk: int, today: date) -> Lapse:
    """Why the product has no certificate valid today (it has none: see ``public_products``);
    404 for a product never certified, which the public never saw."""
    certificate = (
        Certificate.objects.filter(product=pk, decision_date__lte=today)
        .select_related("product__producer__area")
        .order_by("-decision_date", "-pk")
        .first()
    )
    if certificate is None:
        raise Http404
    product = certificate.product
    if certificate.revoked_on is not None and certificate.revoked_on <= today:
        revocation = certificate.revocations.filter(status=Revocation.Status.DECIDED).first()
        return Lapse(
            product,
            certificate,
            revoked=True,
            day=certificate.revoked_on,
            decision_number=revocation.decision_number if revocation else "",
            ground=revocation.ground_title if revocation else "",
        )
    return Lapse(
        product, certificate, revoked=False, day=certificate.valid_until + timedelta(days=1)
    )


def _lapsed_fragment(request: HttpRequest, lapse: Lapse) -> dict:
    """The page at the address of a product no longer certified: 410 Gone, saying since when
    and why, with no stars, no QR code and no mark; kept out of search engines."""
    product = lapse.product
    canonical = catalogue_url(product)
    title = (
        _("%(name)s — giấy chứng nhận OCOP đã bị thu hồi")
        if lapse.revoked
        else _("%(name)s — giấy chứng nhận OCOP đã hết hiệu lực")
    ) % {"name": product.name}
    fragment = _fragment(
        request,
        "catalogue/_lapsed.html",
        {"product": product, "producer": product.producer, "lapse": lapse},
        title=title,
        description=lapse.message,
        breadcrumbs=[
            (_("Danh mục sản phẩm OCOP"), reverse("catalogue:list")),
            (product.name, ""),
        ],
        canonical=canonical,
        province=product.producer.area.province_words,
    )
    return {**fragment, "slug": slug_of(product), "status": 410, "noindex": True}


@public_read
def catalogue(request: HttpRequest) -> HttpResponse:
    """Certified products with a photo, stars, producer, area and sector; filters, a search that
    ignores diacritics, stars first then the name."""

    def build(today: date) -> dict:
        catalogue_filter = CatalogueFilter(
            request.GET, queryset=public_products(today), today=today
        )
        page = page_of(catalogue_filter.qs.order_by(*ORDER), request, PAGE_SIZE)
        page.object_list = describe(page.object_list)
        total = page.paginator.count
        chosen = catalogue_filter.chosen_province
        province = provinces.words_for_code(chosen) if chosen else provinces.home()
        description = ngettext(
            "%(count)s sản phẩm OCOP của %(province)s có giấy chứng nhận còn hiệu lực: tìm theo "
            "tên, địa bàn, hạng sao, ngành; mỗi sản phẩm có mã QR dẫn về trang của mình.",
            "%(count)s sản phẩm OCOP của %(province)s có giấy chứng nhận còn hiệu lực: tìm theo "
            "tên, địa bàn, hạng sao, ngành; mỗi sản phẩm có mã QR dẫn về trang của mình.",
            total,
        ) % {"count": total, "province": province.name}
        context = {"filter": catalogue_filter, "page": page, "today": today}
        return _fragment(
            request,
            "catalogue/_list.html",
            context,
            title=_("Danh mục sản phẩm OCOP"),
            description=description,
            breadcrumbs=[(_("Danh mục sản phẩm OCOP"), "")],
            province=province if chosen else None,
        )

    fragment, as_of = cached(request, "list", build, request.GET.urlencode())
    return _page(request, fragment, as_of)


@public_read
def product_page(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """A certified product: its certificate, producer, place, QR code and the producer's other
    certified products. Any other address of it (a wrong or missing slug) redirects here.

    A product once certified keeps its address, printed on its labels: once its certificate is
    revoked or expired, the address answers 410 and says so (``lapse_of``), never a bare 404
    that a consumer scanning an old label could not read."""

    def build(today: date) -> dict:
        found = public_products(today).filter(pk=pk).first()
        if found is None:
            return _lapsed_fragment(request, lapse_of(pk, today))
        product = describe([found])[0]
        certificate, place = product.certificate, product.place
        successors = [] if place.current else list(place.former.successors.order_by("name"))
        others = list(
            public_products(today)
            .filter(producer=product.producer_id)
            .exclude(pk=pk)
            .order_by(*ORDER)
        )
        for other in others:
            other.url = catalogue_url(other)
        canonical = product.url
        context = {
            "product": product,
            "certificate": certificate,
            "place": place,
            "successors": successors,
            "contacts": public_contacts(product.producer),
            "others": others,
            # The public page its producer keeps (listings): published values only.
            "gallery": list(product.gallery.order_by("position", "pk")),
            "points_of_sale": list(product.points_of_sale.order_by("position", "pk")),
            "page_url": request.build_absolute_uri(canonical),
        }
        description = _(
            "%(name)s: sản phẩm OCOP %(stars)s sao của %(producer)s, %(place)s. Giấy chứng nhận "
            "số %(number)s ngày %(date)s, hiệu lực đến %(until)s."
        ) % {
            "name": product.name,
            "stars": product.current_stars,
            "producer": product.producer.name,
            "place": place.area.full_name,
            "number": certificate.decision_number,
            "date": date_format(certificate.decision_date, "SHORT_DATE_FORMAT"),
            "until": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
        }
        fragment = _fragment(
            request,
            "catalogue/_product.html",
            context,
            title=_("%(name)s — sản phẩm OCOP %(stars)s sao")
            % {"name": product.name, "stars": product.current_stars},
            description=f"{description} {product.description}".strip(),
            breadcrumbs=[
                (_("Danh mục sản phẩm OCOP"), reverse("catalogue:list")),
                (product.name, ""),
            ],
            canonical=canonical,
            image=request.build_absolute_uri(product.photo.url) if product.photo else "",
            kind="product",
            # Its own province, whichever else the installation serves.
            province=product.producer.area.province_words,
        )
        return {**fragment, "slug": slug_of(product)}

    fragment, as_of = cached(request, "product", build, pk)
    if slug != fragment["slug"]:
        return redirect("catalogue:product", pk=pk, slug=fragment["slug"], permanent=True)
    return _page(request, fragment, as_of)


@public_read
def product_qr(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The QR code of a certified product's page, as SVG or PNG; ``?download=1`` saves it.
    No code for a product whose certificate is no longer valid (no new labels): 410, saying
    why."""

    def build(today: date) -> tuple[str, bytes | None, str]:
        product = Product.objects.certified_on(today).only("name").filter(pk=pk).first()
        if product is None:
            return "", None, lapse_of(pk, today).message
        url = request.build_absolute_uri(catalogue_url(product))
        content = qr.svg(url, title=product.name) if kind == "svg" else qr.png(url)
        return slug_of(product), content, ""

    (slug, content, gone), _as_of = cached(request, f"qr.{kind}", build, pk)
    if content is None:
        response = HttpResponse(gone, status=410, content_type="text/plain; charset=utf-8")
        response["X-Robots-Tag"] = "noindex"
        return response
    response = HttpResponse(content, content_type=QR_TYPES[kind])
    if request.GET.get("download"):
        filename = f"qr-ocop-{pk}-{slug}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=60 * 60)
    return response


@public_read
def producer_labels(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable A4 sheet of labels (QR code, name, stars), one for each certified product
    of a producer."""

    def build(today: date) -> dict:
        products = list(public_products(today).filter(producer=pk).order_by(*ORDER))
        if not products:
            raise Http404
        for product in products:
            product.page_url = request.build_absolute_uri(catalogue_url(product))
            # segno escapes the title it writes; the rest of the markup is its own.
            product.qr = mark_safe(qr.svg_inline(product.page_url, title=product.name))
        producer = products[0].producer
        province = producer.area.province_words
        title = _("Nhãn mã QR — %(producer)s") % {"producer": producer.name}
        return _fragment(
            request,
            "catalogue/_labels.html",
            # The labels carry the producer's own province.
            {"producer": producer, "products": products, "province_name": province.name},
            title=title,
            description=_("Nhãn mã QR in trên khổ A4 cho các sản phẩm OCOP của %(producer)s.")
            % {"producer": producer.name},
            breadcrumbs=[(_("Danh mục sản phẩm OCOP"), reverse("catalogue:list")), (title, "")],
            province=province,
        )

    fragment, as_of = cached(request, "labels", build, pk)
    return _page(request, fragment, as_of)
