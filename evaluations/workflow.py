"""The review workflow in two tables, one per process a legal basis names.

``TRANSITIONS`` (1048/781, 148, 1489: the local level enters the council's sheets and sends the
result up) and ``TWO_LEVEL`` (26/2026/QĐ-TTg Điều 7: the commune receives and pre-assesses, the
province checks, reviews, scores and decides, the Ministry decides 5★) map each status to the
statuses an evaluation may move to and who may move it there. ``check`` is the one place that
decides whether a move is allowed: the services call it before every transition, the pages
call ``available`` to show the buttons and, when a button cannot be used yet, why. Who
"decides" depends on the criteria set's data: the level that recognises the stars the product
scored (under 148/QĐ-TTg the district its 3★, the city 4★; no district after 30/06/2025).

Nobody decides a dossier they filed, pre-assessed or entered a score sheet of.

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

from areas import provinces
from core import policy
from evaluations import documents, dossier
from evaluations.models import Contribution, Evaluation, Level, Transition
from products.models import Certificate, Process


class Actor(models.TextChoices):
    LOCAL = "local", gettext_lazy("cán bộ địa phương phụ trách sản phẩm")
    REVIEWER = "reviewer", gettext_lazy("cán bộ thẩm định của Sở Nông nghiệp và Môi trường")
    DECIDER = "decider", gettext_lazy("cấp được công nhận số sao này")
    ADMIN = "admin", gettext_lazy("quản trị viên")
    # A dossier filed online (26/2026: the electronic dossier has the value of the paper one).
    PRODUCER = "producer", gettext_lazy("chủ thể có sản phẩm (tài khoản của chủ thể)")
    LOCAL_OR_PRODUCER = (
        "local_or_producer",
        gettext_lazy("cán bộ địa phương phụ trách sản phẩm, hoặc chủ thể với hồ sơ nộp trực tuyến"),
    )


S = Evaluation.Status
#: The level that decides also returns: under 148/QĐ-TTg the district its 3★, the city its 4★.
_DECISIONS = {
    S.RETURNED: Actor.DECIDER,
    S.RECOGNISED: Actor.DECIDER,
    S.NOT_RECOGNISED: Actor.DECIDER,
}

#: status → {next status: who may move it there} (1048/781, 148, 1489)
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

#: The province's completeness check (the OCOP office): accept, return or reject.
_CHECK = {S.ADVISORY: Actor.REVIEWER, S.RETURNED: Actor.REVIEWER, S.DISQUALIFIED: Actor.REVIEWER}

#: status → {next status: who may move it there} (26/2026/QĐ-TTg, Điều 7)
TWO_LEVEL: dict[str, dict[str, Actor]] = {
    # Filed online: the producer's account prepares and files its dossier; the commune
    # receives it (as it receives a paper one) or returns it to the producer, incomplete.
    S.PREPARING: {S.FILED: Actor.PRODUCER},
    S.FILED: {S.RECEIVED: Actor.LOCAL, S.PREPARING: Actor.LOCAL},
    # The commune pre-assesses (Mẫu 03) within 15 working days and forwards.
    S.RECEIVED: {S.FORWARDED: Actor.LOCAL},
    S.FORWARDED: _CHECK,
    # The commune answers a return; a dossier filed online, its producer too.
    S.RETURNED: {S.RESUBMITTED: Actor.LOCAL_OR_PRODUCER, S.DISQUALIFIED: Actor.REVIEWER},
    S.RESUBMITTED: _CHECK,
    # The Tổ tư vấn reviews the dossier and surveys the site.
    S.ADVISORY: {
        S.COUNCIL: Actor.REVIEWER,
        S.RETURNED: Actor.REVIEWER,
        S.DISQUALIFIED: Actor.REVIEWER,
    },
    # The council scores; its secretary enters the members' sheets.
    S.COUNCIL: {S.SCORED: Actor.REVIEWER, S.RETURNED: Actor.REVIEWER},
    # The Chairman decides 3★/4★, or approves a result of 90 points for the Ministry.
    S.SCORED: {
        S.RECOGNISED: Actor.DECIDER,
        S.NOT_RECOGNISED: Actor.DECIDER,
        S.MINISTRY: Actor.DECIDER,
        S.COUNCIL: Actor.REVIEWER,
        S.RETURNED: Actor.REVIEWER,
    },
    S.MINISTRY: {S.CENTRAL_RECOGNISED: Actor.REVIEWER, S.MINISTRY_DECLINED: Actor.REVIEWER},
    # Điều 7.4: below 90 at the centre, the Chairman may recognise 3★/4★ from its result.
    S.MINISTRY_DECLINED: {S.RECOGNISED: Actor.DECIDER, S.NOT_RECOGNISED: Actor.DECIDER},
    S.RECOGNISED: {S.RECOGNISED: Actor.ADMIN},
    S.CENTRAL_RECOGNISED: {S.CENTRAL_RECOGNISED: Actor.ADMIN},
    S.NOT_RECOGNISED: {},
    S.DISQUALIFIED: {},
}

#: The moves that decide a dossier: never by someone who had a hand in it.
DECIDING_TARGETS = {S.RECOGNISED, S.NOT_RECOGNISED, S.MINISTRY}


def table(evaluation: Evaluation) -> dict[str, dict[str, Actor]]:
    """The transition table of the process the evaluation's legal basis names."""
    if evaluation.criteria_set.legal_basis.process == Process.TWO_LEVEL:
        return TWO_LEVEL
    return TRANSITIONS


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
    S.FORWARDED: Transition.Action.FORWARD,
    S.ADVISORY: Transition.Action.ACCEPT,
    S.COUNCIL: Transition.Action.TO_COUNCIL,
    S.SCORED: Transition.Action.SCORED,
    S.MINISTRY: Transition.Action.APPROVE_CENTRAL,
    S.MINISTRY_DECLINED: Transition.Action.MINISTRY_DECLINE,
    S.FILED: Transition.Action.FILE,
    S.RECEIVED: Transition.Action.RECEIVE,
    S.PREPARING: Transition.Action.RETURN_TO_PRODUCER,
}

