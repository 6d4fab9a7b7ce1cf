"""Writes that span the registry's models: loading the classification."""

import json
from pathlib import Path

from django.db import transaction

from core.loading import RecordWriter
from products.models import ProductCategory

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_categories(data_file: Path = DATA_DIR / "categories.json") -> int:
    """The product classifications (sectors → groups → sets, a group or set with the ministry
    in charge) and, where a later classification keeps the frame of an earlier one, each
    category's counterpart in it; idempotent. Returns rows added."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    writer = RecordWriter()

    def upsert(scheme: str, code: str, name: str, level: int, parent, is_leaf: bool, ministry=""):
        values = {
            "name": name,
            "level": level,
            "parent": parent,
            "is_leaf": is_leaf,
            "ministry": ministry,
        }
        return writer.put(ProductCategory, {"scheme": scheme, "code": code}, values)

    loaded: dict[str, dict[str, ProductCategory]] = {}
    for scheme, sectors in data["schemes"].items():
        rows = loaded.setdefault(scheme, {})
        for sector_code, sector_name, groups in sectors:
            sector = upsert(scheme, sector_code, sector_name, 1, None, False)
            rows[sector_code] = sector
            for group_code, group_name, sets, *group_ministry in groups:
                group = upsert(scheme, group_code, group_name, 2, sector, not sets, *group_ministry)
                rows[group_code] = group
                for set_code, set_name, *set_ministry in sets:
                    rows[set_code] = upsert(
                        scheme, set_code, set_name, 3, group, True, *set_ministry
                    )
    # 148/QĐ-TTg and 26/2026/QĐ-TTg share one frame: a category maps to the same code.
    for mapping in data.get("successors", []):
        later = loaded[mapping["to"]]
        for code, category in loaded[mapping["from"]].items():
            writer.upsert(category, category, {"successor": later.get(code)})
    return writer.created
