"""Loading administrative units: the former districts from the project's data, today's
provinces and communes from the vietnam-provinces package. Every loader is idempotent."""

import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history
from vietnam_provinces import Province, VietNamDivisionType, Ward

from areas.models import REFORM_DATE, Area
from areas.provinces import official_name
from core import policy
from core.loading import RecordWriter
from core.text import clean

DEMO_PROVINCE_CODE = "92"
DATA_DIR = Path(__file__).resolve().parent / "data"

KIND_OF_DIVISION = {
    VietNamDivisionType.TINH: Area.Kind.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: Area.Kind.CENTRAL_CITY,
    VietNamDivisionType.PHUONG: Area.Kind.WARD,
    VietNamDivisionType.XA: Area.Kind.COMMUNE,
    VietNamDivisionType.DAC_KHU: Area.Kind.SPECIAL_ZONE,
}

Progress = Callable[[int, int], None]


def province_code(code: int) -> str:
    """Official codes are fixed-width: provinces 2 digits (92), communes 5 (00004)."""
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    return f"{int(code):05d}"


def _writer() -> RecordWriter:
    # The path and full name are derived from the parent before they are validated.
    return RecordWriter(prepare=Area._derive_names)


def _upsert_current(code: str, **values) -> Area:
    """The current unit with this code, created or brought up to date; unchanged rows are not
    saved again, so that a second load writes nothing."""
    return _writer().put(Area, {"code": code, "valid_until__isnull": True}, values)


class DataFileError(ValueError):
    """A former-districts file that cannot be loaded as it is; the message says why."""


def read_former_districts(data_file: Path) -> dict:
    """The province and its former district-level units from a data file (see
    areas/data/can_tho.json), checked before anything is written."""
    try:
        data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"Không đọc được tệp {data_file}: {error.strerror}") from error
    except ValueError as error:
        raise DataFileError(f"Tệp {data_file} không phải JSON hợp lệ: {error}") from error
    try:
        province, until, districts = (
            data["province"],
            date.fromisoformat(data["districts_valid_until"]),
            data["districts"],
        )
        for key in ("code", "name", "kind"):
            province[key] = str(province[key]).strip()
        for row in districts:
            for key in ("code", "name", "kind"):
                row[key] = str(row[key]).strip()
            row["successors"] = [str(code).strip() for code in row.get("successors", [])]
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(
            f"Tệp {data_file} thiếu hoặc sai mục {error}: cần province (code, name, kind), "
            "districts_valid_until (YYYY-MM-DD) và districts (code, name, kind, successors)."
        ) from error
    if province["kind"] not in (Area.Kind.PROVINCE, Area.Kind.CENTRAL_CITY):
        raise DataFileError(f"Loại đơn vị cấp tỉnh không hợp lệ: {province['kind']}")
    for row in districts:
        if Area.LEVEL_OF_KIND.get(row["kind"]) != Area.Level.DISTRICT:
            raise DataFileError(f"{row['name']}: loại đơn vị cấp huyện không hợp lệ: {row['kind']}")
    data["districts_valid_until"] = until
    return data


@transaction.atomic
def load_former_districts(data_file: Path = DATA_DIR / "can_tho.json") -> list[Area]:
    """The province and its district-level units as they were until the 2025 reform."""
    data = read_former_districts(data_file)
    province_data = data["province"]
    province = _upsert_current(
        province_data["code"], name=clean(province_data["name"]), kind=province_data["kind"]
    )
    until = data["districts_valid_until"]
    districts = []
    writer = _writer()
    for row in data["districts"]:
        values = {"name": clean(row["name"]), "kind": row["kind"], "parent": province}
        lookup = {"code": row["code"], "valid_until": until}
        districts.append(writer.put(Area, lookup, values))
    return districts