#: Moves that change the dossier or its sheets: refused once the round has closed.
NEEDS_OPEN_ROUND = {
    S.SUBMITTED,
    S.RESUBMITTED,
    S.RETURNED,
    S.DISQUALIFIED,
    S.FORWARDED,
    S.FILED,
    S.RECEIVED,
}


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


#: The last day a district (or commune) recognised stars: from 01/07/2025 the districts are
#: gone and only the province decides (Nghị quyết 202/2025/QH15; 26/2026/QĐ-TTg).
LAST_LOCAL_DECISION_DAY = date(2025, 6, 30)


def deciding_level(evaluation: Evaluation, today: date | None = None) -> str:
    """The level that decides this evaluation, from its criteria set's bands: the one that
    recognises the stars scored (a refusal below them: the one of the lowest certified stars).
    An open dossier that a district would have decided goes to the province after 30/06/2025."""
    criteria_set = evaluation.criteria_set
    stars = criteria_set.certifiable_stars(evaluation.stars) if evaluation.stars else None
    if stars is None:
        stars = criteria_set.lowest_certified_stars
    level = criteria_set.recognising_level(stars) or Level.CITY.value
    is_local = level in (Level.DISTRICT, Level.COMMUNE)
    if (
        is_local
        and evaluation.status in Evaluation.OPEN_STATUSES
        and (today or timezone.localdate()) > LAST_LOCAL_DECISION_DAY
    ):
        return Level.CITY.value
    return level


#: The policy's rule for each actor of the table (the decider's is chosen by deciding_level).
RULE_OF_ACTOR = {
    Actor.LOCAL: "evaluation.fill",
    Actor.REVIEWER: "evaluation.review",
    Actor.ADMIN: "evaluation.correct",
    Actor.PRODUCER: "dossier.file",
    Actor.LOCAL_OR_PRODUCER: "dossier.resubmit",
}


