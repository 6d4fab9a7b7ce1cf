"""Who is told what, and when.

A step of the workflow (an ``evaluations.Transition`` that changes the status) tells the people
who act next on the evaluation, never the person who made the step:

- a step that hands it back to be filled in (returned with a reason) or concludes it
  (recognised, not recognised, disqualified, the central level's answer) → the local officers
  of the product's area (the ``evaluation.fill`` rule): they complete the dossier, or tell the
  producer. (A reviewer may disqualify a returned dossier, but is not waited for.)
- any other step, which leaves the evaluation waiting for someone (sent for review, sent back
  in, and every waiting step the workflow adds) → the users who have a move on it now, as
  ``evaluations.workflow.available`` says: the province's reviewers, or the district's officers
  where the district decides.

"Deadline near" notices (``notify_deadlines``, run daily) concern open evaluations of a round
that closes within ``DEADLINE_DAYS`` days (today included), by the same rule; each is given
once per evaluation and closing day.

A certificate's revocation (``products.Revocation``, on its save): proposed, it tells the
province's reviewers who may record the decision (someone must, within 15 days; never the
proposer) and the local officers of the product's area; decided or dropped, the local officers,
and once decided, the producer's contact address by e-mail. Each is told once per state.

"Re-rating" notices (``notify_rerating``, run daily with the deadlines) concern certificates
whose re-rating window (26/2026/QĐ-TTg Điều 7.6.a, ``products.rerating``) has opened, or closes
within ``RERATING_CLOSING_DAYS`` days, with no re-rating dossier filed: the local officers of
the producer's area get a notice (and an e-mail, for who chose it), the producer's contact
address an e-mail; once per certificate, kind and recipient.

A buyer's enquiry from the catalogue (``enquiries.Enquiry``, on its save): received, it tells
the producer's accounts (who answer it) and the local officers of the product's area (who
follow the connection); answered, the local officers (who close it). Once per enquiry, state and
recipient.

A dossier's producer is told too, through its accounts (``policy.accounts_of_producer``), of the
steps that concern it (``PRODUCER_ACTIONS``: received by the commune, returned to it, returned
by the province with what is asked and by when, forwarded to the province, recognised or not):
after the step is committed, so that what the step asked is there to say, with a link to its
page of the dossier (``online:detail``).

Only active users whose assigned areas contain the product's area are candidates: an
administrator who sees everything is not told about every step of the country. Users who chose
e-mail (``User.email_notices``) and have an address also get an e-mail, in Vietnamese, after
the step is committed (``notices.delivery.send``).
"""

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial, reduce
from operator import or_

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from areas import provinces
from areas.models import containing_paths
from core import policy, workdays
from enquiries.models import Enquiry
from evaluations import dossier, workflow
from evaluations.models import Evaluation, Transition
from listings.models import PageChange
from notices import delivery
from notices.models import Notice
from products import rerating, revocations
from products.models import Certificate, Revocation, SentNotice

logger = logging.getLogger(__name__)

#: A round closing within this many days (today included) gives "deadline near" notices.
DEADLINE_DAYS = 3


# --- Who --------------------------------------------------------------------------------------


def candidates(evaluation: Evaluation, *, exclude=None) -> list[User]:
    """Active users assigned to the product's area or an area containing it (one query)."""
    path = policy.area_path_of(evaluation)
    if not path:
        return []
    users = (
        User.objects.filter(is_active=True, areas__path__in=containing_paths(path))
        .distinct()
        .order_by("pk")
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users)


def local_officers(evaluation: Evaluation, *, exclude=None) -> list[User]:
    """The local officers of the product's area (who fill in and file its evaluation)."""
    return [
        user
        for user in candidates(evaluation, exclude=exclude)
        if policy.can(user, "evaluation.fill", evaluation)
    ]


def next_actors(evaluation: Evaluation, *, exclude=None, today: date | None = None) -> list[User]:
    """The users with a move on the evaluation now (possible or not yet)."""
    return [
        user
        for user in candidates(evaluation, exclude=exclude)
        if workflow.available(evaluation, user, today=today)
    ]


def with_local_officers(status: str) -> bool:
    """An evaluation in this status is the local officers' to act on: being filled in, or
    concluded (they tell the producer)."""
    return status in Evaluation.EDITABLE_STATUSES or status not in Evaluation.OPEN_STATUSES


