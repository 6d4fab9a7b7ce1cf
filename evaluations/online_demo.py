"""The demo's dossier filed online by its producer: for the producer of a demo account (a
producer's ``User``, made by the producer space's demo), one dossier of one of its products in
the 2026 extra round under 26/2026/QĐ-TTg, taken through the portal's own services, each step
dated on its day: prepared and filed by the account (Mẫu 01, Mẫu 02, its two forms as
documents), received by the commune, pre-assessed and forwarded, found complete by the
Department and returned asking for one document (the lab report) by a deadline. The account
has that request to answer and the dossier to send back.

Idempotent: a second run finds the dossier and changes nothing."""

import random
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.models import Area, containing_paths
from areas.services import DEMO_PROVINCE_CODE
from core import policy
from core.text import fold
from evaluations import documents, dossier, online, services
from evaluations.demo import (
    COMMUNE_REPORT,
    REVIEWER,
    ROUND_2026_EXTRA,
    _add_document,
    _as_of,
    _at,
    _ensure_round,
    plan_sheet,
)
from evaluations.models import CriteriaSet, Evaluation, SelfAssessment
from evaluations.scoring import SheetStructure
from products.models import Certificate, LegalBasis, Product, ProductCategory


@dataclass(frozen=True)
class Days:
    """The days of the online dossier's steps (the demo's day is 29/11/2026)."""

    started: date = date(2026, 11, 9)
    filed: date = date(2026, 11, 10)
    received: date = date(2026, 11, 11)
    forwarded: date = date(2026, 11, 17)
    accepted: date = date(2026, 11, 19)
    returned: date = date(2026, 11, 24)
    #: The Department's deadline for the lab report it asks for.
    due: date = date(2026, 12, 8)


DAYS = Days()
#: The document the Department asks for, by its code in the 26/2026 checklist.
ASKED = "phieu-kiem-nghiem"
RETURN_COMMENT = (
    "Hồ sơ chưa có phiếu kết quả kiểm nghiệm chỉ tiêu chất lượng, an toàn thực phẩm còn hiệu "
    "lực: đề nghị chủ thể bổ sung (minh họa)."
)
#: The product made for the producer when none of its own can be evaluated now (illustrative).
FALLBACK_PRODUCT = ("Mật ong hoa tràm (minh họa)", "I.1.a")


def _officer(area: Area) -> User | None:
    """A local officer assigned to the producer's commune (or an area containing it)."""
    return (
        User.objects.filter(policy.local_officers(), areas__path__in=containing_paths(area.path))
        .order_by("pk")
        .first()
    )


def _can_be_evaluated(product: Product, basis: LegalBasis) -> bool:
    return CriteriaSet.objects.sheet_for(basis, product.category)[0] is not None


def _product(producer, basis: LegalBasis) -> tuple[Product, str]:
    """One of the producer's products with no open dossier that can be scored under the
    basis: one without a certificate first (a first recognition), else one whose certificates
    have all lapsed (recognised anew); else an illustrative new product made for it (a product
    still certified is re-rated in its window, not here)."""
    products = list(
        Product.objects.filter(producer=producer)
        .exclude(evaluations__status__in=Evaluation.OPEN_STATUSES)
        .select_related("category")
        .order_by("pk")
    )
    usable = [product for product in products if _can_be_evaluated(product, basis)]
    for product in usable:
        if not product.certificates.exists():
            return product, Certificate.Kind.NEW
    today = timezone.localdate()
    for product in usable:
        if not product.certificates.valid_on(today).exists():
            return product, Certificate.Kind.NEW
    name, code = FALLBACK_PRODUCT
    product = Product.objects.filter(producer=producer, name=name).first()
    if product is None:
        product = Product(
            producer=producer,
            name=name,
            search_name=fold(name),
            category=ProductCategory.objects.get(
                scheme=ProductCategory.Scheme.QD_26_2026, code=code
            ),
            is_illustrative=True,
        )
        product.full_clean()
        product.save()
    return product, Certificate.Kind.NEW