def rule_for(actor: Actor, evaluation: Evaluation, today: date | None = None) -> str:
    """The policy's rule that says who acts as ``actor`` on this evaluation."""
    if actor == Actor.DECIDER:
        local = deciding_level(evaluation, today) in (Level.DISTRICT, Level.COMMUNE)
        return RULE_OF_ACTOR[Actor.LOCAL if local else Actor.REVIEWER]
    return RULE_OF_ACTOR[actor]


def acts_as(user, actor: Actor, evaluation: Evaluation, today: date | None = None) -> bool:
    return policy.can(user, rule_for(actor, evaluation, today), evaluation).allowed


def own_file_reason(evaluation: Evaluation, user) -> str | None:
    """Why this user may not decide this dossier: they filed it, pre-assessed it or entered
    one of its score sheets (or None). Dossiers from before hands were recorded: their
    creator and the last savers of their sheets."""
    if user is None or not user.is_authenticated:
        return None
    # Read through .all(): lists prefetch "contributions" and "sheets" for every row at once.
    kinds = {hand.kind for hand in evaluation.contributions.all() if hand.user_id == user.pk}
    if evaluation.created_by_id == user.pk:
        kinds.add(Contribution.Kind.FILED)
    if any(sheet.updated_by_id == user.pk for sheet in evaluation.sheets.all()):
        kinds.add(Contribution.Kind.SHEET)
    if not kinds:
        return None
    done = ", ".join(str(kind.label) for kind in Contribution.Kind if kind in kinds)
    return _("Bạn đã %(done)s của hồ sơ này: quyết định phải do người khác thực hiện.") % {
        "done": done
    }


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


def stars_to_recognise(evaluation: Evaluation) -> int | None:
    """The stars a recognition would certify: the most a local level recognises for the
    stars scored; after the Ministry's refusal of 5★, from the central council's score
    (26/2026/QĐ-TTg Điều 7.4)."""
    criteria_set = evaluation.criteria_set
    if evaluation.status == S.MINISTRY_DECLINED and evaluation.ministry_score is not None:
        return criteria_set.certifiable_stars(criteria_set.stars_for(evaluation.ministry_score))
    return criteria_set.certifiable_stars(evaluation.stars) if evaluation.stars else None


def is_potential_five_star(evaluation: Evaluation) -> bool:
    """Scored from the central proposal score (90) up and meeting the 5★ minimums."""
    criteria_set = evaluation.criteria_set
    central = [band.stars for band in criteria_set.bands if band.recognised_by == Level.CENTRAL]
    return (
        evaluation.score is not None
        and evaluation.score >= criteria_set.central_proposal_score
        and bool(central)
        and (evaluation.stars or 0) >= min(central)
    )


def _can_recognise(evaluation: Evaluation) -> str | None:
    criteria_set = evaluation.criteria_set
    if not evaluation.sheets_complete:
        return _("Các phiếu chấm chưa đủ.")
    if evaluation.is_eliminated:
        return _("Sản phẩm bị loại theo tiêu chí loại trừ: ghi “Không công nhận”.")
    certifiable = stars_to_recognise(evaluation)
    if evaluation.status == S.MINISTRY_DECLINED and certifiable is None:
        return _(
            "Theo điểm của Hội đồng Trung ương, sản phẩm dưới %(stars)s sao: ghi “Không công "
            "nhận” hoặc tổ chức đánh giá lại theo thẩm quyền."
        ) % {"stars": criteria_set.lowest_certified_stars}
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
    if evaluation.status == S.SCORED and is_potential_five_star(evaluation):
        return _(
            "Sản phẩm đạt từ %(score)s điểm: Chủ tịch UBND tỉnh phê duyệt kết quả và gửi Bộ Nông "
            "nghiệp và Môi trường đánh giá 5 sao (Điều 7.3)."
        ) % {"score": _number(criteria_set.central_proposal_score)}
    return None


def _number(value: Decimal) -> str:
    return formats.number_format(value.normalize(), use_l10n=True)