def acting_next(evaluation: Evaluation, *, exclude=None, today: date | None = None):
    """Who acts next on the evaluation in its present status (the module's rule)."""
    if with_local_officers(evaluation.status):
        return local_officers(evaluation, exclude=exclude)
    return next_actors(evaluation, exclude=exclude, today=today)


def recipients_of(step: Transition) -> list[User]:
    """Who a step of the workflow tells; nobody for a step that does not move the evaluation
    (its creation, a correction, a chair's explanation)."""
    if not step.from_status or step.from_status == step.to_status:
        return []
    return acting_next(step.evaluation, exclude=step.by)


# --- What -------------------------------------------------------------------------------------


def _move_verb(step: Transition) -> str:
    return _("%(action)s: %(product)s (%(round)s) — nay “%(status)s”") % {
        "action": step.get_action_display(),
        "product": step.evaluation.product.name,
        "round": step.evaluation.round.title,
        "status": step.get_to_status_display(),
    }


def _deadline_verb(evaluation: Evaluation, today: date) -> str:
    closes_on = evaluation.round.closes_on
    return _("%(round)s kết thúc ngày %(day)s (còn %(days)s ngày): %(product)s — “%(status)s”") % {
        "round": evaluation.round.title,
        "day": formats.date_format(closes_on, "SHORT_DATE_FORMAT"),
        "days": (closes_on - today).days,
        "product": evaluation.product.name,
        "status": evaluation.get_status_display(),
    }


def notify_step(step: Transition) -> list[Notice]:
    """Give the notices of one step of the workflow (in Vietnamese, whoever made it)."""
    with translation.override(settings.LANGUAGE_CODE):
        recipients = recipients_of(step)
        if not recipients:
            return []
        verb = _move_verb(step)
        notices = [
            Notice(
                recipient=user,
                kind=Notice.Kind.MOVE,
                evaluation=step.evaluation,
                transition=step,
                actor=step.by,
                url=step.evaluation.get_absolute_url(),
                verb=verb[:300],
                reason=step.comment,
                created_at=step.at,
            )
            for user in recipients
        ]
        Notice.objects.bulk_create(notices)
        _count_new(recipients)
        for notice in notices:
            _mail_later(notice)
    return notices


def on_transition_saved(sender, instance: Transition, created: bool, raw: bool = False, **kwargs):
    """post_save of a Transition: a notice must never undo the step, so a failure is logged.
    The producer's notices wait for the step to be committed (what it asks is written after
    it)."""
    if not created or raw:
        return
    try:
        with transaction.atomic():
            notify_step(instance)
    except Exception:
        logger.exception("Could not give the notices of step %s", instance.pk)
    if tells_the_producer(instance):
        transaction.on_commit(partial(_notify_producer_later, instance.pk, _without_email.get()))


# --- The producer's accounts -------------------------------------------------------------------

A = Transition.Action
#: The steps of its dossier a producer is told of.
PRODUCER_ACTIONS = {
    A.RECEIVE,
    A.RETURN_TO_PRODUCER,
    A.RETURN,
    A.FORWARD,
    A.RECOGNISE,
    A.NOT_RECOGNISE,
    A.CENTRAL_RECOGNISE,
    A.DISQUALIFY,
}


def tells_the_producer(step: Transition) -> bool:
    """A move of the dossier (not its creation, not a correction) that concerns its producer."""
    return (
        bool(step.from_status)
        and step.from_status != step.to_status
        and step.action in PRODUCER_ACTIONS
    )


