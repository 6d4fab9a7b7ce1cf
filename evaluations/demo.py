"""The demo's evaluations, behind the registry demo (products/demo.py):

- 2022: three city rounds under 1048/QĐ-TTg whose decisions (1869, 2968 and 3787/QĐ-UBND)
  recognised the 51 products of that year. Each "new" 2022 certificate gets its evaluation, with
  four council members' sheets whose average is the certificate's score (or, where the registry
  has none, a score inside its stars' band); the two products of 90 points or more were
  forwarded to the central council as potential 5★.
- 2023: one open city round under 148/QĐ-TTg with something for every demo account: drafts for
  each district officer, an evaluation returned to Ninh Kiều, and submitted ones — a 4★ for the
  city to decide and a 3★ that, under 148, Thốt Nốt decides itself.

Council members and the sheets' choices are illustrative. Idempotent: rounds and evaluations are
found by their natural keys and only what is missing is created; a second run changes nothing.
"""

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from areas.services import DEMO_PROVINCE_CODE
from evaluations import services
from evaluations.criteria import load_criteria_sets
from evaluations.models import (
    Answer,
    CouncilMember,
    Evaluation,
    Round,
    ScoreSheet,
    Transition,
)
from evaluations.scoring import CriterionInfo, SheetStructure
from products.models import Certificate, Product

Progress = Callable[[int, int], None]
S = Evaluation.Status
A = Transition.Action
SIGNER = "Phó Chủ tịch UBND thành phố Cần Thơ"
#: Demo officer of each former district (as in ocop_portal/demo.py), and the city reviewer.
OFFICERS = {
    "916": "ninhkieu",
    "918": "binhthuy",
    "919": "cairang",
    "917": "omon",
    "923": "thotnot",
    "926": "phongdien",
    "925": "codo",
    "927": "thoilai",
    "924": "vinhthanh",
}
REVIEWER = "city"

