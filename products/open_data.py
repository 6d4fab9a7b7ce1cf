"""The catalogue as open data, built as files outside the request.

A national catalogue holds some 40,000 certified products: serialising them object by object in
the request took longer than the workers may answer. Here the rows come from a handful of
``.values()`` queries and plain label lookups (areas, categories and province words looked up
once each, not per product), and the files — JSON and CSV, each also gzip-compressed — are
written through Django's storage by ``manage.py build_open_data`` (run by the scheduler) or, the
first time a file is asked for or after the data changed, once by the request that finds it so,
under a lock; the others meanwhile get the file as it was. Views stream the file.

One file per province (the portal's own province by default; ``?province=all`` for every
province of the installation) and per site address, as rows carry absolute links.
"""

import csv
import gzip
import io
import json
import time
from datetime import date
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst, slugify

from areas import provinces
from areas.models import Area
from core import jobs
from core.caching import generations
from core.imports import neutralise
from core.text import fold, strip_control
from products.models import Certificate, Product, ProductCategory
from subjects.models import Producer

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
KEYS = [key for key, _header in OPEN_DATA_FIELDS]
#: What the files are made of: a change of another kind of record leaves them as they are.
KINDS = ("areas", "subjects", "products")
#: Every province of the installation.
ALL = "all"
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
DIRECTORY = "open-data"
LOCK_SECONDS = 10 * 60
#: How long a request with no file to serve waits for another one building it.
WAIT_SECONDS = 30


def open_data_rows(products, today: date, base_url: str) -> list[dict]:
    """One row a product of ``products`` (a queryset of certified products; only their keys are
    read), ordered stars first then by name, as the catalogue lists them. Values are in
    Vietnamese whatever the interface language. Five queries, however many products."""
    from products.catalogue_views import Place, public_contacts

    keys = products.values("pk")
    current: dict[int, dict] = {}
    valid = (
        Certificate.objects.valid_on(today)
        .filter(product__in=keys)
        .order_by("product_id", "-decision_date", "-pk")
        .values(
            "product_id",
            "stars",
            "decision_number",
            "decision_date",
            "valid_until",
            "level",
            "area_id",
        )
    )
    for certificate in valid:
        # The latest decision valid on the day: the certificate whose stars the product carries.
        current.setdefault(certificate["product_id"], certificate)
    fields = ["name", "kind", "area_id", "phone", "phone_public", "email", "email_public"]
    fields += ["website", "website_public"]
    products = (
        Product.objects.filter(pk__in=keys)
        .values("pk", "name", "search_name", "photo", "category_id")
        .annotate(**{f"producer_{field}": F(f"producer__{field}") for field in fields})
    )
    products = sorted(
        (p for p in products if p["pk"] in current),
        key=lambda p: (-current[p["pk"]]["stars"], p["search_name"], p["pk"]),
    )
    area_ids = {p["producer_area_id"] for p in products}
    area_ids |= {current[p["pk"]]["area_id"] for p in products}
    areas = Area.objects.in_bulk(area_ids)
    categories = ProductCategory.objects.in_bulk()
    words = _Words()
    photo_storage = Product._meta.get_field("photo").storage
    kinds = dict(Producer.Kind.choices)
    levels = dict(Certificate.Level.choices)
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        kinds = {value: str(label) for value, label in kinds.items()}
        levels = {value: str(label) for value, label in levels.items()}
        for product in products:
            certificate = current[product["pk"]]
            registered = areas[product["producer_area_id"]]
            recognised = areas[certificate["area_id"]]
            place = Place.of(registered, recognised)
            category = categories[product["category_id"]]
            sector = category
            while sector.parent_id and sector.level != ProductCategory.Level.SECTOR:
                sector = categories[sector.parent_id]
            producer = SimpleNamespace(**{field: product[f"producer_{field}"] for field in fields})
            contacts = {c["icon"]: c["value"] for c in public_contacts(producer)}
            level = certificate["level"]
            level_name = (
                capfirst(words.of(recognised).level)
                if level == Certificate.Level.CITY
                else levels[level]
            )
            slug = slugify(fold(product["name"])) or "san-pham"
            url = reverse("catalogue:product", args=[product["pk"], slug])
            photo = product["photo"]
            values = [
                product["pk"],
                product["name"],
                certificate["stars"],
                producer.name,
                kinds[producer.kind],
                place.area.full_name,
                place.former.full_name if place.former else "",
                words.of(registered).name,
                sector.name,
                f"{category.code} {category.name} ({category.scheme})",
                certificate["decision_number"],
                certificate["decision_date"].isoformat(),
                certificate["valid_until"].isoformat(),
                level_name,
                contacts.get("telephone", ""),
                contacts.get("envelope", ""),
                contacts.get("globe", ""),
                urljoin(base_url, photo_storage.url(photo)) if photo else "",
                urljoin(base_url, url),
            ]
            # Control characters stored before they were refused would break a reader.
            values = [strip_control(v) if isinstance(v, str) else v for v in values]
            rows.append(dict(zip(KEYS, values, strict=True)))
    return rows


