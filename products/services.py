"""Writes that span the registry's models: loading the classification."""

import json
from pathlib import Path

from django.db import transaction

from core.loading import RecordWriter
from products.models import ProductCategory

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_categories(data_file: Path = DATA_DIR / "categories.json") -> int:
    """The product classifications (sectors → groups → sets); idempotent. Returns rows added."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    writer = RecordWriter()

    def upsert(scheme: str, code: str, name: str, level: int, parent, is_leaf: bool):
        values = {"name": name, "level": level, "parent": parent, "is_leaf": is_leaf}
        return writer.put(ProductCategory, {"scheme": scheme, "code": code}, values)

    for scheme, sectors in data["schemes"].items():
        for sector_code, sector_name, groups in sectors:
            sector = upsert(scheme, sector_code, sector_name, 1, None, False)
            for group_code, group_name, sets in groups:
                group = upsert(scheme, group_code, group_name, 2, sector, not sets)
                for set_code, set_name in sets:
                    upsert(scheme, set_code, set_name, 3, group, True)
    return writer.created