COUNCIL_2022 = [
    ("Trần Minh Tâm", CouncilMember.Role.CHAIR, "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Lê Thị Hồng Nhung", CouncilMember.Role.VICE_CHAIR, "Sở Công Thương"),
    ("Phạm Quốc Bảo", CouncilMember.Role.MEMBER, "Sở Khoa học và Công nghệ"),
    ("Nguyễn Thị Thu Trang", CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]
COUNCIL_2023 = [
    ("Võ Thanh Sơn", CouncilMember.Role.CHAIR, "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Đặng Thị Mỹ Linh", CouncilMember.Role.MEMBER, "Sở Y tế"),
    ("Huỳnh Văn Phúc", CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]


@dataclass(frozen=True)
class RoundSpec:
    year: int
    number: int
    opens_on: date
    closes_on: date | None
    council: list
    decision_number: str = ""
    decision_date: date | None = None
    note: str = ""


ROUNDS_2022 = [
    RoundSpec(
        2022,
        1,
        date(2022, 4, 4),
        date(2022, 6, 30),
        COUNCIL_2022,
        "1869/QĐ-UBND",
        date(2022, 7, 15),
    ),
    RoundSpec(
        2022,
        2,
        date(2022, 7, 18),
        date(2022, 9, 23),
        COUNCIL_2022,
        "2968/QĐ-UBND",
        date(2022, 10, 7),
    ),
    RoundSpec(
        2022,
        3,
        date(2022, 9, 26),
        date(2022, 10, 28),
        COUNCIL_2022,
        "3787/QĐ-UBND",
        date(2022, 11, 8),
    ),
]
ROUND_2023 = RoundSpec(
    2023,
    1,
    date(2023, 3, 15),
    None,
    COUNCIL_2023,
    note="Đợt trình diễn còn mở để các tài khoản demo thử quy trình.",
)


@dataclass(frozen=True)
class Planned:
    """A 2023 evaluation: the product, its kind, where it stands and the score aimed at."""

    product: str
    kind: str
    status: str
    target: Decimal
    filled: float = 1.0  # share of criteria answered on the sheets
    comment: str = ""


PLANNED_2023 = [
    Planned("Trà mãng cầu Kim Nhiên", "renewal", S.DRAFT, Decimal("81"), filled=0.6),
    Planned("Mứt mãng cầu Thới Hưng", "renewal", S.DRAFT, Decimal("60"), filled=0),
    Planned(
        "Nem chua Ngọc Hân",
        "upgrade",
        S.RETURNED,
        Decimal("74"),
        comment="Bổ sung giấy chứng nhận đăng ký nhãn hiệu (tiêu chí A2.5) và phiếu kiểm "
        "nghiệm còn hiệu lực (C3.2) rồi gửi lại.",
    ),
    Planned("Rượu nếp than Sáu Hưng", "renewal", S.SUBMITTED, Decimal("76")),
    Planned("Bánh tráng nem Thu Ba", "renewal", S.SUBMITTED, Decimal("62")),
    Planned("Bánh phồng gạo lứt Sông Hậu", "renewal", S.DRAFT, Decimal("73"), filled=0.3),
    Planned("Bánh tét lá cẩm Mỹ Lệ", "renewal", S.DRAFT, Decimal("75"), filled=0),
    Planned("Xoài sấy dẻo Lạc Phước", "renewal", S.DRAFT, Decimal("72"), filled=0.5),
    Planned("Chôm chôm Java Mỹ Khánh", "renewal", S.DRAFT, Decimal("71"), filled=0),
    Planned("Khô cá lóc một nắng Mười Đông Bình", "renewal", S.DRAFT, Decimal("78"), filled=0.2),
    Planned("Gạo Nàng Hoa Thạnh Lợi", "renewal", S.DRAFT, Decimal("77"), filled=0),
]


# --- Choosing the options of a sheet ---------------------------------------------------------


def _cents(value: Decimal) -> int:
    return int(value * 100)


def plan_sheet(
    structure: SheetStructure, total: Decimal, stars: int, rng: random.Random
) -> dict[int, int]:
    """Options adding up to exactly `total` points, with no knock-out and every minimum of the
    levels up to `stars` met (a product with a story: every criterion is scored); choices lean
    towards the sheet's overall level."""
    criteria: list[CriterionInfo] = list(structure.criteria.values())
    allowed = []
    for criterion in criteria:
        floor = max(
            (need for level, need in criterion.min_points.items() if level <= stars),
            default=Decimal(0),
        )
        options = [
            option
            for option in criterion.options
            if not option.is_eliminating
            and option.points >= floor
            and not (criterion.tells_story and option.points == 0)
        ]
        allowed.append(options)
    # reachable[i]: the totals (in hundredths) the criteria from i on can still add up to.
    reachable = [set() for _ in range(len(criteria) + 1)]
    reachable[-1] = {0}
    for index in range(len(criteria) - 1, -1, -1):
        reachable[index] = {
            rest + _cents(option.points)
            for option in allowed[index]
            for rest in reachable[index + 1]
        }
    remaining = _cents(total)
    if remaining not in reachable[0]:
        raise ValueError(f"Không chọn được phiếu đạt đúng {total} điểm.")
    level = float(total) / float(structure.max_total)
    chosen = {}
    for index, criterion in enumerate(criteria):
        fitting = [
            option
            for option in allowed[index]
            if remaining - _cents(option.points) in reachable[index + 1]
        ]
        top = float(criterion.max_points) or 1.0
        fitting.sort(key=lambda option: abs(float(option.points) / top - level))
        option = rng.choice(fitting[:2])
        chosen[criterion.id] = option.id
        remaining -= _cents(option.points)
    return chosen


def member_totals(score: Decimal, members: int, seed: str) -> list[Decimal]:
    """Whole-point totals of `members` members averaging exactly `score` (score × members must
    be whole), spread a little around it."""
    rng = random.Random(zlib.crc32(seed.encode()))
    whole = score * members
    if whole != whole.to_integral_value():
        raise ValueError(f"{score} × {members} không phải số nguyên.")
    base = int(whole) // members
    totals = [base] * members
    for index in range(int(whole) - base * members):
        totals[index] += 1
    for _ in range(members):
        i, j = rng.sample(range(members), 2)
        shift = rng.randint(0, 2)
        totals[i] += shift
        totals[j] -= shift
    return [Decimal(total) for total in totals]


def score_for(stars: int, seed: str) -> Decimal:
    """A score inside the band of a certificate whose score the registry does not give."""
    low, high = {3: (52, 68), 4: (71, 87)}[stars]
    rng = random.Random(zlib.crc32(seed.encode()))
    return Decimal(rng.randint(low * 4, high * 4)) / 4


# --- Writing -----------------------------------------------------------------------------------


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _ensure_round(spec: RoundSpec, province: Area) -> tuple[Round, bool]:
    round_ = Round.objects.filter(area=province, year=spec.year, number=spec.number).first()
    if round_ is not None:
        return round_, False
    round_ = Round(
        year=spec.year,
        number=spec.number,
        level=Round.RoundLevel.CITY,
        area=province,
        opens_on=spec.opens_on,
        closes_on=spec.closes_on,
        note=spec.note,
        is_illustrative=True,
    )
    round_.full_clean()
    round_.save()
    for order, (name, role, organisation) in enumerate(spec.council):
        member = CouncilMember(
            round=round_, name=name, role=role, organisation=organisation, order=order
        )
        member.full_clean()
        member.save()
    return round_, True


class _Builder:
    """Creates one evaluation with its sheets, result and backdated steps."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.structures: dict[int, SheetStructure] = {}

    def structure(self, criteria_set) -> SheetStructure:
        if criteria_set.pk not in self.structures:
            self.structures[criteria_set.pk] = SheetStructure.load(criteria_set)
        return self.structures[criteria_set.pk]

    def officer(self, product: Product) -> User | None:
        """The demo officer of the product's former district."""
        area = product.producer.area
        district = area if area.level == Area.Level.DISTRICT else area.parent
        return self.users.get(OFFICERS.get(district.code if district else "", ""))

    def create(
        self,
        *,
        round_: Round,
        product: Product,
        kind: str,
        score: Decimal,
        stars: int,
        filled: float,
        previous: Certificate | None,
        created: date,
    ) -> Evaluation:
        criteria_set = round_.criteria_set(product)
        structure = self.structure(criteria_set)
        officer = self.officer(product)
        evaluation = Evaluation(
            round=round_,
            product=product,
            kind=kind,
            criteria_set=criteria_set,
            status=S.DRAFT,
            previous_certificate=previous,
            created_by=officer,
            created_at=_at(created, 8),
        )
        evaluation.full_clean()
        evaluation.save()
        members = list(round_.members.all())
        seed = f"{round_.year}-{product.name}"
        totals = member_totals(score, len(members), seed)
        answers = []
        for member, total in zip(members, totals, strict=True):
            sheet = ScoreSheet.objects.create(
                evaluation=evaluation, member=member, updated_by=officer
            )
            rng = random.Random(zlib.crc32(f"{seed}-{member.name}".encode()))
            chosen = plan_sheet(structure, total, stars, rng)
            keep = round(len(chosen) * filled)
            chosen = dict(list(chosen.items())[:keep])
            result = structure.sheet_result(chosen)
            ScoreSheet.objects.filter(pk=sheet.pk).update(
                total=result.total,
                answered=result.answered,
                is_complete=result.complete,
                updated_at=_at(created + timedelta(days=3), 16),
            )
            answers += [
                Answer(sheet=sheet, criterion_id=criterion_id, option_id=option_id)
                for criterion_id, option_id in chosen.items()
            ]
        Answer.objects.bulk_create(answers)
        services.refresh_result(evaluation, structure)
        self.step(evaluation, A.CREATE, "", S.DRAFT, officer, created, hour=8)
        return evaluation

    def step(self, evaluation, action, source, target, by, day, *, hour=9, **values):
        step = Transition(
            evaluation=evaluation,
            action=action,
            from_status=source,
            to_status=target,
            by=by,
            at=_at(day, hour),
            **values,
        )
        step.full_clean()
        step.save()
        if evaluation.status != target:
            Evaluation.objects.filter(pk=evaluation.pk).update(status=target)
            evaluation.status = target


def _load_2022(builder: _Builder, province: Area, progress, counts) -> None:
    rounds = {}
    for spec in ROUNDS_2022:
        round_, created = _ensure_round(spec, province)
        counts["rounds"] += created
        rounds[spec.decision_number] = (spec, round_)
    certificates = (
        Certificate.objects.filter(
            decision_number__in=rounds.keys(),
            decision_date__year=2022,
            kind=Certificate.Kind.NEW,
        )
        .select_related("product__producer__area__parent", "area")
        .order_by("decision_date", "product__search_name")
    )
    linked = set(
        Evaluation.objects.filter(certificate__in=certificates).values_list(
            "certificate_id", flat=True
        )
    )
    reviewer = builder.users.get(REVIEWER)
    total = len(certificates)
    for done, certificate in enumerate(certificates, start=1):
        if certificate.pk not in linked:
            spec, round_ = rounds[certificate.decision_number]
            _evaluation_2022(builder, spec, round_, certificate, reviewer)
            counts["evaluations"] += 1
        if progress and (done % 10 == 0 or done == total):
            progress(done, total)


def _evaluation_2022(builder, spec: RoundSpec, round_: Round, certificate, reviewer) -> None:
    product = certificate.product
    score = certificate.score
    if score is None:
        score = score_for(certificate.stars, f"{product.name}-{certificate.decision_number}")
    stars = 5 if score >= 90 else certificate.stars
    evaluation = builder.create(
        round_=round_,
        product=product,
        kind=Certificate.Kind.NEW,
        score=score,
        stars=stars,
        filled=1,
        previous=None,
        created=spec.opens_on + timedelta(days=7),
    )
    if evaluation.score != score or (
        round_.criteria_set().certifiable_stars(evaluation.stars) != certificate.stars
    ):
        raise ValueError(f"{product}: phiếu chấm không khớp giấy chứng nhận {certificate}.")
    officer = evaluation.created_by
    builder.step(
        evaluation, A.SUBMIT, S.DRAFT, S.SUBMITTED, officer, spec.closes_on - timedelta(days=5)
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        certificate=certificate,
        decision_number=certificate.decision_number,
        decision_date=certificate.decision_date,
        signer=SIGNER,
        recognised_level=certificate.level,
        recognised_stars=certificate.stars,
    )
    builder.step(
        evaluation,
        A.RECOGNISE,
        S.SUBMITTED,
        S.RECOGNISED,
        reviewer,
        certificate.decision_date,
        hour=15,
        decision_number=certificate.decision_number,
        decision_date=certificate.decision_date,
        signer=SIGNER,
    )
    if certificate.is_potential_five_star:
        builder.step(
            evaluation,
            A.PROPOSE_CENTRAL,
            S.RECOGNISED,
            S.PROPOSED_CENTRAL,
            reviewer,
            certificate.decision_date + timedelta(days=14),
            comment="Đạt từ 90 điểm: đề nghị Bộ Nông nghiệp và Phát triển nông thôn đánh giá, "
            "công nhận sản phẩm OCOP 5 sao.",
        )


def _load_2023(builder: _Builder, province: Area, counts) -> None:
    round_, created = _ensure_round(ROUND_2023, province)
    counts["rounds"] += created
    names = [planned.product for planned in PLANNED_2023]
    products = {
        product.name: product
        for product in Product.objects.filter(name__in=names).select_related(
            "producer__area__parent"
        )
    }
    existing = set(round_.evaluations.values_list("product__name", flat=True))
    reviewer = builder.users.get(REVIEWER)
    criteria_set = round_.criteria_set()
    for planned in PLANNED_2023:
        product = products.get(planned.product)
        if product is None:
            raise ValueError(f"Chưa nạp sản phẩm “{planned.product}” (chạy load_registry trước).")
        if planned.product in existing:
            continue
        previous = product.certificates.order_by("-decision_date", "-pk").first()
        stars = criteria_set.stars_for(planned.target)
        evaluation = builder.create(
            round_=round_,
            product=product,
            kind=planned.kind,
            score=planned.target,
            stars=stars,
            filled=planned.filled,
            previous=previous,
            created=date(2023, 3, 20),
        )
        counts["evaluations"] += 1
        officer = evaluation.created_by
        if planned.status in (S.SUBMITTED, S.RETURNED):
            builder.step(evaluation, A.SUBMIT, S.DRAFT, S.SUBMITTED, officer, date(2023, 4, 10))
        if planned.status == S.RETURNED:
            builder.step(
                evaluation,
                A.RETURN,
                S.SUBMITTED,
                S.RETURNED,
                reviewer,
                date(2023, 4, 18),
                comment=planned.comment,
            )


@transaction.atomic
def load_evaluations(progress: Progress | None = None) -> dict[str, int]:
    """The criteria sets, the demo rounds and their evaluations; idempotent.

    Needs the areas, the registry demo and the demo accounts loaded first (without the accounts
    the steps are recorded without a person). Returns what was created."""
    load_criteria_sets()
    province = Area.objects.get(code=DEMO_PROVINCE_CODE, valid_until__isnull=True)
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[*OFFICERS.values(), REVIEWER])
    }
    builder = _Builder(users)
    counts = {"rounds": 0, "evaluations": 0}
    _load_2022(builder, province, progress, counts)
    _load_2023(builder, province, counts)
    return counts