def producer_recipients(step: Transition) -> list[User]:
    """The active accounts of the dossier's producer, but whoever made the step."""
    if not tells_the_producer(step):
        return []
    users = User.objects.filter(
        policy.accounts_of_producer(step.evaluation.product.producer_id)
    ).order_by("pk")
    if step.by_id is not None:
        users = users.exclude(pk=step.by_id)
    return list(users)


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _producer_verb(step: Transition, requests: list) -> str:
    evaluation = step.evaluation
    values = {
        "product": evaluation.product.name,
        "commune": evaluation.product.producer.area.name,
        "number": evaluation.registration_number or "—",
        "stars": evaluation.recognised_stars or "",
        "decision": step.decision_number or evaluation.decision_number,
        "count": len(requests),
    }
    due = [request.due_on for request in requests if request.due_on]
    texts = {
        A.RECEIVE: _("UBND %(commune)s đã tiếp nhận hồ sơ “%(product)s” (phiếu %(number)s)"),
        A.RETURN_TO_PRODUCER: _(
            "UBND %(commune)s trả lại hồ sơ “%(product)s”: bổ sung theo lý do và nộp lại"
        ),
        A.FORWARD: _("UBND %(commune)s đã gửi hồ sơ “%(product)s” lên tỉnh đánh giá, phân hạng"),
        A.RECOGNISE: _(
            "Sản phẩm “%(product)s” được công nhận %(stars)s sao (Quyết định %(decision)s)"
        ),
        A.CENTRAL_RECOGNISE: _(
            "Sản phẩm “%(product)s” được công nhận 5 sao (Quyết định %(decision)s)"
        ),
        A.NOT_RECOGNISE: _("Sản phẩm “%(product)s” không được công nhận"),
        A.DISQUALIFY: _("Hồ sơ “%(product)s” bị loại trước khi chấm điểm"),
    }
    if step.action == A.RETURN:
        if requests and due:
            values["day"] = _day(min(due))
            text = _("Sở trả lại hồ sơ “%(product)s”: bổ sung %(count)s tài liệu, hạn %(day)s")
        elif requests:
            text = _("Sở trả lại hồ sơ “%(product)s”: bổ sung %(count)s tài liệu")
        else:
            text = _("Sở trả lại hồ sơ “%(product)s” để bổ sung")
        return text % values
    return texts[step.action] % values


def _producer_reason(step: Transition, requests: list) -> str:
    """The step's reason, and for a return what is asked and by when."""
    lines = [step.comment] if step.comment else []
    for request in requests:
        line = _("Cần bổ sung: %(title)s") % {"title": request.title}
        if request.due_on:
            line += " — " + _("hạn %(day)s") % {"day": _day(request.due_on)}
        lines.append(line)
    return "\n".join(lines)


def notify_producer(step: Transition) -> list[Notice]:
    """Tell the dossier's producer of one step, once per account (running twice gives
    nothing new)."""
    given = []
    with translation.override(settings.LANGUAGE_CODE):
        recipients = producer_recipients(step)
        if not recipients:
            return []
        requests = list(step.document_requests.order_by("pk"))
        verb = _producer_verb(step, requests)[:300]
        reason = _producer_reason(step, requests)
        url = reverse("online:detail", args=[step.evaluation_id])
        given.extend(
            _give_once(
                recipients,
                kind=Notice.Kind.MOVE,
                evaluation=step.evaluation,
                transition=step,
                actor=step.by,
                url=url,
                verb=verb,
                reason=reason,
                created_at=step.at,
                key=f"producer-step:{step.pk}",
            )
        )
    return given


def _notify_producer_later(step_pk: int, quiet: bool) -> None:
    """After the step is committed: the producer's notices (without e-mail when the step was
    made so, as the demo's are). A failure is logged, never raised."""
    token = _without_email.set(quiet)
    try:
        step = (
            Transition.objects.select_related("evaluation__product__producer__area", "by")
            .filter(pk=step_pk)
            .first()
        )
        if step is not None:
            with transaction.atomic():
                notify_producer(step)
    except Exception:
        logger.exception("Could not tell the producer of step %s", step_pk)
    finally:
        _without_email.reset(token)


# --- Revocations ------------------------------------------------------------------------------


def revocation_recipients(revocation: Revocation) -> list[User]:
    """Proposed: the reviewers who may record the decision, then the local officers of the
    product's area; decided or dropped: the local officers. Never whoever made the step."""
    proposed = revocation.status == Revocation.Status.PROPOSED
    actor = revocation.proposed_by if proposed else revocation.decided_by
    users = candidates(revocation, exclude=actor)
    local = [user for user in users if policy.is_local_officer.test(user)]
    if not proposed:
        return local
    deciders = [user for user in users if policy.can(user, "revocation.decide", revocation)]
    return deciders + [user for user in local if user not in deciders]