def _lowest_certified_score(criteria_set) -> str:
    lowest = criteria_set.lowest_certified_stars
    band = next((band for band in criteria_set.bands if band.stars == lowest), None)
    return _number(band.min_score) if band else "—"


def _can_refuse(evaluation: Evaluation) -> str | None:
    if not evaluation.sheets_complete:
        return _("Các phiếu chấm chưa đủ.")
    if evaluation.status == S.MINISTRY_DECLINED:
        return None  # the Chairman "may" recognise from the central result (Điều 7.4)
    if evaluation.status == S.SCORED and is_potential_five_star(evaluation):
        return _("Sản phẩm đạt từ 90 điểm: phê duyệt kết quả và gửi Bộ.")
    if _can_recognise(evaluation) is None:
        return _("Sản phẩm đạt hạng được công nhận: hãy công nhận hoặc trả lại hồ sơ.")
    return None


def _can_propose(evaluation: Evaluation) -> str | None:
    criteria_set = evaluation.criteria_set
    refusal = _("Chỉ sản phẩm đạt từ %(score)s điểm mới được đề nghị Trung ương.") % {
        "score": _number(criteria_set.central_proposal_score)
    }
    if evaluation.status == S.SCORED:  # 26/2026: before any certificate of the province
        if evaluation.is_eliminated or not is_potential_five_star(evaluation):
            return refusal
        return None
    if evaluation.recognised_level != Level.CITY or not is_potential_five_star(evaluation):
        return _(
            "Chỉ sản phẩm cấp tỉnh công nhận đạt từ %(score)s điểm mới đề nghị Trung ương."
        ) % {"score": _number(criteria_set.central_proposal_score)}
    return None


def _can_forward(evaluation: Evaluation) -> str | None:
    """The commune's part is done (its report Mẫu 03, its letter, the samples, the producer's
    self-assessment) and the dossier holds the documents the law requires of its kind."""
    missing = list(dossier.forward_missing(evaluation))
    lacking = documents.missing_required(evaluation, documents.Stage.COUNCIL)
    if lacking:
        missing.append(
            _("Hồ sơ điện tử còn thiếu: %(items)s.")
            % {"items": "; ".join(str(item.title) for item in lacking)}
        )
    return " ".join(missing) if missing else None


def _can_file(evaluation: Evaluation) -> str | None:
    """The producer's part is done (its Mẫu 01 with the samples, its Mẫu 02) and the dossier
    holds the documents the law asks of the producer for its kind."""
    missing = dossier.file_missing(evaluation)
    lacking = [
        item
        for item in documents.missing_required(evaluation, documents.Stage.COUNCIL)
        if item.provided_by == documents.Provider.PRODUCER
    ]
    if lacking:
        missing.append(
            _("Hồ sơ điện tử còn thiếu: %(items)s.")
            % {"items": "; ".join(str(item.title) for item in lacking)}
        )
    return " ".join(missing) if missing else None


def _can_go_to_council(evaluation: Evaluation) -> str | None:
    if evaluation.status == S.ADVISORY and not evaluation.advisory_findings.strip():
        return _("Tổ tư vấn chưa ghi kết quả thẩm định, khảo sát.")
    return None


#: target status → the condition it needs (None when met, else the reason why not)
GUARDS = {
    S.SUBMITTED: _incomplete_reason,
    S.RESUBMITTED: lambda evaluation: (
        _can_forward(evaluation) if _two_level(evaluation) else _incomplete_reason(evaluation)
    ),
    S.RECOGNISED: _can_recognise,
    S.NOT_RECOGNISED: _can_refuse,
    S.PROPOSED_CENTRAL: _can_propose,
    S.MINISTRY: _can_propose,
    S.FORWARDED: _can_forward,
    S.FILED: _can_file,
    S.COUNCIL: _can_go_to_council,
    S.SCORED: _incomplete_reason,
}


def _two_level(evaluation: Evaluation) -> bool:
    return table(evaluation) is TWO_LEVEL


# --- The check ------------------------------------------------------------------------------


