"""Scoring: a member's total, the product's score and its stars.

The rules, whatever the legal basis (its numbers come from the criteria set's data):

- a member's total is the sum of the points of the options chosen on their sheet; a criterion
  that applies only when the product has a story is not scored (0 points, nothing to choose)
  when the member chose that there is no story;
- a sheet is complete when every criterion that applies is answered, or when a knock-out was
  chosen (the scoring stops there);
- the product's score is the average of the members' totals, to two decimals, rounded half up;
- the band is the highest whose minimum score the average reaches;
- an option marked ***, **** or ***** is the minimum of its criterion for that star level (a
  lower level's mark carries up to the higher ones until one has its own);
- the stars are those of the highest level up to the band whose minimums are all met, reading
  each criterion's points across the sheets as the evaluation says (the median of the members'
  points by default, the council's agreed sheet, or — for evaluations opened before these
  rules — the lowest member's points); below the 3★ minimums a product is not recognised;
- a knock-out on any sheet (an eliminating option, or a rule that stops the scoring) means the
  product is not rated at all.

``SheetStructure`` is a criteria set loaded once (two queries) and then used for every sheet of
a page or a recomputation; the functions below it work on plain values only.
"""

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

#: How the minimums are read across sheets (the values of models.MinimumsRule).
MEDIAN, COUNCIL, LOWEST = "median", "council", "lowest"

TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)


def average(totals: Sequence[Decimal]) -> Decimal | None:
    """The mean of the members' totals to two decimals, half up (None without any total)."""
    if not totals:
        return None
    mean = sum(totals, ZERO) / Decimal(len(totals))
    return mean.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def min_points_for_stars(marks: Iterable[tuple[Decimal, int]]) -> dict[int, Decimal]:
    """A criterion's minimum points for each star level, from the marks on its options
    ((points, stars) of each option marked ***, **** or *****): the marked option's points,
    carried up to the higher levels until one has its own mark."""
    own: dict[int, Decimal] = {}
    for points, stars in marks:
        own[stars] = min(own.get(stars, Decimal(points)), Decimal(points))
    minimums: dict[int, Decimal] = {}
    current = None
    for stars in range(1, 6):
        current = own.get(stars, current)
        if current is not None:
            minimums[stars] = current
    return minimums


def band_stars(score: Decimal, bands: Iterable[tuple[int, Decimal]]) -> int:
    """The stars of the highest band (stars, minimum score) that the score reaches."""
    ordered = sorted(bands, key=lambda band: (-Decimal(band[1]), -band[0]))
    for stars, minimum in ordered:
        if score >= Decimal(minimum):
            return stars
    return min(stars for stars, _ in ordered)


@dataclass(frozen=True)
class OptionInfo:
    id: int
    criterion_id: int
    code: str
    text: str
    points: Decimal
    is_eliminating: bool
    stops_scoring: bool = False
    from_note: bool = False
    min_stars: int | None = None
    case: str = ""

    # As the sheet's HTML attributes write them, never localised (a template's {{ option.id }}
    # goes through the number formats: a 26/2026 sheet draws some 170 options, three times).
    @property
    def key(self) -> str:
        return str(self.id)

    @property
    def points_attr(self) -> str:
        return format(self.points, "f")


@dataclass
class GroupInfo:
    """A criterion with sub-criteria (6.1 → 6.1.1, 6.1.2): a heading over them."""

    id: int
    code: str
    text: str
    note: str = ""
    criteria: list["CriterionInfo"] = field(default_factory=list)

    @property
    def max_points(self) -> Decimal:
        return sum((criterion.max_points for criterion in self.criteria), ZERO)


