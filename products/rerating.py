"""Re-rating a certificate before it expires (26/2026/QĐ-TTg): the window, the grace, the state.

- Điều 7.6.a: the re-rating dossier is filed no earlier than 180 and no later than 120 days
  before the certificate's expiry day (``Rules.opens_on`` … ``Rules.closes_on``, both included).
- Điều 12.3: a dossier filed after the window closed, but by the expiry day, keeps the
  certificate valid until the result, at most 180 days past expiry
  (``Certificate.extended_until``, set and cut by the evaluation services through
  :func:`extension_for`).
- Điều 7.6.g: the re-rating is decided within 45 days of the day the dossier is accepted as
  complete (:func:`decision_deadline`).

The numbers are the legal basis's data (``LegalBasis.rerating_*``, ``late_rerating_grace_days``);
the rules governing a certificate are those of the basis in force on its expiry day
(``valid_until``). A certificate expiring before 22/05/2026 has none: no window, no grace.

A certificate's state (:class:`State`) is computed in the database by one annotation,
:func:`annotate_states` (``rerating_state``), which every page, notice and figure uses, so that a
list can be filtered and paged by it; :func:`state_of` reads it for one certificate.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from products.models import Certificate, CertificateQuerySet, LegalBasis

ONE_DAY = timedelta(days=1)

#: The statuses of an evaluation not yet concluded, by value (``Evaluation.OPEN_STATUSES``:
#: this app lies below evaluations and cannot import them; a test keeps the two equal).
OPEN_DOSSIER_STATUSES = (
    "preparing",
    "filed",
    "draft",
    "submitted",
    "received",
    "forwarded",
    "returned",
    "resubmitted",
    "advisory",
    "council",
    "scored",
    "ministry",
    "ministry_declined",
)
#: Of those, the dossiers filed: all but one its producer is still preparing online (filed
#: online, the day filed is its ``filed_on``).
FILED_DOSSIER_STATUSES = tuple(status for status in OPEN_DOSSIER_STATUSES if status != "preparing")


class State(models.TextChoices):
    """Where a certificate stands with its re-rating on a day."""

    #: More days to expiry than the window's opening (180).
    NOT_YET_OPEN = "not_yet_open", gettext_lazy("Chưa đến hạn nộp")
    #: From 180 to 120 days before expiry, both included (or, with no window, any day before
    #: expiry).
    OPEN = "open", gettext_lazy("Đang trong thời hạn nộp")
    #: A re-rating dossier of the certificate filed by its expiry day, not concluded.
    FILED = "filed", gettext_lazy("Đã nộp hồ sơ đánh giá lại")
    #: The window has closed, no dossier, not yet expired.
    LATE = "late", gettext_lazy("Quá hạn nộp")
    #: Filed late: kept valid until the result, at most until ``extended_until``.
    IN_GRACE = "in_grace", gettext_lazy("Đang đánh giá lại")
    #: Expired with no dossier (or one filed after expiry), grace over, or revoked.
    LAPSED = "lapsed", gettext_lazy("Đã hết hiệu lực")
    #: A later certificate of the product exists.
    RERATED = "rerated", gettext_lazy("Đã đánh giá lại")


#: The states a list of certificates to act on shows by default, the most urgent first; the
#: others (not yet open, re-rated) only when asked for.
TO_ACT_ON = (State.IN_GRACE, State.LATE, State.OPEN, State.FILED, State.LAPSED)
#: Every state, in the order lists show them.
ORDER = (*TO_ACT_ON, State.NOT_YET_OPEN, State.RERATED)


# --- The rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The re-rating rules of a legal basis, in days (``None``: the basis sets no such limit)."""

    basis: str
    opens_days: int
    closes_days: int
    grace_days: int | None
    decision_days: int | None

    def opens_on(self, expiry: date) -> date:
        """The first day a dossier may be filed."""
        return expiry - timedelta(days=self.opens_days)

    def closes_on(self, expiry: date) -> date:
        """The last day a dossier may be filed on time."""
        return expiry - timedelta(days=self.closes_days)

    def grace_until(self, expiry: date) -> date | None:
        """The last day a certificate filed late for may be kept valid."""
        return expiry + timedelta(days=self.grace_days) if self.grace_days else None


def rules_of(basis: LegalBasis | None) -> Rules | None:
    """The re-rating rules a legal basis sets, or None when it sets no window."""
    if basis is None or basis.rerating_opens_days is None or basis.rerating_closes_days is None:
        return None
    return Rules(
        basis=basis.code,
        opens_days=basis.rerating_opens_days,
        closes_days=basis.rerating_closes_days,
        grace_days=basis.late_rerating_grace_days,
        decision_days=basis.rerating_decision_days,
    )


