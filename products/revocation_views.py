"""The revocation pages (26/2026/QĐ-TTg Điều 8): the proposal from a certificate, a revocation's
page with the decision (or its dropping), and the list. Every write is a service of
``products.revocations``; the pages read through ``visible_to``, so the commune's officers read
the revocations of their areas, and the province's reviewers act on them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import policy
from core.forms import add_errors
from core.history import history_entries
from core.lists import page_of
from core.submissions import SAVED, submit_once
from products import revocations
from products.filters import RevocationFilter
from products.forms import RevocationDecideForm, RevocationDropForm, RevocationProposeForm
from products.models import REVOCATION_RULES, Certificate, Revocation

RELATED = ("certificate__product__producer__area", "certificate__area", "proposed_by", "decided_by")


def _visible(user):
    return Revocation.objects.visible_to(user).select_related(*RELATED)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@submit_once
def revocation_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose to revoke a certificate; a certificate whose revocation is under way or done
    leads to it."""
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related(
            "product__producer__area", "area", "legal_basis"
        ),
        pk=pk,
    )
    policy.require(request.user, "revocation.propose", certificate)
    live = certificate.revocations.exclude(status=Revocation.Status.DROPPED).first()
    if live is not None and request.method != "POST":
        messages.info(request, _("Giấy chứng nhận này đã có đề nghị hoặc quyết định thu hồi."))
        return redirect(live)
    form = RevocationProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revocation = revocations.propose(
                certificate=certificate, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã đề nghị thu hồi giấy chứng nhận của “%(product)s”.")
                % {"product": certificate.product.name},
            )
            return redirect(revocation)
    probe = Revocation(certificate=certificate, authority=Revocation.authority_for(certificate))
    context = {
        "form": form,
        "certificate": certificate,
        "product": certificate.product,
        "authority": revocations.authority_name(probe),
        "deadline_days": REVOCATION_RULES["deadline_days"],
        "today": timezone.localdate(),
    }
    return render(request, "products/revocation_form.html", context)


def _detail(request, revocation: Revocation, *, decide_form=None, drop_form=None):
    user, today = request.user, timezone.localdate()
    decision = policy.can(user, "revocation.decide", revocation)
    # The province's reviewers see the decision's buttons, disabled with the reason when they
    # may not record it (the proposer); the commune reads the page and who acts next.
    works_on_it = bool(policy.can(user, "revocation.propose", revocation.certificate))
    is_open = revocation.is_open
    context = {
        "revocation": revocation,
        "certificate": revocation.certificate,
        "product": revocation.certificate.product,
        "producer": revocation.certificate.product.producer,
        "authority": revocations.authority_name(revocation),
        "next_step": revocations.next_step(revocation),
        "days_left": revocation.days_left(today),
        "days_late": max(0, -revocation.days_left(today)),
        "is_late": revocation.is_late(today),
        "decision": decision,
        "show_actions": is_open and (decision.allowed or works_on_it),
        "decide_form": (decide_form or RevocationDecideForm(prefix="decide"))
        if is_open and decision
        else None,
        "drop_form": (drop_form or RevocationDropForm(prefix="drop"))
        if is_open and decision
        else None,
        "confirm": revocations.confirmation(revocation) if is_open and decision else [],
        "history": history_entries(revocation),
        "today": today,
    }
    return render(request, "products/revocation_detail.html", context)


def _settled(request, revocation: Revocation) -> HttpResponse | None:
    """A proposal decided or dropped by a colleague since the page was opened: back to it,
    saying so, rather than a refusal (whoever may act on it; the others are refused)."""
    if revocation.is_open or not policy.can(request.user, "revocation.propose", revocation):
        return None
    messages.warning(
        request,
        _("Đề nghị này đã có kết quả (%(status)s); không ghi thêm.")
        % {"status": revocation.get_status_display()},
    )
    return redirect(revocation)


@require_safe
@login_required
def revocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(_visible(request.user), pk=pk))


@require_POST
@login_required
@submit_once(replayed=SAVED)
def revocation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision (the Chairman's, or the Ministry's for 5★): the certificate is
    revoked from its day. Whoever may not record it is refused (403, saying who does)."""
    revocation = get_object_or_404(_visible(request.user), pk=pk)
    if (settled := _settled(request, revocation)) is not None:
        return settled
    policy.require(request.user, "revocation.decide", revocation)
    form = RevocationDecideForm(request.POST, prefix="decide")
    if form.is_valid():
        try:
            revocations.decide(revocation=revocation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ghi quyết định thu hồi; sản phẩm “%(product)s” đã rời danh mục công khai.")
                % {"product": revocation.certificate.product.name},
            )
            return redirect(revocation)
    revocation.refresh_from_db()
    return _detail(request, revocation, decide_form=form)


@require_POST
@login_required
@submit_once(replayed=SAVED)
def revocation_drop(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a proposal that was not followed: the certificate stays valid."""
    revocation = get_object_or_404(_visible(request.user), pk=pk)
    if (settled := _settled(request, revocation)) is not None:
        return settled
    policy.require(request.user, "revocation.decide", revocation)
    form = RevocationDropForm(request.POST, prefix="drop")
    if form.is_valid():
        try:
            revocations.drop(
                revocation=revocation, note=form.cleaned_data["closing_note"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã ghi: không thu hồi giấy chứng nhận."))
            return redirect(revocation)
    revocation.refresh_from_db()
    return _detail(request, revocation, drop_form=form)


@require_safe
@login_required
def revocation_list(request: HttpRequest) -> HttpResponse:
    """Revocations of the user's areas, those waiting first; filters by status, ground, year,
    area and the 15-day deadline."""
    today = timezone.localdate()
    revocation_filter = RevocationFilter(
        request.GET, queryset=Revocation.objects.visible_to(request.user), user=request.user
    )
    waiting_first = Case(When(status=Revocation.Status.PROPOSED, then=Value(0)), default=Value(1))
    ordered = revocation_filter.qs.order_by(waiting_first, "-concluded_on", "-pk")

    def rows(ids):
        return Revocation.objects.filter(pk__in=ids).select_related(*RELATED[:2])

    page = page_of(ordered, request, rows=rows)
    for revocation in page.object_list:
        revocation.late_today = revocation.is_late(today)
        revocation.days_to_deadline = revocation.days_left(today)
    context = {
        "filter": revocation_filter,
        "page": page,
        "today": today,
        "can_propose": policy.can(request.user, "revocation.propose"),
    }
    return render(request, "products/revocation_list.html", context)
