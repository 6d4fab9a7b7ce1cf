"""The dashboard's "Sau công nhận": what happens to certificates after recognition, by year and
scope — their re-rating, revocations, inspections and the public's reports.

Which year a record counts in is ``core.counting``'s rule: a certificate's re-rating, the year
of its expiry; a revocation, its decision's (its conclusion's while undecided); an inspection,
planned in its own year and done in its record's; a report, the year it was received.

**The outcome of a certificate due in the year** (expiring in it) is one value, on the year's
counting day (31 December, or today for the current year), written once in
:func:`outcome_expression`; the first that holds decides:

1. ``revoked``: revoked by the counting day (a revocation is proposed only for a certificate
   valid on its conclusion's day: in practice before its expiry, or during its grace);
2. ``rerated_on_time``: a later certificate of the product decided on or before the expiry day
   (an upgrade during the validity counts too);
3. ``rerated_late``: a later certificate decided after the expiry day, by the counting day
   (within the grace of Điều 12.3, or after a gap);
4. otherwise the certificate's re-rating state on the counting day (``products.rerating``):
   in grace (filed late, kept valid until the result), filed, late (the window closed, nothing
   filed), open, not yet open, or lapsed (expired, no later certificate, grace over or none).

"Later certificate" is ``rerating.later_certificates``, the rule of the state ``rerated``;
upgraded at re-rating: the first later certificate carries more stars.

The figures read a fixed number of queries whatever the number of records (conditional
aggregates grouped by outcome, ground, kind or point), never one per row.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.caching import cached_until_changed
from core.counting import (
    CERTIFICATE_EXPIRY,
    INSPECTION_DONE,
    INSPECTION_PLANNED,
    REPORT,
    REVOCATION,
    in_year,
    in_years,
    year_lookup,
    year_of,
)
from dashboards.rows import PRODUCERS_PLACES, by_product, counted, read_certificates
from dashboards.scope import Scope
from inspections.models import Inspection, InspectionPoint, PublicReport, points
from products.models import Certificate, Revocation, late_revocation_q
from products.rerating import (
    Schedule,
    State,
    annotate_states,
    later_certificates,
    state_expression,
)


class Outcome(models.TextChoices):
    """Where a certificate due in the year stands with its re-rating on the counting day."""

    RERATED_ON_TIME = "rerated_on_time", _("Đánh giá lại đúng hạn (quyết định đến ngày hết hạn)")
    RERATED_LATE = "rerated_late", _("Đánh giá lại sau ngày hết hạn")
    IN_GRACE = State.IN_GRACE.value, _("Đang đánh giá lại, được giữ hiệu lực (nộp muộn)")
    FILED = State.FILED.value, _("Đã nộp hồ sơ đánh giá lại, chờ kết quả")
    LATE = State.LATE.value, _("Quá hạn nộp, chưa nộp hồ sơ")
    OPEN = State.OPEN.value, _("Đang trong thời hạn nộp hồ sơ")
    NOT_YET_OPEN = State.NOT_YET_OPEN.value, _("Chưa đến thời hạn nộp hồ sơ")
    LAPSED = State.LAPSED.value, _("Hết hiệu lực, không có giấy chứng nhận mới")
    REVOKED = "revoked", _("Bị thu hồi")


RERATED = (Outcome.RERATED_ON_TIME, Outcome.RERATED_LATE)
#: Not yet decided either way on the counting day: the expiry is still to come, or a dossier
#: is being decided.
PENDING = (Outcome.IN_GRACE, Outcome.FILED, Outcome.LATE, Outcome.OPEN, Outcome.NOT_YET_OPEN)
#: The rows of the table, in order.
OUTCOMES = (*RERATED, *PENDING, Outcome.LAPSED, Outcome.REVOKED)
#: The outcomes the re-rating page lists as one of its states (it leaves out revoked
#: certificates and does not tell on time from late).
LISTED_STATES = {outcome: outcome.value for outcome in (*PENDING, Outcome.LAPSED)}


def outcome_expression(on: date, schedule: Schedule) -> Case:
    """The outcome on the day, as a database expression over certificates (the module's rule)."""
    later = later_certificates(on)
    return Case(
        When(revoked_on__lte=on, then=Value(Outcome.REVOKED.value)),
        When(
            Exists(later.filter(decision_date__lte=OuterRef("valid_until"))),
            then=Value(Outcome.RERATED_ON_TIME.value),
        ),
        When(Exists(later), then=Value(Outcome.RERATED_LATE.value)),
        default=state_expression(on, schedule),
        output_field=models.CharField(),
    )


# --- The figures ------------------------------------------------------------------------------


@dataclass
class OutcomeRow:
    outcome: str
    label: str
    count: int = 0
    #: The re-rating page's state listing exactly these certificates ("" when none does).
    state: str = ""


@dataclass
class Rerating:
    """Certificates expiring in the year, by outcome on the counting day."""

    rows: list[OutcomeRow]
    upgraded: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {row.outcome: row.count for row in self.rows}

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def rerated(self) -> int:
        return sum(row.count for row in self.rows if row.outcome in RERATED)

    @property
    def pending(self) -> int:
        return sum(row.count for row in self.rows if row.outcome in PENDING)


@dataclass
class GroundRow:
    ground: str
    label: str
    total: int = 0
    decided: int = 0
    waiting: int = 0
    dropped: int = 0
    late: int = 0


@dataclass
class KindRow:
    kind: str
    label: str
    planned: int = 0
    not_done: int = 0
    done: int = 0
    passed: int = 0
    failed: int = 0


@dataclass
class FollowUpRow:
    key: str
    label: str
    count: int = 0


@dataclass
class PointRow:
    code: str
    title: str
    failed: int = 0


@dataclass
class Reports:
    total: int = 0
    new: int = 0
    processing: int = 0
    closed: int = 0
    inspected: int = 0


@dataclass
class AfterRecognition:
    year: int
    on: date
    today: date
    rerating: Rerating
    revocations: list[GroundRow]
    inspections: list[KindRow]
    follow_ups: list[FollowUpRow]
    points: list[PointRow]
    reports: Reports

    @property
    def links_today(self) -> bool:
        """The re-rating page shows today's states: its lists are these rows only when the
        counting day is today (the current year)."""
        return self.on == self.today

    @property
    def revocations_total(self) -> GroundRow:
        total = GroundRow("", _("Tổng cộng"))
        for row in self.revocations:
            for name in ("total", "decided", "waiting", "dropped", "late"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def inspections_total(self) -> KindRow:
        total = KindRow("", _("Tổng cộng"))
        for row in self.inspections:
            for name in ("planned", "not_done", "done", "passed", "failed"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


@dataclass
class Told:
    """What the rows tell of the re-rating of the certificates expiring in a year: the counts
    of those revoked or re-rated, the upgraded ones, and the keys of the others; ``seen``:
    what their state is read from in their rows (their dates), as text."""

    counts: dict
    upgraded: int
    undecided: list[int]
    seen: str


def tell_reratings(rows: list[dict], year: int, on: date) -> Told:
    """From the rows of ``read_certificates`` (every certificate of their products): the
    certificates expiring in the year revoked or re-rated on the day, as
    :func:`outcome_expression` tells them (its first three cases), and the others' keys."""
    rows_of = by_product(rows)
    counts = dict.fromkeys(OUTCOMES, 0)
    upgraded = 0
    undecided = []
    for row in counted(rows):
        if year_of(CERTIFICATE_EXPIRY, row) != year:
            continue
        if row["revoked_on"] is not None and row["revoked_on"] <= on:
            counts[Outcome.REVOKED] += 1
            continue
        # ``later_certificates``: the product's certificates decided after this one (a
        # decision of the same day when entered after it), by the day.
        mine = (row["decision_date"], row["pk"])
        later = [
            other
            for other in rows_of[row["product_id"]]
            if other["decision_date"] <= on and (other["decision_date"], other["pk"]) > mine
        ]
        if not later:
            undecided.append(row)
            continue
        on_time = any(other["decision_date"] <= row["valid_until"] for other in later)
        counts[Outcome.RERATED_ON_TIME if on_time else Outcome.RERATED_LATE] += 1
        first = min(later, key=lambda other: (other["decision_date"], other["pk"]))
        upgraded += first["stars"] > row["stars"]
    # What ``annotate_states`` reads of the certificate itself besides its later ones (none).
    seen = repr(
        [
            (row["pk"], row["valid_until"], row["extended_until"], row["revoked_on"])
            for row in undecided
        ]
    )
    return Told(counts, upgraded, [row["pk"] for row in undecided], seen)


#: What the re-rating state of a certificate with no later one is read from besides its own
#: dates and the legal bases: the re-rating dossiers filed for it, wherever they were (the
#: generation of every province).
DOSSIER_KINDS = ("evaluations",)


def rerating_figures(told: Told, on: date, schedule: Schedule) -> Rerating:
    """The certificates expiring in the year by outcome on the day, and the upgraded ones:
    what the rows told (``tell_reratings``), the others' re-rating state asked of the
    database by their keys (one query, none when every one is told), kept while their dates,
    the legal bases' periods and the dossiers are the same."""
    counts = dict(told.counts)
    if told.undecided:

        def states(_today) -> dict[str, int]:
            found = (
                annotate_states(Certificate.objects.filter(pk__in=told.undecided), on, schedule)
                .values("rerating_state")
                .annotate(n=Count("pk"))
                .order_by()
            )
            return {row["rerating_state"]: row["n"] for row in found}

        kept, _as_of = cached_until_changed(
            "dashboard.undecided",
            states,
            told.seen,
            on,
            schedule.periods,
            kinds=DOSSIER_KINDS,
            as_of=False,
        )
        for state, n in kept.items():
            counts[Outcome(state)] += n
    rows_out = [
        OutcomeRow(o.value, o.label, counts[o], state=LISTED_STATES.get(o, "")) for o in OUTCOMES
    ]
    return Rerating(rows_out, told.upgraded)


def _revocations(user, scope: Scope):
    # Where the certificate was recognised, as the dashboard's other certificate figures.
    return Revocation.objects.visible_to(user).filter(scope.q("certificate__area__path"))


def revocation_figures(user, scope: Scope, year: int, today: date) -> list[GroundRow]:
    """One query: the year's revocations (``RevocationQuerySet.in_year``, as the list filters
    them) per ground, every ground shown; late: decided after the 15 days, or waiting past
    them today (as the list's "quá hạn")."""
    decided, proposed = Revocation.Status.DECIDED, Revocation.Status.PROPOSED
    counts = (
        _revocations(user, scope)
        .in_year(year)
        .order_by()
        .values("ground")
        .annotate(
            total=Count("pk"),
            decided=Count("pk", filter=Q(status=decided)),
            waiting=Count("pk", filter=Q(status=proposed)),
            dropped=Count("pk", filter=Q(status=Revocation.Status.DROPPED)),
            late=Count("pk", filter=late_revocation_q(today)),
        )
    )
    rows = {value: GroundRow(value, label) for value, label in Revocation.Ground.choices}
    for row in counts:
        target = rows[row["ground"]]
        for name in ("total", "decided", "waiting", "dropped", "late"):
            setattr(target, name, row[name])
    return list(rows.values())


FOLLOW_UPS = (
    ("pending", _("Chờ quyết định xử lý")),
    (Inspection.FollowUp.NONE.value, Inspection.FollowUp.NONE.label),
    (Inspection.FollowUp.CORRECTIVE.value, _("Yêu cầu khắc phục trong thời hạn")),
    ("corrective_overdue", _("— trong đó quá thời hạn khắc phục, chưa tái kiểm tra")),
    (Inspection.FollowUp.REINSPECTION.value, Inspection.FollowUp.REINSPECTION.label),
    (Inspection.FollowUp.REVOCATION.value, Inspection.FollowUp.REVOCATION.label),
)


def _inspections(user, scope: Scope):
    # The producer's area, as the inspections' list filters by area.
    return Inspection.objects.visible_to(user).filter(scope.q("product__producer__area__path"))


def inspection_figures(user, scope: Scope, year: int, today: date):
    """One query: per kind, planned in the year (``Inspection.year``) and still not done,
    done in the year (``done_on``) with their results; and what followed the records of the
    year."""
    planned = in_year(INSPECTION_PLANNED, year)
    done = in_year(INSPECTION_DONE, year)
    S, FU = Inspection.Status, Inspection.FollowUp
    follow_up_filters = {
        "pending": Q(status=S.RECORDED),
        FU.NONE.value: Q(follow_up=FU.NONE),
        FU.CORRECTIVE.value: Q(follow_up=FU.CORRECTIVE),
        # The re-inspection's record closes the follow-up (status back from FOLLOW_UP).
        "corrective_overdue": Q(
            follow_up=FU.CORRECTIVE, status=S.FOLLOW_UP, corrective_deadline__lt=today
        ),
        FU.REINSPECTION.value: Q(follow_up=FU.REINSPECTION),
        FU.REVOCATION.value: Q(follow_up=FU.REVOCATION),
    }
    counts = (
        _inspections(user, scope)
        .filter(planned | done)
        .order_by()
        .values("kind")
        .annotate(
            planned=Count("pk", filter=planned),
            not_done=Count("pk", filter=planned & Q(status=S.PLANNED)),
            done=Count("pk", filter=done),
            passed=Count("pk", filter=done & Q(result=Inspection.Result.PASSED)),
            failed=Count("pk", filter=done & Q(result=Inspection.Result.FAILED)),
            **{f"f_{key}": Count("pk", filter=done & q) for key, q in follow_up_filters.items()},
        )
    )
    kinds = {value: KindRow(value, label) for value, label in Inspection.Kind.choices}
    follow_ups = {key: FollowUpRow(key, label) for key, label in FOLLOW_UPS}
    for row in counts:
        target = kinds[row["kind"]]
        for name in ("planned", "not_done", "done", "passed", "failed"):
            setattr(target, name, row[name])
        for key in follow_ups:
            follow_ups[key].count += row[f"f_{key}"]
    return list(kinds.values()), list(follow_ups.values())


def point_figures(user, scope: Scope, year: int) -> list[PointRow]:
    """One query: per point checked, how many inspections done in the year failed it."""
    counts = (
        InspectionPoint.objects.visible_to(user)
        .filter(
            scope.q("inspection__product__producer__area__path"),
            in_year(INSPECTION_DONE, year, "inspection__"),
            result=InspectionPoint.Result.NOT_MET,
        )
        .order_by()
        .values("code")
        .annotate(n=Count("inspection", distinct=True))
    )
    rows = {point.code: PointRow(point.code, point.title) for point in points()}
    for row in counts:
        # A point no longer in the list of points keeps its code as its title.
        rows.setdefault(row["code"], PointRow(row["code"], row["code"])).failed = row["n"]
    return list(rows.values())


def report_figures(user, scope: Scope, year: int) -> Reports:
    """One query: the reports received in the year by status, and those turned into an
    inspection."""
    status = PublicReport.Status
    counts = (
        PublicReport.objects.visible_to(user)
        .filter(scope.q("product__producer__area__path"), in_year(REPORT, year))
        .aggregate(
            total=Count("pk"),
            new=Count("pk", filter=Q(status=status.NEW)),
            processing=Count("pk", filter=Q(status=status.PROCESSING)),
            closed=Count("pk", filter=Q(status=status.CLOSED)),
            inspected=Count("pk", filter=Q(inspection__isnull=False)),
        )
    )
    return Reports(**counts)


def after_recognition(
    user, scope: Scope, certificates, year: int, on: date, today: date, told=None
) -> AfterRecognition:
    """The section for a year: at most six queries besides the certificates' rows (the legal
    bases' schedule, the re-rating state of the certificates due and neither revoked nor
    re-rated, revocations, inspections, points, reports; the state and the last three kept
    until what they are read from changes). ``certificates``: those the dashboard counts
    (the user's, recognised inside the scope); ``told``: what their rows tell of the
    re-rating (``tell_reratings``), when the dashboard has it already (else read here)."""
    if told is None:
        told = tell_reratings(read_certificates(certificates), year, on)
    inspections, follow_ups, points_failed, reports = _inspected(user, scope, year, today)
    return AfterRecognition(
        year=year,
        on=on,
        today=today,
        rerating=rerating_figures(told, on, Schedule.load()),
        revocations=revocation_figures(user, scope, year, today),
        inspections=inspections,
        follow_ups=follow_ups,
        points=points_failed,
        reports=reports,
    )


#: What the inspections' figures are read from: the inspections and the public's reports, and
#: the producers' areas they are counted by (a certificate saved leaves them as they are).
INSPECTED_KINDS = ("inspections", *PRODUCERS_PLACES)


def _inspected(user, scope: Scope, year: int, today: date) -> tuple:
    """Inspections and their follow-ups, the points failed and the public's reports: three
    queries, kept until a record of ``INSPECTED_KINDS`` changes in the province."""

    def build(_today):
        inspections, follow_ups = inspection_figures(user, scope, year, today)
        return (
            inspections,
            follow_ups,
            point_figures(user, scope, year),
            report_figures(user, scope, year),
        )

    found, _as_of = cached_until_changed(
        "dashboard.inspected",
        build,
        *scope.cache_parts(user),
        year,
        today,
        province=scope.province.code,
        kinds=INSPECTED_KINDS,
        as_of=False,
    )
    return found


# --- Several years side by side ---------------------------------------------------------------


@dataclass
class YearFigures:
    rerated_on_time: int = 0
    rerated_late: int = 0
    lapsed: int = 0
    revoked: int = 0
    inspections_done: int = 0


def years_figures(user, scope: Scope, certificates, days: dict[int, date]) -> dict:
    """Four queries however many years (``days``: each year's counting day): the certificates
    expiring in each year re-rated on time, late and lapsed on its counting day; the
    revocations decided and the inspections done in each year."""
    years = sorted(days)
    figures = {year: YearFigures() for year in years}
    expiry_year = year_lookup(CERTIFICATE_EXPIRY)
    schedule = Schedule.load()
    # Each certificate takes the outcome of its own expiry year's counting day: one CASE
    # branch per year, only its own evaluated.
    outcome = Case(
        *(
            When(in_year(CERTIFICATE_EXPIRY, year), then=outcome_expression(days[year], schedule))
            for year in years
        ),
        output_field=models.CharField(),
    )
    counted = {
        Outcome.RERATED_ON_TIME: "rerated_on_time",
        Outcome.RERATED_LATE: "rerated_late",
        Outcome.LAPSED: "lapsed",
    }
    outcomes = (
        certificates.filter(in_years(CERTIFICATE_EXPIRY, years))
        .order_by()
        .annotate(rerating_outcome=outcome)
        .filter(rerating_outcome__in=list(counted))
        .values(expiry_year, "rerating_outcome")
        .annotate(n=Count("pk"))
    )
    for row in outcomes:
        setattr(figures[row[expiry_year]], counted[Outcome(row["rerating_outcome"])], row["n"])
    decision_year = year_lookup(REVOCATION)
    for row in (
        _revocations(user, scope)
        .filter(in_years(REVOCATION, years), status=Revocation.Status.DECIDED)
        .order_by()
        .values(decision_year)
        .annotate(n=Count("pk"))
    ):
        figures[row[decision_year]].revoked = row["n"]
    done_year = year_lookup(INSPECTION_DONE)
    for row in (
        _inspections(user, scope)
        .filter(in_years(INSPECTION_DONE, years))
        .order_by()
        .values(done_year)
        .annotate(n=Count("pk"))
    ):
        figures[row[done_year]].inspections_done = row["n"]
    return figures