@dataclass
class CriterionInfo:
    id: int
    code: str
    text: str
    part_code: str
    options: list[OptionInfo] = field(default_factory=list)
    note: str = ""
    needs_story: bool = False
    tells_story: bool = False
    group: GroupInfo | None = None

    @property
    def max_points(self) -> Decimal:
        return max((option.points for option in self.options), default=ZERO)

    @property
    def printed_options(self) -> list[OptionInfo]:
        """The options printed on the sheet (knock-outs added from its notes aside)."""
        return [option for option in self.options if not option.from_note]

    @property
    def knockouts(self) -> list[OptionInfo]:
        return [option for option in self.options if option.from_note]

    @property
    def cases(self) -> list[tuple[str, list[OptionInfo]]]:
        """The printed options by case ("Trường hợp 1", "Trường hợp 2"): one of two cases is
        scored; a criterion without cases has one group with an empty label."""
        groups: dict[str, list[OptionInfo]] = {}
        for option in self.printed_options:
            groups.setdefault(option.case, []).append(option)
        return list(groups.items())

    @property
    def has_cases(self) -> bool:
        return any(option.case for option in self.options)

    @cached_property
    def min_points(self) -> dict[int, Decimal]:
        """{stars: the points this criterion must reach for them}, from the marks."""
        return min_points_for_stars(
            (option.points, option.min_stars) for option in self.options if option.min_stars
        )


@dataclass
class SectionInfo:
    id: int
    code: str
    name: str
    criteria: list[CriterionInfo] = field(default_factory=list)
    note: str = ""

    @property
    def max_points(self) -> Decimal:
        return sum((criterion.max_points for criterion in self.criteria), ZERO)

    @property
    def blocks(self) -> list[tuple[GroupInfo | None, list[CriterionInfo]]]:
        """The criteria in printed order, sub-criteria under their group's heading."""
        blocks: list[tuple[GroupInfo | None, list[CriterionInfo]]] = []
        for criterion in self.criteria:
            if blocks and criterion.group is not None and blocks[-1][0] is criterion.group:
                blocks[-1][1].append(criterion)
            else:
                blocks.append((criterion.group, [criterion]))
        return blocks


@dataclass
class PartInfo:
    id: int
    code: str
    name: str
    max_points: Decimal
    sections: list[SectionInfo] = field(default_factory=list)

    @property
    def sheet_max_points(self) -> Decimal:
        """What the sheet's options allow; the loader checks it equals ``max_points``."""
        return sum((section.max_points for section in self.sections), ZERO)


@dataclass(frozen=True)
class Missing:
    """A star level's minimum not met: "4★ cần tiêu chí 2.3 ≥ 3 điểm — hội đồng: 1 điểm"."""

    stars: int
    criterion: CriterionInfo
    required: Decimal
    reading: Decimal | None  # the points read across the sheets (None: nobody scored it)


@dataclass
class SheetResult:
    total: Decimal
    part_totals: dict[str, Decimal]
    answered: int
    complete: bool
    #: The knock-outs chosen: (criterion, option), the reason the product is not rated.
    knocked_out: list[tuple[CriterionInfo, OptionInfo]] = field(default_factory=list)
    #: Criteria that do not apply on this sheet (no product story): not scored.
    not_applicable: set[int] = field(default_factory=set)
    #: The points chosen on each criterion (0 for those that do not apply).
    points: dict[int, Decimal] = field(default_factory=dict)
    #: How many criteria this sheet must answer.
    required: int = 0


@dataclass
class Rating:
    """The stars a score earns once the minimums are read: the band the score reaches, the
    stars of the highest level whose minimums are met, and what the levels above miss."""

    band_stars: int
    stars: int
    missing: list[Missing]


@dataclass
class EvaluationResult:
    score: Decimal | None
    band_stars: int | None
    stars: int | None
    eliminated: bool
    complete: bool
    sheets: list[SheetResult]
    #: Every knock-out chosen on a sheet, once: (criterion, option).
    knocked_out: list[tuple[CriterionInfo, OptionInfo]] = field(default_factory=list)
    #: The minimums of the levels between the stars and the band that are not met.
    missing: list[Missing] = field(default_factory=list)
    #: {criterion id: the points the minimums are read from}.
    readings: dict[int, Decimal | None] = field(default_factory=dict)
    rule: str = MEDIAN
    #: The members' totals, and how far apart the highest and the lowest are.
    totals: list[Decimal] = field(default_factory=list)

    @property
    def spread(self) -> Decimal:
        return max(self.totals) - min(self.totals) if self.totals else ZERO

    @property
    def eliminated_by(self) -> list[CriterionInfo]:
        return [criterion for criterion, _ in self.knocked_out]


