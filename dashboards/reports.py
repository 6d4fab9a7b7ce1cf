"""The figures of the dashboards: one function per screen.

``city_dashboard`` reads a fixed number of queries whatever the number of records, never one
query per row. Its certificate figures are counted from the province's certificate rows, kept
between requests and patched with the certificates saved since (``dashboards.rows``), and kept
by the rows' version (``certificate_figures``); the others are grouped queries (evaluations by
status, revocations, inspections). Targets, results, budget summaries and published figures come
from ``budgets.reports``, so that the dashboard and the plan page always say the same."""

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from areas.models import Area, containing_paths, unit_path
from budgets.models import BudgetLine, Disbursement, Measure, Plan, PublishedFigure, Target
from budgets.reports import (
    BudgetSummary,
    Comparison,
    TargetResult,
    YearRecords,
    budget_summary,
    compare,
    percent_of,
    target_results,
)
from core.caching import CACHE_SECONDS, cached_until_changed
from core.counting import EVALUATION, in_years, up_to_year, year_lookup
from dashboards.after_recognition import (
    AfterRecognition,
    Told,
    YearFigures,
    after_recognition,
    tell_reratings,
)
from dashboards.after_recognition import years_figures as after_recognition_years
from dashboards.links import records_url
from dashboards.rows import (
    PRODUCERS_PLACES,
    by_product,
    counted,
    kept_rows,
    scope_rows,
    valid_on,
)
from dashboards.scope import Scope
from evaluations.models import Evaluation
from products.models import (
    EXPIRING_WITHIN_DAYS,
    Certificate,
    sector_key,
)
from subjects.models import Producer

STARS = (3, 4, 5)
#: Which year a record counts in is core.counting's one rule: a certificate, its decision's
#: year; an evaluation, its round's year.
EVALUATION_YEAR = year_lookup(EVALUATION)
#: How many years back the chart of certified products by stars goes.
SERIES_YEARS = 8
#: The widest span of the years-side-by-side page.
MAX_YEARS = 10
NEW = Certificate.Kind.NEW
DISTRICT_KINDS = [
    kind for kind, level in Area.LEVEL_OF_KIND.items() if level == Area.Level.DISTRICT
]
#: Producer kinds as the reports group them: cooperatives and cooperative groups together.
KIND_GROUPS = [
    ("dn", _("Doanh nghiệp"), (Producer.Kind.ENTERPRISE,)),
    (
        "htx",
        _("Hợp tác xã và tổ hợp tác (HTX + THT)"),
        (Producer.Kind.COOPERATIVE, Producer.Kind.COOPERATIVE_GROUP),
    ),
    ("ho", _("Hộ sản xuất, hộ kinh doanh, cơ sở"), (Producer.Kind.HOUSEHOLD,)),
]


def counted_on(year: int, today: date | None = None) -> date:
    """The day a year's "certified" figures are counted on: 31 December, or today for the
    current year."""
    today = today or timezone.localdate()
    return min(date(year, 12, 31), today)


def _decided_in(row: dict, year: int) -> bool:
    return row["year"] == year


def _new_in(row: dict, year: int) -> bool:
    """A new product's certificate (not a re-rating or an upgrade) decided in the year."""
    return row["kind"] == NEW and _decided_in(row, year)


def carried_stars(rows: list[dict], years: list[int], today: date) -> dict[str, int]:
    """Products certified at the end of each year (or today) by the stars of the certificate
    they carry then, ``v<year>_<stars>``: of each product's certificates valid then, the
    latest decision (an upgrade replaces the older certificate), counted when it is one of the
    scope's (``counted``)."""
    totals = {f"v{year}_{stars}": 0 for year in years for stars in STARS}
    keys = {(year, stars): f"v{year}_{stars}" for year in years for stars in STARS}
    days = [(year, counted_on(year, today)) for year in years]
    for product_rows in by_product(rows).values():
        # The latest decision first: the first valid on a day is the one carried then.
        product_rows.sort(key=lambda row: (row["decision_date"], row["pk"]), reverse=True)
        for year, on in days:
            for row in product_rows:
                if row["first"] <= on <= row["last"]:
                    if row["counted"] and row["stars"] in STARS:
                        totals[keys[year, row["stars"]]] += 1
                    break
    return totals


