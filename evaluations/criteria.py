"""Legal bases and their score sheets as data, loaded by ``load_criteria_sets``:

- ``evaluations/data/legal_bases/*.json``: one decision a file — its dates, the levels taking
  part, the star bands with the level that recognises each, how long a certificate lasts, the
  score from which the province proposes a product to the centre, the classification its
  sheets follow, the product code on a sheet, the transition rules for the dossiers of the
  decisions it replaces and the re-rating rules of the certificates expiring under it (its
  "rerating" block: the window's days before expiry, the grace of a late dossier, the days to
  decide);
- ``evaluations/data/sheets/**/*.json``: one score sheet a file, under its legal basis (and,
  where the basis has one sheet per product set, for that set): parts → sections → criteria →
  options. A sheet may reuse the parts of another with ``"parts_from": "<code>"``.

A new decision is new files, with no change to the code. Loading is idempotent: rows are found
by their codes and only what differs is written. A basis or a sheet that certificates or
evaluations already use keeps what they were judged under: changing it is refused (publish a
new one instead); a basis may still receive its end date.
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
from evaluations.models import CriteriaSet, Criterion, Option, Part, Section
from evaluations.scoring import min_points_for_stars
from products.models import LegalBasis, Process, ProductCategory, StarBand

DATA_DIR = Path(__file__).resolve().parent / "data"
LEGAL_BASES_DIR = "legal_bases"
SHEETS_DIR = "sheets"
OPTION_CODES = "abcdefghijklmnopqrstuvwxyz"


class CriteriaDataError(ValueError):
    """A legal basis or a criteria set file that cannot be loaded as it is."""


@dataclass
class _Counter:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def _read_json(path: Path, root: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["_file"] = str(path.relative_to(root))
    return data


# --- Legal bases ------------------------------------------------------------------------------


def read_legal_bases(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every legal basis in ``legal_bases/``, checked, oldest first."""
    bases = {}
    for path in sorted((data_dir / LEGAL_BASES_DIR).glob("*.json")):
        data = _read_json(path, data_dir)
        name = data["_file"]
        for key in (
            "code",
            "title",
            "signed_on",
            "in_force_from",
            "levels",
            "local_level",
            "certificate_validity_months",
            "classification",
            "star_bands",
        ):
            if key not in data:
                raise CriteriaDataError(f"{name}: thiếu “{key}”.")
        if data["code"] in bases:
            raise CriteriaDataError(f"{name}: căn cứ {data['code']} bị trùng.")
        minimums = [Decimal(str(band["min_score"])) for band in data["star_bands"]]
        if Decimal(0) not in minimums:
            raise CriteriaDataError(f"{name}: hạng sao thấp nhất phải bắt đầu từ 0 điểm.")
        levels = set(data["levels"])
        for band in data["star_bands"]:
            if band.get("recognised_by") and band["recognised_by"] not in levels:
                raise CriteriaDataError(
                    f"{name}: hạng {band['stars']} sao do cấp {band['recognised_by']} công nhận, "
                    "cấp này không có trong “levels”."
                )
        _check_rerating(data)
        bases[data["code"]] = data
    for data in bases.values():
        for code in data.get("replaces", []):
            if code not in bases and not LegalBasis.objects.filter(code=code).exists():
                raise CriteriaDataError(f"{data['_file']}: không tìm thấy căn cứ {code}.")
    return sorted(bases.values(), key=lambda data: (data["in_force_from"], data["code"]))


def _check_rerating(data: dict) -> None:
    """A "rerating" block names both ends of its window (days before expiry, the opening one
    the larger) and positive whole numbers of days."""
    rerating = data.get("rerating")
    if rerating is None:
        return
    name = data["_file"]
    for key in ("opens_days", "closes_days", "grace_days", "decision_days"):
        value = rerating.get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise CriteriaDataError(f"{name}: “rerating.{key}” phải là số ngày nguyên dương.")
    opens, closes = rerating.get("opens_days"), rerating.get("closes_days")
    if (opens is None) != (closes is None) or (opens is not None and closes >= opens):
        raise CriteriaDataError(
            f"{name}: thời hạn nộp hồ sơ đánh giá lại cần “opens_days” lớn hơn “closes_days”."
        )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _basis_signature(basis: LegalBasis) -> tuple:
    """What certificates and evaluations decided under a basis depend on."""
    bands = tuple(
        basis.star_bands.order_by("stars").values_list("stars", "min_score", "recognised_by")
    )
    return (
        bands,
        basis.certificate_validity_months,
        basis.central_proposal_score,
        basis.local_level,
        tuple(sorted(basis.levels)),
        basis.classification,
        basis.product_code_format,
    )


