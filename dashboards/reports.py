"""The figures of the dashboards, aggregated in the database: one function per screen.

``city_dashboard`` reads a fixed number of queries whatever the number of records: counts are
conditional aggregates (Count with filter) grouped by area, kind, sector or status, never one
query per row. Targets, results, budget summaries and published figures come from
``budgets.reports``, so that the dashboard and the plan page always say the same."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, When
from django.db.models import CharField as CharFieldType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area, containing_paths
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
from core.counting import CERTIFICATE, EVALUATION, in_year, in_years, up_to_year, year_lookup
from dashboards.after_recognition import AfterRecognition, YearFigures, after_recognition
from dashboards.after_recognition import years_figures as after_recognition_years
from dashboards.scope import Scope
from evaluations.models import Evaluation
from products.models import (
    EXPIRING_WITHIN_DAYS,
    Certificate,
    ProductCategory,
    sector_key,
    valid_on_q,
    valid_on_values,
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


def _valid_q(on: date, prefix: str = "") -> Q:
    """Valid on the day as ``CertificateQuerySet.valid_on`` says (the grace of a late
    re-rating dossier included), for conditional aggregates."""
    return valid_on_q(on, prefix)


def _valid_row(row, on: date) -> bool:
    """A certificate read as a row of ``carried_stars`` valid on the day."""
    _product, _pk, _stars, decided, until, extended, revoked, _counted = row
    return valid_on_values(on, decided=decided, until=until, extended=extended, revoked=revoked)


def carried_stars(certs, years: list[int], today: date) -> dict[str, int]:
    """One query: products certified at the end of each year (or today) by the stars of the
    certificate they carry then, ``v<year>_<stars>``: of each product's certificates valid
    then, the latest decision (an upgrade replaces the older certificate), counted when it is
    one of ``certs``. Every certificate of the products counted (wherever recognised, so that
    the one each carries is the same) is read once and the years are counted here, where a
    window per counting day read the certificates of the whole country once per year."""
    totals = {f"v{year}_{stars}": 0 for year in years for stars in STARS}
    counted = certs.order_by()
    rows = (
        Certificate.objects.filter(product__in=counted.values("product"))
        .annotate(counted=Exists(counted.filter(pk=OuterRef("pk"))))
        .order_by()
        .values_list(
            "product_id",
            "pk",
            "stars",
            "decision_date",
            "valid_until",
            "extended_until",
            "revoked_on",
            "counted",
        )
    )
    by_product: dict[int, list[tuple]] = {}
    for row in rows:
        by_product.setdefault(row[0], []).append(row)
    days = [(year, counted_on(year, today)) for year in years]
    for product_rows in by_product.values():
        # The latest decision first: the first valid on a day is the one carried then.
        product_rows.sort(key=lambda row: (row[3], row[1]), reverse=True)
        for year, on in days:
            carried = next((row for row in product_rows if _valid_row(row, on)), None)
            if carried is not None and carried[7] and carried[2] in STARS:
                totals[f"v{year}_{carried[2]}"] += 1
    return totals


def _products(condition: Q) -> Count:
    return Count("product", distinct=True, filter=condition)


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


@dataclass
class AreaRow:
    area: Area
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


def star_series(certs, years: list[int], today: date, expiring: bool = False) -> dict:
    """Two queries: products certified at the end of each year by stars (``carried_stars``);
    the potential 5★, the new products, the producers with new products and (optionally) the
    certificates expiring within 90 days from today."""
    aggregates = {}
    for year in years:
        on = counted_on(year, today)
        aggregates[f"p{year}"] = _products(
            _valid_q(on) & Q(level=Certificate.Level.CITY, stars=4, score__gte=90)
        )
        decided = Q(kind=NEW) & in_year(CERTIFICATE, year)
        for stars in STARS:
            aggregates[f"n{year}_{stars}"] = _products(decided & Q(stars=stars))
        aggregates[f"n{year}"] = _products(decided)
        aggregates[f"r{year}"] = Count("product__producer", distinct=True, filter=decided)
    if expiring:
        # As ``expiring_within``: reaching the expiry day within the days (one past it and
        # kept valid by a grace is not "expiring").
        aggregates["expiring"] = _products(
            _valid_q(today)
            & Q(
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
            )
        )
    return {**certs.aggregate(**aggregates), **carried_stars(certs, years, today)}


def _star_count(totals: dict, year: int, today: date) -> StarCount:
    return StarCount(
        year,
        counted_on(year, today),
        {stars: totals[f"v{year}_{stars}"] for stars in STARS},
        totals[f"p{year}"],
    )


def by_area(certs, year: int, on: date) -> tuple[list[AreaRow], list[str]]:
    """Certified products on the day and new ones in the year, by district (or by today's
    commune for certificates recognised after the districts were dissolved); and the paths of
    the areas with a certificate decided by the end of the year. Two queries."""
    rows = certs.values("area__path").annotate(
        certified=_products(_valid_q(on)),
        new=_products(Q(kind=NEW) & in_year(CERTIFICATE, year)),
        decided=_products(in_year(CERTIFICATE, year)),
        ever=_products(Q(decision_date__lte=date(year, 12, 31))),
    )
    totals: dict[str, AreaRow] = {}
    counted: dict[str, list] = {}
    ever = []
    for row in rows:
        if row["ever"]:
            ever.append(row["area__path"])
        if row["certified"] or row["decided"]:
            counted.setdefault(_unit_path(row["area__path"]), []).append(row)
    if not counted:
        return [], ever
    areas = {
        area.path: area for area in Area.objects.filter(path__in=counted).order_by("-valid_until")
    }
    for unit, unit_rows in counted.items():
        area = areas.get(unit)
        if area is None:
            continue
        totals[unit] = AreaRow(
            area,
            certified=sum(r["certified"] for r in unit_rows),
            new=sum(r["new"] for r in unit_rows),
            decided=sum(r["decided"] for r in unit_rows),
        )
    rows = sorted(totals.values(), key=lambda row: (-row.certified, -row.new, row.area.name))
    return rows, ever


def _unit_path(path: str) -> str:
    """The district (or today's commune) an area path lies in: its first two segments."""
    return "/".join(path.split("/")[:2]) + "/"


def units_of(user, scope: Scope, year: int, decided_paths, evaluated_paths) -> Units:
    """The districts of the scope existing in the year (today's communes once the districts
    are gone), how many had a certificate decided in the year, and how many had taken part in
    evaluation by the end of the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    existing = (
        Area.objects.visible_to(user)
        .filter(scope.q("path") | Q(path__in=_prefixes(scope.paths)))
        .filter(Q(kind__in=DISTRICT_KINDS) | Q(parent_id=scope.province.pk))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
    )
    districts = [a.path for a in existing if a.kind in DISTRICT_KINDS and _inside(a.path, scope)]
    label = _("quận, huyện")
    if not districts:
        districts = [
            a.path
            for a in existing
            if a.level == Area.Level.COMMUNE and a.path.count("/") == 2 and _inside(a.path, scope)
        ]
        label = _("xã, phường")
    if not districts and scope.area is not None:
        districts, label = [scope.area.path], scope.area.get_kind_display().lower()

    def touched(paths) -> int:
        return sum(1 for d in districts if any(p.startswith(d) for p in paths))

    return Units(len(districts), touched(decided_paths), touched(evaluated_paths), label)


def _prefixes(paths) -> list[str]:
    """Paths of the units containing the scope's paths (a commune's district)."""
    return sorted({prefix for path in paths for prefix in containing_paths(path)[1:]})


def _inside(path: str, scope: Scope) -> bool:
    """A unit counted for the scope: inside it, or the district a chosen commune lies in."""
    if any(path.startswith(p) for p in scope.paths):
        return True
    return scope.area is not None and scope.area.path.startswith(path)


def by_kind(certs, year: int) -> list[KindRow]:
    """Producers with new products in the year and those products, by kind. One query."""
    rows = {key: KindRow(key, label, kinds) for key, label, kinds in KIND_GROUPS}
    counts = (
        certs.filter(in_year(CERTIFICATE, year), kind=NEW)
        .values("product__producer__kind")
        .annotate(
            producers=Count("product__producer", distinct=True),
            products=Count("product", distinct=True),
        )
    )
    for count in counts:
        for row in rows.values():
            if count["product__producer__kind"] in row.kinds:
                row.producers += count["producers"]
                row.products += count["products"]
    return list(rows.values())


def by_sector(certs, year: int, on: date) -> list[SectorRow]:
    """Certified products on the day and new ones in the year, by sector. One query."""
    level = "product__category__level"
    sector_id = Case(
        When(**{level: ProductCategory.Level.SET}, then=F("product__category__parent__parent_id")),
        When(**{level: ProductCategory.Level.GROUP}, then=F("product__category__parent_id")),
        default=F("product__category_id"),
        output_field=IntegerField(),
    )
    sector_name = Case(
        When(
            **{level: ProductCategory.Level.SET}, then=F("product__category__parent__parent__name")
        ),
        When(**{level: ProductCategory.Level.GROUP}, then=F("product__category__parent__name")),
        default=F("product__category__name"),
        output_field=CharFieldType(),
    )
    rows = (
        certs.annotate(sector_id=sector_id, sector_name=sector_name)
        .values("sector_id", "sector_name")
        .annotate(
            certified=_products(_valid_q(on)),
            new=_products(Q(kind=NEW) & in_year(CERTIFICATE, year)),
        )
        .filter(Q(certified__gt=0) | Q(new__gt=0))
        .order_by("sector_id")
    )
    # A product has one category, so it counts under one classification's sector only: the
    # counts of the sectors of one name add up exactly.
    merged: dict[str, SectorRow] = {}
    for r in rows:
        key = sector_key(r["sector_name"])
        row = merged.setdefault(key, SectorRow(r["sector_id"], r["sector_name"]))
        # The plainest name of the sector ("Thực phẩm" rather than "Sản phẩm thực phẩm").
        if r["sector_name"] and len(r["sector_name"]) < len(row.label or ""):
            row.label = r["sector_name"]
        row.certified += r["certified"]
        row.new += r["new"]
        if r["sector_id"] is not None:
            row.sector_ids.append(r["sector_id"])
    return sorted(merged.values(), key=lambda row: (-row.certified, -row.new, row.label or ""))


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


def city_dashboard(user, scope: Scope, year: int, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows for a year and a scope, in a fixed number of queries."""
    today = today or timezone.localdate()
    on = counted_on(year, today)
    certs = certificates(user, scope)
    years = list(range(max(year - SERIES_YEARS + 1, 2018), year + 1))
    totals = star_series(certs, years, today, expiring=True)
    series = [_star_count(totals, y, today) for y in years]
    while len(series) > 1 and series[0].total == 0 and totals[f"n{series[0].year}"] == 0:
        series.pop(0)
    area_rows, ever_paths = by_area(certs, year, on)
    pipeline, evaluated_paths = evaluations(user, scope, year)
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
        by_kind=by_kind(certs, year),
        by_sector=by_sector(certs, year, on),
        pipeline=pipeline,
        budget=budget_summary(lines) if lines else None,
        after=after_recognition(user, scope, certs, year, on, today),
        comparisons=comparisons,
    )


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
    """The main indicators of several years side by side. Nine queries, however many years."""
    today = today or timezone.localdate()
    years = list(range(first, last + 1))
    certs = certificates(user, scope)
    totals = star_series(certs, years, today)
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


def _list_url(name: str, **params) -> str:
    from django.urls import reverse
    from django.utils.http import urlencode

    query = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


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
        "areas": [
            (row.area.name, row.certified, _list_url("products:list", area=row.area.pk))
            for row in d.by_area
        ],
        "areas_new": [
            (row.area.name, row.new, _list_url("products:list", area=row.area.pk, year=d.year))
            for row in d.by_area
            if row.new
        ],
        "sectors": [
            (row.label, row.certified, _list_url("products:list", area=area, sector=row.sector_id))
            for row in d.by_sector
        ],
        "pipeline": [
            (
                row.label,
                row.count,
                _list_url("evaluations:list", year=d.year, status=row.status, area=area),
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
