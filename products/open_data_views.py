"""The catalogue as open data (CSV and JSON, for the national OCOP system, trade-promotion
sites and newsrooms) and robots.txt: public, read-only, the same public fields as the pages."""

import csv
import io
from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import translation

from areas import provinces
from core.imports import neutralise
from core.text import strip_control
from products.catalogue_filters import CatalogueFilter
from products.catalogue_views import (
    ORDER,
    PUBLIC_ROUTES,
    cached,
    describe,
    public_contacts,
    public_products,
    public_read,
)

#: The open data's columns: key (JSON) and header (CSV). Like the import files' headers they are
#: part of the file format, the same whatever the interface language.
OPEN_DATA_FIELDS = [
    ("id", "Mã sản phẩm"),
    ("name", "Tên sản phẩm"),
    ("stars", "Hạng sao"),
    ("producer", "Chủ thể"),
    ("producer_kind", "Loại hình chủ thể"),
    ("area", "Địa bàn"),
    ("former_area", "Địa bàn trước 01/07/2025"),
    ("province", "Đơn vị hành chính cấp tỉnh"),
    ("sector", "Ngành"),
    ("category", "Bộ sản phẩm"),
    ("decision_number", "Số quyết định công nhận"),
    ("decision_date", "Ngày quyết định"),
    ("valid_until", "Hiệu lực đến"),
    ("level", "Cấp công nhận"),
    ("phone", "Điện thoại"),
    ("email", "Email"),
    ("website", "Website"),
    ("photo", "Ảnh"),
    ("url", "Trang sản phẩm"),
]


def _open_data(request: HttpRequest) -> tuple[list[dict], date]:
    """The catalogue's public fields, one row a product (the page's filters apply), and the
    day they hold for. Values are in Vietnamese whatever the interface language."""

    def build(today: date) -> tuple[list[dict], date]:
        catalogue_filter = CatalogueFilter(
            request.GET, queryset=public_products(today), today=today
        )
        rows = []
        with translation.override(settings.LANGUAGE_CODE):
            for product in describe(catalogue_filter.qs.order_by(*ORDER)):
                producer, certificate, place = product.producer, product.certificate, product.place
                contacts = {c["icon"]: c["value"] for c in public_contacts(producer)}
                photo = request.build_absolute_uri(product.photo.url) if product.photo else ""
                values = [
                    product.pk,
                    product.name,
                    product.current_stars,
                    producer.name,
                    producer.get_kind_display(),
                    place.area.full_name,
                    place.former.full_name if place.former else "",
                    product.producer.area.province_words.name,
                    product.sector.name,
                    f"{product.category.code} {product.category.name} ({product.category.scheme})",
                    certificate.decision_number,
                    certificate.decision_date.isoformat(),
                    certificate.valid_until.isoformat(),
                    certificate.level_name,
                    contacts.get("telephone", ""),
                    contacts.get("envelope", ""),
                    contacts.get("globe", ""),
                    photo,
                    request.build_absolute_uri(product.url),
                ]
                # Control characters stored before they were refused would break a reader.
                values = [strip_control(v) if isinstance(v, str) else v for v in values]
                rows.append(dict(zip([key for key, _h in OPEN_DATA_FIELDS], values, strict=True)))
        return rows, today

    (rows, today), _as_of = cached(request, "open-data", build, request.GET.urlencode())
    return rows, today


@public_read
def catalogue_csv(request: HttpRequest) -> HttpResponse:
    """The catalogue for spreadsheets: UTF-8 with a BOM (Excel then reads the diacritics),
    text that a spreadsheet would run as a formula neutralised."""
    rows, today = _open_data(request)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([header for _key, header in OPEN_DATA_FIELDS])
    for row in rows:
        writer.writerow([neutralise(value) for value in row.values()])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-ocop-{today}.csv"'
    return response


@public_read
def catalogue_json(request: HttpRequest) -> JsonResponse:
    """The catalogue for other systems (the national OCOP system, newsrooms)."""
    rows, today = _open_data(request)
    # Asked for one province (?province=91): named as its own; else the installation's.
    chosen = request.GET.get("province", "").strip()
    asked = provinces.words_for_code(chosen) if chosen.isdigit() else provinces.UNKNOWN
    province = asked if asked.name else provinces.home()
    data = {
        "title": f"Danh mục sản phẩm OCOP — {province.name}",
        "publisher": province.department,
        "url": request.build_absolute_uri(reverse("catalogue:list")),
        "valid_on": today.isoformat(),
        "fields": dict(OPEN_DATA_FIELDS),
        "count": len(rows),
        "products": rows,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    # Public data without credentials: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public_read
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl the catalogue; stay out of the admin, the sign-in and every internal page (every
    other first segment of the routes, so that pages added later are covered too)."""
    disallowed = []
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        literal = isinstance(pattern.pattern, RoutePattern) and route and "<" not in route
        if literal and not route.startswith(PUBLIC_ROUTES):
            disallowed.append(f"Disallow: /{route}")
    lines = [
        "User-agent: *",
        "Allow: /$",
        f"Allow: {reverse('catalogue:list')}",
        f"Allow: {reverse('catalogue_csv')}",
        f"Allow: {reverse('catalogue_json')}",
        *disallowed,
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