# --- Building blocks ------------------------------------------------------------------------


@dataclass
class StarCount:
    """Products certified on a day, by stars."""

    year: int
    on: date
    by_stars: dict[int, int]
    potential_five_star: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_stars.values())


@dataclass(frozen=True)
class Place:
    """An area as the dashboard's tables name and link it (light to keep in the cache)."""

    pk: int
    name: str
    path: str


@dataclass
class AreaRow:
    area: Place
    certified: int = 0
    new: int = 0
    decided: int = 0


@dataclass
class KindRow:
    key: str
    label: str
    kinds: tuple[str, ...]
    producers: int = 0
    products: int = 0


@dataclass
class SectorRow:
    """One sector, whatever the classifications that name it: 1048/QĐ-TTg, 148/QĐ-TTg and
    26/2026/QĐ-TTg each have their own "Thực phẩm", which is one sector on the dashboard."""

    sector_id: int | None  # the first of ``sector_ids``, for a link
    label: str
    certified: int = 0
    new: int = 0
    sector_ids: list = field(default_factory=list)


@dataclass
class StatusRow:
    status: str
    label: str
    count: int = 0


@dataclass
class Units:
    """Areas with products (or evaluations) in a year out of the units of the scope."""

    total: int
    with_products: int
    evaluating: int
    level_label: str


@dataclass
class Dashboard:
    scope: Scope
    year: int
    on: date
    today: date
    plan: Plan | None
    stars: StarCount
    series: list[StarCount]
    new_by_stars: dict[int, int]
    new_products: int
    new_target: Decimal | None
    new_target_label: str
    producers_new: int
    expiring: int
    units: Units
    targets: list[TargetResult]
    by_area: list[AreaRow]
    by_kind: list[KindRow]
    by_sector: list[SectorRow]
    pipeline: list[StatusRow]
    budget: BudgetSummary | None
    after: AfterRecognition | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    #: For each part of the page drawn from the certificates' figures alone (its charts, the
    #: table of areas, the kinds and sectors), a key that stays while what it shows does: the
    #: part is kept by it.
    part_keys: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.part_keys = _part_keys(self)

    @property
    def new_achievement(self) -> Decimal | None:
        return percent_of(self.new_products, self.new_target)

    @property
    def evaluations_total(self) -> int:
        return sum(row.count for row in self.pipeline)

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.comparisons if row.agrees is False)


def certificates(user, scope: Scope):
    """Certificates the user reads, recognised inside the scope."""
    return Certificate.objects.visible_to(user).filter(scope.q_area("area"))


def star_series(rows: list[dict], years: list[int], today: date, expiring: bool = False) -> dict:
    """From the rows of ``read_certificates``: products certified at the end of each year by
    stars (``carried_stars``); the potential 5★ (a city 4★ certificate of 90 points or more
    valid then), the new products by stars, the producers with new products and (optionally)
    the products whose certificate expires within 90 days from today."""
    own = counted(rows)
    totals = carried_stars(rows, years, today)
    potential = [
        row
        for row in own
        if row["level"] == Certificate.Level.CITY
        and row["stars"] == 4
        and row["score"] is not None
        and row["score"] >= 90
    ]
    new_by_year: dict[int, list[dict]] = {}
    for row in own:
        if row["kind"] == NEW:
            new_by_year.setdefault(row["year"], []).append(row)
    for year in years:
        on = counted_on(year, today)
        totals[f"p{year}"] = len({row["product_id"] for row in potential if valid_on(row, on)})
        new = new_by_year.get(year, [])
        for stars in STARS:
            totals[f"n{year}_{stars}"] = len({r["product_id"] for r in new if r["stars"] == stars})
        totals[f"n{year}"] = len({row["product_id"] for row in new})
        totals[f"r{year}"] = len({row["product__producer_id"] for row in new})
    if expiring:
        # As ``expiring_within``: reaching the expiry day within the days (one past it and
        # kept valid by a grace is not "expiring").
        last = today + timedelta(days=EXPIRING_WITHIN_DAYS)
        totals["expiring"] = len(
            {
                row["product_id"]
                for row in own
                if today <= row["valid_until"] <= last and valid_on(row, today)
            }
        )
    return totals