def require_actor(evaluation: Evaluation, target: str, user, today: date | None = None) -> None:
    """Refuse (PermissionDenied, saying who does it) a move of the table that this user does
    not make, or a decision on a dossier they had a hand in; a move the table does not have is
    left to ``check``."""
    actor = table(evaluation).get(evaluation.status, {}).get(target)
    if actor is not None and not acts_as(user, actor, evaluation, today):
        raise PermissionDenied(
            _("Việc này do %(actor)s thực hiện.") % {"actor": Actor(actor).label}
        )
    deciding = target in DECIDING_TARGETS and target != evaluation.status
    if deciding and (reason := own_file_reason(evaluation, user)):
        raise PermissionDenied(reason)


def check(evaluation: Evaluation, target: str, user, *, today: date | None = None) -> None:
    """Refuse a move that the table, the user's role or the evaluation's state does not allow:
    PermissionDenied for the wrong person, ValidationError (with the reason) otherwise."""
    today = today or timezone.localdate()
    actor = table(evaluation).get(evaluation.status, {}).get(target)
    if actor is None:
        raise ValidationError(
            _("Không thể chuyển hồ sơ từ “%(source)s” sang “%(target)s”.")
            % {"source": S(evaluation.status).label, "target": S(target).label},
            code="transition_not_allowed",
        )
    require_actor(evaluation, target, user, today)
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
    with the reason it is not possible yet, if any (a decision on their own file included)."""
    moves = []
    for target, actor in table(evaluation).get(evaluation.status, {}).items():
        if target == evaluation.status or not acts_as(user, actor, evaluation, today):
            continue
        try:
            check(evaluation, target, user, today=today)
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            moves.append(Move(target, ACTIONS[target], reason))
        else:
            moves.append(Move(target, ACTIONS[target], None))
    return moves


def sheet_lock_reason(evaluation: Evaluation, user, *, today: date | None = None) -> str | None:
    """Why this user cannot change the score sheets now, or None if they can (for an
    administrator on a recognised evaluation: a correction, which needs a written reason).
    Under 26/2026 the province's council scores: the sheets open when the dossier reaches it,
    and the city's officers enter them."""
    today = today or timezone.localdate()
    status = evaluation.status
    two_level = _two_level(evaluation)
    if two_level and status in (
        S.PREPARING,
        S.FILED,
        S.RECEIVED,
        S.FORWARDED,
        S.RESUBMITTED,
        S.ADVISORY,
        S.RETURNED,
    ):
        return _("Hội đồng cấp tỉnh chấm điểm khi hồ sơ đã qua Tổ tư vấn thẩm định.")
    if status in Evaluation.EDITABLE_STATUSES:
        if reason := round_closed_reason(evaluation, today):
            return reason
        if two_level:
            if not policy.can(user, "evaluation.review", evaluation):
                return _("Phiếu chấm do thư ký Hội đồng cấp tỉnh nhập; bạn chỉ xem.")
            return None
        if not is_local(user, evaluation):
            return _("Phiếu chấm do cán bộ địa phương phụ trách sản phẩm nhập; bạn chỉ xem.")
        return None
    if status in Evaluation.WAITING_STATUSES:
        if two_level:
            return _("Hội đồng đã chấm xong: phiếu chấm bị khóa (trả về Hội đồng để chấm lại).")
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


def can_comment(evaluation: Evaluation, user) -> bool:
    """The province may comment on any dossier of its province before the decision."""
    return evaluation.status in Evaluation.OPEN_STATUSES and bool(
        policy.can(user, "evaluation.review", evaluation)
    )


# --- Who acts next ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """Who acts next on a dossier and what they do, in one line for every page."""

    who: str
    what: str
    #: The latest return's reason, or a deadline, where it explains the wait.
    why: str = ""

    def __str__(self) -> str:
        return f"{self.what} — {self.who}"


