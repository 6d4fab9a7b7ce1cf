"""The signed-in user's work: what waits for them, in five sections, and how much of it the menu
shows on every page.

- ``returned``: dossiers returned to the commune (the local officers of the product's area, who
  fill in and resubmit), each with the latest return's reason.
- ``sheets``: score sheets still to be entered by this user, as ``workflow.sheet_lock_reason``
  decides: under 26/2026 the province's council scores and its secretary (an officer of the
  Department) enters the members' sheets while the dossier is with the council; under the
  earlier decisions the local officers enter them while the dossier is a draft or returned. A
  round that has closed locks its sheets.
- ``waiting``: dossiers whose next step is this user's (``workflow.next_step``): at the commune
  the dossiers its producers filed online, to receive or return, and those it received and
  must pre-assess and forward within its working days (a draft
  to score and submit under the earlier decisions); at the Department every step from the
  completeness check to the decision and the centre's answer. Each with its deadline (the
  commune's 15 working days; the round's decision cut-off at the province; the round's end for
  an earlier draft), sorted by it, and late ones flagged. Since 01/07/2025 only the province
  decides (``workflow.deciding_level``), so a dossier waiting for a decision is the
  Department's.
- ``certificates``: certificates of the user's areas to re-rate (``certificates_to_rerate``).
- ``requests``: the Department's open requests for documents on open dossiers of the user's
  areas, which the commune answers.

The Department (``evaluation.review``) sees the sheets, the waiting dossiers and the
certificates; the local officers (``evaluation.add``) every section but the Department's
sheets and steps; administrators all of them.

The menu of every page shows the total, and must not pay a query for it. The counts
(``todo_counts``: computed by ``count``, one query per kind of record) are kept per user in
Django's cache (Redis, shared by the workers, in production) with the *generations* they were
computed from (``core.caching``): the counters of the user's provinces (every province for an
administrator) for the records of evaluations (dossiers, sheets, requests, documents) and of
products (certificates), which every save or deletion of such a record moves on for its
province. A transition saves its evaluation; a sheet's save, which writes through update(),
moves them in ``evaluations.services.refresh_result``. So the version is one per province and
kind, not per user: any change there has its users' counts counted again. The kept counts are
used while those generations, the day and what the policy lets the user do are unchanged; a
change of the user's areas drops them (``areas_changed``, connected in the app's config); a
write no signal sees is seen within ``caching.CACHE_SECONDS``.

The menu reads them from the cache only (``kept_counts``, no query, warm or not). When they are
stale the page is not made to wait: the menu shows the entry without a number and asks
``todo_counts`` for it once the page has loaded (static/js/todo.js), which counts and keeps
them for the next pages. The home page counts them itself (its sections' totals) and keeps
them, and signing in counts them, so that the first page has its number.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import caching, policy, workdays
from core.lists import PAGE_SIZE
from evaluations import dossier, workflow
from evaluations.models import DocumentRequest, Evaluation, ScoreSheet, Transition
from products import rerating
from products.models import Certificate, Process

logger = logging.getLogger(__name__)
S = Evaluation.Status

#: How many rows each section of the home page shows; its "see all" page has the rest.
LIMIT = 10
#: Before any legal basis sets a re-rating window, the days before expiry the home page
#: reminds of a certificate (the bases' own windows decide once there are some).
RERATE_WITHIN_DAYS = 180
#: The kinds of records (``core.caching``: the apps' labels) the counts are made of.
RECORD_KINDS = ("evaluations", "products")

#: The steps at the commune: filed online by the producer (to receive or return), received
#: (26/2026), a draft to score and submit (earlier).
LOCAL_STEPS = (S.FILED, S.RECEIVED, S.DRAFT)
#: The steps at the province, up to the decision and the centre's answer.
PROVINCE_STEPS = (*Evaluation.WAITING_STATUSES, S.PROPOSED_CENTRAL)
#: The steps waiting for the centre: no deadline of the province's.
CENTRAL_STEPS = (S.MINISTRY, S.PROPOSED_CENTRAL)

#: The path of a dossier's area, from the dossier and from what hangs on it.
AREA = "product__producer__area__path"


# --- The sections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    #: What is done when the section is empty.
    empty: str
    icon: str


KINDS_OF_WORK = (
    Kind(
        "returned",
        _("Bị trả lại cho tôi"),
        _("Không có hồ sơ nào bị trả lại cho bạn."),
        "arrow-return-left",
    ),
    Kind(
        "sheets",
        _("Phiếu chấm chưa xong"),
        _("Không có phiếu chấm nào chờ bạn nhập."),
        "ui-checks",
    ),
    Kind(
        "waiting",
        _("Hồ sơ chờ tôi xử lý"),
        _("Không có hồ sơ nào chờ bạn."),
        "inbox",
    ),
    Kind(
        "certificates",
        _("Giấy chứng nhận cần đánh giá lại"),
        _("Không có giấy chứng nhận nào đến hạn nộp hồ sơ đánh giá lại mà chưa nộp."),
        "patch-exclamation",
    ),
    Kind(
        "requests",
        _("Tài liệu được yêu cầu bổ sung"),
        _("Không có đề nghị bổ sung tài liệu nào đang chờ."),
        "file-earmark-plus",
    ),
)


def _is_local(user) -> bool:
    return bool(policy.can(user, "evaluation.add"))


def _reviews(user) -> bool:
    return bool(policy.can(user, "evaluation.review"))


def kinds_for(user) -> list[Kind]:
    """The sections of this user's role; none for a user who works nowhere."""
    if not policy.works_somewhere(user):
        return []
    local, reviews = _is_local(user), _reviews(user)
    wanted = {"certificates"}
    if local:
        wanted |= {"returned", "sheets", "waiting", "requests"}
    if reviews:
        wanted |= {"sheets", "waiting"}
    return [kind for kind in KINDS_OF_WORK if kind.slug in wanted]