@transaction.atomic
def link_successors(data_file: Path = DATA_DIR / "can_tho.json") -> int:
    """Record which current communes took over each former district; returns links added.

    Every successor must be a current commune of the same province: a code that is not is an
    error in the file, reported with the district it was listed under."""
    data = read_former_districts(data_file)
    until = data["districts_valid_until"]
    province_path = f"{data['province']['code']}/"
    added = 0
    for row in data["districts"]:
        district = Area.objects.get(code=row["code"], valid_until=until)
        communes = Area.objects.current().filter(
            policy.under("path", province_path), code__in=row["successors"]
        )
        unknown = set(row["successors"]) - set(communes.values_list("code", flat=True))
        if unknown:
            raise DataFileError(
                f"{row['name']}: không có xã, phường hiện hành mã {', '.join(sorted(unknown))} "
                f"trong tỉnh mã {data['province']['code']} (đã nạp đơn vị hiện hành chưa?)."
            )
        missing = communes.exclude(predecessors=district)
        added += missing.count()
        for commune in missing:
            commune.predecessors.add(district)
    return added


@transaction.atomic
def load_province_history(data_file: Path, progress: Progress | None = None) -> dict[str, int]:
    """One province, before and after the reform, from one data file: its current communes
    (from the official list, when the province is in it), its former districts and which
    communes took over each. Idempotent; all or nothing."""
    data = read_former_districts(data_file)
    code = data["province"]["code"]
    known = {province_code(p.code) for p in Province.iter_all()}
    if code in known:
        load_current_units([code], progress=progress)
    districts = load_former_districts(data_file)
    links = link_successors(data_file)
    return {"province": code, "districts": len(districts), "links": links}


@transaction.atomic
def load_current_units(
    province_codes: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Today's provinces and communes (two tiers, from 01/07/2025) from vietnam-provinces."""
    wanted = {str(code) for code in province_codes} if province_codes else None
    if wanted is not None:
        wanted = {province_code(code) if code.isdigit() else code for code in wanted}
    provinces = [
        p for p in Province.iter_all() if wanted is None or province_code(p.code) in wanted
    ]
    if wanted and len(provinces) != len(wanted):
        known = {province_code(p.code) for p in Province.iter_all()}
        raise ValueError(f"Mã tỉnh không có trong danh mục: {', '.join(sorted(wanted - known))}")

    created = 0
    by_code: dict[str, Area] = {}
    for p in provinces:
        code = province_code(p.code)
        existed = Area.objects.filter(code=code, valid_until__isnull=True).exists()
        kind = KIND_OF_DIVISION[p.division_type]
        # "Tỉnh An Giang", as "Thành phố Cần Thơ": the list names only the cities with their kind.
        by_code[code] = _upsert_current(code, name=official_name(clean(p.name), kind), kind=kind)
        created += not existed

    wards = [w for w in Ward.iter_all() if province_code(w.province_code) in by_code]
    total = len(wards)
    existing = {
        a.code: a
        for a in Area.objects.current().filter(parent__in=by_code.values()).select_related("parent")
    }
    to_create, to_update = [], []
    now = timezone.now()
    for done, ward in enumerate(wards, start=1):
        code = commune_code(ward.code)
        values = {
            "name": clean(ward.name),
            "kind": KIND_OF_DIVISION[ward.division_type],
            "parent": by_code[province_code(ward.province_code)],
            "valid_from": REFORM_DATE,
        }
        area = existing.get(code)
        if area is None:
            area = Area(code=code, **values)
            to_create.append(area)
        elif any(getattr(area, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(area, name, value)
            to_update.append(area)
        else:
            area = None
        if area is not None:
            area._derive_names()
            area.updated_at = now
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    bulk_create_with_history(to_create, Area, batch_size=500)
    bulk_update_with_history(
        to_update,
        Area,
        ["name", "kind", "parent", "valid_from", "path", "full_name", "search_name", "updated_at"],
        batch_size=500,
    )
    return {
        "provinces": len(by_code),
        "communes": total,
        "created": created + len(to_create),
        "updated": len(to_update),
    }