def _star_count(totals: dict, year: int, today: date) -> StarCount:
    return StarCount(
        year,
        counted_on(year, today),
        {stars: totals[f"v{year}_{stars}"] for stars in STARS},
        totals[f"p{year}"],
    )


def by_area(rows: list[dict], year: int, on: date) -> tuple[list[AreaRow], list[str]]:
    """Certified products on the day and new ones in the year, by district (or by today's
    commune for certificates recognised after the districts were dissolved); and the paths of
    the areas with a certificate decided by the end of the year. One query (the units)."""
    end = date(year, 12, 31)
    certified: dict[str, set] = {}
    new: dict[str, set] = {}
    decided: dict[str, set] = {}
    ever: set[str] = set()
    for row in counted(rows):
        path, product = row["area__path"], row["product_id"]
        if row["decision_date"] <= end:
            ever.add(path)
        if valid_on(row, on):
            certified.setdefault(path, set()).add(product)
        if _decided_in(row, year):
            decided.setdefault(path, set()).add(product)
            if row["kind"] == NEW:
                new.setdefault(path, set()).add(product)
    # A product counts once in each area it was recognised in: the areas of a unit add up.
    units: dict[str, list[str]] = {}
    for path in certified.keys() | decided.keys():
        units.setdefault(unit_path(path), []).append(path)
    if not units:
        return [], sorted(ever)
    found = Area.objects.filter(path__in=units).order_by("-valid_until")
    areas = {
        path: Place(pk, name, path) for pk, name, path in found.values_list("pk", "name", "path")
    }

    def total(counts: dict[str, set], paths: list[str]) -> int:
        return sum(len(counts.get(path, ())) for path in paths)

    totals = [
        AreaRow(
            areas[unit],
            certified=total(certified, paths),
            new=total(new, paths),
            decided=total(decided, paths),
        )
        for unit, paths in units.items()
        if unit in areas
    ]
    totals.sort(key=lambda row: (-row.certified, -row.new, row.area.name))
    return totals, sorted(ever)