@dataclass(frozen=True)
class Period:
    """Certificates expiring from ``start`` to ``end`` (None: open-ended) follow ``rules``."""

    start: date
    end: date | None
    rules: Rules

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def q(self, lookup: str = "valid_until") -> Q:
        within = Q(**{f"{lookup}__gte": self.start})
        if self.end is not None:
            within &= Q(**{f"{lookup}__lte": self.end})
        return within


class Schedule:
    """Which rules govern a certificate, by its expiry day: the legal bases read once (one
    query), cut into periods in each of which one basis is the one in force (the latest to take
    effect, as ``LegalBasis.objects.in_force_on`` answers). Only periods with a window are kept."""

    def __init__(self, bases: Iterable[LegalBasis]):
        bases = list(bases)
        cuts = {basis.in_force_from for basis in bases}
        cuts |= {basis.in_force_until + ONE_DAY for basis in bases if basis.in_force_until}
        cuts = sorted(cuts)
        periods: list[Period] = []
        for index, start in enumerate(cuts):
            end = cuts[index + 1] - ONE_DAY if index + 1 < len(cuts) else None
            rules = rules_of(_in_force(bases, start))
            if rules is None:
                continue
            last = periods[-1] if periods else None
            if last and last.rules == rules and last.end == start - ONE_DAY:
                periods[-1] = Period(last.start, end, rules)
            else:
                periods.append(Period(start, end, rules))
        self.periods = periods

    @classmethod
    def load(cls) -> "Schedule":
        return cls(LegalBasis.objects.all())

    def opens_within(self, default: int) -> int:
        """The most days before expiry a window opens, of all the rules (``default`` when no
        basis sets a window): no certificate expiring later is due yet."""
        return max((period.rules.opens_days for period in self.periods), default=default)

    def rules_for(self, expiry: date) -> Rules | None:
        """The rules of a certificate expiring on this day (None: no window, no grace)."""
        return next((p.rules for p in self.periods if p.contains(expiry)), None)


def _in_force(bases: list[LegalBasis], day: date) -> LegalBasis | None:
    in_force = [basis for basis in bases if basis.is_in_force(day)]
    return max(in_force, key=lambda basis: (basis.in_force_from, basis.pk), default=None)


def rules_for(certificate: Certificate, schedule: Schedule | None = None) -> Rules | None:
    """The rules governing a certificate's re-rating: those of the basis in force on its
    expiry day."""
    return (schedule or Schedule.load()).rules_for(certificate.valid_until)


@dataclass(frozen=True)
class Window:
    """When a certificate's re-rating dossier is filed on time, both days included."""

    opens_on: date
    closes_on: date


def window(certificate: Certificate, schedule: Schedule | None = None) -> Window | None:
    rules = rules_for(certificate, schedule)
    if rules is None:
        return None
    expiry = certificate.valid_until
    return Window(rules.opens_on(expiry), rules.closes_on(expiry))


# --- The grace ---------------------------------------------------------------------------------


def filed_late(certificate: Certificate, filed_on: date, schedule: Schedule | None = None) -> bool:
    """A re-rating dossier filed on this day missed the window but came by the expiry day:
    the certificate is kept valid until the result (Điều 12.3), where the rules give a grace."""
    rules = rules_for(certificate, schedule)
    if rules is None or not rules.grace_days:
        return False
    return rules.closes_on(certificate.valid_until) < filed_on <= certificate.valid_until


def extension_for(
    certificate: Certificate,
    *,
    filed_on: date,
    decided_on: date | None = None,
    schedule: Schedule | None = None,
) -> date | None:
    """What ``Certificate.extended_until`` is for a re-rating dossier filed on ``filed_on`` and,
    once decided, decided on ``decided_on``: the grace's last day, cut at the decision day; None
    when the dossier was not filed late (on time, too early, after expiry, no rules), for a
    revoked certificate, or when the decision came by the expiry day (nothing to extend)."""
    if certificate.revoked_on is not None or not filed_late(certificate, filed_on, schedule):
        return None
    end = rules_for(certificate, schedule).grace_until(certificate.valid_until)
    if decided_on is not None:
        end = min(end, decided_on)
    return end if end > certificate.valid_until else None


# --- The decision's deadline -------------------------------------------------------------------


def decision_deadline(basis: LegalBasis, accepted_on: date | None) -> date | None:
    """The last day a re-rating under this basis is decided: ``rerating_decision_days``
    calendar days from the day the dossier was accepted as complete (Điều 7.6.g); None without
    that day or without such a limit."""
    if accepted_on is None or not basis.rerating_decision_days:
        return None
    return accepted_on + timedelta(days=basis.rerating_decision_days)