# --- What is in each section: one queryset each ------------------------------------------------


def _none(model) -> QuerySet:
    return model.objects.none()


def returned(user) -> QuerySet:
    """Dossiers returned to the commune, for the local officers of the product's area."""
    if not _is_local(user):
        return _none(Evaluation)
    return Evaluation.objects.visible_to(user).filter(status=S.RETURNED)


def _my_steps(user) -> list[str]:
    statuses = []
    if _is_local(user):
        statuses += LOCAL_STEPS
    if _reviews(user):
        statuses += PROVINCE_STEPS
    return statuses


def waiting(user) -> QuerySet:
    """Dossiers whose next step is this user's (their returned ones have a section of their
    own)."""
    return Evaluation.objects.visible_to(user).filter(status__in=_my_steps(user))


def sheets(user, today: date) -> QuerySet:
    """Sheets this user must still enter: not complete, of a dossier whose sheets they may
    change now (``workflow.sheet_lock_reason``, as a filter)."""
    two_level = Q(evaluation__criteria_set__legal_basis__process=Process.TWO_LEVEL)
    editable = Q(pk__in=[])
    if _reviews(user):
        # 26/2026: the council's secretary, while the dossier is with the council.
        statuses = [s for s in Evaluation.EDITABLE_STATUSES if s != S.RETURNED]
        editable |= two_level & Q(evaluation__status__in=statuses)
    if _is_local(user):
        # The earlier decisions: the local officers, while a draft or returned.
        editable |= ~two_level & Q(evaluation__status__in=Evaluation.EDITABLE_STATUSES)
    round_open = Q(evaluation__round__closes_on__isnull=True) | Q(
        evaluation__round__closes_on__gte=today
    )
    return ScoreSheet.objects.filter(
        policy.inside(user, f"evaluation__{AREA}"), editable, round_open, is_complete=False
    )


