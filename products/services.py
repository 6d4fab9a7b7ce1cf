"""Writes that span the registry's models: loading the classification."""

import json
from pathlib import Path

from django.db import transaction

from products.models import ProductCategory

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_categories(data_file: Path = DATA_DIR / "categories.json") -> int:
    """The product classifications (sectors → groups → sets); idempotent. Returns rows added."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    existing = {(c.scheme, c.code): c for c in ProductCategory.objects.all()}
    added = 0

    def upsert(scheme: str, code: str, name: str, level: int, parent, is_leaf: bool):
        nonlocal added
        category = existing.get((scheme, code))
        values = {"name": name, "level": level, "parent": parent, "is_leaf": is_leaf}
        if category is None:
            category = ProductCategory.objects.create(scheme=scheme, code=code, **values)
            added += 1
        elif any(getattr(category, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(category, key, value)
            category.save()
        return category

    for scheme, sectors in data["schemes"].items():
        for sector_code, sector_name, groups in sectors:
            sector = upsert(scheme, sector_code, sector_name, 1, None, False)
            for group_code, group_name, sets in groups:
                group = upsert(scheme, group_code, group_name, 2, sector, not sets)
                for set_code, set_name in sets:
                    upsert(scheme, set_code, set_name, 3, group, True)
    return added