# --- The state ---------------------------------------------------------------------------------


def later_certificates(on: date) -> CertificateQuerySet:
    """The certificates of the outer certificate's product decided after it, by the day (a
    decision of the same day counts after it when entered after it): for a subquery. Such a
    certificate makes the outer one re-rated (:data:`State.RERATED`)."""
    return Certificate.objects.filter(product=OuterRef("product"), decision_date__lte=on).filter(
        Q(decision_date__gt=OuterRef("decision_date"))
        | Q(decision_date=OuterRef("decision_date"), pk__gt=OuterRef("pk"))
    )


def _later_certificate(on: date) -> Exists:
    """The product has a certificate decided after this one (by the day)."""
    return Exists(later_certificates(on))


def _filed_dossier(on: date) -> Exists:
    """A re-rating dossier of this certificate (``Evaluation.previous_certificate``), not
    concluded, filed by the day and by the certificate's expiry day (dossiers of the earlier
    process, with no day received, count from the day they were opened). One ``filter()``
    call: every condition holds for the same dossier. Asked of the dossiers alone, by the
    certificate's key (an index probe per certificate), not of certificates joined to them
    (which the database built whole, for every certificate of the country, to hash)."""
    dossiers = Certificate._meta.get_field("follow_up_evaluations").related_model._default_manager
    return Exists(
        dossiers.filter(
            (Q(filed_on__lte=OuterRef("valid_until")) & Q(filed_on__lte=on))
            | Q(filed_on__isnull=True, created_at__date__lte=OuterRef("valid_until")),
            previous_certificate=OuterRef("pk"),
            kind=Certificate.Kind.RENEWAL,
            status__in=FILED_DOSSIER_STATUSES,
        )
    )


def _conditions(on: date, schedule: Schedule) -> list[tuple]:
    """(condition, state), the first that holds deciding; the rules' periods turn the window's
    edges into plain comparisons of ``valid_until`` with days computed here."""
    cases = [
        (_later_certificate(on), State.RERATED),
        (Q(revoked_on__lte=on), State.LAPSED),
        (Q(extended_until__gte=on), State.IN_GRACE),
        # An extension over (its grace ended undecided, or cut by a decision) is a lapse.
        (Q(extended_until__isnull=True) & _filed_dossier(on), State.FILED),
        (Q(valid_until__lt=on), State.LAPSED),
    ]
    for period in schedule.periods:
        within = period.q()
        opens = on + timedelta(days=period.rules.opens_days)
        closes = on + timedelta(days=period.rules.closes_days)
        cases += [
            (within & Q(valid_until__gt=opens), State.NOT_YET_OPEN),
            (within & Q(valid_until__gte=closes), State.OPEN),
            (within, State.LATE),
        ]
    return cases


def could_be(states: Iterable[str], on: date, schedule: Schedule) -> Q:
    """A condition on a certificate's own dates that every certificate in one of ``states``
    on the day meets (read from ``_conditions``; many others meet it too): put beside the
    state, it lets the database leave out the certificates far from their window before it
    computes the state, which asks of the other certificates and the dossiers. ``Q()`` (no
    condition) when a state has none."""
    conditions = [_could_be(state, on, schedule) for state in states]
    if not conditions or any(condition is None for condition in conditions):
        return Q()
    return reduce(or_, conditions)


def _could_be(state: str, on: date, schedule: Schedule) -> Q | None:
    periods = schedule.periods
    if state == State.IN_GRACE:
        return Q(extended_until__gte=on)
    if state == State.LAPSED:
        return Q(revoked_on__lte=on) | Q(valid_until__lt=on)
    if state == State.LATE and periods:
        latest = max(period.rules.closes_days for period in periods)
        return Q(valid_until__gte=on, valid_until__lt=on + timedelta(days=latest))
    if state == State.NOT_YET_OPEN and periods:
        earliest = min(period.rules.opens_days for period in periods)
        return Q(valid_until__gt=on + timedelta(days=earliest))
    if state == State.OPEN:
        return Q(valid_until__gte=on)
    return None


def state_expression(on: date, schedule: Schedule | None = None) -> Case:
    """The state on the day as a database expression over certificates. Without rules (a
    certificate expiring before 26/2026/QĐ-TTg), a valid certificate is OPEN: a dossier may
    be filed any day before expiry."""
    schedule = schedule or Schedule.load()
    cases = _conditions(on, schedule)
    return Case(
        *(When(condition, then=Value(state.value)) for condition, state in cases),
        default=Value(State.OPEN.value),
        output_field=models.CharField(),
    )