def _load_legal_basis(data: dict, counter: _Counter) -> LegalBasis:
    writer = RecordWriter(refuse=_refuse)
    existing = LegalBasis.objects.filter(code=data["code"]).first()
    in_use = existing is not None and (
        existing.certificates.exists()
        or existing.criteria_sets.filter(evaluations__isnull=False).exists()
    )
    before = _basis_signature(existing) if in_use else None
    transition = data.get("transition") or {}
    rerating = data.get("rerating") or {}
    basis = writer.put(
        LegalBasis,
        {"code": data["code"]},
        {
            "title": data["title"],
            "signed_on": _day(data["signed_on"]),
            "in_force_from": _day(data["in_force_from"]),
            "in_force_until": _day(data.get("in_force_until")),
            "levels": list(data["levels"]),
            "local_level": data["local_level"],
            "certificate_validity_months": data["certificate_validity_months"],
            "central_proposal_score": Decimal(str(data.get("central_proposal_score", 90))),
            "classification": data["classification"],
            "product_code_format": data.get("product_code_format", ""),
            "process": data.get("process", Process.LOCAL_SCORING),
            "registration_number_format": data.get("registration_number_format", ""),
            "local_review_working_days": data.get("local_review_working_days"),
            "transition_days": transition.get("days"),
            "transition_rerating_days": transition.get("rerating_days"),
            "rerating_opens_days": rerating.get("opens_days"),
            "rerating_closes_days": rerating.get("closes_days"),
            "late_rerating_grace_days": rerating.get("grace_days"),
            "rerating_decision_days": rerating.get("decision_days"),
            "source": data.get("source", ""),
            "note": data.get("note", ""),
        },
    )
    bands = _Level(StarBand, "legal_basis", "stars", basis.star_bands.all(), counter)
    for band in data["star_bands"]:
        bands.put(
            basis,
            band["stars"],
            {
                "min_score": Decimal(str(band["min_score"])),
                "recognised_by": band.get("recognised_by", ""),
            },
        )
    bands.flush()
    if in_use and _basis_signature(basis) != before:
        raise CriteriaDataError(
            f"{data['_file']}: căn cứ {data['code']} đã có giấy chứng nhận hoặc hồ sơ đánh giá, "
            "không sửa được hạng sao, các cấp hay thời hạn giấy chứng nhận; chỉ bổ sung được "
            "ngày hết hiệu lực."
        )
    counter.created += writer.created
    counter.updated += writer.updated
    return basis


