"""The re-rating page: each certificate to act on, where it stands with its re-rating
(26/2026/QĐ-TTg: the window 180 to 120 days before expiry, the grace of a late dossier), the
window's days, what is to be done next and by whom, and a link to file the dossier for who may.

A certificate is valid 36 months from its decision; the producer files the re-rating dossier at
the commune, which receives it. The state is the one annotation of ``products.rerating``; the
list is filtered and paged on it in the database, and only the page's rows are read in full.
"""

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, DateField, F, OuterRef, Subquery, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import policy
from core.caching import cached_until_changed
from core.lists import PAGE_SIZE
from products import rerating
from products.expiry_filters import ExpiryFilterForm
from products.models import Certificate
from products.rerating import State

#: Within a state, the nearest expiry first; lapsed ones, the latest to lapse first.
ORDER = ("rerating_rank", "soonest", "-valid_until", "pk")
#: What the list is made of (core.caching's kinds of record).
EXPIRY_KINDS = ("areas", "subjects", "products", "evaluations")
#: The same order within one state.
EXPIRY_ORDER = ("valid_until", "pk")
LAPSED_ORDER = ("-valid_until", "pk")


def _ordered(certificates, today, schedule):
    return rerating.annotate_states(certificates, today, schedule).annotate(
        soonest=Case(
            When(rerating_state=State.LAPSED, then=Value(None)),
            default=F("valid_until"),
            output_field=DateField(),
        )
    )


class _Listed(Sequence):
    """The keys of the certificates listed, in the list's order, read a page at a time. The
    summary's counts tell which states a page falls in; a page inside one state (nearly every
    page) is read with that state alone as its condition, ordered by expiry, so the state is
    computed once per certificate, not once more for each term of the order."""

    def __init__(self, visible, states, counts: dict, today, schedule, facts: tuple):
        self.visible, self.counts, self.today, self.schedule = visible, counts, today, schedule
        self.states = [state.value for state in rerating.ORDER if state.value in states]
        self.facts = facts

    def __len__(self) -> int:
        return sum(self.counts.get(state, 0) for state in self.states)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        bottom, top, _step = index.indices(len(self))
        keys, _as_of = cached_until_changed(
            "expiry.page",
            lambda _day: self._keys(bottom, top),
            *self.facts,
            self.states,
            bottom,
            top,
            kinds=EXPIRY_KINDS,
            as_of=False,
        )
        return keys

    def _keys(self, bottom: int, top: int) -> list[int]:
        spans, start = [], 0
        for state in self.states:
            count = self.counts.get(state, 0)
            if count and start < top and start + count > bottom:
                spans.append((state, start))
            start += count
        if not spans:
            return []
        first = spans[0][1]
        if len(spans) == 1:
            state = spans[0][0]
            keys = (
                rerating.annotate_states(self.visible, self.today, self.schedule)
                .filter(rerating.could_be([state], self.today, self.schedule), rerating_state=state)
                .order_by(*(LAPSED_ORDER if state == State.LAPSED else EXPIRY_ORDER))
            )
        else:
            states = [state for state, _start in spans]
            keys = (
                _ordered(self.visible, self.today, self.schedule)
                .filter(rerating.could_be(states, self.today, self.schedule))
                .filter(rerating_state__in=states)
                .order_by(*ORDER)
            )
        return list(keys.values_list("pk", flat=True)[bottom - first : top - first])


@require_safe
@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    schedule = rerating.Schedule.load()
    form = ExpiryFilterForm(request.GET, user=user, today=today)
    # Revoked certificates are not re-rated; a product's superseded ones show as re-rated.
    visible = form.narrow(Certificate.objects.visible_to(user).filter(revoked_on__isnull=True))
    # The counts and each page's keys are kept until a certificate, dossier, producer or area
    # changes (or the day does): each costs a pass over every certificate the reader sees.
    facts = (policy.visibility_key(user), form.cache_facts())
    counts, _as_of = cached_until_changed(
        "expiry.counts",
        lambda day: {
            row["rerating_state"]: row["n"]
            for row in rerating.annotate_states(visible, day, schedule)
            .values("rerating_state")
            .annotate(n=Count("pk"))
            .order_by()
        },
        *facts,
        kinds=EXPIRY_KINDS,
        as_of=False,
    )
    listed = _Listed(visible, form.states, counts, today, schedule, facts)

    def rows(ids):
        open_dossier = Certificate.objects.filter(
            pk=OuterRef("pk"),
            follow_up_evaluations__status__in=rerating.OPEN_DOSSIER_STATUSES,
        ).values("follow_up_evaluations__pk")[:1]
        # Through the policy again: kept keys never show a certificate the user no longer sees.
        found = _ordered(
            Certificate.objects.visible_to(user)
            .filter(pk__in=ids)
            .select_related("product__producer__area", "area"),
            today,
            schedule,
        ).annotate(open_dossier_id=Subquery(open_dossier))
        return sorted(found, key=lambda certificate: ids.index(certificate.pk))

    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = rows(list(page.object_list))
    _describe(page, user, today, schedule)
    context = {
        "form": form,
        "today": today,
        "page": page,
        "summary": [
            {"state": state, "count": counts.get(state.value, 0)} for state in rerating.ORDER
        ],
        "chosen_state": form.cleaned_data.get("state", ""),
    }
    return render(request, "products/expiring.html", context)


def _describe(page: Page, user, today, schedule: rerating.Schedule) -> None:
    """What each row shows: its days to expiry, window, state in words, next step, and the
    links to its open dossier or to file one (when the user may)."""
    create = reverse("evaluations:create")
    for certificate in page:
        rules = schedule.rules_for(certificate.valid_until)
        certificate.rules = rules
        certificate.window = rerating.window(certificate, schedule)
        certificate.days_left = (certificate.valid_until - today).days
        certificate.days_past = -certificate.days_left
        certificate.state = State(certificate.rerating_state)
        certificate.state_text = rerating.describe(
            certificate.rerating_state, certificate.extended_until
        )
        certificate.next = rerating.next_step(certificate.rerating_state, certificate, rules, today)
        certificate.dossier_url = (
            reverse("evaluations:detail", args=[certificate.open_dossier_id])
            if certificate.open_dossier_id
            else ""
        )
        certificate.file_url = ""
        if (
            certificate.next.may_file
            and not certificate.open_dossier_id
            and policy.can(user, "evaluation.add", certificate.product)
        ):
            certificate.file_url = f"{create}?product={certificate.product_id}&kind=renewal"
