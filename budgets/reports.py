"""What the records say about a plan's year: each target's result and achievement, the budget
by source and by activity against what was disbursed, and the figures as published beside the
records.

Results come from the registry wherever it has records: certificates decided in the year (new
3★/4★/5★, re-recognitions and upgrades), certificates valid on 31 December, and the potential
5★ products; and from the records other apps count for a measure (``core.counting``: the
buyers' enquiries received in the year). Every read here runs a fixed number of queries,
however many rows there are."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from budgets.models import (
    TARGET_MEASURES,
    BudgetLine,
    Measure,
    PublishedFigure,
    Target,
    Unit,
)
from core import counting
from core.counting import CERTIFICATE, in_year
from products.models import Certificate

HUNDRED = Decimal(100)

Kind = Certificate.Kind
#: Target measures counted from the certificates decided in the year: the kinds and stars.
DECIDED = {
    Measure.NEW_PRODUCTS: ({Kind.NEW}, {3, 4, 5}),
    Measure.NEW_3_STAR: ({Kind.NEW}, {3}),
    Measure.NEW_4_STAR: ({Kind.NEW}, {4}),
    Measure.NEW_5_STAR: ({Kind.NEW}, {5}),
    Measure.STANDARDISED: ({Kind.RENEWAL, Kind.UPGRADE}, {3, 4, 5}),
}
#: Measures counted from the certificates valid on 31 December: the stars.
VALID_AT_YEAR_END = {
    Measure.CERTIFIED: {3, 4, 5},
    Measure.CERTIFIED_3_STAR: {3},
    Measure.CERTIFIED_4_STAR: {4},
    Measure.CERTIFIED_5_STAR: {5},
}


def percent_of(part, whole) -> Decimal | None:
    """part / whole in percent, unrounded (the template filters round half up)."""
    if part is None or not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


@dataclass(frozen=True)
class Decided:
    """A certificate decided in the year, as the results need it."""

    product_id: int
    producer_id: int
    kind: str
    stars: int
    area_path: str


class YearRecords:
    """What the registry and the budget say about one year of one province.

    Each kind of record is read once, when first needed: the certificates decided in the year,
    those valid on 31 December, the potential 5★ products and the plan's budget lines."""

    def __init__(self, province, year: int, *, budget_lines: list[BudgetLine] | None = None):
        self.province = province
        self.year = year
        self.year_end = date(year, 12, 31)
        if budget_lines is not None:
            self.budget_lines = budget_lines

    def _certificates(self):
        return Certificate.objects.filter(self.province.q_within("area__path"))

    @cached_property
    def decided(self) -> list[Decided]:
        rows = (
            self._certificates()
            .filter(in_year(CERTIFICATE, self.year))
            .values_list("product_id", "product__producer_id", "kind", "stars", "area__path")
        )
        return [Decided(*row) for row in rows]

    @cached_property
    def valid_at_year_end(self) -> dict[int, tuple[int, str]]:
        """Each product certified on 31 December: its latest certificate's stars and area."""
        rows = (
            self._certificates()
            .valid_on(self.year_end)
            .order_by("decision_date", "pk")
            .values_list("product_id", "stars", "area__path")
        )
        return {product: (stars, path) for product, stars, path in rows}

    @cached_property
    def potential_five_star(self) -> dict[int, str]:
        """Products that are potential 5★ on 31 December, with their area."""
        # The registry's rule (city-level 4★ scored 90 or more) until evaluations count the
        # products forwarded to the central council.
        rows = (
            Certificate.objects.potential_five_star(self.year_end)
            .filter(self.province.q_within("area__path"))
            .values_list("product_id", "area__path")
        )
        return dict(rows)

    @cached_property
    def budget_lines(self) -> list[BudgetLine]:
        return list(
            BudgetLine.objects.filter(plan__province=self.province, plan__year=self.year)
            .with_disbursed()
            .select_related("area")
        )

    def registered(self, measure: str) -> list[str] | None:
        """The area paths of the records of another app that a measure counts in the year
        (``core.counting.register_year_records``), read once; None when no app counts it."""
        cache = self.__dict__.setdefault("_registered", {})
        if measure not in cache:
            paths_of = counting.year_records(measure)
            cache[measure] = None if paths_of is None else paths_of(self.province, self.year)
        return cache[measure]

    def value(self, measure: str, area_path: str | None = None) -> Decimal | None:
        """What the records give for a measure (in an area, when given); None when no record
        counts it."""

        def inside(path: str | None) -> bool:
            return area_path is None or (path is not None and path.startswith(area_path))

        measure = Measure(measure)
        if measure in DECIDED:
            kinds, stars = DECIDED[measure]
            products = {
                row.product_id
                for row in self.decided
                if row.kind in kinds and row.stars in stars and inside(row.area_path)
            }
            return Decimal(len(products))
        if measure == Measure.PRODUCERS_NEW:
            producers = {
                row.producer_id
                for row in self.decided
                if row.kind == Kind.NEW and inside(row.area_path)
            }
            return Decimal(len(producers))
        if measure in VALID_AT_YEAR_END:
            stars = VALID_AT_YEAR_END[measure]
            return Decimal(
                sum(1 for s, path in self.valid_at_year_end.values() if s in stars and inside(path))
            )
        if measure == Measure.POTENTIAL_5_STAR:
            return Decimal(sum(1 for path in self.potential_five_star.values() if inside(path)))
        if (paths := self.registered(measure)) is not None:
            return Decimal(sum(1 for path in paths if inside(path)))
        return self._budget_value(measure, area_path)

    def _budget_value(self, measure: Measure, area_path: str | None) -> Decimal | None:
        lines = [
            line
            for line in self.budget_lines
            if area_path is None or (line.area_id and line.area.path.startswith(area_path))
        ]
        if not lines:
            return None
        total = sum(line.amount for line in lines)
        state = sum(line.amount for line in lines if line.is_state_budget)
        socialised = sum(
            line.amount for line in lines if line.source == BudgetLine.Source.SOCIALISED
        )
        values = {
            Measure.BUDGET_TOTAL: total,
            Measure.BUDGET_STATE: state,
            Measure.BUDGET_SOCIALISED: socialised,
            Measure.BUDGET_STATE_SHARE: percent_of(state, total),
            Measure.BUDGET_SOCIALISED_SHARE: percent_of(socialised, total),
            Measure.DISBURSED: sum(line.disbursed for line in lines),
        }
        value = values.get(measure)
        return None if value is None else Decimal(value)


