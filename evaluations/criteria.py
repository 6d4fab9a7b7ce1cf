"""Criteria sets as data: every ``evaluations/data/*.json`` file is one set, loaded by
``load_criteria_sets``. A new legal basis is a new file, with no change to the code.

A file holds the set's rules (legal basis, dates in force, star bands with the level that
recognises each, certificate validity, the score from which the city proposes a product to the
central council) and its sheet: parts → sections → criteria → options. A set may reuse the sheet
of another with ``"parts_from": "<code>"``.

Loading is idempotent: rows are found by their codes and only what differs is written. A set
that evaluations already use keeps its sheet: changing it is refused (publish a new set with
new dates instead), so that old records keep the rules they were judged under.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from core.loading import RecordWriter
from evaluations.models import CriteriaSet, Criterion, Option, Part, Section, StarBand

DATA_DIR = Path(__file__).resolve().parent / "data"
OPTION_CODES = "abcdefghijklmnopqrstuvwxyz"


class CriteriaDataError(ValueError):
    """A criteria set file that cannot be loaded as it is."""


@dataclass
class _Counter:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def read_sets(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every set in the directory, with ``parts_from`` resolved, oldest first."""
    sets = {}
    for path in sorted(data_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("code") in sets:
            raise CriteriaDataError(f"{path.name}: mã bộ tiêu chí {data['code']} bị trùng.")
        data["_file"] = path.name
        sets[data["code"]] = data
    for data in sets.values():
        if "parts_from" in data:
            source = sets.get(data["parts_from"])
            if source is None or "parts" not in source:
                raise CriteriaDataError(
                    f"{data['_file']}: không tìm thấy phiếu chấm của {data['parts_from']}."
                )
            data["parts"] = source["parts"]
        _check(data)
    return sorted(sets.values(), key=lambda data: (data["valid_from"], data["code"]))


def _check(data: dict) -> None:
    """The sheet adds up: each part's maximum is what its options allow; bands start at 0."""
    name = data["_file"]
    for key in ("code", "name", "legal_basis", "valid_from", "star_bands", "parts"):
        if key not in data:
            raise CriteriaDataError(f"{name}: thiếu “{key}”.")
    for part in data["parts"]:
        allowed = sum(
            (
                max(Decimal(str(option["points"])) for option in criterion["options"])
                for section in part["sections"]
                for criterion in section["criteria"]
            ),
            Decimal(0),
        )
        if allowed != Decimal(str(part["max_points"])):
            raise CriteriaDataError(
                f"{name}: phần {part['code']} tối đa {part['max_points']} điểm nhưng các mức "
                f"cao nhất cộng lại được {allowed}."
            )
    minimums = [Decimal(str(band["min_score"])) for band in data["star_bands"]]
    if Decimal(0) not in minimums:
        raise CriteriaDataError(f"{name}: hạng sao thấp nhất phải bắt đầu từ 0 điểm.")


@transaction.atomic
def load_criteria_sets(data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load or update every criteria set in the directory; returns rows created/updated."""
    counter = _Counter()
    sets = read_sets(data_dir)
    for data in sets:
        _load_set(data, counter)
    return {"sets": len(sets), **counter.__dict__}


def _refuse(instance, error: ValidationError) -> CriteriaDataError:
    return CriteriaDataError(f"{instance._meta.verbose_name} “{instance}”: {error}")


def _load_set(data: dict, counter: _Counter) -> None:
    writer = RecordWriter(refuse=_refuse)
    criteria_set = writer.put(
        CriteriaSet,
        {"code": data["code"]},
        {
            "name": data["name"],
            "legal_basis": data["legal_basis"],
            "valid_from": date.fromisoformat(data["valid_from"]),
            "valid_until": (
                date.fromisoformat(data["valid_until"]) if data.get("valid_until") else None
            ),
            "local_level": data.get("local_level", "district"),
            "certificate_validity_months": data.get("certificate_validity_months", 36),
            "central_proposal_score": Decimal(str(data.get("central_proposal_score", 90))),
            "is_illustrative": data.get("is_illustrative", False),
            "note": data.get("note", ""),
        },
    )
    in_use = criteria_set.evaluations.exists()
    before = _sheet_signature(criteria_set) if in_use else None
    sheet_counter = _Counter()
    in_use_error = CriteriaDataError(
        f"{data['_file']}: bộ tiêu chí {data['code']} đã được dùng để đánh giá, không sửa "
        "được phiếu chấm hay hạng sao; hãy thêm một bộ tiêu chí mới với ngày áp dụng mới."
    )
    try:
        with transaction.atomic():
            _load_sheet(criteria_set, data, sheet_counter)
    except ProtectedError as error:
        raise in_use_error from error
    if in_use and _sheet_signature(criteria_set) != before:
        raise in_use_error
    counter.created += writer.created + sheet_counter.created
    counter.updated += writer.updated
    counter.updated += sheet_counter.updated
    counter.deleted += sheet_counter.deleted


class _Level:
    """One level of the sheet (bands, parts, sections, criteria or options) of one set: the
    rows stored, matched to the data by (parent, code); new rows are written in one query."""

    def __init__(self, model, parent_field: str, key_field: str, stored, counter: _Counter):
        self.model, self.parent_field, self.key_field = model, parent_field, key_field
        self.stored = {
            (getattr(row, f"{parent_field}_id"), getattr(row, key_field)): row for row in stored
        }
        self.counter = counter
        self.seen: list = []
        self.new: list = []

    def put(self, parent, key, values: dict):
        row = self.stored.get((parent.pk, key))
        if row is None:
            row = self.model(**{self.parent_field: parent, self.key_field: key}, **values)
            self._validate(row)
            self.new.append(row)
        else:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, values[name])
                self._validate(row)
                row.save(update_fields=changed)
                self.counter.updated += 1
        self.seen.append(row)
        return row

    def _validate(self, row) -> None:
        try:
            # The parent is the row just written: no need to look it up again.
            row.clean_fields(exclude=[self.parent_field])
            row.clean()
        except ValidationError as error:
            raise CriteriaDataError(f"{row._meta.verbose_name} “{row}”: {error}") from error

    def flush(self) -> None:
        """Write the new rows and delete the stored ones the data no longer has."""
        if self.new:
            self.model.objects.bulk_create(self.new)
            self.counter.created += len(self.new)
        kept = {row.pk for row in self.seen}
        stale = [row.pk for row in self.stored.values() if row.pk not in kept]
        if stale:
            self.model.objects.filter(pk__in=stale).delete()
            self.counter.deleted += len(stale)


def _load_sheet(criteria_set: CriteriaSet, data: dict, counter: _Counter) -> None:
    bands = _Level(StarBand, "criteria_set", "stars", criteria_set.star_bands.all(), counter)
    for band in data["star_bands"]:
        bands.put(
            criteria_set,
            band["stars"],
            {
                "min_score": Decimal(str(band["min_score"])),
                "recognised_by": band.get("recognised_by", ""),
            },
        )
    bands.flush()

    parts = _Level(Part, "criteria_set", "code", criteria_set.parts.all(), counter)
    for order, part in enumerate(data["parts"]):
        values = {"name": part["name"], "max_points": Decimal(str(part["max_points"]))}
        parts.put(criteria_set, part["code"], {**values, "order": order})
    parts.flush()

    sections = _Level(
        Section, "part", "code", Section.objects.filter(part__criteria_set=criteria_set), counter
    )
    for part_row, part in zip(parts.seen, data["parts"], strict=True):
        for order, section in enumerate(part["sections"]):
            sections.put(part_row, section["code"], {"name": section["name"], "order": order})
    sections.flush()

    section_data = [section for part in data["parts"] for section in part["sections"]]
    criteria = _Level(
        Criterion,
        "section",
        "code",
        Criterion.objects.filter(section__part__criteria_set=criteria_set),
        counter,
    )
    for section_row, section in zip(sections.seen, section_data, strict=True):
        for order, criterion in enumerate(section["criteria"]):
            criteria.put(
                section_row,
                criterion["code"],
                {
                    "text": criterion["text"],
                    "mandatory_from_stars": criterion.get("mandatory_from_stars"),
                    "order": order,
                },
            )
    criteria.flush()

    criterion_data = [criterion for section in section_data for criterion in section["criteria"]]
    options = _Level(
        Option,
        "criterion",
        "code",
        Option.objects.filter(criterion__section__part__criteria_set=criteria_set),
        counter,
    )
    for criterion_row, criterion in zip(criteria.seen, criterion_data, strict=True):
        for order, option in enumerate(criterion["options"]):
            options.put(
                criterion_row,
                option.get("code", OPTION_CODES[order]),
                {
                    "text": option["text"],
                    "points": Decimal(str(option["points"])),
                    "is_eliminating": option.get("eliminating", False),
                    "order": order,
                },
            )
    options.flush()


def _sheet_signature(criteria_set: CriteriaSet) -> tuple:
    """What scoring depends on: bands, maxima, criteria and the options' points."""
    bands = tuple(
        criteria_set.star_bands.order_by("stars").values_list("stars", "min_score", "recognised_by")
    )
    parts = tuple(criteria_set.parts.order_by("code").values_list("code", "max_points"))
    options = tuple(
        Option.objects.filter(criterion__section__part__criteria_set=criteria_set)
        .order_by("pk")
        .values_list(
            "pk", "criterion_id", "points", "is_eliminating", "criterion__mandatory_from_stars"
        )
    )
    return bands, parts, options