def annotate_states(
    certificates: CertificateQuerySet, on: date | None = None, schedule: Schedule | None = None
) -> CertificateQuerySet:
    """Annotate ``rerating_state`` (a :class:`State` value) and ``rerating_rank`` (its place in
    :data:`ORDER`, the most urgent first) on the day (today by default)."""
    on = on or timezone.localdate()
    schedule = schedule or Schedule.load()
    # The rank from the conditions themselves, not from the state: a CASE over the state would
    # copy the state's whole expression (its subqueries) once for every state compared.
    rank = Case(
        *(
            When(condition, then=Value(ORDER.index(state)))
            for condition, state in _conditions(on, schedule)
        ),
        default=Value(ORDER.index(State.OPEN)),
        output_field=models.IntegerField(),
    )
    return certificates.annotate(rerating_state=state_expression(on, schedule), rerating_rank=rank)


def state_of(
    certificate: Certificate, on: date | None = None, schedule: Schedule | None = None
) -> State:
    """One certificate's state on the day (one query, or two without a schedule)."""
    rows = annotate_states(Certificate.objects.filter(pk=certificate.pk), on, schedule)
    return State(rows.values_list("rerating_state", flat=True).get())


def describe(state: str, extended_until: date | None = None) -> str:
    """The state in words: "Đang đánh giá lại, gia hạn đến 30/04/2027" for one in grace."""
    if state == State.IN_GRACE and extended_until is not None:
        return _("Đang đánh giá lại, gia hạn đến %(day)s") % {
            "day": formats.date_format(extended_until, "SHORT_DATE_FORMAT")
        }
    return str(State(state).label)


@dataclass(frozen=True)
class NextStep:
    what: str
    who: str
    #: The producer may file (or the commune receive) a re-rating dossier now.
    may_file: bool = False


def next_step(
    state: str, certificate: Certificate, rules: Rules | None, today: date | None = None
) -> NextStep:
    """What is to be done about a certificate in this state, and by whom. The producer files
    the re-rating dossier at the commune, which receives it (26/2026/QĐ-TTg Điều 7)."""
    today = today or timezone.localdate()

    def day(value: date) -> str:
        return formats.date_format(value, "SHORT_DATE_FORMAT")

    expiry = certificate.valid_until
    producer = _("Chủ thể nộp hồ sơ, Ủy ban nhân dân xã tiếp nhận")
    if state == State.NOT_YET_OPEN:
        return NextStep(
            _("Nộp hồ sơ đánh giá lại từ ngày %(opens)s đến ngày %(closes)s.")
            % {"opens": day(rules.opens_on(expiry)), "closes": day(rules.closes_on(expiry))},
            _("Chủ thể"),
        )
    if state == State.OPEN:
        what = (
            _("Nộp hồ sơ đánh giá lại chậm nhất ngày %(closes)s.")
            % {"closes": day(rules.closes_on(expiry))}
            if rules
            else _("Nộp hồ sơ đánh giá lại trước ngày hết hạn %(day)s.") % {"day": day(expiry)}
        )
        return NextStep(what, producer, may_file=True)
    if state == State.LATE:
        grace = rules.grace_until(expiry) if rules else None
        what = _("Đã quá hạn nộp (%(closes)s); nộp trước ngày hết hạn %(day)s") % {
            "closes": day(rules.closes_on(expiry)),
            "day": day(expiry),
        }
        if grace:
            what += _(
                " thì giấy chứng nhận giữ hiệu lực đến khi có kết quả, không quá ngày %(grace)s."
            ) % {"grace": day(grace)}
        else:
            what += "."
        return NextStep(what, producer, may_file=True)
    if state in (State.FILED, State.IN_GRACE):
        what = _("Hồ sơ đánh giá lại đang được xử lý")
        if rules and rules.decision_days:
            what += _("; tỉnh quyết định trong %(days)s ngày kể từ ngày nhận đủ hồ sơ") % {
                "days": rules.decision_days
            }
        return NextStep(
            what + ".", _("Ủy ban nhân dân xã, Sở Nông nghiệp và Môi trường (xem hồ sơ)")
        )
    if state == State.LAPSED:
        if certificate.revoked_on is not None and certificate.revoked_on <= today:
            return NextStep(_("Giấy chứng nhận đã bị thu hồi."), "—")
        return NextStep(
            _(
                "Sản phẩm không còn được công nhận; chủ thể có thể nộp hồ sơ đánh giá lại "
                "(không được giữ hiệu lực trong thời gian đánh giá)."
            ),
            producer,
            may_file=True,
        )
    return NextStep(_("Sản phẩm đã có giấy chứng nhận mới."), "—")