# --- Targets ------------------------------------------------------------------------------


@dataclass
class TargetResult:
    """A target beside its result: counted from the records, or reported with its source."""

    target: Target
    result: Decimal | None

    @property
    def from_records(self) -> bool:
        return not self.target.is_reported

    @property
    def achievement(self) -> Decimal | None:
        """Result / target in percent (51 of 20 → 255)."""
        return percent_of(self.result, self.target.value)

    @property
    def bar(self) -> int:
        """The achievement bar's length, full at 100%."""
        achievement = self.achievement or Decimal(0)
        return int(min(achievement, HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def is_met(self) -> bool:
        return self.result is not None and self.result >= self.target.value


def _target_order(target: Target) -> tuple:
    area_path = target.area.path if target.area_id else ""
    return (area_path, TARGET_MEASURES.index(target.indicator), target.custom_name, target.pk)


def target_results(targets: Iterable[Target], records: YearRecords) -> list[TargetResult]:
    """Each target with its result, province-wide targets first, then by area."""
    rows = []
    for target in sorted(targets, key=_target_order):
        if target.is_reported:
            result = target.reported_value
        else:
            area_path = target.area.path if target.area_id else None
            result = records.value(target.indicator, area_path)
        rows.append(TargetResult(target, result))
    return rows


# --- Budget -------------------------------------------------------------------------------


@dataclass
class BudgetRow:
    """Planned and disbursed amounts of one group of budget lines."""

    key: str
    label: str
    planned: int = 0
    disbursed: int = 0

    @property
    def remaining(self) -> int:
        return self.planned - self.disbursed


@dataclass
class BudgetSummary:
    """A plan's budget by kind of funds, by source and by activity, planned and disbursed."""

    total: BudgetRow
    by_funds: list[BudgetRow]
    by_source: list[BudgetRow]
    by_activity: list[BudgetRow]

    @property
    def state(self) -> BudgetRow:
        return self.by_funds[0]

    @property
    def socialised(self) -> BudgetRow:
        return self.by_funds[1]


FUNDS = [
    ("state", _("Ngân sách nhà nước"), BudgetLine.STATE_SOURCES),
    ("socialised", _("Xã hội hóa"), (BudgetLine.Source.SOCIALISED,)),
    ("other", _("Nguồn hợp pháp khác"), (BudgetLine.Source.OTHER,)),
]


def _rows_by(lines: list[BudgetLine], attribute: str, choices) -> list[BudgetRow]:
    rows = {value: BudgetRow(value, label) for value, label in choices}
    for line in lines:
        row = rows[getattr(line, attribute)]
        row.planned += line.amount
        row.disbursed += line.disbursed
    return [row for row in rows.values() if row.planned or row.disbursed]


def budget_summary(lines: list[BudgetLine]) -> BudgetSummary:
    """Totals of budget lines annotated ``with_disbursed()``: no query of its own."""
    total = BudgetRow("total", _("Tổng cộng"))
    funds = [BudgetRow(key, label) for key, label, _sources in FUNDS]
    for line in lines:
        for row, (_key, _label, sources) in zip(funds, FUNDS, strict=True):
            if line.source in sources:
                row.planned += line.amount
                row.disbursed += line.disbursed
        total.planned += line.amount
        total.disbursed += line.disbursed
    return BudgetSummary(
        total=total,
        by_funds=funds,
        by_source=_rows_by(lines, "source", BudgetLine.Source.choices),
        by_activity=_rows_by(lines, "activity", BudgetLine.Activity.choices),
    )


# --- Published figures --------------------------------------------------------------------


def _step(published: Decimal, unit: str) -> Decimal:
    """The precision a figure was published with. Counts compare exactly; money and shares
    as rounded in the document: "3,6 tỷ đồng" to 0,1 billion, "52,7%" to 0,1 point."""
    if unit not in (Unit.VND, Unit.PERCENT):
        return Decimal(1)
    exponent = published.normalize().as_tuple().exponent
    if unit == Unit.PERCENT:
        exponent = min(exponent, 0)
    return Decimal(1).scaleb(exponent)


@dataclass
class Comparison:
    """A published figure beside the value the records give."""

    figure: PublishedFigure
    recorded: Decimal | None

    @property
    def published(self) -> Decimal:
        return self.figure.value

    @property
    def compared(self) -> Decimal | None:
        """The records' value rounded as the figure was published (52,78 → 52,8)."""
        if self.recorded is None:
            return None
        step = _step(self.published, self.figure.unit)
        return (self.recorded / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step

    @property
    def difference(self) -> Decimal | None:
        """Published minus records: 58 published, 51 in the records → +7."""
        if self.compared is None:
            return None
        return self.published - self.compared

    @property
    def agrees(self) -> bool | None:
        """None when no record counts this figure. Equal once the records' value is rounded to
        the figure's published decimals (52,75% → 52,8% agrees with 52,8%; 52,7% does not)."""
        return None if self.difference is None else self.difference == 0

    @property
    def agrees_rounded(self) -> bool:
        """Agrees only once rounded as published: "khớp (làm tròn)" (52,75% beside 52,8%)."""
        return bool(self.agrees) and self.recorded != self.published

    @property
    def verdict(self) -> str:
        """The one word every page and export gives: khớp, khớp (làm tròn), không khớp."""
        if self.agrees is None:
            return ""
        if self.agrees_rounded:
            return str(_("khớp (làm tròn)"))
        return str(_("khớp")) if self.agrees else str(_("không khớp"))


def compare(
    figures: Iterable[PublishedFigure],
    records: dict[tuple[int, int], YearRecords] | None = None,
) -> list[Comparison]:
    """Each figure beside the records of its province and year.

    ``records`` may hold the ``YearRecords`` a page already read, by (province id, year); the
    others are read here, a few queries per year named in the figures."""
    records = dict(records or {})
    rows = []
    for figure in figures:
        key = (figure.province_id, figure.year)
        if key not in records:
            records[key] = YearRecords(figure.province, figure.year)
        recorded = None if figure.measure == Measure.CUSTOM else records[key].value(figure.measure)
        rows.append(Comparison(figure, recorded))
    return rows
