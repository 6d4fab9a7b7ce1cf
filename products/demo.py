"""The demo's registry: Cần Thơ's producers, products and star certificates behind the city's
published OCOP figures (real records where the press named them, the rest illustrative).

Idempotent: records are found by their natural keys and only what differs is written, so that a
second load saves nothing and adds no history rows."""

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from areas.models import Area
from core.loading import RecordWriter
from core.text import clean, fold
from products.models import Certificate, LegalBasis, Product, ProductCategory
from subjects.models import Producer

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_can_tho.json"
#: Progress is reported after every this many products (and after the last).
PROGRESS_EVERY = 20

Progress = Callable[[int, int], None]

PRODUCER_DEFAULTS = {
    "tax_code": "",
    "address": "",
    "phone": "",
    "phone_public": False,
    "email": "",
    "email_public": False,
    "website": "",
    "website_public": True,
}
WORKER_FIELDS = ("total", "women", "ethnic_minority", "local")


def _prepare(instance) -> None:
    """Derived fields, set before validation checks them as required values."""
    if isinstance(instance, Producer | Product):
        instance.name = clean(instance.name)
        instance.search_name = fold(instance.name)
    if isinstance(instance, Certificate):
        instance.valid_until = instance.compute_valid_until()


def _areas(data: dict) -> tuple[dict[str, Area], dict[str, Area]]:
    """Former districts and current communes named in the data, by code."""
    districts, communes = set(), set()
    for producer in data["producers"]:
        districts.add(producer.get("district"))
        communes.add(producer.get("commune"))
        for product in producer["products"]:
            communes.update(c.get("commune") for c in product["certificates"])
    districts.discard(None)
    communes.discard(None)
    by_district = {a.code: a for a in Area.objects.former().filter(code__in=districts)}
    by_commune = {a.code: a for a in Area.objects.current().filter(code__in=communes)}
    missing = (districts - by_district.keys()) | (communes - by_commune.keys())
    if missing:
        raise ValueError(f"Chưa nạp địa bàn: {', '.join(sorted(missing))} (chạy load_areas trước).")
    return by_district, by_commune


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def load_registry(progress: Progress | None = None, data_file: Path = DATA_FILE) -> dict[str, int]:
    """Producers, their products and star certificates from the demo data; idempotent.

    Needs the areas, the classification and the legal bases loaded first. Returns the number
    of records in the data and how many rows were created or updated."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    by_district, by_commune = _areas(data)
    categories = {(c.scheme, c.code): c for c in ProductCategory.objects.all()}
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    names = [clean(p["name"]) for p in data["producers"]]
    producers = {p.name: p for p in Producer.objects.filter(name__in=names)}
    products = {
        (p.producer_id, p.search_name): p
        for p in Product.objects.filter(producer__in=producers.values())
    }
    certificates = {
        (c.product_id, c.decision_number, c.decision_date): c
        for c in Certificate.objects.filter(product__in=products.values())
    }

    writer = RecordWriter(prepare=_prepare)
    total = sum(len(p["products"]) for p in data["producers"])
    counts = {"producers": 0, "products": 0, "certificates": 0}
    for row in data["producers"]:
        area = by_commune[row["commune"]] if "commune" in row else by_district[row["district"]]
        workers = row.get("workers") or {}
        values = {
            "kind": row["kind"],
            "legal_representative": row["legal_representative"],
            "area": area,
            "is_illustrative": row["is_illustrative"],
            **{name: row.get(name, default) for name, default in PRODUCER_DEFAULTS.items()},
            **{f"workers_{name}": workers.get(name) for name in WORKER_FIELDS},
        }
        name = clean(row["name"])
        # Where the press did not name a real producer's representative, it stays blank.
        producer = writer.upsert(Producer(name=name), producers.get(name), values)
        counts["producers"] += 1

        for item in row["products"]:
            product_name = clean(item["name"])
            product = writer.upsert(
                Product(producer=producer, name=product_name),
                products.get((producer.pk, fold(product_name))),
                {
                    "category": categories[tuple(item["category"])],
                    "description": item.get("description", ""),
                    "is_illustrative": item.get("is_illustrative", row["is_illustrative"]),
                },
            )
            counts["products"] += 1
            for entry in item["certificates"]:
                decided = date.fromisoformat(entry["decision_date"])
                key = (product.pk, entry["decision_number"], decided)
                writer.upsert(
                    Certificate(product=product, decision_number=key[1], decision_date=key[2]),
                    certificates.get(key),
                    {
                        "stars": entry["stars"],
                        "score": _score(entry.get("score")),
                        "legal_basis": bases[entry["legal_basis"]],
                        "level": entry["level"],
                        "kind": entry["kind"],
                        "area": by_commune[entry["commune"]] if "commune" in entry else area,
                    },
                )
                counts["certificates"] += 1
            if progress and (
                counts["products"] % PROGRESS_EVERY == 0 or counts["products"] == total
            ):
                progress(counts["products"], total)
    return {**counts, "created": writer.created, "updated": writer.updated}