def certificates_to_rerate(user, today: date) -> QuerySet:
    """Certificates of the user's areas whose re-rating dossier is due and not filed: the
    window is open (180 to 120 days before expiry), or it has closed and the certificate has
    not yet expired (a dossier filed then still keeps it valid until the result)."""
    schedule = rerating.Schedule.load()
    within = schedule.opens_within(default=RERATE_WITHIN_DAYS)
    certificates = Certificate.objects.visible_to(user).filter(
        valid_until__gte=today, valid_until__lte=today + timedelta(days=within)
    )
    return rerating.annotate_states(certificates, today, schedule).filter(
        rerating_state__in=(rerating.State.OPEN, rerating.State.LATE)
    )


def requests(user) -> QuerySet:
    """The Department's open requests for documents, on open dossiers of the user's areas:
    the commune's to answer."""
    if not _is_local(user):
        return _none(DocumentRequest)
    return DocumentRequest.objects.filter(
        policy.inside(user, f"evaluation__{AREA}"),
        fulfilled_at__isnull=True,
        evaluation__status__in=policy.DOSSIER_OPEN_STATUSES,
    )


# --- The counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodoCounts:
    returned: int = 0
    sheets: int = 0
    waiting: int = 0
    certificates: int = 0
    requests: int = 0
    #: False for the menu of a page built while the counts were stale (``kept_counts``).
    known: bool = field(default=True, compare=False)

    @property
    def total(self) -> int:
        return sum(self.of(kind.slug) for kind in KINDS_OF_WORK)

    def of(self, slug: str) -> int:
        return getattr(self, slug)


#: What the menu shows when the counts have changed since they were last counted.
UNKNOWN = TodoCounts(known=False)


def count(user, today: date | None = None) -> TodoCounts:
    """The size of each of the user's sections, from the database: one query per kind of
    record (dossiers, sheets, certificates, requests), none for a section the role has not."""
    if not policy.is_signed_in(user):
        return TodoCounts()
    today = today or timezone.localdate()
    slugs = {kind.slug for kind in kinds_for(user)}
    if not slugs:
        return TodoCounts()
    found = {}
    if "waiting" in slugs:
        # The returned and the waiting dossiers in one query.
        counts = {"waiting": Count("pk", filter=Q(status__in=_my_steps(user)))}
        if "returned" in slugs:
            counts["returned"] = Count("pk", filter=Q(status=S.RETURNED))
        found.update(Evaluation.objects.visible_to(user).aggregate(**counts))
    if "sheets" in slugs:
        found["sheets"] = sheets(user, today).count()
    if "certificates" in slugs:
        found["certificates"] = certificates_to_rerate(user, today).count()
    if "requests" in slugs:
        found["requests"] = requests(user).count()
    return TodoCounts(**{slug: found.get(slug, 0) for slug in slugs})


def _key(user_pk) -> str:
    return f"todo:{user_pk}"


def _who(user) -> tuple:
    """What the sections depend on, of the user record itself (their areas apart): what the
    policy lets them do (no query)."""
    return (_is_local(user), _reviews(user), _everywhere(user))


def _everywhere(user) -> bool:
    return bool(policy.can(user, "everything.view"))


def _provinces(user) -> tuple:
    """The provinces whose records the counts are made of (None: every province)."""
    if _everywhere(user):
        return (None,)
    return tuple(path.rstrip("/") for path in policy.province_paths(user))


def _generations(provinces: tuple) -> tuple:
    return tuple(caching.generations(province, RECORD_KINDS) for province in provinces)


@dataclass
class _Watch:
    """The state of the cache before counting: kept with the counts, so that a change made
    while they were counted makes them stale at once."""

    user: object
    today: date
    provinces: tuple = field(init=False)
    generations: tuple = field(init=False)

    def __post_init__(self):
        self.provinces = _provinces(self.user)
        self.generations = _generations(self.provinces)

    def keep(self, counts: TodoCounts) -> TodoCounts:
        entry = {
            "who": _who(self.user),
            "today": self.today,
            "provinces": self.provinces,
            "generations": self.generations,
            "counts": counts,
        }
        cache.set(_key(self.user.pk), entry, caching.CACHE_SECONDS)
        return counts


