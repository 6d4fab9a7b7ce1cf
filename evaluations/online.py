"""A dossier filed online by the producer itself (26/2026/QĐ-TTg: the electronic dossier has
the legal value of the paper one; the national software lets producers register and file
online).

The producer's account starts a dossier for one of its own products (``dossier_start``: status
"preparing"; a re-rating or upgrade carries the previous dossier's documents and
self-assessment, as at the commune), fills its registration (Mẫu 01: the samples it will hand
in; ``dossier.registration_save``) and self-assessment (Mẫu 02, ``dossier.self_assessment_save``),
adds its documents (``documents.add_document``) and files it (``dossier_file``: "filed", the
day filed is the dossier's ``filed_on``). The commune's officer receives it
(``dossier_receive``: the registration number, the samples counted, and from there the two-level
process unchanged) or returns it to the producer as incomplete, with the reason
(``dossier_return_to_producer``: "preparing" again). When the province returns it, the producer
(or the commune) adds what was asked and sends it back (``services.evaluation_resubmit``).

Who may do what is the policy's (``dossier.*`` in core.policy) and the workflow's table; the
producer never decides."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import containing_paths
from core import policy
from core.integrity import rules_as_errors
from evaluations import carried, services, workflow
from evaluations.models import Contribution, Evaluation, Round, Transition
from products.models import Certificate, Product

S = Evaluation.Status


def open_rounds(area, today: date | None = None):
    """The rounds open today whose council covers the area (the province's, or its former
    district's), those still taking the communes' dossiers first."""
    today = today or timezone.localdate()
    rounds = list(
        Round.objects.open_on(today)
        .filter(area__path__in=containing_paths(area.path))
        .select_related("area")
        .order_by("-year", "number", "pk")
    )
    return sorted(rounds, key=lambda round_: round_.forward_deadline_reason(today) is not None)


def kinds_for(product: Product) -> list[str]:
    """The kinds of dossier the product may file: a first recognition without a certificate;
    a re-rating, or an upgrade below 5★, with one."""
    previous = product.certificates.order_by("-decision_date", "-pk").first()
    if previous is None:
        return [Certificate.Kind.NEW]
    kinds = [Certificate.Kind.RENEWAL]
    if previous.stars < 5:
        kinds.append(Certificate.Kind.UPGRADE)
    return kinds


def pending_of(product: Product) -> Evaluation | None:
    """The product's dossier not yet concluded, if any (a product has one at a time)."""
    return Evaluation.objects.filter(product=product, status__in=Evaluation.OPEN_STATUSES).first()


@transaction.atomic
def dossier_start(
    *,
    product: Product,
    round: Round,
    kind: str,
    by,
    samples: int = 0,
    carry: bool = True,
    today: date | None = None,
) -> Evaluation:
    """The producer's account starts a dossier of one of its products in an open round: "being
    prepared", under the legal basis in force today (it must be the two-level process of
    26/2026/QĐ-TTg), scored on its product set's sheet, with one empty sheet per council member.
    A re-rating or upgrade starts from the product's previous dossier unless `carry` is False.

    Started twice (the same product, round and kind, still being prepared online): the first
    one is returned. Another open dossier of the product refuses it, as does a kind that does
    not fit the product's certificates."""
    today = today or timezone.localdate()
    policy.require(by, "dossier.start", product)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    same = Evaluation.objects.filter(
        product=product, round=round, kind=kind, status=S.PREPARING, online=True
    ).first()
    if same is not None:
        return same
    opening = services.check_opening(
        product=product, round=round, kind=kind, basis_day=today, today=today
    )
    errors = dict(opening.errors)
    if pending_of(product) is not None:
        # The commune's page is not the producer's: say it in words, without the staff link.
        errors["product"] = [
            _("Sản phẩm đang có một hồ sơ chưa kết luận: xem trong danh sách hồ sơ của bạn.")
        ]
    if opening.basis is not None and not opening.basis.is_two_level:
        errors.setdefault("round", []).append(
            _("Hồ sơ trực tuyến theo quy trình hai cấp của Quyết định 26/2026/QĐ-TTg.")
        )
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation(
        product=product,
        round=round,
        kind=kind,
        criteria_set=opening.criteria_set,
        status=S.PREPARING,
        online=True,
        samples=samples or 0,
        previous_certificate=opening.previous if kind != Certificate.Kind.NEW else None,
        created_by=by,
        minimums_rule=settings.OCOP_MINIMUMS_READING,
    )
    evaluation.full_clean()
    with rules_as_errors(evaluation):
        evaluation.save()
    services.open_sheets(evaluation, opening.members)
    step = Transition(
        evaluation=evaluation, action=Transition.Action.PREPARE, to_status=S.PREPARING, by=by
    )
    step.full_clean()
    step.save()
    Contribution.objects.create(evaluation=evaluation, user=by, kind=Contribution.Kind.FILED)
    if carry and kind in carried.KINDS:
        source = carried.source_for(product, opening.previous, exclude=evaluation.pk)
        if source is not None:
            carried.carry_over(evaluation=evaluation, source=source, by=by)
    return evaluation


@transaction.atomic
def dossier_file(*, evaluation: Evaluation, by, today: date | None = None) -> Evaluation:
    """The producer's account files its dossier with the commune: the day filed is the
    dossier's (its legal basis was fixed when it was started; the commune's working days run
    from this day). Refused, with what is missing, before Mẫu 01, Mẫu 02 and the producer's
    required documents are there."""
    today = today or timezone.localdate()
    evaluation = services._locked(evaluation)
    workflow.check(evaluation, S.FILED, by, today=today)
    evaluation.filed_on = today
    services._record(evaluation, S.FILED, by, today=today)
    return evaluation


@transaction.atomic
def dossier_receive(
    *,
    evaluation: Evaluation,
    by,
    samples: int | None = None,
    comment: str = "",
    today: date | None = None,
) -> Evaluation:
    """The commune's officer receives a dossier filed online: its registration number (Mẫu
    01), the samples counted (those declared if not given), and the two-level process goes on
    as for a dossier received on paper (the commune's report within its working days from the
    day filed). A re-rating filed late keeps its certificate valid until the result."""
    today = today or timezone.localdate()
    evaluation = services._locked(evaluation)
    workflow.check(evaluation, S.RECEIVED, by, today=today)
    if samples is not None:
        if samples < 0:
            raise ValidationError({"samples": _("Số sản phẩm mẫu không thể âm.")})
        evaluation.samples = samples
    if evaluation.filed_on is None:  # filed before the day was kept: received today
        evaluation.filed_on = today
    if not evaluation.registration_number:
        services.assign_number(evaluation, evaluation.criteria_set.legal_basis)
    services._record(evaluation, S.RECEIVED, by, comment=comment, today=today)
    Contribution.objects.get_or_create(evaluation=evaluation, user=by, kind=Contribution.Kind.FILED)
    services.keep_extension(evaluation, by)
    return evaluation


@transaction.atomic
def dossier_return_to_producer(
    *, evaluation: Evaluation, by, comment: str, today: date | None = None
) -> Evaluation:
    """The commune's officer returns a dossier filed online to its producer as incomplete,
    saying what to complete: it is being prepared again, and filed anew."""
    evaluation = services._locked(evaluation)
    workflow.check(evaluation, S.PREPARING, by, today=today)
    if not (comment or "").strip():
        raise ValidationError(
            {"comment": _("Hãy ghi lý do trả lại để chủ thể bổ sung hồ sơ.")}, code="required"
        )
    evaluation.filed_on = None
    services._record(evaluation, S.PREPARING, by, comment=comment, today=today)
    return evaluation
