from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Value, When, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from areas.models import Area
from core import policy
from core.caching import cached_until_changed
from core.lists import page_of, sort
from evaluations import dossier, workflow
from evaluations.filters import EvaluationFilter
from evaluations.models import Evaluation, Level, Transition

S = Evaluation.Status
#: A queue shows at most this many evaluations per section (the dossiers waiting for a
#: decision, those proposed to the Ministry, each of the commune's steps); the list shows them
#: all, and the section links to it.
QUEUE_LIMIT = 25

SORT_COLUMNS = {
    "product": ("product__search_name",),
    "round": ("round__year", "round__number", "product__search_name"),
    "area": ("product__producer__area__full_name", "product__search_name"),
    "status": ("status", "product__search_name"),
    "score": ("score", "product__search_name"),
    "updated": ("updated_at",),
}


def _for_rows(evaluations):
    """What a row of a list or queue shows, read with the rows."""
    return evaluations.for_lists().prefetch_related("criteria_set__legal_basis__star_bands")


def _visible(user):
    return _for_rows(Evaluation.objects.visible_to(user))


def district_of(area: Area) -> Area:
    """The district an area lies in (itself for a district, or a commune made after 07/2025)."""
    if (
        area.level == Area.Level.COMMUNE
        and area.parent
        and area.parent.level == Area.Level.DISTRICT
    ):
        return area.parent
    return area


def _by_round_and_district(
    evaluations: list[Evaluation], totals: dict[int, int] | None = None
) -> list[dict]:
    """[{round, districts: [{area, evaluations}], count, shown}] in round order, districts by
    name; ``count`` the round's dossiers in ``totals`` (by round) when given, else those here."""
    groups = []
    for round_, items in groupby(evaluations, key=lambda evaluation: evaluation.round):
        items = sorted(
            items,
            key=lambda e: (district_of(e.product.producer.area).name, e.product.search_name),
        )
        districts = [
            {"area": area, "evaluations": list(rows)}
            for area, rows in groupby(items, key=lambda e: district_of(e.product.producer.area))
        ]
        count = (totals or {}).get(round_.pk, len(items))
        groups.append(
            {"round": round_, "districts": districts, "count": count, "shown": len(items)}
        )
    return groups


def _latest_returns(evaluations) -> dict[int, Transition]:
    """The latest return of each returned evaluation given, in one query."""
    ids = [e.pk for e in evaluations if e.status == S.RETURNED]
    latest: dict[int, Transition] = {}
    steps = (
        Transition.objects.filter(evaluation__in=ids, action=Transition.Action.RETURN)
        .select_related("by")
        .order_by("evaluation", "-at", "-pk")
    )
    for step in steps:
        latest.setdefault(step.evaluation_id, step)
    return latest


def with_next_steps(evaluations: list[Evaluation]) -> list[Evaluation]:
    """Each evaluation with ``next`` (who acts next, what, and the return's reason), at the
    commune its deadline (``commune_deadline``, ``commune_overdue``) and, for a re-rating the
    province found complete, the decision's (``decision_deadline``, ``decision_overdue``)."""
    returns = _latest_returns(evaluations)
    today = timezone.localdate()
    dossier.with_rerating_deadlines(evaluations, today)
    for evaluation in evaluations:
        evaluation.latest_return = returns.get(evaluation.pk)
        evaluation.next = workflow.next_step(evaluation, returned=evaluation.latest_return)
        at_the_commune = evaluation.status in (S.RECEIVED, S.FILED)
        deadline = dossier.commune_deadline(evaluation) if at_the_commune else None
        evaluation.commune_deadline = deadline
        evaluation.commune_overdue = deadline is not None and deadline < today
    return evaluations


def _first_of_each(evaluations, sections, order, limit: int) -> list[int]:
    """The keys of the first ``limit`` evaluations (in ``order``) of each section (a list of
    statuses), in one query: a UNION ALL of one short sorted query per section where the
    database allows it (PostgreSQL), else each row's place in its section (a window)."""
    if connection.features.supports_slicing_ordering_in_compound:
        firsts = [
            evaluations.filter(status__in=wanted).order_by(*order).values_list("pk", flat=True)
            for wanted in sections
        ]
        return list(firsts[0][:limit].union(*(first[:limit] for first in firsts[1:]), all=True))
    section = Case(
        *(When(status__in=wanted, then=Value(n)) for n, wanted in enumerate(sections)),
        output_field=IntegerField(),
    )
    place = Window(
        RowNumber(),
        partition_by=section,
        order_by=[OrderBy(F(name.lstrip("-")), descending=name[0] == "-") for name in order],
    )
    return list(
        evaluations.annotate(place=place).filter(place__lte=limit).values_list("pk", flat=True)
    )


