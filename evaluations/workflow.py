"""The review workflow in one table.

``TRANSITIONS`` maps each status to the statuses an evaluation may move to and who may move it
there. ``check`` is the one place that decides whether a move is allowed: the services call it
before every transition, the pages call ``available`` to show the buttons and, when a button
cannot be used yet, why. Who "decides" depends on the criteria set's data: the level that
recognises the stars the product scored (under 148/QĐ-TTg the district its 3★, the city 4★).

A move onto the same status is an administrator's correction of a recognised evaluation.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import policy
from evaluations.models import Evaluation, Level, Transition
from products.models import Certificate


class Actor(models.TextChoices):
    LOCAL = "local", gettext_lazy("cán bộ địa phương phụ trách sản phẩm")
    REVIEWER = "reviewer", gettext_lazy("cán bộ thẩm định của Sở Nông nghiệp và Môi trường")
    DECIDER = "decider", gettext_lazy("cấp được công nhận số sao này")
    ADMIN = "admin", gettext_lazy("quản trị viên")


S = Evaluation.Status
#: The level that decides also returns: under 148/QĐ-TTg the district its 3★, the city its 4★.
_DECISIONS = {
    S.RETURNED: Actor.DECIDER,
    S.RECOGNISED: Actor.DECIDER,
    S.NOT_RECOGNISED: Actor.DECIDER,
}

#: status → {next status: who may move it there}
TRANSITIONS: dict[str, dict[str, Actor]] = {
    # The province checks the dossier against the sheet's "Hồ sơ bị loại khi…" before scoring.
    S.DRAFT: {S.SUBMITTED: Actor.LOCAL, S.DISQUALIFIED: Actor.REVIEWER},
    S.SUBMITTED: _DECISIONS,
    S.RETURNED: {S.RESUBMITTED: Actor.LOCAL, S.DISQUALIFIED: Actor.REVIEWER},
    S.RESUBMITTED: _DECISIONS,
    S.RECOGNISED: {S.PROPOSED_CENTRAL: Actor.REVIEWER, S.RECOGNISED: Actor.ADMIN},
    S.NOT_RECOGNISED: {},
    S.PROPOSED_CENTRAL: {
        S.CENTRAL_RECOGNISED: Actor.REVIEWER,
        S.CENTRAL_DECLINED: Actor.REVIEWER,
        S.PROPOSED_CENTRAL: Actor.ADMIN,
    },
    S.CENTRAL_RECOGNISED: {S.CENTRAL_RECOGNISED: Actor.ADMIN},
    S.CENTRAL_DECLINED: {S.CENTRAL_DECLINED: Actor.ADMIN},
    S.DISQUALIFIED: {},
}

#: The action recorded for a move onto a status (a move onto the same status is a correction).
ACTIONS = {
    S.SUBMITTED: Transition.Action.SUBMIT,
    S.RETURNED: Transition.Action.RETURN,
    S.RESUBMITTED: Transition.Action.RESUBMIT,
    S.RECOGNISED: Transition.Action.RECOGNISE,
    S.NOT_RECOGNISED: Transition.Action.NOT_RECOGNISE,
    S.PROPOSED_CENTRAL: Transition.Action.PROPOSE_CENTRAL,
    S.CENTRAL_RECOGNISED: Transition.Action.CENTRAL_RECOGNISE,
    S.CENTRAL_DECLINED: Transition.Action.CENTRAL_DECLINE,
    S.DISQUALIFIED: Transition.Action.DISQUALIFY,
}

#: Moves that change the dossier or its sheets: refused once the round has closed.
NEEDS_OPEN_ROUND = {S.SUBMITTED, S.RESUBMITTED, S.RETURNED, S.DISQUALIFIED}


def action_for(evaluation: Evaluation, target: str) -> str:
    if target == evaluation.status:
        return Transition.Action.CORRECT
    return ACTIONS[target]


# --- Who ------------------------------------------------------------------------------------
# Who each actor is, is the policy's question (core.policy); only which actor decides one
# evaluation (its criteria set's bands) is answered here.


def is_local(user, evaluation: Evaluation) -> bool:
    """A local officer of the product's area (or an administrator)."""
    return policy.can(user, "evaluation.fill", evaluation).allowed


def deciding_level(evaluation: Evaluation) -> str:
    """The level that decides this evaluation, from its criteria set's bands: the one that
    recognises the stars scored (a refusal below them: the one of the lowest certified stars)."""
    criteria_set = evaluation.criteria_set
    stars = criteria_set.certifiable_stars(evaluation.stars) if evaluation.stars else None
    if stars is None:
        stars = criteria_set.lowest_certified_stars
    return criteria_set.recognising_level(stars) or Level.CITY.value


#: The policy's rule for each actor of the table (the decider's is chosen by deciding_level).
RULE_OF_ACTOR = {
    Actor.LOCAL: "evaluation.fill",
    Actor.REVIEWER: "evaluation.review",
    Actor.ADMIN: "evaluation.correct",
}