def _commune(evaluation: Evaluation) -> str:
    """The commune's government that acts on the dossier: the producer's commune; for a
    producer still registered in a district dissolved in 07/2025, the commune that took its
    place over (which one, the producer's address says)."""
    area = evaluation.product.producer.area
    if area.is_current:
        return _("UBND %(area)s") % {"area": area.name}
    return _("UBND cấp xã (địa bàn %(area)s cũ)") % {"area": area.name}


def latest_return(evaluation: Evaluation) -> Transition | None:
    """The latest return of a dossier now returned (its reason is what the officer must fix)."""
    if evaluation.status != S.RETURNED:
        return None
    return (
        evaluation.transitions.filter(action=Transition.Action.RETURN)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def next_step(evaluation: Evaluation, *, returned: Transition | None = None) -> NextStep | None:
    """Who acts next, what they do (None for a concluded dossier). ``returned``: the latest
    return when the caller has it already (lists), else it is read here."""
    office = settings.OCOP_OFFICE_NAME
    status = evaluation.status
    two_level = _two_level(evaluation)
    local = _commune(evaluation) if two_level else _("cán bộ địa phương phụ trách")
    unit = provinces.words_of(evaluation.product.producer.area).unit
    if status == S.RETURNED:
        returned = returned or latest_return(evaluation)
        who = local
        if two_level and evaluation.online:
            who = _("%(commune)s hoặc chủ thể %(producer)s") % {
                "commune": local,
                "producer": evaluation.product.producer.name,
            }
        return NextStep(
            who,
            _("Chờ bổ sung hồ sơ theo yêu cầu"),
            returned.comment if returned else "",
        )
    waiting = _waiting_on(status, evaluation, local, unit, office, two_level)
    if waiting is None:
        return None
    who, what = waiting
    local_decision = deciding_level(evaluation) in (Level.DISTRICT, Level.COMMUNE)
    if status in (S.SUBMITTED, S.RESUBMITTED) and not two_level and local_decision:
        who = _("cấp huyện")
    return NextStep(who, what)


def _waiting_on(status, evaluation, local: str, unit: str, office: str, two_level: bool):
    """(who, what) for a dossier in ``status`` that is not returned; None when it is
    concluded. Only the status asked for is put in words (a list asks it of every row)."""
    match status:
        case S.PREPARING:
            return (
                _("chủ thể %(producer)s") % {"producer": evaluation.product.producer.name},
                _("Chủ thể đang lập hồ sơ trực tuyến, chưa nộp cho xã"),
            )
        case S.FILED:
            return local, _("Chờ xã tiếp nhận hồ sơ chủ thể nộp trực tuyến")
        case S.RECEIVED:
            return local, _("Chờ xã đánh giá sơ bộ (Mẫu 03) và gửi lên %(unit)s") % {"unit": unit}
        case S.FORWARDED:
            return office, _("Chờ kiểm tra thành phần hồ sơ")
        case S.ADVISORY:
            return office, _("Chờ Tổ tư vấn thẩm định, khảo sát thực tế")
        case S.COUNCIL:
            return _("thư ký Hội đồng cấp %(unit)s") % {"unit": unit}, _("Chờ Hội đồng chấm điểm")
        case S.SCORED:
            what = _("Chờ trình Chủ tịch UBND %(unit)s quyết định công nhận")
            return office, what % {"unit": unit}
        case S.MINISTRY:
            return office, _("Chờ kết quả của Bộ Nông nghiệp và Môi trường (5 sao)")
        case S.MINISTRY_DECLINED:
            what = _("Chờ Chủ tịch UBND %(unit)s quyết định theo kết quả của Trung ương")
            return office, what % {"unit": unit}
        case S.DRAFT:
            return local, _("Chờ chấm đủ phiếu và gửi thẩm định")
        case S.SUBMITTED:
            return office, _("Chờ thẩm định và quyết định")
        case S.RESUBMITTED:
            if two_level:
                return office, _("Chờ kiểm tra lại hồ sơ đã bổ sung")
            return office, _("Chờ thẩm định lại")
        case S.PROPOSED_CENTRAL:
            return office, _("Chờ kết quả của Trung ương (5 sao)")
    return None