@require_safe
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """What the user has to do: the officer's dossiers at the commune (filed online by their
    producers, to receive or return; received; returned),
    drafts and decisions of their district; the province's dossiers at each of its steps, by
    round and district. One query for all of it, split here; each row says who acts next."""
    user = request.user
    is_reviewer = policy.can(user, "evaluation.review").allowed
    is_local = policy.can(user, "evaluation.add").allowed
    statuses = list(Evaluation.WAITING_STATUSES)
    if is_reviewer:
        statuses += [S.PROPOSED_CENTRAL, S.RECEIVED]
    if is_local:
        statuses += [S.FILED, S.DRAFT, S.RECEIVED, S.RETURNED]
    order = ("-round__year", "-round__number", "round__pk", "product__search_name", "pk")
    visible = Evaluation.objects.visible_to(user).filter(status__in=statuses)
    # Each section's first QUEUE_LIMIT keys (the dossiers waiting for a decision are one
    # section), in one query, then the rows they name: sorting tens of thousands of whole rows
    # (with their joins) spills to disk, a short list of keys per section does not; the list
    # page shows the rest.
    sections = [Evaluation.WAITING_STATUSES] + [
        [status] for status in dict.fromkeys(statuses) if status not in Evaluation.WAITING_STATUSES
    ]
    # Kept for the user until a dossier, product, producer or area changes: the rows
    # themselves are read fresh, with who acts next.
    (keys, counts), _as_of = cached_until_changed(
        "evaluations.queue",
        lambda _day: (
            _first_of_each(visible, sections, order, QUEUE_LIMIT),
            list(visible.values_list("round_id", "status").annotate(n=Count("pk")).order_by()),
        ),
        user.pk,
        policy.visibility_key(user),
        tuple(map(tuple, sections)),
        kinds=("areas", "subjects", "products", "evaluations"),
        as_of=False,
    )
    # Through the policy again: kept keys never show a dossier the user no longer sees.
    rows = with_next_steps(
        list(_for_rows(Evaluation.objects.visible_to(user).filter(pk__in=keys)).order_by(*order))
    )
    # How many there are at each step, and waiting in each round: a section shows its first.
    totals: dict[str, int] = {}
    waiting_in_round: dict[int, int] = {}
    for round_id, status, n in counts:
        totals[status] = totals.get(status, 0) + n
        if status in Evaluation.WAITING_STATUSES:
            waiting_in_round[round_id] = waiting_in_round.get(round_id, 0) + n

    def having(*wanted):
        return [e for e in rows if e.status in wanted]

    def total(*wanted):
        return sum(totals.get(status, 0) for status in wanted)

    waiting = having(*Evaluation.WAITING_STATUSES)
    context = {
        "is_reviewer": is_reviewer,
        "limit": QUEUE_LIMIT,
        "totals": {
            "waiting": total(*Evaluation.WAITING_STATUSES),
            **{status: total(status) for status in (S.PROPOSED_CENTRAL, *statuses)},
        },
    }
    if is_reviewer:
        for_city = [e for e in waiting if workflow.deciding_level(e) != Level.DISTRICT]
        context.update(
            review_groups=_by_round_and_district(for_city, waiting_in_round),
            # The dossiers a district decides (recorded before 07/2025) are few and all shown.
            review_count=total(*Evaluation.WAITING_STATUSES) - (len(waiting) - len(for_city)),
            district_decisions=[e for e in waiting if e not in for_city],
            central=having(S.PROPOSED_CENTRAL),
            late_at_commune=[e for e in having(S.RECEIVED) if e.commune_overdue],
        )
    if is_local:
        mine = [
            e
            for e in waiting
            if e.status in (S.SUBMITTED, S.RESUBMITTED)
            and workflow.acts_as(user, workflow.Actor.DECIDER, e)
        ]
        context.update(
            filed=having(S.FILED),
            drafts=having(S.DRAFT),
            received=having(S.RECEIVED),
            returned=having(S.RETURNED),
            to_decide=[] if is_reviewer else mine,
            waiting=[] if is_reviewer else [e for e in waiting if e not in mine],
        )
    return render(request, "evaluations/queue.html", context)


@require_safe
@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluation_filter = EvaluationFilter(
        request.GET, queryset=Evaluation.objects.visible_to(request.user), user=request.user
    )
    evaluations, current_sort = sort(evaluation_filter.qs, request, SORT_COLUMNS, "-updated")
    # The page is chosen on the keys alone: the rows' joins are read for its 25 rows only,
    # never for the tens of thousands an offset skips. The keys are read first (one query):
    # given them as a subquery, PostgreSQL joins every dossier before picking the 25.
    page = page_of(
        evaluations,
        request,
        rows=lambda ids: _for_rows(Evaluation.objects.filter(pk__in=list(ids))),
    )
    page.object_list = with_next_steps(list(page.object_list))
    context = {"filter": evaluation_filter, "page": page, "current_sort": current_sort}
    return render(request, "evaluations/evaluation_list.html", context)