def rule_for(actor: Actor, evaluation: Evaluation) -> str:
    """The policy's rule that says who acts as ``actor`` on this evaluation."""
    if actor == Actor.DECIDER:
        local = deciding_level(evaluation) == Level.DISTRICT
        return RULE_OF_ACTOR[Actor.LOCAL if local else Actor.REVIEWER]
    return RULE_OF_ACTOR[actor]


def acts_as(user, actor: Actor, evaluation: Evaluation) -> bool:
    return policy.can(user, rule_for(actor, evaluation), evaluation).allowed


# --- Conditions -----------------------------------------------------------------------------


def _is_upgrade(evaluation: Evaluation) -> bool:
    return evaluation.kind == Certificate.Kind.UPGRADE


def _upgrade_not_higher(evaluation: Evaluation, stars: int) -> bool:
    previous = evaluation.previous_certificate
    return _is_upgrade(evaluation) and previous is not None and stars <= previous.stars


def round_closed_reason(evaluation: Evaluation, today: date) -> str | None:
    closing = evaluation.round.closes_on
    if evaluation.round.is_closed(today):
        return _("%(round)s đã kết thúc ngày %(day)s: hồ sơ và phiếu chấm của đợt đã khóa.") % {
            "round": evaluation.round.title,
            "day": formats.date_format(closing, "SHORT_DATE_FORMAT"),
        }
    return None


def _incomplete_reason(evaluation: Evaluation) -> str | None:
    if not evaluation.sheets_complete:
        return _("Mọi thành viên hội đồng phải chấm đủ các tiêu chí trước khi gửi.")
    return divergence_reason(evaluation)


def spread(evaluation: Evaluation) -> Decimal:
    """How far apart the highest and the lowest member's totals are."""
    totals = evaluation.sheets.filter(is_council=False, answered__gt=0).aggregate(
        high=Max("total"), low=Min("total")
    )
    if totals["high"] is None:
        return Decimal(0)
    return totals["high"] - totals["low"]


def divergence_reason(evaluation: Evaluation, gap: Decimal | None = None) -> str | None:
    """Why the council's result cannot be sent on yet: the members' totals differ by the
    city's threshold or more, and the chair has not recorded why this difference stands."""
    gap = spread(evaluation) if gap is None else gap
    threshold = Decimal(settings.OCOP_DIVERGENCE_POINTS)
    if gap < threshold:
        return None
    if evaluation.divergence_reason and evaluation.divergence_spread == gap:
        return None
    return _(
        "Tổng điểm của các thành viên chênh nhau %(gap)s điểm (từ %(limit)s điểm trở lên): hội "
        "đồng chấm lại, hoặc Chủ tịch hội đồng ghi lý do giữ kết quả."
    ) % {
        "gap": formats.number_format(gap.normalize(), use_l10n=True),
        "limit": settings.OCOP_DIVERGENCE_POINTS,
    }


def _can_recognise(evaluation: Evaluation) -> str | None:
    criteria_set = evaluation.criteria_set
    if not evaluation.sheets_complete:
        return _("Các phiếu chấm chưa đủ.")
    if evaluation.is_eliminated:
        return _("Sản phẩm bị loại theo tiêu chí loại trừ: ghi “Không công nhận”.")
    certifiable = criteria_set.certifiable_stars(evaluation.stars) if evaluation.stars else None
    if certifiable is None and (evaluation.band_stars or 0) >= criteria_set.lowest_certified_stars:
        return _(
            "Điểm đạt hạng %(band)s sao nhưng chưa đạt yêu cầu tối thiểu của %(stars)s sao: ghi "
            "“Không công nhận”."
        ) % {"band": evaluation.band_stars, "stars": criteria_set.lowest_certified_stars}
    if certifiable is None:
        return _("Dưới %(stars)s sao (dưới %(score)s điểm): ghi “Không công nhận”.") % {
            "stars": criteria_set.lowest_certified_stars,
            "score": _lowest_certified_score(criteria_set),
        }
    if _upgrade_not_higher(evaluation, certifiable):
        return _("Nâng hạng cần số sao cao hơn giấy chứng nhận hiện có (%(stars)s sao).") % {
            "stars": evaluation.previous_certificate.stars
        }
    return None


def _lowest_certified_score(criteria_set) -> str:
    lowest = criteria_set.lowest_certified_stars
    band = next((band for band in criteria_set.bands if band.stars == lowest), None)
    return formats.number_format(band.min_score.normalize(), use_l10n=True) if band else "—"


def _can_refuse(evaluation: Evaluation) -> str | None:
    if not evaluation.sheets_complete:
        return _("Các phiếu chấm chưa đủ.")
    if _can_recognise(evaluation) is None:
        return _("Sản phẩm đạt hạng được công nhận: hãy công nhận hoặc trả lại hồ sơ.")
    return None