def _revocation_verb(revocation: Revocation) -> str:
    certificate = revocation.certificate
    values = {
        "stars": certificate.stars,
        "product": certificate.product.name,
        "letter": revocation.ground_letter,
        "who": revocations.authority_name(revocation),
        "day": formats.date_format(revocation.deadline, "SHORT_DATE_FORMAT"),
        "number": revocation.decision_number,
    }
    if revocation.status == Revocation.Status.PROPOSED:
        text = _(
            "Đề nghị thu hồi giấy chứng nhận %(stars)s★ của “%(product)s” (căn cứ điểm "
            "%(letter)s khoản 1 Điều 8): chờ %(who)s quyết định, hạn %(day)s"
        )
    elif revocation.status == Revocation.Status.DECIDED:
        values["day"] = formats.date_format(revocation.decision_date, "SHORT_DATE_FORMAT")
        text = _(
            "Đã thu hồi giấy chứng nhận %(stars)s★ của “%(product)s” từ ngày %(day)s (Quyết "
            "định số %(number)s)"
        )
    else:
        text = _("Không thu hồi giấy chứng nhận %(stars)s★ của “%(product)s”: đề nghị đã kết thúc")
    return text % values


def _revocation_reason(revocation: Revocation) -> str:
    if revocation.status == Revocation.Status.PROPOSED:
        return revocation.findings
    if revocation.status == Revocation.Status.DECIDED:
        return revocation.ground_text
    return revocation.closing_note


def notify_revocation(revocation: Revocation) -> list[Notice]:
    """Give the notices of a revocation's present state, once per recipient and state (a
    second save in the same state gives nothing new); once decided, e-mail the producer."""
    given = []
    with translation.override(settings.LANGUAGE_CODE):
        verb = _revocation_verb(revocation)[:300]
        key = f"revocation:{revocation.pk}:{revocation.status}"
        actor = (
            revocation.proposed_by
            if revocation.status == Revocation.Status.PROPOSED
            else revocation.decided_by
        )
        given.extend(
            _give_once(
                revocation_recipients(revocation),
                kind=Notice.Kind.REVOCATION,
                actor=actor,
                url=revocation.get_absolute_url(),
                verb=verb,
                reason=_revocation_reason(revocation),
                key=key,
            )
        )
        if revocation.status == Revocation.Status.DECIDED:
            _mail_producer(revocation)
    return given


def on_revocation_saved(sender, instance: Revocation, created: bool, raw: bool = False, **kwargs):
    """post_save of a Revocation: a notice must never undo the step, so a failure is logged."""
    if not raw:
        _never_undo(notify_revocation, instance, "revocation")


def _mail_producer(revocation: Revocation) -> None:
    """The producer's contact address learns of the decision, once (``SentNotice``: claimed
    before the message is handed over, after the decision is committed)."""
    certificate = revocation.certificate
    address = certificate.product.producer.email.strip()
    if _without_email.get() or not address:
        return
    try:
        with transaction.atomic():
            SentNotice.objects.create(
                certificate=certificate,
                kind=SentNotice.Kind.REVOCATION,
                recipient=address.lower(),
            )
    except IntegrityError:
        return  # sent already
    subject, body = revocation_message(revocation)
    transaction.on_commit(partial(delivery.send, subject=subject, body=body, to=address))