class SheetStructure:
    """A criteria set's parts → sections → criteria → options, and its star bands."""

    def __init__(self, criteria_set, parts: list[PartInfo], bands: list[tuple[int, Decimal]]):
        self.criteria_set = criteria_set
        self.parts = parts
        self.bands = bands
        self.criteria = {
            criterion.id: criterion
            for part in parts
            for section in part.sections
            for criterion in section.criteria
        }
        self.options = {
            option.id: option
            for criterion in self.criteria.values()
            for option in criterion.options
        }

    @classmethod
    def load(cls, criteria_set) -> "SheetStructure":
        """Two queries: the parts, then every option with its criterion, group and section."""
        from evaluations.models import Option, Part

        parts = {
            part.pk: PartInfo(part.pk, part.code, part.name, part.max_points)
            for part in Part.objects.filter(criteria_set=criteria_set).order_by("order", "code")
        }
        options = Option.objects.filter(
            criterion__section__part__criteria_set=criteria_set
        ).select_related("criterion__section__part", "criterion__parent")

        def printed_order(option):
            criterion, section = option.criterion, option.criterion.section
            parent = criterion.parent
            top = (parent.order, parent.code) if parent else (criterion.order, criterion.code)
            child = (criterion.order, criterion.code) if parent else (-1, "")
            return (
                section.part.order,
                section.part.code,
                section.order,
                section.code,
                *top,
                *child,
                option.order,
                option.code,
            )

        sections: dict[int, SectionInfo] = {}
        groups: dict[int, GroupInfo] = {}
        criteria: dict[int, CriterionInfo] = {}
        for option in sorted(options, key=printed_order):
            criterion, section = option.criterion, option.criterion.section
            if section.pk not in sections:
                sections[section.pk] = SectionInfo(
                    section.pk, section.code, section.name, note=section.note
                )
                parts[section.part_id].sections.append(sections[section.pk])
            if criterion.pk not in criteria:
                group = None
                if criterion.parent is not None:
                    parent = criterion.parent
                    group = groups.setdefault(
                        parent.pk, GroupInfo(parent.pk, parent.code, parent.text, parent.note)
                    )
                criteria[criterion.pk] = CriterionInfo(
                    criterion.pk,
                    criterion.code,
                    criterion.text,
                    section.part.code,
                    note=criterion.note,
                    needs_story=criterion.needs_story,
                    tells_story=criterion.tells_story,
                    group=group,
                )
                if group is not None:
                    group.criteria.append(criteria[criterion.pk])
                sections[section.pk].criteria.append(criteria[criterion.pk])
            criteria[criterion.pk].options.append(
                OptionInfo(
                    option.pk,
                    criterion.pk,
                    option.code,
                    option.text,
                    option.points,
                    option.is_eliminating,
                    option.stops_scoring,
                    option.from_note,
                    option.min_stars_required,
                    option.case,
                )
            )
        bands = [(band.stars, band.min_score) for band in criteria_set.bands]
        return cls(criteria_set, list(parts.values()), bands)

    @property
    def max_total(self) -> Decimal:
        return sum((part.max_points for part in self.parts), ZERO)

    def applicable(self, chosen: Mapping[int, int]) -> set[int]:
        """The criteria this sheet scores: all, but those that apply only when a product story
        exists when the member chose the 0-point option (no story) of the story criterion."""
        no_story = any(
            criterion.tells_story
            and (option := self.options.get(chosen.get(criterion.id))) is not None
            and option.criterion_id == criterion.id
            and option.points == ZERO
            for criterion in self.criteria.values()
        )
        return {
            criterion.id
            for criterion in self.criteria.values()
            if not (no_story and criterion.needs_story)
        }

    def sheet_result(self, chosen: Mapping[int, int]) -> SheetResult:
        """A sheet's totals from {criterion id: option id}; unknown ids are ignored."""
        part_totals = {part.code: ZERO for part in self.parts}
        applicable = self.applicable(chosen)
        knocked_out = []
        points = {cid: ZERO for cid in self.criteria if cid not in applicable}
        answered = 0
        for criterion_id, option_id in chosen.items():
            criterion, option = self.criteria.get(criterion_id), self.options.get(option_id)
            if criterion is None or option is None or option.criterion_id != criterion_id:
                continue
            if criterion_id not in applicable:
                continue
            answered += 1
            points[criterion_id] = option.points
            part_totals[criterion.part_code] += option.points
            if option.is_eliminating:
                knocked_out.append((criterion, option))
        return SheetResult(
            total=sum(part_totals.values(), ZERO),
            part_totals=part_totals,
            answered=answered,
            complete=bool(knocked_out) or answered == len(applicable),
            knocked_out=knocked_out,
            not_applicable=set(self.criteria) - applicable,
            points=points,
            required=len(applicable),
        )

    def stars_for(self, score: Decimal) -> int:
        return band_stars(score, self.bands)

    def rate(self, score: Decimal, readings: Mapping[int, Decimal | None]) -> Rating:
        """The stars for a score whose criteria read `readings` (see the module's rules)."""
        band = self.stars_for(score)
        unmet: dict[int, list[Missing]] = {}
        for criterion in self.criteria.values():
            reading = readings.get(criterion.id)
            for stars, required in criterion.min_points.items():
                if stars <= band and (reading is None or reading < required):
                    unmet.setdefault(stars, []).append(Missing(stars, criterion, required, reading))
        levels = sorted((stars for stars, _ in self.bands if stars <= band), reverse=True)
        stars = next((level for level in levels if level not in unmet), min(levels))
        missing = [
            item
            for level in sorted(unmet, reverse=True)
            if stars < level <= band
            for item in unmet[level]
        ]
        return Rating(band, stars, missing)

    def readings(
        self, sheets: Sequence[SheetResult], rule: str, council: SheetResult | None = None
    ) -> dict[int, Decimal | None]:
        """Each criterion's points as the minimums read them: the median (or the lowest) of
        the points of the sheets that scored it, or the council's agreed sheet's."""
        if rule == COUNCIL:
            return {cid: (council.points.get(cid) if council else None) for cid in self.criteria}
        readings: dict[int, Decimal | None] = {}
        for cid in self.criteria:
            scored = [sheet.points[cid] for sheet in sheets if cid in sheet.points]
            if not scored:
                readings[cid] = None
            elif rule == LOWEST:
                readings[cid] = min(scored)
            else:
                readings[cid] = Decimal(statistics.median(scored))
        return readings

    def evaluation_result(
        self,
        sheets: Sequence[Mapping[int, int]],
        *,
        rule: str = MEDIAN,
        council: Mapping[int, int] | None = None,
    ) -> EvaluationResult:
        """The product's result from every member's choices, and the council's agreed sheet
        when the minimums are read from it (see the module's rules)."""
        results = [self.sheet_result(chosen) for chosen in sheets]
        agreed = self.sheet_result(council) if council is not None else None
        started = [result for result in results if result.answered]
        score = average([result.total for result in started])
        every = [*results, *([agreed] if agreed else [])]
        knocked_out = sorted(
            {option.id: (c, option) for r in every for c, option in r.knocked_out}.values(),
            key=lambda pair: (pair[0].code, pair[1].code),
        )
        readings = self.readings(started, rule, agreed)
        band = stars = None
        missing: list[Missing] = []
        if score is not None:
            rating = self.rate(score, readings)
            band, stars, missing = rating.band_stars, rating.stars, rating.missing
        if knocked_out:
            stars, missing = None, []
        complete = bool(results) and all(result.complete for result in results)
        if rule == COUNCIL:
            complete = complete and agreed is not None and agreed.complete
        return EvaluationResult(
            score=score,
            band_stars=band,
            stars=stars,
            eliminated=bool(knocked_out),
            complete=complete,
            sheets=results,
            knocked_out=knocked_out,
            missing=missing,
            readings=readings,
            rule=rule,
            totals=[result.total for result in started],
        )