def _fresh_entry(user, today: date) -> dict | None:
    """The user's kept counts, if nothing they are made of has changed since (cache reads
    only)."""
    entry = cache.get(_key(user.pk))
    if (
        entry is not None
        and entry["who"] == _who(user)
        and entry["today"] == today
        and entry["generations"] == _generations(entry["provinces"])
    ):
        return entry
    return None


def kept_counts(user) -> TodoCounts:
    """What the menu of every page shows, never at the cost of a query: the counts kept for
    the user while nothing they are made of has changed, else ``UNKNOWN`` (the menu then asks
    ``todo_counts`` for them once the page has loaded)."""
    if not policy.is_signed_in(user) or policy.is_producer_account(user):
        # A producer's account has no staff work: nothing to count, nothing to ask.
        return TodoCounts()
    entry = _fresh_entry(user, timezone.localdate())
    return entry["counts"] if entry is not None else UNKNOWN


def todo_counts(user) -> TodoCounts:
    """The user's counts: kept ones while nothing they are made of has changed (no query),
    else counted again (``count``) and kept."""
    if not policy.is_signed_in(user) or policy.is_producer_account(user):
        return TodoCounts()
    today = timezone.localdate()
    entry = _fresh_entry(user, today)
    if entry is not None:
        return entry["counts"]
    watch = _Watch(user, today)
    return watch.keep(count(user, today))


def forget(user_pks) -> None:
    """Drop the kept counts of these users (their areas changed)."""
    cache.delete_many([_key(pk) for pk in user_pks])


def areas_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed of ``User.areas``: the users whose areas changed are counted again (from a
    user: that user; from an area: the users added or removed, or all its officers before a
    clear)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        forget([instance.pk])
    elif action == "pre_clear":
        forget(instance.officers.values_list("pk", flat=True))
    else:
        forget(pk_set or [])


def signed_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: count the new session's work now, so that its first page shows the
    number. Never at the cost of the sign-in: a failure is logged (the menu counts later)."""
    if not policy.is_signed_in(user):
        return
    try:
        with transaction.atomic():
            todo_counts(user)
    except Exception:
        logger.exception("Could not count the work of user %s", user.pk)


# --- The rows of the home page and of a section's page ----------------------------------------


def _latest_returns(evaluations) -> dict[int, Transition]:
    """The latest return of each evaluation given (``workflow.latest_return``), in one query."""
    latest: dict[int, Transition] = {}
    steps = (
        Transition.objects.filter(
            evaluation__in=[e.pk for e in evaluations], action=Transition.Action.RETURN
        )
        .select_related("by")
        .order_by("evaluation", "-at", "-pk")
    )
    for step in steps:
        latest.setdefault(step.evaluation_id, step)
    return latest


def deadline_of(evaluation: Evaluation) -> date | None:
    """The day the next step of a waiting dossier is due: the commune's working days from the
    day it received the dossier (else the round's forwarding cut-off); the round's end for an
    earlier draft (its sheets lock); the round's decision cut-off at the province (else its
    end); none while the centre decides."""
    round_ = evaluation.round
    if evaluation.status in (S.RECEIVED, S.FILED):
        return dossier.commune_deadline(evaluation) or round_.forward_by
    if evaluation.status in CENTRAL_STEPS:
        return None
    if evaluation.status in Evaluation.LOCAL_STATUSES:
        return round_.closes_on
    return round_.decide_by or round_.closes_on


def _by_deadline(keys: list[Evaluation]) -> list[int]:
    """The ids of the dossiers, the earliest deadline first, those without one last."""
    dated = [(deadline_of(e), e.pk) for e in keys]
    dated.sort(key=lambda row: (row[0] is None, row[0] or date.min, row[1]))
    return [pk for _day, pk in dated]


def _waiting_keys(user) -> list[Evaluation]:
    """Every waiting dossier with only what its deadline is read from (a few columns)."""
    return list(
        waiting(user)
        .select_related("round", "criteria_set__legal_basis")
        .only(
            "status",
            "filed_on",
            "round__forward_by",
            "round__decide_by",
            "round__closes_on",
            "criteria_set__legal_basis__local_review_working_days",
        )
        .order_by()
    )


def _waiting_rows(ids: list[int], today: date) -> list[Evaluation]:
    rows = {
        e.pk: e
        for e in Evaluation.objects.filter(pk__in=ids)
        .for_lists()
        .prefetch_related("criteria_set__legal_basis__star_bands")
    }
    ordered = [rows[pk] for pk in ids if pk in rows]
    for evaluation in ordered:
        evaluation.next = workflow.next_step(evaluation)
        evaluation.deadline = deadline_of(evaluation)
        evaluation.deadline_status = (
            workdays.deadline_status(evaluation.deadline, today) if evaluation.deadline else None
        )
    return ordered


def _returned_rows(queryset: QuerySet) -> list[Evaluation]:
    rows = list(queryset)
    latest = _latest_returns(rows)
    for evaluation in rows:
        evaluation.latest_return = latest.get(evaluation.pk)
    return rows


def _ordered(slug: str, user, today: date) -> QuerySet:
    """A section's rows, in the order they are worked through, with what each row shows."""
    if slug == "returned":
        latest = Transition.objects.filter(
            evaluation=OuterRef("pk"), action=Transition.Action.RETURN
        ).order_by("-at", "-pk")
        # The longest waiting first.
        return (
            returned(user)
            .for_lists()
            .annotate(returned_at=Subquery(latest.values("at")[:1]))
            .order_by("returned_at", "pk")
        )
    if slug == "sheets":
        return (
            sheets(user, today)
            .select_related("member", "evaluation__product__producer__area", "evaluation__round")
            .order_by(
                "evaluation__round__closes_on", "evaluation_id", "is_council", "member__order", "pk"
            )
        )
    if slug == "certificates":
        return (
            certificates_to_rerate(user, today)
            .select_related("product__producer__area")
            .order_by("valid_until", "pk")
        )
    if slug == "requests":
        return (
            requests(user)
            .select_related("evaluation__product__producer__area", "evaluation__round")
            .order_by("asked_at", "pk")
        )
    raise ValueError(slug)