def units_of(user, scope: Scope, year: int, decided_paths, evaluated_paths) -> Units:
    """The districts of the scope existing in the year (today's communes once the districts
    are gone), how many had a certificate decided in the year, and how many had taken part in
    evaluation by the end of the year. A province whose areas of that year are not recorded
    (only today's were loaded) is counted by today's communes, and says so. One query."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    areas = list(
        Area.objects.visible_to(user)
        .filter(scope.q("path") | Q(path__in=_prefixes(scope.paths)))
        .filter(Q(kind__in=DISTRICT_KINDS) | Q(parent_id=scope.province.pk))
    )
    existing = [
        a
        for a in areas
        if (a.valid_from is None or a.valid_from <= end)
        and (a.valid_until is None or a.valid_until >= start)
    ]
    districts = [a.path for a in existing if a.kind in DISTRICT_KINDS and _inside(a.path, scope)]
    label = _("quận, huyện")
    if not districts:
        districts = [a.path for a in existing if _commune_of_province(a, scope)]
        label = _("xã, phường")
    if not districts:
        districts = [
            a.path for a in areas if a.valid_until is None and _commune_of_province(a, scope)
        ]
        label = _("xã, phường hiện nay")
    if not districts and scope.area is not None:
        districts, label = [scope.area.path], scope.area.get_kind_display().lower()

    def touched(paths) -> int:
        return sum(1 for d in districts if any(p.startswith(d) for p in paths))

    return Units(len(districts), touched(decided_paths), touched(evaluated_paths), label)


def _commune_of_province(area: Area, scope: Scope) -> bool:
    """A commune right under the province (today's level), counted for the scope."""
    return (
        area.level == Area.Level.COMMUNE and area.path.count("/") == 2 and _inside(area.path, scope)
    )


def _prefixes(paths) -> list[str]:
    """Paths of the units containing the scope's paths (a commune's district)."""
    return sorted({prefix for path in paths for prefix in containing_paths(path)[1:]})


def _inside(path: str, scope: Scope) -> bool:
    """A unit counted for the scope: inside it, or the district a chosen commune lies in."""
    if any(path.startswith(p) for p in scope.paths):
        return True
    return scope.area is not None and scope.area.path.startswith(path)


def by_kind(rows: list[dict], year: int) -> list[KindRow]:
    """Producers with new products in the year and those products, by kind."""
    producers: dict[str, set] = {}
    products: dict[str, set] = {}
    for row in counted(rows):
        if _new_in(row, year):
            kind = row["product__producer__kind"]
            producers.setdefault(kind, set()).add(row["product__producer_id"])
            products.setdefault(kind, set()).add(row["product_id"])
    groups = []
    for key, label, kinds in KIND_GROUPS:
        group = KindRow(key, label, kinds)
        for kind in kinds:
            group.producers += len(producers.get(kind, ()))
            group.products += len(products.get(kind, ()))
        groups.append(group)
    return groups


def by_sector(rows: list[dict], year: int, on: date) -> list[SectorRow]:
    """Certified products on the day and new ones in the year, by sector."""
    certified: dict[tuple, set] = {}
    new: dict[tuple, set] = {}
    for row in counted(rows):
        sector = (row["sector_id"], row["sector_name"])
        if valid_on(row, on):
            certified.setdefault(sector, set()).add(row["product_id"])
        if _new_in(row, year):
            new.setdefault(sector, set()).add(row["product_id"])
    # A product has one category, so it counts under one classification's sector only: the
    # counts of the sectors of one name add up exactly.
    merged: dict[str, SectorRow] = {}
    for sector_id, name in sorted(certified.keys() | new.keys(), key=_sector_order):
        key = sector_key(name)
        row = merged.setdefault(key, SectorRow(sector_id, name))
        # The plainest name of the sector ("Thực phẩm" rather than "Sản phẩm thực phẩm").
        if name and len(name) < len(row.label or ""):
            row.label = name
        row.certified += len(certified.get((sector_id, name), ()))
        row.new += len(new.get((sector_id, name), ()))
        if sector_id is not None:
            row.sector_ids.append(sector_id)
    return sorted(merged.values(), key=lambda row: (-row.certified, -row.new, row.label or ""))


def _sector_order(sector: tuple) -> tuple:
    """By key, a product without a category last (as the database sorts NULL)."""
    sector_id, _name = sector
    return (sector_id is None, sector_id or 0)


def evaluations(user, scope: Scope, year: int) -> tuple[list[StatusRow], list[str]]:
    """The year's evaluations by status, and the producer areas of the evaluations of this
    year and the years before. One query."""
    rows = (
        Evaluation.objects.visible_to(user)
        .filter(scope.q("product__producer__area__path"), up_to_year(EVALUATION, year))
        .values(EVALUATION_YEAR, "status", "product__producer__area__path")
        .annotate(n=Count("pk"))
    )
    statuses = {value: StatusRow(value, label) for value, label in Evaluation.Status.choices}
    paths = []
    for row in rows:
        if row[EVALUATION_YEAR] == year:
            statuses[row["status"]].count += row["n"]
        paths.append(row["product__producer__area__path"])
    return list(statuses.values()), paths


#: What the evaluations' figures are read from (a certificate saved leaves them as they are).
EVALUATED_KINDS = ("evaluations", *PRODUCERS_PLACES)


def _kept_evaluations(user, scope: Scope, year: int):
    """``evaluations``, kept until a record of ``EVALUATED_KINDS`` changes in the province."""
    found, _as_of = cached_until_changed(
        "dashboard.evaluations",
        lambda today: evaluations(user, scope, year),
        *scope.cache_parts(user),
        year,
        province=scope.province.code,
        kinds=EVALUATED_KINDS,
        as_of=False,
    )
    return found


def _plan_parts(user, scope: Scope, year: int):
    """The plan of the year, its targets for the scope and its budget lines for the scope."""
    plan = (
        Plan.objects.visible_to(user)
        .filter(province=scope.province, year=year)
        .select_related("province")
        .first()
    )
    if plan is None:
        return None, [], []
    targets = Target.objects.visible_to(user).filter(plan=plan).select_related("area")
    lines = BudgetLine.objects.visible_to(user).filter(plan=plan)
    if scope.is_city:
        targets = targets.filter(area__isnull=True)
    else:
        targets = targets.filter(scope.q("area__path"))
        lines = lines.filter(scope.q("area__path"))
    lines = list(lines.with_disbursed().select_related("area"))
    return plan, list(targets), lines


def _new_target(results: list[TargetResult]) -> tuple[Decimal | None, str]:
    """The plan's target of new products: "new products" where set, else new 3★ + new 4★."""
    new = [r.target.value for r in results if r.target.indicator == Measure.NEW_PRODUCTS]
    if new:
        return sum(new), Measure.NEW_PRODUCTS.label
    parts = [
        r.target.value
        for r in results
        if r.target.indicator in (Measure.NEW_3_STAR, Measure.NEW_4_STAR)
    ]
    if parts:
        return sum(parts), _("Sản phẩm 3 sao và 4 sao mới")
    return None, ""


# --- Screens ----------------------------------------------------------------------------------


@dataclass
class CertificateFigures:
    """What the year's dashboard counts from the certificates' rows, kept by their version
    (``dashboards.rows.kept_rows``): a save that changes no certificate's row (a dossier, a
    plan, a certificate saved as it was) leaves them counted. ``key``: theirs in the cache,
    the same while the rows' version is."""

    key: str
    totals: dict
    by_area: list[AreaRow]
    ever_paths: list[str]
    by_kind: list[KindRow]
    by_sector: list[SectorRow]
    told: Told


def certificate_figures(user, scope: Scope, year: int, today: date) -> CertificateFigures:
    """The year's certificate figures for a scope: from the cache while the province's rows
    keep their version, else counted from them (two queries: the scope's certificates the
    user reads, and the areas of the table)."""
    kept = kept_rows(scope.province)
    parts = (kept.version, *scope.cache_parts(user), year, today)
    key = (
        "dashboard-figures:"
        + hashlib.sha256(repr((*parts, translation.get_language())).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        on = counted_on(year, today)
        rows = scope_rows(certificates(user, scope), scope.province, kept)
        years = list(range(max(year - SERIES_YEARS + 1, 2018), year + 1))
        area_rows, ever_paths = by_area(rows, year, on)
        found = CertificateFigures(
            key=key,
            totals=star_series(rows, years, today, expiring=True),
            by_area=area_rows,
            ever_paths=ever_paths,
            by_kind=by_kind(rows, year),
            by_sector=by_sector(rows, year, on),
            told=tell_reratings(rows, year, on),
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def city_dashboard(user, scope: Scope, year: int, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows for a year and a scope, in a fixed number of queries."""
    today = today or timezone.localdate()
    on = counted_on(year, today)
    counts = certificate_figures(user, scope, year, today)
    totals = counts.totals
    years = list(range(max(year - SERIES_YEARS + 1, 2018), year + 1))
    series = [_star_count(totals, y, today) for y in years]
    while len(series) > 1 and series[0].total == 0 and totals[f"n{series[0].year}"] == 0:
        series.pop(0)
    area_rows, ever_paths = counts.by_area, counts.ever_paths
    pipeline, evaluated_paths = _kept_evaluations(user, scope, year)
    decided_paths = [row.area.path for row in area_rows if row.decided]
    # A certificate is the outcome of an evaluation: areas with one count as having taken
    # part, also for the years before the evaluations were recorded in the portal.
    evaluated_paths = [*evaluated_paths, *ever_paths]
    plan, targets, lines = _plan_parts(user, scope, year)
    records = YearRecords(scope.province, year, budget_lines=lines)
    results = target_results(targets, records)
    new_target, new_target_label = _new_target(results)
    comparisons = []
    if scope.is_city:
        figures = PublishedFigure.objects.visible_to(user).filter(
            province=scope.province, year=year
        )
        comparisons = compare(
            figures.select_related("province"), {(scope.province.pk, year): records}
        )
    return Dashboard(
        scope=scope,
        year=year,
        on=on,
        today=today,
        plan=plan,
        stars=series[-1],
        series=series,
        new_by_stars={stars: totals[f"n{year}_{stars}"] for stars in STARS},
        new_products=totals[f"n{year}"],
        new_target=new_target,
        new_target_label=new_target_label,
        producers_new=totals[f"r{year}"],
        expiring=totals["expiring"],
        units=units_of(user, scope, year, decided_paths, evaluated_paths),
        targets=results,
        by_area=area_rows,
        by_kind=counts.by_kind,
        by_sector=counts.by_sector,
        pipeline=pipeline,
        budget=budget_summary(lines) if lines else None,
        after=after_recognition(
            user, scope, certificates(user, scope), year, on, today, told=counts.told
        ),
        comparisons=comparisons,
    )


def _part_keys(d: Dashboard) -> dict[str, str]:
    """``Dashboard.part_keys``: each part's key made of what the part shows."""
    charts = dashboard_charts(d)
    return {
        "charts": _part_key(d, d.today, *(charts[name] for name in CERTIFICATE_CHARTS)),
        "areas": _part_key(d, d.year, d.by_area),
        "kinds": _part_key(d, d.year, d.by_kind, charts["sectors"]),
        "after": _part_key(d, d.year, d.after),
    }


def _part_key(d: Dashboard, *shown) -> str:
    """A key for a part of the page: everything it shows (every field of the rows, whatever
    the template reads of them), the scope's area and the language."""
    area = d.scope.area.pk if d.scope.area else None
    data = _plain((shown, area, translation.get_language()))
    return hashlib.sha256(repr(data).encode()).hexdigest()


def _plain(value):
    """``value`` as plain data whose ``repr`` is the same for equal values (a pickle is not:
    it depends on which equal strings are one object; a lazy translation's ``repr`` is its
    address)."""
    if is_dataclass(value):
        return (type(value).__name__, *(_plain(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), _plain(item)) for key, item in value.items()))
    if isinstance(value, set | frozenset):
        return tuple(sorted(repr(_plain(item)) for item in value))
    if isinstance(value, Promise):
        return str(value)
    return value


@dataclass
class YearColumn:
    year: int
    stars: StarCount
    new_products: int
    producers_new: int
    new_target: Decimal | None = None
    budget: int = 0
    disbursed: int = 0
    evaluations: int = 0
    #: After recognition: re-rating of the certificates expiring in the year, revocations
    #: decided and inspections done in it.
    after: YearFigures = field(default_factory=YearFigures)

    @property
    def achievement(self) -> Decimal | None:
        return percent_of(self.new_products, self.new_target)


def years_report(user, scope: Scope, first: int, last: int, today: date | None = None):
    """The main indicators of several years side by side: a fixed number of queries, however
    many years."""
    today = today or timezone.localdate()
    years = list(range(first, last + 1))
    certs = certificates(user, scope)
    totals = star_series(scope_rows(certs, scope.province), years, today)
    columns = {
        y: YearColumn(y, _star_count(totals, y, today), totals[f"n{y}"], totals[f"r{y}"])
        for y in years
    }
    targets = Target.objects.visible_to(user).filter(
        plan__province=scope.province, plan__year__in=years
    )
    lines = BudgetLine.objects.visible_to(user).filter(
        plan__province=scope.province, plan__year__in=years
    )
    paid = Disbursement.objects.visible_to(user).filter(
        line__plan__province=scope.province, line__plan__year__in=years
    )
    if scope.is_city:
        targets = targets.filter(area__isnull=True)
    else:
        targets = targets.filter(scope.q("area__path"))
        lines = lines.filter(scope.q("area__path"))
        paid = paid.filter(scope.q("line__area__path"))
    new_targets: dict[int, dict[str, Decimal]] = {}
    for row in (
        targets.filter(indicator__in=[Measure.NEW_PRODUCTS, Measure.NEW_3_STAR, Measure.NEW_4_STAR])
        .values("plan__year", "indicator")
        .annotate(total=Sum("value"))
    ):
        new_targets.setdefault(row["plan__year"], {})[row["indicator"]] = row["total"]
    for year, values in new_targets.items():
        columns[year].new_target = values.get(Measure.NEW_PRODUCTS) or (
            values.get(Measure.NEW_3_STAR, 0) + values.get(Measure.NEW_4_STAR, 0)
        )
    for row in lines.values("plan__year").annotate(total=Sum("amount")):
        columns[row["plan__year"]].budget = row["total"]
    for row in paid.values("line__plan__year").annotate(total=Sum("amount")):
        columns[row["line__plan__year"]].disbursed = row["total"]
    evaluated = (
        Evaluation.objects.visible_to(user)
        .filter(scope.q("product__producer__area__path"), in_years(EVALUATION, years))
        .values(EVALUATION_YEAR)
        .annotate(n=Count("pk"))
    )
    for row in evaluated:
        columns[row[EVALUATION_YEAR]].evaluations = row["n"]
    days = {y: counted_on(y, today) for y in years}
    for y, figures in after_recognition_years(user, scope, certs, days).items():
        columns[y].after = figures
    return [columns[y] for y in years]


# --- Chart data -------------------------------------------------------------------------------


#: The chart of areas draws the areas with the most certified products; the table below it
#: lists every one (a province holds up to a few hundred communes).
AREA_BARS = 12
#: The charts drawn from the certificates' figures (kept with them: ``Dashboard.part_keys``).
CERTIFICATE_CHARTS = ("years", "stars", "areas", "areas_left_out")


def _area_bars(d: Dashboard) -> list[tuple]:
    """The chart's bars: the first areas of the table (the others are told under it)."""
    return [
        (row.area.name, row.certified, records_url("products:list", area=row.area.pk))
        for row in d.by_area[:AREA_BARS]
    ]


def _areas_left_out(d: Dashboard) -> dict | None:
    """The areas the chart leaves out: how many, and their certified products."""
    rest = d.by_area[AREA_BARS:]
    if not rest:
        return None
    return {"areas": len(rest), "certified": sum(row.certified for row in rest)}


def dashboard_charts(d: Dashboard) -> dict:
    """The plain data each chart of the dashboard draws: labels, values and links."""
    area = d.scope.area.pk if d.scope.area else None
    return {
        "years": [str(s.year) for s in d.series],
        "stars": [
            (_("%(n)s sao") % {"n": stars}, [s.by_stars[stars] for s in d.series])
            for stars in STARS
            if any(s.by_stars[stars] for s in d.series) or stars != 5
        ],
        "areas": _area_bars(d),
        "areas_left_out": _areas_left_out(d),
        "sectors": [
            (
                row.label,
                row.certified,
                records_url("products:list", area=area, sector=row.sector_id),
            )
            for row in d.by_sector
        ],
        "pipeline": [
            (
                row.label,
                row.count,
                records_url("evaluations:list", year=d.year, status=row.status, area=area),
            )
            for row in d.pipeline
            if row.count
        ],
        "funds": [(row.label, row.planned) for row in d.budget.by_funds if row.planned]
        if d.budget
        else [],
    }


def years_charts(columns: list[YearColumn]) -> dict:
    return {
        "years": [str(c.year) for c in columns],
        "lines": [
            (_("Sản phẩm còn hiệu lực cuối năm"), [c.stars.total for c in columns]),
            (_("Sản phẩm công nhận mới"), [c.new_products for c in columns]),
        ],
        "stars": [
            (_("%(n)s sao") % {"n": stars}, [c.stars.by_stars[stars] for c in columns])
            for stars in STARS
        ],
    }
