"""The demo's evaluations, behind the registry demo (products/demo.py):

- 2022: three city rounds under 1048/QĐ-TTg whose decisions (1869, 2968 and 3787/QĐ-UBND)
  recognised the 51 products of that year. Each "new" 2022 certificate gets its evaluation, with
  four council members' sheets whose average is the certificate's score (or, where the registry
  has none, a score inside its stars' band); the two products of 90 points or more were
  forwarded to the central council as potential 5★.
- 2023: a city round under 148/QĐ-TTg, closed at the year's end with what was left in it:
  drafts, an evaluation returned to Ninh Kiều, and submitted ones — a 4★ for the city to decide
  and a 3★ that, under 148, Thốt Nốt decides itself. Everything in it is dated 2023.
- 2026: "Đợt 2/2026" under 26/2026/QĐ-TTg, open, with something for every demo account: one
  product of a current commune taken over from each former district, scored on the real sheet
  of its product set (fresh fruit, rice, processed fish, fish sauce, tea…); among the submitted
  ones a processed fish reaching the 4★ band but missing a 4★ minimum (rated 3★).

Council members, the 2026 producers and products and the sheets' choices are illustrative.
Idempotent: rounds, producers, products and evaluations are found by their natural keys and
only what is missing is created; a second run changes nothing.
"""