def revocation_message(revocation: Revocation) -> tuple[str, str]:
    """The producer's e-mail about a revocation decided, in Vietnamese: (subject, body)."""
    certificate = revocation.certificate
    province = certificate.area.province_words
    context = {
        "revocation": revocation,
        "certificate": certificate,
        "product": certificate.product,
        "producer": certificate.product.producer,
        "authority": revocations.authority_name(revocation),
        "province_name": province.name,
        "department_name": province.department,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("notices/email/revocation_subject.txt", context)
        body = render_to_string("notices/email/revocation.txt", context)
    return " ".join(subject.split()), body


# --- Buyers' enquiries -------------------------------------------------------------------------


def enquiry_recipients(enquiry: Enquiry) -> list[User]:
    """Received: the producer's accounts, then the local officers of the product's area;
    answered: the local officers. Never whoever answered."""
    local = [
        user
        for user in candidates(enquiry, exclude=enquiry.answered_by)
        if policy.is_local_officer.test(user)
    ]
    if enquiry.status != Enquiry.Status.NEW:
        return local
    accounts = User.objects.filter(policy.accounts_of_producer(enquiry.product.producer_id))
    return [user for user in accounts.order_by("pk") if policy.is_producer_account(user)] + local


def _enquiry_verb(enquiry: Enquiry) -> str:
    values = {
        "organisation": enquiry.organisation,
        "kind": enquiry.get_kind_display(),
        "product": enquiry.product.name,
        "producer": enquiry.product.producer.name,
    }
    if enquiry.status == Enquiry.Status.NEW:
        text = _("Yêu cầu kết nối tiêu thụ: %(organisation)s (%(kind)s) muốn mua “%(product)s”")
    else:
        text = _(
            "%(producer)s đã trả lời yêu cầu kết nối tiêu thụ của %(organisation)s về “%(product)s”"
        )
    return text % values


def _enquiry_reason(enquiry: Enquiry) -> str:
    if enquiry.status != Enquiry.Status.NEW:
        return enquiry.answer
    if enquiry.quantity:
        return _("Số lượng: %(quantity)s. %(message)s") % {
            "quantity": enquiry.quantity,
            "message": enquiry.message,
        }
    return enquiry.message


def notify_enquiry(enquiry: Enquiry) -> list[Notice]:
    """Give the notices of an enquiry's present state (received, answered), once per
    recipient and state: a corrected answer gives nothing new."""
    if enquiry.status not in (Enquiry.Status.NEW, Enquiry.Status.ANSWERED):
        return []
    given = []
    with translation.override(settings.LANGUAGE_CODE):
        verb = _enquiry_verb(enquiry)[:300]
        key = f"enquiry:{enquiry.pk}:{enquiry.status}"
        given.extend(
            _give_once(
                enquiry_recipients(enquiry),
                kind=Notice.Kind.ENQUIRY,
                actor=enquiry.answered_by,
                url=enquiry.get_absolute_url(),
                verb=verb,
                reason=_enquiry_reason(enquiry),
                key=key,
            )
        )
    return given


def on_enquiry_saved(sender, instance: Enquiry, created: bool, raw: bool = False, **kwargs):
    """post_save of an Enquiry: a notice must never undo the enquiry, so a failure is logged."""
    if not raw:
        _never_undo(notify_enquiry, instance, "enquiry")


def due_for_deadline(today: date, days: int = DEADLINE_DAYS):
    """Open evaluations of a round closing from today to ``days`` days on."""
    return (
        Evaluation.objects.filter(
            status__in=Evaluation.OPEN_STATUSES,
            round__closes_on__gte=today,
            round__closes_on__lte=today + timedelta(days=days),
        )
        .select_related("round", "product__producer__area", "criteria_set")
        .order_by("round__closes_on", "pk")
    )


def _commune_verb(evaluation: Evaluation, deadline: date, today: date) -> str:
    late = deadline < today
    text = (
        _("Quá hạn xã đánh giá sơ bộ và gửi lên (%(day)s): %(product)s")
        if late
        else _(
            "Hạn xã đánh giá sơ bộ và gửi lên là %(day)s (còn %(days)s ngày làm việc): %(product)s"
        )
    )
    return text % {
        "day": formats.date_format(deadline, "SHORT_DATE_FORMAT"),
        "days": workdays.working_days_between(today, deadline),
        "product": evaluation.product.name,
    }


def _lateness(deadline: date, today: date) -> str:
    """Part of a commune notice's key: told once while time is left, once more when late."""
    return "late" if deadline < today else "soon"


def due_at_the_commune(today: date, days: int = DEADLINE_DAYS):
    """Dossiers at the commune (26/2026: 15 working days from the day received) whose time
    ends within ``days`` working days or has ended: (evaluation, deadline)."""
    received = (
        Evaluation.objects.filter(status=Evaluation.Status.RECEIVED, filed_on__isnull=False)
        .select_related("round", "product__producer__area", "criteria_set__legal_basis")
        .order_by("filed_on", "pk")
    )
    for evaluation in received:
        deadline = dossier.commune_deadline(evaluation)
        if deadline is not None and workdays.working_days_between(today, deadline) <= days:
            yield evaluation, deadline


def notify_deadlines(*, today: date | None = None, days: int = DEADLINE_DAYS) -> list[Notice]:
    """Tell those who act next on an open evaluation that its round closes soon, and the
    commune that its working days on a dossier are ending or over; once per evaluation,
    recipient and deadline (running twice gives nothing new)."""
    today = today or timezone.localdate()
    due = [
        (
            evaluation,
            f"deadline:{evaluation.pk}:{evaluation.round.closes_on.isoformat()}",
            _deadline_verb(evaluation, today),
        )
        for evaluation in due_for_deadline(today, days)
    ]
    due += [
        (
            evaluation,
            f"commune:{evaluation.pk}:{deadline.isoformat()}:{_lateness(deadline, today)}",
            _commune_verb(evaluation, deadline, today),
        )
        for evaluation, deadline in due_at_the_commune(today, days)
    ]
    return _give_deadlines(due, today)


def _give_deadlines(due, today: date) -> list[Notice]:
    given = []
    with translation.override(settings.LANGUAGE_CODE):
        for evaluation, key, verb in due:
            given.extend(
                _give_once(
                    acting_next(evaluation, today=today),
                    kind=Notice.Kind.DEADLINE,
                    evaluation=evaluation,
                    url=evaluation.get_absolute_url(),
                    verb=str(verb)[:300],
                    key=key,
                )
            )
    return given


# --- Re-rating windows -------------------------------------------------------------------------

#: The closing notice goes this many days before the window's last day (and on any day after,
#: while the window is open).
RERATING_CLOSING_DAYS = 14


@dataclass(frozen=True)
class RerateDue:
    """A certificate to tell about, the notice's kind (a ``SentNotice.Kind``), its rules."""

    certificate: Certificate
    kind: str
    rules: rerating.Rules

    @property
    def opens_on(self) -> date:
        return self.rules.opens_on(self.certificate.valid_until)

    @property
    def closes_on(self) -> date:
        return self.rules.closes_on(self.certificate.valid_until)

    @property
    def closing(self) -> bool:
        return self.kind == SentNotice.Kind.RERATING_CLOSING


@dataclass
class RerateResult:
    notices: list[Notice] = field(default_factory=list)
    #: (certificate, kind, address) of the producers' e-mails handed to the queue.
    emails: list[tuple[Certificate, str, str]] = field(default_factory=list)


def due_for_rerating(today: date) -> list[RerateDue]:
    """The certificates whose window is open on the day (``State.OPEN``: no re-rating dossier
    filed, not revoked), each with its notice: "closing" from ``RERATING_CLOSING_DAYS`` days
    before the window's last day, "open" before that. Certificates with no window (expiring
    before 26/2026/QĐ-TTg) are left out. Two queries."""
    schedule = rerating.Schedule.load()
    if not schedule.periods:
        return []
    with_rules = reduce(or_, (period.q() for period in schedule.periods))
    certificates = (
        rerating.annotate_states(
            Certificate.objects.filter(with_rules, revoked_on__isnull=True), today, schedule
        )
        .filter(rerating_state=rerating.State.OPEN)
        .select_related("product__producer__area", "area")
        .order_by("valid_until", "pk")
    )
    due = []
    for certificate in certificates:
        rules = schedule.rules_for(certificate.valid_until)
        closing = (rules.closes_on(certificate.valid_until) - today).days
        kind = (
            SentNotice.Kind.RERATING_CLOSING
            if closing <= RERATING_CLOSING_DAYS
            else SentNotice.Kind.RERATING_OPEN
        )
        due.append(RerateDue(certificate, kind, rules))
    return due


def _local_officers_by_path(paths) -> dict[str, list[User]]:
    """Area path → the active local officers assigned to it (two queries)."""
    assignments = User.areas.through.objects.filter(
        policy.local_officers("user__"), area__path__in=set(paths)
    ).values_list("area__path", "user_id")
    by_path = defaultdict(set)
    for path, user_id in assignments:
        by_path[path].add(user_id)
    users = User.objects.in_bulk({user_id for ids in by_path.values() for user_id in ids})
    return {path: [users[i] for i in sorted(ids)] for path, ids in by_path.items()}


def _rerating_verb(due: RerateDue, today: date) -> str:
    certificate = due.certificate
    values = {
        "product": certificate.product.name,
        "producer": certificate.product.producer.name,
        "expiry": formats.date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
        "opens": formats.date_format(due.opens_on, "SHORT_DATE_FORMAT"),
        "closes": formats.date_format(due.closes_on, "SHORT_DATE_FORMAT"),
        "days": (due.closes_on - today).days,
    }
    if due.closing:
        text = _(
            "Còn %(days)s ngày hết thời hạn nộp hồ sơ đánh giá lại (%(closes)s), chưa có hồ "
            "sơ: %(product)s — %(producer)s; giấy chứng nhận hết hạn %(expiry)s"
        )
    else:
        text = _(
            "Đến thời hạn nộp hồ sơ đánh giá lại (%(opens)s–%(closes)s): %(product)s — "
            "%(producer)s; giấy chứng nhận hết hạn %(expiry)s"
        )
    return text % values


def notify_rerating(*, today: date | None = None) -> RerateResult:
    """Tell the producer's local officers (a notice; an e-mail for who chose it) and the
    producer (an e-mail to its contact address, through the queue) that a certificate's
    re-rating window has opened or closes soon; once per certificate, kind and recipient, so
    that running twice, or two runs at once, gives nothing new. A producer's e-mail that could
    not be queued is tried again by the next run."""
    today = today or timezone.localdate()
    result = RerateResult()
    due = due_for_rerating(today)
    officers = _local_officers_by_path(
        path for item in due for path in item.certificate.product.producer.area.containing_paths
    )
    with translation.override(settings.LANGUAGE_CODE):
        for item in due:
            certificate = item.certificate
            verb = _rerating_verb(item, today)
            url = f"{reverse('products:expiring')}?state=open#c{certificate.pk}"
            recipients = {
                user.pk: user
                for path in certificate.product.producer.area.containing_paths
                for user in officers.get(path, [])
            }
            result.notices.extend(
                _give_once(
                    recipients.values(),
                    kind=Notice.Kind.RERATING,
                    url=url,
                    verb=verb[:300],
                    key=f"{item.kind}:{certificate.pk}",
                )
            )
            address = certificate.product.producer.email.strip()
            if address and _email_producer(item, address, today):
                result.emails.append((certificate, item.kind, address))
    return result


def _email_producer(due: RerateDue, address: str, today: date) -> bool:
    """Claim the message (``SentNotice``: the database refuses a second one), then hand it to
    the queue; a message that could not be queued gives its claim back."""
    claim = {"certificate": due.certificate, "kind": due.kind, "recipient": address.lower()}
    try:
        with transaction.atomic():
            SentNotice.objects.create(**claim)
    except IntegrityError:
        return False
    subject, body = rerating_message(due, today)
    if delivery.send(subject=subject, body=body, to=address):
        return True
    SentNotice.objects.filter(**claim).delete()
    return False


def rerating_message(due: RerateDue, today: date) -> tuple[str, str]:
    """The producer's e-mail about its certificate's re-rating window, in Vietnamese."""
    certificate = due.certificate
    province = provinces.words_of(certificate.area)
    context = {
        "certificate": certificate,
        "product": certificate.product,
        "producer": certificate.product.producer,
        "opens_on": due.opens_on,
        "closes_on": due.closes_on,
        "closing": due.closing,
        "days_to_close": (due.closes_on - today).days,
        "grace_until": due.rules.grace_until(certificate.valid_until),
        "province_name": province.name,
        "department_name": province.department,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("notices/email/rerating_subject.txt", context)
        body = render_to_string("notices/email/rerating.txt", context)
    return " ".join(subject.split()), body


# --- The producer's public page ---------------------------------------------------------------


def page_change_recipients(change: PageChange) -> list[User]:
    """Proposed: the officers who may review it (the local officers of the producer's areas,
    never the proposer). Approved or rejected: the producer's active accounts, but the one
    who decided. Withdrawn: nobody (the proposal leaves the officers' list)."""
    if change.status == PageChange.Status.PENDING:
        return [
            user
            for user in candidates(change, exclude=change.proposed_by)
            if policy.can(user, "page.review", change)
        ]
    if change.status in PageChange.DECIDED:
        accounts = User.objects.filter(policy.accounts_of_producer(change.producer_id))
        return list(accounts.exclude(pk=change.reviewed_by_id).order_by("pk"))
    return []


def _page_change_verb(change: PageChange) -> str:
    values = {
        "what": change.product.name if change.product_id else change.producer.name,
        "producer": change.producer.name,
    }
    if change.status == PageChange.Status.PENDING:
        text = _("Chờ bạn duyệt: %(producer)s đề xuất sửa trang công khai của “%(what)s”")
    elif change.status == PageChange.Status.APPROVED:
        text = _("Đã duyệt và công khai thay đổi trang của “%(what)s”")
    else:
        text = _("Không duyệt đề xuất sửa trang của “%(what)s”: xem lý do")
    return text % values


def notify_page_change(change: PageChange) -> list[Notice]:
    """The notices of a proposal's present state, once per recipient and state."""
    given = []
    with translation.override(settings.LANGUAGE_CODE):
        pending = change.status == PageChange.Status.PENDING
        verb = _page_change_verb(change)[:300]
        url = change.get_review_url() if pending else change.get_absolute_url()
        actor = change.proposed_by if pending else change.reviewed_by
        given.extend(
            _give_once(
                page_change_recipients(change),
                kind=Notice.Kind.PAGE,
                actor=actor,
                url=url,
                verb=verb,
                reason="" if pending else change.note,
                key=f"page:{change.pk}:{change.status}",
            )
        )
    return given


def on_page_change_saved(sender, instance: PageChange, created: bool, raw: bool = False, **kw):
    """post_save of a PageChange: a notice must never undo the step, so a failure is logged."""
    if not raw:
        _never_undo(notify_page_change, instance, "page change")


def _give_once(users, **fields) -> list[Notice]:
    """A keyed notice (``fields``) to each of ``users``, once: a recipient told already (on an
    earlier day, by an earlier save in the same state, or by a run at the same time) gets
    nothing new. Counts it unread and e-mails it after the commit. Returns the notices given."""
    given = []
    for user in users:
        notice = Notice(recipient=user, **fields)
        try:
            with transaction.atomic():
                notice.save()
                _count_new([user])
        except IntegrityError:
            continue  # told already
        _mail_later(notice)
        given.append(notice)
    return given


def _never_undo(notify, instance, what: str) -> None:
    """A post_save's notices (``notify(instance)``): a notice must never undo what was saved,
    so a failure is logged."""
    try:
        with transaction.atomic():
            notify(instance)
    except Exception:
        logger.exception("Could not give the notices of %s %s", what, instance.pk)


# --- Read, unread -----------------------------------------------------------------------------


def _count_new(users) -> None:
    User.objects.filter(pk__in=[user.pk for user in users]).update(
        unread_notices=F("unread_notices") + 1
    )


def recount(user) -> int:
    """Set the user's unread count from their notices (what the bell shows)."""
    count = Notice.objects.filter(recipient=user, read_at__isnull=True).count()
    if user.unread_notices != count:
        User.objects.filter(pk=user.pk).update(unread_notices=count)
        user.unread_notices = count
    return count


def mark_read(notice: Notice, user) -> None:
    if notice.read_at is None:
        updated = Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if updated:
            User.objects.filter(pk=user.pk, unread_notices__gt=0).update(
                unread_notices=F("unread_notices") - 1
            )


def mark_all_read(user) -> int:
    marked = Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    User.objects.filter(pk=user.pk).update(unread_notices=0)
    user.unread_notices = 0
    return marked


# --- E-mail -----------------------------------------------------------------------------------


_without_email: ContextVar[bool] = ContextVar("notices_without_email", default=False)


@contextmanager
def without_email() -> Iterator[None]:
    """Give the portal's notices but send no e-mail (the demo's history, replayed)."""
    token = _without_email.set(True)
    try:
        yield
    finally:
        _without_email.reset(token)


def wants_email(user) -> bool:
    return bool(user.email_notices and user.email.strip())


def _mail_later(notice: Notice) -> None:
    """After the step is committed: the e-mail of a notice, to a user who chose e-mail."""
    if _without_email.get() or not wants_email(notice.recipient):
        return
    subject, body = message(notice)
    transaction.on_commit(
        partial(delivery.send, subject=subject, body=body, to=notice.recipient.email.strip())
    )


def message(notice: Notice) -> tuple[str, str]:
    """The e-mail of a notice, in Vietnamese: (subject, body)."""
    context = {
        "notice": notice,
        "recipient": notice.recipient,
        "link": settings.PORTAL_URL.rstrip("/") + notice.url,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("notices/email/notice_subject.txt", context)
        body = render_to_string("notices/email/notice.txt", context)
    return " ".join(subject.split()), body