def _self_assess(evaluation: Evaluation, claimed: Decimal = Decimal(78)) -> None:
    """The producer's self-assessment (Mẫu 02) on its product set's sheet."""
    structure = SheetStructure.load(evaluation.criteria_set)
    stars = evaluation.criteria_set.stars_for(claimed)
    seed = zlib.crc32(f"online-{evaluation.product.name}".encode())
    chosen = plan_sheet(structure, claimed, stars, random.Random(seed))
    SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(
                evaluation=evaluation,
                criterion_id=criterion_id,
                option_id=option_id,
                evidence="Theo tài liệu minh chứng chủ thể tải lên (minh họa).",
            )
            for criterion_id, option_id in chosen.items()
        ],
        ignore_conflicts=True,
    )


def _day(planned: date, today: date) -> date:
    return min(planned, today)


@transaction.atomic
def online_demo(account: User, *, today: date | None = None) -> Evaluation | None:
    """The online dossier of the account's producer (see the module), or None when the
    account is not a producer's or the demo's officers are missing. Idempotent."""
    today = today or timezone.localdate()
    if not policy.is_producer_account(account):
        return None
    producer = account.producer
    existing = Evaluation.objects.filter(product__producer=producer, online=True).first()
    if existing is not None:
        return existing
    province = Area.objects.get(code=DEMO_PROVINCE_CODE, valid_until__isnull=True)
    round_, _created = _ensure_round(ROUND_2026_EXTRA, province)
    officer = _officer(producer.area)
    reviewer = User.objects.filter(username=REVIEWER).first()
    if officer is None or reviewer is None:
        return None
    started = _day(DAYS.started, today)
    basis = LegalBasis.objects.in_force_on(started).first()
    product, kind = _product(producer, basis)

    with _as_of(_at(started, 9)):
        evaluation = online.dossier_start(
            product=product, round=round_, kind=kind, by=account, samples=5, today=started
        )
        _self_assess(evaluation)
        carried = {d.checklist_code: d for d in evaluation.documents.present()}
        for item in documents.missing_required(evaluation, documents.Stage.COUNCIL):
            if item.provided_by == documents.Provider.PRODUCER:
                _add_document(evaluation, item, account, replaces=carried.get(item.code))
    filed = _day(DAYS.filed, today)
    with _as_of(_at(filed, 16)):
        online.dossier_file(evaluation=evaluation, by=account, today=filed)
    received = _day(DAYS.received, today)
    with _as_of(_at(received, 9)):
        online.dossier_receive(evaluation=evaluation, by=officer, samples=5, today=received)
    forwarded = _day(DAYS.forwarded, today)
    with _as_of(_at(forwarded, 10)):
        evaluation.refresh_from_db()
        for item in documents.missing_required(evaluation, documents.Stage.COUNCIL):
            _add_document(evaluation, item, officer)
        evaluation.refresh_from_db()
        dossier.preassessment_save(
            evaluation=evaluation,
            by=officer,
            values={
                **COMMUNE_REPORT,
                "commune_letter": f"{forwarded:%d%m}/UBND-KT",
                "preassessed_on": forwarded,
            },
            version=evaluation.version,
            today=forwarded,
        )
        services.evaluation_forward(evaluation=evaluation, by=officer, today=forwarded)
    accepted = _day(DAYS.accepted, today)
    with _as_of(_at(accepted, 10)):
        services.evaluation_accept(evaluation=evaluation, by=reviewer, today=accepted)
    returned = _day(DAYS.returned, today)
    with _as_of(_at(returned, 14)):
        services.evaluation_return(
            evaluation=evaluation,
            by=reviewer,
            comment=RETURN_COMMENT,
            documents=[ASKED],
            due_on=max(DAYS.due, returned),
            today=returned,
        )
    evaluation.refresh_from_db()
    return evaluation