def _decorate(slug: str, rows: list, today: date) -> list:
    if slug == "returned":
        return _returned_rows(rows)
    if slug == "certificates":
        for certificate in rows:
            certificate.days_left = (certificate.valid_until - today).days
    return rows


@dataclass(frozen=True)
class Section:
    kind: Kind
    total: int
    rows: list

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class TodoList:
    sections: list[Section]
    counts: TodoCounts

    @property
    def total(self) -> int:
        return self.counts.total


def todo_list(user, today: date | None = None, limit: int = LIMIT) -> TodoList:
    """The user's sections with at most ``limit`` rows each and their totals, in a fixed
    number of queries whatever their size; the counts are kept for the menu."""
    today = today or timezone.localdate()
    watch = _Watch(user, today)
    counts = count(user, today)
    sections = []
    for kind in kinds_for(user):
        if kind.slug == "waiting":
            ids = _by_deadline(_waiting_keys(user))[:limit] if counts.waiting else []
            rows = _waiting_rows(ids, today)
        elif counts.of(kind.slug):
            rows = _decorate(kind.slug, list(_ordered(kind.slug, user, today)[:limit]), today)
        else:
            rows = []
        sections.append(Section(kind, counts.of(kind.slug), rows))
    # The work first; the sections with nothing in them after it, in the same order.
    sections.sort(key=lambda section: not section.total)
    return TodoList(sections, watch.keep(counts))


def section_page(user, slug: str, page_number, today: date | None = None) -> Page:
    """One page of a whole section (its "see all")."""
    today = today or timezone.localdate()
    if slug == "waiting":
        paginator = Paginator(_by_deadline(_waiting_keys(user)), PAGE_SIZE)
        page = paginator.get_page(page_number)
        page.object_list = _waiting_rows(list(page.object_list), today)
        return page
    page = Paginator(_ordered(slug, user, today), PAGE_SIZE).get_page(page_number)
    page.object_list = _decorate(slug, list(page.object_list), today)
    return page