class _Words:
    """The province words of areas, looked up once per province, not once per product."""

    def __init__(self):
        self.by_code: dict[str, provinces.ProvinceWords] = {}

    def of(self, area: Area) -> "provinces.ProvinceWords":
        if area.kind in provinces.PROVINCE_KINDS:
            return area.province_words
        code = area.path.split("/", 1)[0]
        if code not in self.by_code:
            self.by_code[code] = area.province_words
        return self.by_code[code]


def json_bytes(rows: list[dict], today: date, province: "provinces.ProvinceWords", base_url: str):
    data = {
        "title": f"Danh mục sản phẩm OCOP — {province.name}",
        "publisher": province.department,
        "url": urljoin(base_url, reverse("catalogue:list")),
        "valid_on": today.isoformat(),
        "fields": dict(OPEN_DATA_FIELDS),
        "count": len(rows),
        "products": rows,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def csv_bytes(rows: list[dict]) -> bytes:
    """UTF-8 with a BOM (Excel then reads the diacritics), text that a spreadsheet would run as
    a formula neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([header for _key, header in OPEN_DATA_FIELDS])
    for row in rows:
        writer.writerow([neutralise(value) for value in row.values()])
    return out.getvalue().encode()


def catalogue_products(params: dict, today: date):
    """The certified products the catalogue's filters choose."""
    from products.catalogue_filters import CatalogueFilter
    from products.catalogue_views import public_products

    return CatalogueFilter(params, queryset=public_products(today), today=today).qs


def province_of_file(chosen: str) -> str:
    """The province a file is for: the one asked for, every one (``all``), or by default the
    installation's own."""
    if chosen == ALL or (chosen.isdigit() and chosen):
        return chosen
    return provinces.home_code() or ALL


def title_words(province: str) -> "provinces.ProvinceWords":
    asked = provinces.words_for_code(province) if province.isdigit() else provinces.UNKNOWN
    return asked if asked.name else provinces.home()


def _folder(base_url: str, province: str) -> str:
    host = slugify(urlsplit(base_url).netloc.replace(":", "-")) or "site"
    return f"{DIRECTORY}/{host}/{province}"


def _freshness(province: str, today: date) -> dict:
    scope = None if province == ALL else province
    marks = list(generations(scope, KINDS))
    if None in marks:
        # A cache that keeps nothing (dummycache): no change can be seen, so no file is fresh.
        marks.append(time.time_ns())
    return {"day": today.isoformat(), "generations": marks}


def build(province: str, base_url: str, today: date | None = None) -> int:
    """Write the files of a province (or ``all``) for a site address; return the rows."""
    today = today or timezone.localdate()
    freshness = _freshness(province, today)
    params = {} if province == ALL else {"province": province}
    rows = open_data_rows(catalogue_products(params, today), today, base_url)
    folder = _folder(base_url, province)
    contents = {
        "json": json_bytes(rows, today, title_words(province), base_url),
        "csv": csv_bytes(rows),
    }
    for kind, content in contents.items():
        _write(f"{folder}/catalogue.{kind}", content)
        _write(f"{folder}/catalogue.{kind}.gz", gzip.compress(content, mtime=0))
    # Written last: a reader that sees it sees the files it speaks of.
    _write(f"{folder}/meta.json", json.dumps(freshness).encode())
    return len(rows)


def _write(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    assert saved == name, saved


def _meta(folder: str) -> dict | None:
    try:
        with default_storage.open(f"{folder}/meta.json", "rb") as meta:
            return json.loads(meta.read())
    except (OSError, ValueError):
        return None


def current_file(province: str, base_url: str, kind: str, compressed: bool) -> str:
    """The storage name of an up-to-date file, built first if it is missing or out of date.

    One process builds at a time (a lock in the cache). A file out of date is rebuilt on the
    task queue where there is one (``core.jobs``), and the request is answered with the file as
    it was meanwhile, so that no visitor waits for a rebuild; without a queue (the demo, the
    tests) it is rebuilt here. When there is no file yet, the first request builds it and the
    others wait for it."""
    today = timezone.localdate()
    folder = _folder(base_url, province)
    name = f"{folder}/catalogue.{kind}" + (".gz" if compressed else "")
    meta = _meta(folder)
    if meta == _freshness(province, today):
        return name
    lock = _lock(folder)
    if cache.add(lock, True, LOCK_SECONDS):
        if meta is not None and jobs.queue_configured():
            jobs.enqueue(rebuild, province, base_url)
            return name
        rebuild(province, base_url)
        return name
    if meta is not None:
        return name  # being rebuilt: the file as it was meanwhile
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and _meta(folder) is None:
        time.sleep(0.25)
    if _meta(folder) is None:
        build(province, base_url, today)
    return name


def _lock(folder: str) -> str:
    return f"open-data-lock:{folder}"


def rebuild(province: str, base_url: str) -> int:
    """Build a province's files and release the lock its caller took (a queued task)."""
    try:
        return build(province, base_url)
    finally:
        cache.delete(_lock(_folder(base_url, province)))
