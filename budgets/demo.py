"""The demo's plans: Cần Thơ's OCOP plans for 2022 and 2023 (80/KH-UBND) with their targets,
the 2023 budget and some disbursements, and the figures the press published about them, which
the plan pages set beside what the records say.

Idempotent: records are found by their natural keys and only what differs is written, so that a
second load saves nothing and adds no history rows. Needs the areas loaded first."""

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from areas.models import Area
from budgets.models import BudgetLine, Disbursement, Plan, PublishedFigure, Target
from core.loading import RecordWriter as Writer

DATA_FILE = Path(__file__).resolve().parent / "data" / "plans_can_tho.json"

Progress = Callable[[int, int], None]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _plan(writer: Writer, province: Area, row: dict) -> Plan:
    existing = Plan.objects.filter(province=province, year=row["year"]).first()
    values = {
        "document_number": row["document_number"],
        "document_date": _date(row["document_date"]),
        "status": row["status"],
        "note": row["note"],
    }
    if row["status"] == Plan.Status.APPROVED:
        # Approved once: the time stays the first load's.
        values["approved_at"] = (existing and existing.approved_at) or timezone.now()
    return writer.upsert(Plan(province=province, year=row["year"]), existing, values)


def _targets(writer: Writer, plan: Plan, rows: list[dict], districts: dict[str, Area]) -> int:
    existing = {(t.indicator, t.custom_name, t.area_id): t for t in plan.targets.all()}
    for row in rows:
        area = districts[row["district"]] if "district" in row else None
        key = (row["indicator"], row.get("custom_name", ""), area.pk if area else None)
        writer.upsert(
            Target(plan=plan, indicator=key[0], custom_name=key[1], area=area),
            existing.get(key),
            {
                "custom_unit": row.get("custom_unit", ""),
                "value": Decimal(str(row["value"])),
                "note": row.get("note", ""),
            },
        )
    return len(rows)


def _budget(writer: Writer, plan: Plan, rows: list[dict], districts: dict[str, Area]) -> tuple:
    lines = {(b.source, b.activity, b.description): b for b in plan.budget_lines.all()}
    paid = {
        (d.line_id, d.paid_on, d.document): d for d in Disbursement.objects.filter(line__plan=plan)
    }
    disbursements = 0
    for row in rows:
        key = (row["source"], row["activity"], row["description"])
        line = writer.upsert(
            BudgetLine(plan=plan, source=key[0], activity=key[1], description=key[2]),
            lines.get(key),
            {
                "area": districts[row["district"]] if "district" in row else None,
                "amount": row["amount"],
                "is_illustrative": True,
            },
        )
        for entry in row["disbursements"]:
            paid_on = _date(entry["paid_on"])
            writer.upsert(
                Disbursement(line=line, paid_on=paid_on, document=entry["document"]),
                paid.get((line.pk, paid_on, entry["document"])),
                {"amount": entry["amount"], "is_illustrative": True},
            )
            disbursements += 1
    return len(rows), disbursements


def _figures(writer: Writer, province: Area, rows: list[dict]) -> int:
    existing = {
        (f.year, f.measure, f.document): f
        for f in PublishedFigure.objects.filter(province=province)
    }
    for row in rows:
        key = (row["year"], row["measure"], row["document"])
        writer.upsert(
            PublishedFigure(province=province, year=key[0], measure=key[1], document=key[2]),
            existing.get(key),
            {
                "value": Decimal(str(row["value"])),
                "unit": row["unit"],
                "published_on": _date(row["published_on"]),
                "note": row["note"],
            },
        )
    return len(rows)


@transaction.atomic
def load_plans(progress: Progress | None = None, data_file: Path = DATA_FILE) -> dict[str, int]:
    """The demo plans, their targets, budget, disbursements and published figures; idempotent.

    Returns the number of records in the data and how many rows were created or updated."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    province = Area.objects.get(code=data["province"], valid_until__isnull=True)
    districts = {
        area.code: area for area in Area.objects.former().filter(path__startswith=province.path)
    }
    writer = Writer()
    counts = {"plans": 0, "targets": 0, "budget_lines": 0, "disbursements": 0, "figures": 0}
    steps = len(data["plans"]) + 1
    for done, row in enumerate(data["plans"], start=1):
        plan = _plan(writer, province, row)
        counts["plans"] += 1
        counts["targets"] += _targets(writer, plan, row["targets"], districts)
        lines, disbursements = _budget(writer, plan, row["budget_lines"], districts)
        counts["budget_lines"] += lines
        counts["disbursements"] += disbursements
        if progress:
            progress(done, steps)
    counts["figures"] = _figures(writer, province, data["published_figures"])
    if progress:
        progress(steps, steps)
    return {**counts, "created": writer.created, "updated": writer.updated}