def _can_propose(evaluation: Evaluation) -> str | None:
    criteria_set = evaluation.criteria_set
    central = [band.stars for band in criteria_set.bands if band.recognised_by == Level.CENTRAL]
    if (
        evaluation.recognised_level != Level.CITY
        or evaluation.score is None
        or evaluation.score < criteria_set.central_proposal_score
        or not central
        or (evaluation.stars or 0) < min(central)
    ):
        return _(
            "Chỉ sản phẩm cấp tỉnh công nhận đạt từ %(score)s điểm mới đề nghị Trung ương."
        ) % {
            "score": formats.number_format(
                criteria_set.central_proposal_score.normalize(), use_l10n=True
            )
        }
    return None


#: target status → the condition it needs (None when met, else the reason why not)
GUARDS = {
    S.SUBMITTED: _incomplete_reason,
    S.RESUBMITTED: _incomplete_reason,
    S.RECOGNISED: _can_recognise,
    S.NOT_RECOGNISED: _can_refuse,
    S.PROPOSED_CENTRAL: _can_propose,
}


# --- The check ------------------------------------------------------------------------------


def require_actor(evaluation: Evaluation, target: str, user) -> None:
    """Refuse (PermissionDenied, saying who does it) a move of the table that this user does
    not make; a move the table does not have is left to ``check``."""
    actor = TRANSITIONS.get(evaluation.status, {}).get(target)
    if actor is not None and not acts_as(user, actor, evaluation):
        raise PermissionDenied(
            _("Việc này do %(actor)s thực hiện.") % {"actor": Actor(actor).label}
        )


def check(evaluation: Evaluation, target: str, user, *, today: date | None = None) -> None:
    """Refuse a move that the table, the user's role or the evaluation's state does not allow:
    PermissionDenied for the wrong person, ValidationError (with the reason) otherwise."""
    today = today or timezone.localdate()
    actor = TRANSITIONS.get(evaluation.status, {}).get(target)
    if actor is None:
        raise ValidationError(
            _("Không thể chuyển hồ sơ từ “%(source)s” sang “%(target)s”.")
            % {"source": S(evaluation.status).label, "target": S(target).label},
            code="transition_not_allowed",
        )
    require_actor(evaluation, target, user)
    if target in NEEDS_OPEN_ROUND and (reason := round_closed_reason(evaluation, today)):
        raise ValidationError(reason, code="round_closed")
    is_correction = target == evaluation.status
    guard = None if is_correction else GUARDS.get(target)
    if guard and (reason := guard(evaluation)):
        raise ValidationError(reason, code="guard")


@dataclass(frozen=True)
class Move:
    target: str
    action: str
    reason: str | None  # why it cannot be done yet; None when it can

    @property
    def allowed(self) -> bool:
        return self.reason is None


def available(evaluation: Evaluation, user, *, today: date | None = None) -> list[Move]:
    """The moves this user could make from the evaluation's status (corrections aside), each
    with the reason it is not possible yet, if any."""
    moves = []
    for target, actor in TRANSITIONS.get(evaluation.status, {}).items():
        if target == evaluation.status or not acts_as(user, actor, evaluation):
            continue
        try:
            check(evaluation, target, user, today=today)
        except ValidationError as error:
            moves.append(Move(target, ACTIONS[target], " ".join(error.messages)))
        else:
            moves.append(Move(target, ACTIONS[target], None))
    return moves


def sheet_lock_reason(evaluation: Evaluation, user, *, today: date | None = None) -> str | None:
    """Why this user cannot change the score sheets now, or None if they can (for an
    administrator on a recognised evaluation: a correction, which needs a written reason)."""
    today = today or timezone.localdate()
    status = evaluation.status
    if status in Evaluation.EDITABLE_STATUSES:
        if reason := round_closed_reason(evaluation, today):
            return reason
        if not is_local(user, evaluation):
            return _("Phiếu chấm do cán bộ địa phương phụ trách sản phẩm nhập; bạn chỉ xem.")
        return None
    if status in Evaluation.WAITING_STATUSES:
        return _("Hồ sơ đã gửi thẩm định: phiếu chấm bị khóa cho đến khi hồ sơ được trả lại.")
    if status == S.DISQUALIFIED:
        return _("Hồ sơ bị loại trước khi chấm điểm: phiếu chấm đã khóa.")
    if status in Evaluation.RECOGNISED_STATUSES:
        if policy.can(user, "evaluation.correct", evaluation):
            return None
        return _(
            "Hồ sơ đã được công nhận (quyết định %(number)s): chỉ quản trị viên sửa được, "
            "kèm lý do bằng văn bản."
        ) % {"number": evaluation.decision_number}
    return _("Hồ sơ đã có kết luận không công nhận: phiếu chấm đã khóa.")


def is_correction(evaluation: Evaluation) -> bool:
    return evaluation.status in Evaluation.RECOGNISED_STATUSES