import random
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from areas.services import DEMO_PROVINCE_CODE
from core.text import fold
from evaluations import services
from evaluations.criteria import load_criteria_sets
from evaluations.models import (
    Answer,
    CouncilMember,
    Evaluation,
    MinimumsRule,
    Round,
    ScoreSheet,
    Transition,
)
from evaluations.scoring import CriterionInfo, SheetStructure
from products.models import Certificate, Product, ProductCategory
from subjects.models import Producer

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
    date(2023, 12, 29),
    COUNCIL_2023,
    note="Đợt trình diễn năm 2023: các hồ sơ còn dở khi đợt kết thúc được giữ nguyên.",
)
COUNCIL_2026 = [
    ("Trần Văn Hậu", CouncilMember.Role.CHAIR, "Ủy ban nhân dân thành phố Cần Thơ"),
    ("Lê Thị Ngọc Hân", CouncilMember.Role.VICE_CHAIR, "Sở Nông nghiệp và Môi trường"),
    ("Nguyễn Hoàng Phúc", CouncilMember.Role.MEMBER, "Sở Công Thương"),
    ("Võ Thị Kim Chi", CouncilMember.Role.MEMBER, "Sở Y tế"),
    ("Đặng Minh Trí", CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]
#: Under 26/2026 a second round decides by 30/12 the dossiers the communes forwarded by 30/10.
ROUND_2026 = RoundSpec(
    2026,
    2,
    date(2026, 8, 3),
    None,
    COUNCIL_2026,
    note="Đợt 2/2026 theo Quyết định 26/2026/QĐ-TTg: hồ sơ cấp xã gửi trước 30/10, quyết định "
    "trước 30/12. Đợt trình diễn còn mở để các tài khoản demo thử quy trình.",
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
    #: 2026: the new product, its producer and where (a commune taken over from this former
    #: district), its product set in Phụ lục I, and criteria scored at given points.
    producer: str = ""
    representative: str = ""
    producer_kind: str = ""
    district: str = ""
    category: str = ""
    fixed: tuple[tuple[str, int], ...] = ()


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


PLANNED_2026 = [
    Planned(
        "Dâu Hạ Châu Mỹ Khánh",
        "new",
        S.SUBMITTED,
        Decimal("78"),
        producer="Hợp tác xã dâu Hạ Châu Mỹ Khánh",
        representative="Nguyễn Văn Sáu",
        producer_kind="htx",
        district="926",
        category="I.1.a",
    ),
    Planned(
        "Chả cá thát lát Cái Răng",
        "new",
        S.SUBMITTED,
        Decimal("76"),
        producer="Công ty TNHH Thủy sản Cái Răng Xanh",
        representative="Phạm Thị Thu Hương",
        producer_kind="dn",
        district="919",
        category="I.3.d",
        # Labelled as required but without the electronic traceability code: 4★ band, 3★.
        fixed=(("2.3", 1),),
    ),
    Planned(
        "Gạo thơm Thới An",
        "new",
        S.RETURNED,
        Decimal("72"),
        comment="Bổ sung phiếu kiểm nghiệm các chỉ tiêu dinh dưỡng (tiêu chí 7) và hợp đồng liên "
        "kết tiêu thụ (tiêu chí 1.5) rồi gửi lại.",
        producer="Hợp tác xã nông nghiệp Thới An Xanh",
        representative="Lê Văn Thành",
        producer_kind="htx",
        district="917",
        category="I.2.a",
    ),
    Planned(
        "Nước mắm cá linh Long Tuyền",
        "new",
        S.DRAFT,
        Decimal("71"),
        filled=0.5,
        producer="Hộ kinh doanh Huỳnh Văn Tới",
        representative="Huỳnh Văn Tới",
        producer_kind="ho",
        district="918",
        category="I.4.a",
    ),
    Planned(
        "Trà bông sen Ninh Kiều",
        "new",
        S.DRAFT,
        Decimal("74"),
        filled=0.3,
        producer="Công ty TNHH Trà Sen Tây Đô",
        representative="Trần Ngọc Diễm",
        producer_kind="dn",
        district="916",
        category="I.5.b",
    ),
    Planned(
        "Khô cá tra phồng Thốt Nốt",
        "new",
        S.DRAFT,
        Decimal("68"),
        filled=0.8,
        producer="Hộ kinh doanh Trần Thị Mỹ Duyên",
        representative="Trần Thị Mỹ Duyên",
        producer_kind="ho",
        district="923",
        category="I.3.d",
    ),
    Planned(
        "Bưởi năm roi Thới Lai",
        "new",
        S.DRAFT,
        Decimal("73"),
        filled=0,
        producer="Tổ hợp tác bưởi Thới Lai",
        representative="Võ Văn Bảy",
        producer_kind="tht",
        district="927",
        category="I.1.a",
    ),
    Planned(
        "Mật ong hoa tràm Cờ Đỏ",
        "new",
        S.DRAFT,
        Decimal("66"),
        filled=0.6,
        producer="Hộ kinh doanh Lâm Thị Ngọc",
        representative="Lâm Thị Ngọc",
        producer_kind="ho",
        district="925",
        category="I.2.b",
    ),
    Planned(
        "Hủ tiếu sợi khô Cái Răng",
        "new",
        S.DRAFT,
        Decimal("70"),
        filled=0.4,
        producer="Công ty TNHH Thủy sản Cái Răng Xanh",
        representative="Phạm Thị Thu Hương",
        producer_kind="dn",
        district="919",
        category="I.3.b",
    ),
    Planned(
        "Vú sữa Lò Rèn Mỹ Khánh",
        "new",
        S.DRAFT,
        Decimal("69"),
        filled=0,
        producer="Hợp tác xã dâu Hạ Châu Mỹ Khánh",
        representative="Nguyễn Văn Sáu",
        producer_kind="htx",
        district="926",
        category="I.1.a",
    ),
    Planned(
        "Bánh phồng gạo Thạnh An",
        "new",
        S.DRAFT,
        Decimal("62"),
        filled=0,
        producer="Cơ sở bánh phồng Út Thạnh An",
        representative="Đoàn Văn Út",
        producer_kind="ho",
        district="924",
        category="I.3.b",
    ),
]


# --- Choosing the options of a sheet ---------------------------------------------------------


def _cents(value: Decimal) -> int:
    return int(value * 100)


def plan_sheet(
    structure: SheetStructure,
    total: Decimal,
    stars: int,
    rng: random.Random,
    fixed: Mapping[str, Decimal | int] | None = None,
) -> dict[int, int]:
    """Options adding up to exactly `total` points, with no knock-out and every minimum of the
    levels up to `stars` met (a product with a story: every criterion is scored), but for the
    criteria `fixed` at given points ({code: points}); choices lean towards the sheet's
    overall level."""
    fixed = fixed or {}
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
            and (
                option.points == Decimal(fixed[criterion.code])
                if criterion.code in fixed
                else option.points >= floor and not (criterion.tells_story and option.points == 0)
            )
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


def _backdate(instance, when: datetime) -> None:
    """Date a demo record and its history as of when it happened, not when the demo ran."""
    model = type(instance)
    fields = {
        name: when
        for name in ("created_at", "updated_at")
        if any(field.name == name for field in model._meta.fields)
    }
    model.objects.filter(pk=instance.pk).update(**fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    if hasattr(model, "history"):
        model.history.filter(id=instance.pk).update(history_date=when)


def _ensure_round(spec: RoundSpec, province: Area) -> tuple[Round, bool]:
    round_ = Round.objects.filter(area=province, year=spec.year, number=spec.number).first()
    if round_ is not None:
        if (round_.closes_on, round_.note) != (spec.closes_on, spec.note):
            # A demo loaded before the 2023 round was closed: close it as the data says.
            Round.objects.filter(pk=round_.pk).update(closes_on=spec.closes_on, note=spec.note)
            round_.refresh_from_db()
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
    _backdate(round_, _at(spec.opens_on - timedelta(days=14)))
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
        fixed: Mapping[str, int] | None = None,
        officer: User | None = None,
    ) -> Evaluation:
        basis = round_.legal_basis()
        criteria_set = round_.criteria_set(product)
        structure = self.structure(criteria_set)
        officer = officer or self.officer(product)
        evaluation = Evaluation(
            round=round_,
            product=product,
            kind=kind,
            criteria_set=criteria_set,
            status=S.DRAFT,
            previous_certificate=previous,
            created_by=officer,
            created_at=_at(created, 8),
            # Before 26/2026 the portal read a minimum on every member's sheet.
            minimums_rule=(
                MinimumsRule.MEDIAN if basis.product_code_format else MinimumsRule.LOWEST
            ),
        )
        services.assign_number(evaluation, basis)
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
            chosen = plan_sheet(structure, total, stars, rng, fixed)
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
        _backdate(evaluation, _at(created + timedelta(days=3), 16))
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
        if step.at > evaluation.updated_at:
            Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=step.at)
            evaluation.updated_at = step.at


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


def _product_2026(planned: Planned, province: Area) -> Product:
    """The planned product and its producer, in the first current commune (by code) that took
    over the former district; created once, dated before the round."""
    district = Area.objects.former().get(parent=province, code=planned.district)
    commune = district.successors.filter(valid_until__isnull=True).order_by("code").first()
    producer = Producer.objects.filter(name=planned.producer, area=commune).first()
    registered = _at(ROUND_2026.opens_on - timedelta(days=20))
    if producer is None:
        producer = Producer(
            kind=planned.producer_kind,
            name=planned.producer,
            search_name=fold(planned.producer),
            legal_representative=planned.representative,
            area=commune,
            address=commune.full_name,
            is_illustrative=True,
        )
        producer.full_clean()
        producer.save()
        _backdate(producer, registered)
    product = Product.objects.filter(producer=producer, name=planned.product).first()
    if product is None:
        product = Product(
            producer=producer,
            name=planned.product,
            search_name=fold(planned.product),
            category=ProductCategory.objects.get(
                scheme=ProductCategory.Scheme.QD_26_2026, code=planned.category
            ),
            is_illustrative=True,
        )
        product.full_clean()
        product.save()
        _backdate(product, registered)
    return product


def _load_2026(builder: _Builder, province: Area, counts) -> None:
    round_, created = _ensure_round(ROUND_2026, province)
    counts["rounds"] += created
    existing = set(round_.evaluations.values_list("product__name", flat=True))
    reviewer = builder.users.get(REVIEWER)
    today = timezone.localdate()
    for planned in PLANNED_2026:
        product = _product_2026(planned, province)
        if planned.product in existing:
            continue
        band = round_.criteria_set(product).stars_for(planned.target)
        evaluation = builder.create(
            round_=round_,
            product=product,
            kind=planned.kind,
            score=planned.target,
            stars=band,
            filled=planned.filled,
            previous=None,
            created=min(date(2026, 8, 17), today),
            fixed=dict(planned.fixed),
            officer=builder.users.get(OFFICERS[planned.district]),
        )
        counts["evaluations"] += 1
        officer = evaluation.created_by
        if planned.status in (S.SUBMITTED, S.RETURNED):
            day = min(date(2026, 10, 20), today)
            builder.step(evaluation, A.SUBMIT, S.DRAFT, S.SUBMITTED, officer, day)
        if planned.status == S.RETURNED:
            day = min(date(2026, 10, 28), today)
            builder.step(
                evaluation,
                A.RETURN,
                S.SUBMITTED,
                S.RETURNED,
                reviewer,
                day,
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
    _load_2026(builder, province, counts)
    return counts