@transaction.atomic
def load_legal_bases(data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load or update every legal basis of ``legal_bases/`` (without their sheets)."""
    counter = _Counter()
    bases = read_legal_bases(data_dir)
    loaded = {data["code"]: _load_legal_basis(data, counter) for data in bases}
    for data in bases:
        replaced = [
            loaded.get(code) or LegalBasis.objects.get(code=code)
            for code in data.get("replaces", [])
        ]
        basis = loaded[data["code"]]
        if {b.pk for b in basis.replaces.all()} != {b.pk for b in replaced}:
            basis.replaces.set(replaced)
            counter.updated += 1
    return {"legal_bases": len(bases), **counter.__dict__}


# --- Score sheets -------------------------------------------------------------------------------


def read_sets(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every sheet in ``sheets/`` (any depth), with ``parts_from`` resolved, checked."""
    sets = {}
    root = data_dir / SHEETS_DIR
    for path in sorted(root.glob("**/*.json")):
        data = _read_json(path, data_dir)
        if data.get("code") in sets:
            raise CriteriaDataError(f"{data['_file']}: mã bộ tiêu chí {data['code']} bị trùng.")
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
    return sorted(sets.values(), key=lambda data: data["code"])


def _points(value) -> Decimal:
    return Decimal(str(value))


def _check(data: dict) -> None:
    """The sheet adds up: each criterion's maximum is its highest option (or the sum of its
    sub-criteria), each section's and part's the sum of theirs; where the data also gives a
    printed maximum or the minimums derived from the star marks, they must agree."""
    name = data["_file"]
    for key in ("code", "name", "legal_basis", "parts"):
        if key not in data:
            raise CriteriaDataError(f"{name}: thiếu “{key}”.")
    for part in data["parts"]:
        allowed = sum((_section_max(section, name) for section in part["sections"]), Decimal(0))
        if allowed != _points(part["max_points"]):
            raise CriteriaDataError(
                f"{name}: phần {part['code']} tối đa {part['max_points']} điểm nhưng các mức "
                f"cao nhất cộng lại được {allowed}."
            )


def _section_max(section: dict, name: str) -> Decimal:
    top = sum((_criterion_max(c, name) for c in section["criteria"]), Decimal(0))
    if "max_points" in section and _points(section["max_points"]) != top:
        raise CriteriaDataError(
            f"{name}: mục {section['code']} in tối đa {section['max_points']} điểm nhưng các "
            f"tiêu chí cộng lại được {top}."
        )
    return top


def _criterion_max(criterion: dict, name: str) -> Decimal:
    code = criterion["code"]
    children = criterion.get("children") or []
    options = criterion.get("options") or []
    if children and options:
        raise CriteriaDataError(f"{name}: tiêu chí {code} có cả tiêu chí con và mức chấm.")
    if children:
        top = sum((_criterion_max(child, name) for child in children), Decimal(0))
    elif not options:
        raise CriteriaDataError(f"{name}: tiêu chí {code} không có mức chấm nào.")
    else:
        top = max(_points(option["points"]) for option in options)
        marks = [
            (_points(option["points"]), option["min_stars"])
            for option in options
            if option.get("min_stars")
        ]
        derived = min_points_for_stars(marks)
        given = criterion.get("min_points_for_stars")
        if given is not None and derived != {int(k): _points(v) for k, v in given.items()}:
            raise CriteriaDataError(
                f"{name}: tiêu chí {code}: yêu cầu tối thiểu theo dấu sao {derived} khác với "
                f"dữ liệu {given}."
            )
    if "max_points" in criterion and _points(criterion["max_points"]) != top:
        raise CriteriaDataError(
            f"{name}: tiêu chí {code} in tối đa {criterion['max_points']} điểm nhưng các mức "
            f"cho {top}."
        )
    return top


@transaction.atomic
def load_criteria_sets(data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load or update every legal basis, then every sheet, of the data directory; returns how
    many of each and the rows created, updated and deleted."""
    loaded = load_legal_bases(data_dir)
    counter = _Counter(loaded["created"], loaded["updated"], loaded["deleted"])
    sets = read_sets(data_dir)
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    for data in sets:
        basis = bases.get(data["legal_basis"])
        if basis is None:
            raise CriteriaDataError(
                f"{data['_file']}: không tìm thấy căn cứ {data['legal_basis']}."
            )
        _load_set(data, basis, counter)
    return {"legal_bases": loaded["legal_bases"], "sets": len(sets), **counter.__dict__}


def _refuse(instance, error: ValidationError) -> CriteriaDataError:
    return CriteriaDataError(f"{instance._meta.verbose_name} “{instance}”: {error}")


def _load_set(data: dict, basis: LegalBasis, counter: _Counter) -> None:
    writer = RecordWriter(refuse=_refuse)
    existing = CriteriaSet.objects.filter(code=data["code"]).first()
    in_use = existing is not None and existing.evaluations.exists()
    before = _sheet_signature(existing) if in_use else None
    criteria_set = writer.put(
        CriteriaSet,
        {"code": data["code"]},
        {
            "name": data["name"],
            "legal_basis": basis,
            "category": _category(data, basis),
            "is_illustrative": data.get("is_illustrative", False),
            "disqualifiers": list(data.get("disqualify_when", [])),
            "source": data.get("source", ""),
            "note": data.get("note", ""),
        },
    )
    sheet_counter = _Counter()
    in_use_error = CriteriaDataError(
        f"{data['_file']}: bộ tiêu chí {data['code']} đã được dùng để đánh giá, không sửa "
        "được phiếu chấm; hãy thêm một bộ tiêu chí mới theo căn cứ mới."
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


def _category(data: dict, basis: LegalBasis) -> ProductCategory | None:
    """The product set a sheet is for, in the classification its legal basis follows."""
    if not data.get("category"):
        return None
    category = ProductCategory.objects.filter(
        scheme=basis.classification, code=data["category"]
    ).first()
    if category is None or not category.is_leaf:
        raise CriteriaDataError(
            f"{data['_file']}: không có bộ sản phẩm {data['category']} theo "
            f"{basis.classification} (chạy load_categories trước)."
        )
    return category


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
    parts = _Level(Part, "criteria_set", "code", criteria_set.parts.all(), counter)
    for order, part in enumerate(data["parts"]):
        values = {"name": part["name"], "max_points": _points(part["max_points"])}
        parts.put(criteria_set, part["code"], {**values, "order": order})
    parts.flush()

    sections = _Level(
        Section, "part", "code", Section.objects.filter(part__criteria_set=criteria_set), counter
    )
    for part_row, part in zip(parts.seen, data["parts"], strict=True):
        for order, section in enumerate(part["sections"]):
            values = {"name": section["name"], "note": section.get("note", ""), "order": order}
            sections.put(part_row, section["code"], values)
    sections.flush()

    # Criteria, then their sub-criteria (which point to them), then every scored one's options.
    stored = Criterion.objects.filter(section__part__criteria_set=criteria_set)
    tops = _Level(Criterion, "section", "code", stored.filter(parent=None), counter)
    section_data = [section for part in data["parts"] for section in part["sections"]]
    scored: list[tuple[Criterion | None, dict]] = []
    children: list[tuple[Section, Criterion | None, int, dict]] = []
    for section_row, section in zip(sections.seen, section_data, strict=True):
        for order, criterion in enumerate(section["criteria"]):
            row = tops.put(section_row, criterion["code"], _criterion_values(criterion, order))
            if criterion.get("children"):
                children += [
                    (section_row, row, child_order, child)
                    for child_order, child in enumerate(criterion["children"])
                ]
            else:
                scored.append((row, criterion))
    tops.flush()
    subs = _Level(Criterion, "section", "code", stored.exclude(parent=None), counter)
    for section_row, parent, order, child in children:
        row = subs.put(
            section_row, child["code"], {**_criterion_values(child, order), "parent": parent}
        )
        scored.append((row, child))
    subs.flush()

    options = _Level(
        Option,
        "criterion",
        "code",
        Option.objects.filter(criterion__section__part__criteria_set=criteria_set),
        counter,
    )
    for criterion_row, criterion in scored:
        for order, option in enumerate(criterion["options"]):
            options.put(
                criterion_row,
                option.get("code", OPTION_CODES[order]),
                {
                    "text": option["text"],
                    "points": _points(option["points"]),
                    "is_eliminating": option.get("eliminating", False),
                    "stops_scoring": option.get("stops", False),
                    "from_note": option.get("from_note", False),
                    "min_stars_required": option.get("min_stars"),
                    "case": option.get("case", ""),
                    "order": order,
                },
            )
    options.flush()


def _criterion_values(criterion: dict, order: int) -> dict:
    return {
        "text": criterion["text"],
        "note": criterion.get("note", ""),
        "needs_story": criterion.get("needs_story", False),
        "tells_story": criterion.get("tells_story", False),
        "order": order,
    }


def _sheet_signature(criteria_set: CriteriaSet) -> tuple:
    """What scoring depends on: the legal basis, the product set, maxima, criteria and the
    options' points and marks."""
    parts = tuple(criteria_set.parts.order_by("code").values_list("code", "max_points"))
    criteria = tuple(
        Criterion.objects.filter(section__part__criteria_set=criteria_set)
        .order_by("pk")
        .values_list("pk", "parent_id", "needs_story", "tells_story")
    )
    options = tuple(
        Option.objects.filter(criterion__section__part__criteria_set=criteria_set)
        .order_by("pk")
        .values_list(
            "pk",
            "criterion_id",
            "points",
            "is_eliminating",
            "stops_scoring",
            "min_stars_required",
        )
    )
    return criteria_set.legal_basis_id, criteria_set.category_id, parts, criteria, options
