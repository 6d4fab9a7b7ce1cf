"""The catalogue as open data (CSV and JSON, for the national OCOP system, trade-promotion
sites and newsrooms) and robots.txt: public, read-only, the same public fields as the pages."""

from datetime import date

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from products import open_data
from products.catalogue_views import PUBLIC_ROUTES, cached, public_read
from products.open_data import FORMATS

#: Parameters that choose products within a province: such a file is made for the request.
NARROWING = ("q", "area", "stars", "sector")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _narrowed(request: HttpRequest) -> bool:
    return any(request.GET.get(name, "").strip() for name in NARROWING)


def _file_response(request: HttpRequest, kind: str) -> FileResponse:
    """The province's file (core of the open data), streamed from storage, gzip-compressed
    when the client accepts it."""
    province = open_data.province_of_file(request.GET.get("province", "").strip())
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    name = open_data.current_file(province, _base_url(request), kind, compressed)
    response = FileResponse(default_storage.open(name, "rb"), content_type=FORMATS[kind])
    if compressed:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _narrowed_bytes(request: HttpRequest, kind: str) -> tuple[bytes, date]:
    """A file for the catalogue's filters (a search, an area, stars, a sector): made for the
    request from the same rows, cached until the data changes."""

    def build(today: date) -> tuple[bytes, date]:
        products = open_data.catalogue_products(request.GET, today)
        rows = open_data.open_data_rows(products, today, _base_url(request))
        if kind == "csv":
            return open_data.csv_bytes(rows), today
        chosen = request.GET.get("province", "").strip()
        words = open_data.title_words(chosen)
        return open_data.json_bytes(rows, today, words, _base_url(request)), today

    (content, today), _as_of = cached(request, f"open-data.{kind}", build, request.GET.urlencode())
    return content, today


def _respond(request: HttpRequest, kind: str) -> HttpResponse:
    if _narrowed(request):
        content, _today = _narrowed_bytes(request, kind)
        return HttpResponse(content, content_type=FORMATS[kind])
    return _file_response(request, kind)


@public_read
def catalogue_csv(request: HttpRequest) -> HttpResponse:
    """The catalogue for spreadsheets (products/open_data.py)."""
    response = _respond(request, "csv")
    today = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="danh-muc-ocop-{today}.csv"'
    return response


@public_read
def catalogue_json(request: HttpRequest) -> HttpResponse:
    """The catalogue for other systems (the national OCOP system, newsrooms)."""
    response = _respond(request, "json")
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
