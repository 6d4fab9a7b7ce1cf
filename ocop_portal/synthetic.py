"""National-scale synthetic registry for load tests: producers, products and star certificates
spread over every loaded commune of every province, and — on request — evaluation rounds of the
provinces' councils with their evaluations scored on the real 26/2026/QĐ-TTg score sheets.

Deterministic for a given seed and sizes. Every row is marked ``is_illustrative`` where the
model has the mark, every producer's address and every round's note end with :data:`MARK`, so
that :func:`clear` can remove exactly these rows. Never for a real server: the figures are
invented.

Written in batches, one transaction each: an interrupted run is resumed by running it again
with the same seed and sizes (the rows already written are skipped, the rest is written as the
first run would have); running it again once it is complete writes nothing."""

import contextlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from areas.models import Area
from core.text import clean, fold
from evaluations.models import (
    Answer,
    CouncilMember,
    CriteriaSet,
    Evaluation,
    MinimumsRule,
    Round,
    ScoreSheet,
    Transition,
)
from evaluations.scoring import SheetStructure
from products.models import (
    Certificate,
    LegalBasis,
    Product,
    ProductCategory,
    SentNotice,
    add_months,
)
from subjects.models import Producer

#: Ends the address of every synthetic producer and the note of every synthetic round: how
#: :func:`clear` finds them.
MARK = "(dữ liệu tổng hợp)"
#: Enterprise tax codes of synthetic producers: "98" + 8 digits, far from real ones.
TAX_CODE_PREFIX = "98"
#: Rows of one transaction (producers, products, certificates).
BATCH = 2000
#: Evaluations of one transaction, with their score sheets, answers and steps.
EVALUATION_BATCH = 400

#: Full-scale counts (``scale=1``). Evaluations and sheets are asked for explicitly.
PRODUCERS, PRODUCTS, CERTIFICATES = 20_000, 50_000, 60_000
#: Rounds of each province's council when evaluations are asked for without a round count.
ROUNDS_PER_PROVINCE = 2

#: The legal basis whose real score sheets the synthetic evaluations are scored on.
BASIS = "26/2026/QĐ-TTg"
ROUND_YEAR = 2026
ROUNDS_FROM = date(2026, 6, 1)

FIRST_DECISION = date(2019, 3, 1)

Progress = Callable[[str, int, int], None]

KINDS = [
    (Producer.Kind.HOUSEHOLD, "Cơ sở", 45),
    (Producer.Kind.COOPERATIVE, "Hợp tác xã", 30),
    (Producer.Kind.ENTERPRISE, "Công ty TNHH", 20),
    (Producer.Kind.COOPERATIVE_GROUP, "Tổ hợp tác", 5),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Tâm"]
TRADES = [
    "Nông sản sạch",
    "Thực phẩm",
    "Mật ong",
    "Trà thảo mộc",
    "Gạo",
    "Thủ công mỹ nghệ",
    "Thủy sản",
    "Trái cây",
    "Nấm",
    "Cà phê",
]
PRODUCT_TYPES = [
    "Gạo thơm",
    "Mật ong hoa nhãn",
    "Trà mãng cầu",
    "Khô cá lóc",
    "Bánh tráng",
    "Nước mắm",
    "Cà phê rang xay",
    "Chuối sấy",
    "Nem chua",
    "Hạt điều rang muối",
    "Tinh dầu sả",
    "Giỏ lục bình",
    "Rượu nếp",
    "Nấm linh chi",
    "Bột nghệ",
    "Mứt gừng",
]
#: Stars of a first recognition and their weights: mostly 3★, some 4★, few 5★.
STARS = ([3, 4, 5], [68, 30, 2])
SCORE_RANGE = {3: (50, 69.99), 4: (70, 89.99), 5: (90, 100)}
#: Certificates per product and their weights (mean about 1.2).
CHAIN = ([0, 1, 2, 3], [10, 65, 20, 5])

S = Evaluation.Status
A = Transition.Action
#: Where the evaluations of a round still open stand, and their weights.
OPEN_STATUSES = ([S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED], [45, 30, 15, 10])
#: Where the evaluations of a closed round wait for the decision.
CLOSED_STATUSES = ([S.SUBMITTED, S.RESUBMITTED], [80, 20])
#: Share of evaluations where one member chooses a knock-out.
KNOCK_OUT = 0.01
#: Share of products not prepared for any star level's minimums (rated below their band).
UNPREPARED = 0.15
#: Share of products without a story (the story criterion at 0 points on every sheet).
NO_STORY = 0.03
RETURN_COMMENT = "Bổ sung hồ sơ theo ý kiến thẩm định (minh họa)."
COUNCIL_ROLES = [
    (CouncilMember.Role.CHAIR, "Ủy ban nhân dân tỉnh"),
    (CouncilMember.Role.VICE_CHAIR, "Sở Nông nghiệp và Môi trường"),
    (CouncilMember.Role.MEMBER, "Sở Công Thương"),
    (CouncilMember.Role.MEMBER, "Sở Y tế"),
    (CouncilMember.Role.MEMBER, "Sở Khoa học và Công nghệ"),
    (CouncilMember.Role.SECRETARY, "Văn phòng Điều phối nông thôn mới"),
]


@dataclass
class Counts:
    producers: int
    products: int
    certificates: int
    rounds: int = 0
    evaluations: int = 0
    sheets: int = 0


def targets(
    scale: float = 1.0,
    *,
    producers: int | None = None,
    products: int | None = None,
    certificates: int | None = None,
    rounds: int | None = None,
    evaluations: int = 0,
    sheets: int | None = None,
) -> Counts:
    """The counts of a run: the scale's, but for those given. Without a round count, every
    province gets :data:`ROUNDS_PER_PROVINCE` (``rounds`` stays None here); without a sheet
    count, every evaluation gets five members' sheets."""

    def scaled(n: int) -> int:
        return max(1, round(n * scale))

    return Counts(
        scaled(PRODUCERS) if producers is None else producers,
        scaled(PRODUCTS) if products is None else products,
        scaled(CERTIFICATES) if certificates is None else certificates,
        rounds,
        evaluations,
        evaluations * 5 if sheets is None else sheets,
    )


def legal_basis(on: date, bases: list[LegalBasis]) -> LegalBasis:
    """The latest basis in force on the day (the earliest one before any)."""
    started = [basis for basis in bases if basis.in_force_from <= on]
    return max(started, key=lambda basis: basis.in_force_from) if started else bases[0]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _chain_lengths(rng: random.Random, products: int, certificates: int) -> list[int]:
    """How many certificates each product gets, adding up to exactly `certificates`."""
    lengths = rng.choices(CHAIN[0], CHAIN[1], k=products)
    total = sum(lengths)
    most = max(CHAIN[0])
    certificates = min(certificates, products * most)
    while total < certificates:
        i = rng.randrange(products)
        if lengths[i] < most:
            lengths[i] += 1
            total += 1
    while total > certificates:
        i = rng.randrange(products)
        if lengths[i] > 0:
            lengths[i] -= 1
            total -= 1
    return lengths


def synthetic_producers():
    return Producer.objects.filter(is_illustrative=True, address__endswith=MARK)


def synthetic_rounds():
    return Round.objects.filter(is_illustrative=True, note__endswith=MARK)


def clear() -> int:
    """Remove the synthetic rows (evaluations and rounds, certificates, products, producers);
    returns producers gone. Raw deletes (no per-row signals, no history of the deletion): the
    rows were written in bulk, and at national scale there are millions of answers."""
    producers = synthetic_producers()
    rounds = synthetic_rounds()
    evaluations = Evaluation.objects.filter(round__in=rounds)
    certificates = Certificate.objects.filter(product__producer__in=producers)
    alias = connection.alias
    with transaction.atomic():
        restore_answer_keys()
        Answer.objects.filter(sheet__evaluation__in=evaluations)._raw_delete(alias)
        ScoreSheet.objects.filter(evaluation__in=evaluations)._raw_delete(alias)
        Transition.objects.filter(evaluation__in=evaluations)._raw_delete(alias)
        Evaluation.history.filter(round_id__in=rounds.values("pk")).delete()
        evaluations._raw_delete(alias)
        CouncilMember.objects.filter(round__in=rounds).delete()
        rounds.delete()
        SentNotice.objects.filter(certificate__in=certificates).delete()
        certificates._raw_delete(alias)
        Product.objects.filter(producer__in=producers)._raw_delete(alias)
        deleted = producers._raw_delete(alias)
    return deleted


def _write(model, rows: list, done: int, label: str, progress: Progress | None) -> int:
    """Write the rows from `done` on (those before are there already), one transaction per
    batch; returns how many were written now."""
    if progress:
        progress(label, done, len(rows))
    for start in range(done, len(rows), BATCH):
        with transaction.atomic():
            _no_wait_for_disk()
            model.objects.bulk_create(rows[start : start + BATCH])
        if progress:
            progress(label, min(start + BATCH, len(rows)), len(rows))
    return len(rows) - done


def _resume_point(have: int, total: int, batch: int, what: str) -> int:
    if have > total or (have < total and have % batch):
        raise ValueError(
            f"Đã có {have} {what} tổng hợp, không khớp lần chạy này ({total}): chạy lại với "
            "--clear để tạo mới."
        )
    return have


def generate(
    seed: int = 1,
    scale: float = 1.0,
    progress: Progress | None = None,
    *,
    producers: int | None = None,
    products: int | None = None,
    certificates: int | None = None,
    rounds: int | None = None,
    evaluations: int = 0,
    sheets: int | None = None,
) -> Counts:
    """Create (or finish creating) the synthetic registry on top of the loaded areas,
    classification and legal bases; returns the rows written by this call."""
    rng = random.Random(seed)
    today = timezone.localdate()
    want = targets(
        scale,
        producers=producers,
        products=products,
        certificates=certificates,
        rounds=rounds,
        evaluations=evaluations,
        sheets=sheets,
    )
    communes = list(
        Area.objects.current()
        .of_level(Area.Level.COMMUNE)
        .order_by("path")
        .only("pk", "name", "path", "code")
    )
    if not communes:
        raise ValueError("Chưa nạp xã, phường: chạy load_areas trước.")
    categories = list(
        ProductCategory.objects.filter(is_leaf=True, scheme=ProductCategory.Scheme.QD_148)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    if not categories:
        raise ValueError("Chưa nạp phân loại sản phẩm: chạy load_categories trước.")
    bases = list(LegalBasis.objects.order_by("in_force_from"))
    if not bases:
        raise ValueError("Chưa nạp căn cứ pháp lý: chạy load_criteria_sets trước.")
    if want.evaluations:
        if want.evaluations > want.products:
            raise ValueError("Mỗi sản phẩm tổng hợp có nhiều nhất một hồ sơ đánh giá.")
        if want.sheets < want.evaluations:
            raise ValueError("Mỗi hồ sơ đánh giá cần ít nhất một phiếu chấm.")
    written = Counts(0, 0, 0)
    # A run interrupted while copying answers left their foreign keys dropped.
    restore_answer_keys()

    # Producers, spread uniformly over all communes of all provinces.
    plan = []
    for i in range(want.producers):
        commune = rng.choice(communes)
        kind, prefix, _ = rng.choices(KINDS, [k[2] for k in KINDS])[0]
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if kind == Producer.Kind.HOUSEHOLD:
            name = f"{prefix} {rng.choice(TRADES).lower()} {person}"
        else:
            name = f"{prefix} {rng.choice(TRADES)} {commune.name.split(' ', 1)[-1]} {i + 1}"
        total = rng.randint(2, 150)
        women = rng.randint(0, total)
        plan.append(
            Producer(
                kind=kind,
                name=clean(name),
                search_name=fold(name),
                tax_code=f"{TAX_CODE_PREFIX}{i:08d}" if kind == Producer.Kind.ENTERPRISE else "",
                legal_representative=person,
                area_id=commune.pk,
                address=f"Ấp {rng.randint(1, 12)}, {commune.name} {MARK}",
                workers_total=total,
                workers_women=women,
                workers_ethnic_minority=rng.randint(0, total // 10),
                workers_local=rng.randint(total // 2, total),
                is_illustrative=True,
            )
        )
    done = _resume_point(synthetic_producers().count(), len(plan), BATCH, "chủ thể")
    written.producers = _write(Producer, plan, done, "chủ thể", progress)
    producer_pks = list(synthetic_producers().order_by("pk").values_list("pk", flat=True))
    area_of = [producer.area_id for producer in plan]

    # Products: one for every producer first, the rest to random producers; names unique per
    # producer as the constraint wants (a producer's later products carry their number).
    products_plan, owner = [], []
    for j in range(want.products):
        index = j if j < len(plan) else rng.randrange(len(plan))
        producer = plan[index]
        name = f"{rng.choice(PRODUCT_TYPES)} {producer.legal_representative.split()[-1]}"
        if j >= len(plan):
            name = f"{name} {j + 1}"
        products_plan.append(
            Product(
                producer_id=producer_pks[index],
                name=name,
                search_name=fold(name),
                category_id=rng.choice(categories),
                description=f"Sản phẩm minh họa {MARK}.",
                is_illustrative=True,
            )
        )
        owner.append(index)
    products_qs = Product.objects.filter(producer__in=synthetic_producers())
    done = _resume_point(products_qs.count(), len(products_plan), BATCH, "sản phẩm")
    written.products = _write(Product, products_plan, done, "sản phẩm", progress)
    product_pks = list(products_qs.order_by("pk").values_list("pk", flat=True))

    # Certificates: chains of 0 to 3 decisions per product (new, then renewal or upgrade).
    certificates_plan = []
    province_of = {c.pk: c.path.split("/", 1)[0] for c in communes}
    numbers: dict[tuple[str, int], int] = {}
    lengths = _chain_lengths(rng, len(products_plan), want.certificates)
    for product_pk, index, length in zip(product_pks, owner, lengths, strict=True):
        if not length:
            continue
        area_id = area_of[index]
        # Room for the chain: about three years between decisions.
        latest_start = add_months(today, -33 * (length - 1)) - timedelta(days=1)
        decided = _day_between(rng, FIRST_DECISION, latest_start)
        stars = rng.choices(*STARS)[0]
        for step in range(length):
            if step:
                upgrade = stars < 5 and rng.random() < 0.3
                stars += 1 if upgrade else 0
                months = rng.randint(14, 30) if upgrade else rng.randint(33, 36)
                decided = min(add_months(decided, months), today)
            low, high = SCORE_RANGE[stars]
            key = (province_of[area_id], decided.year)
            numbers[key] = numbers.get(key, 0) + 1
            certificate = Certificate(
                product_id=product_pk,
                stars=stars,
                score=Decimal(str(round(rng.uniform(low, high), 2))),
                legal_basis=legal_basis(decided, bases),
                level=Certificate.Level.CENTRAL if stars == 5 else Certificate.Level.CITY,
                kind=(
                    Certificate.Kind.NEW
                    if not step
                    else Certificate.Kind.UPGRADE
                    if upgrade
                    else Certificate.Kind.RENEWAL
                ),
                decision_number=f"{numbers[key]}/QĐ-UBND",
                decision_date=decided,
                area_id=area_id,
            )
            certificate.valid_until = certificate.compute_valid_until()
            if step == length - 1 and rng.random() < 0.01:
                certificate.revoked_on = _day_between(rng, decided, today)
                certificate.revoked_reason = "Không duy trì tiêu chuẩn (minh họa)."
            certificates_plan.append(certificate)
    certificates_qs = Certificate.objects.filter(product__producer__in=synthetic_producers())
    done = _resume_point(certificates_qs.count(), len(certificates_plan), BATCH, "giấy chứng nhận")
    written.certificates = _write(Certificate, certificates_plan, done, "giấy chứng nhận", progress)

    if want.evaluations:
        made = _Evaluations(seed, want, communes, progress).run(
            product_pks, [p.category_id for p in products_plan], [area_of[i] for i in owner]
        )
        written.rounds, written.evaluations, written.sheets = made
    return written


# --- Rounds, evaluations and score sheets ----------------------------------------------------


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _Chooser:
    """A sheet's choices, fast: per criterion its printed options sorted by points, picked
    around the member's level with some noise, at least the minimum of the star level the
    product is prepared for (``meets``; 0: none), no knock-out unless asked."""

    def __init__(self, structure: SheetStructure):
        self.structure = structure
        self.criteria = []
        self.knockouts = []
        for criterion in structure.criteria.values():
            options = sorted(
                (o for o in criterion.options if not o.is_eliminating),
                key=lambda option: (option.points, option.code),
            )
            story_yes = [o.id for o in options if o.points > 0] if criterion.tells_story else []
            floors = {
                stars: next((i for i, o in enumerate(options) if o.points >= need), 0)
                for stars, need in criterion.min_points.items()
            }
            self.criteria.append(
                (
                    criterion.id,
                    [option.id for option in options],
                    criterion.needs_story,
                    story_yes,
                    next((o.id for o in options if o.points == 0), None),
                    floors,
                )
            )
            self.knockouts += [(criterion.id, o.id) for o in criterion.options if o.is_eliminating]

    def sheet(
        self, rng: random.Random, level: float, story: bool, knock_out: bool, meets: int = 0
    ) -> dict:
        chosen = {}
        gauss, last = rng.gauss, None
        for criterion_id, options, needs_story, story_yes, story_no, floors in self.criteria:
            if needs_story and not story:
                continue
            if story_yes:
                if story:
                    pick = min(len(story_yes) - 1, max(0, round(level * len(story_yes))))
                    chosen[criterion_id] = story_yes[pick]
                else:
                    chosen[criterion_id] = story_no
                continue
            last = len(options) - 1
            at = level + gauss(0, 0.18)
            floor = floors.get(meets, 0) if meets else 0
            chosen[criterion_id] = options[min(last, max(floor, round(at * last)))]
        if knock_out and self.knockouts:
            criterion_id, option_id = rng.choice(self.knockouts)
            chosen[criterion_id] = option_id
        return chosen


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name in names:
            name = f"{name} {len(names) + 1}"
        names.append(name)
    return names


class _Evaluations:
    def __init__(self, seed: int, want: Counts, communes: list[Area], progress: Progress | None):
        self.seed, self.want, self.progress = seed, want, progress
        self.communes = {commune.pk: commune for commune in communes}
        self.provinces = sorted({commune.path.split("/", 1)[0] for commune in communes})
        self.basis = LegalBasis.objects.filter(code=BASIS).first()
        if self.basis is None:
            raise ValueError(f"Chưa nạp căn cứ {BASIS}: chạy load_criteria_sets trước.")
        self.today = timezone.localdate()
        if self.today < ROUNDS_FROM:
            raise ValueError(f"Các đợt tổng hợp mở từ {ROUNDS_FROM:%d/%m/%Y}.")

    def _rounds(self) -> list[tuple[Round, list[CouncilMember]]]:
        """The provinces' rounds, created once (found by their note on a second run): round i
        goes to the i-th province in turn, numbered after the province's own rounds of the
        year; every round but a province's last one is closed."""
        count = self.want.rounds
        if count is None:
            count = ROUNDS_PER_PROVINCE * len(self.provinces)
        provinces = {
            area.path.split("/", 1)[0]: area
            for area in Area.objects.current().of_level(Area.Level.PROVINCE)
        }
        per_province: dict[str, int] = {}
        for i in range(count):
            path = self.provinces[i % len(self.provinces)]
            per_province[path] = per_province.get(path, 0) + 1
        existing = {
            (round_.area_id, round_.note): round_
            for round_ in synthetic_rounds().filter(year=ROUND_YEAR).select_related("area")
        }
        taken = dict(
            Round.objects.filter(year=ROUND_YEAR)
            .exclude(pk__in=synthetic_rounds())
            .values_list("area_id")
            .annotate(last=Max("number"))
        )
        span = max(1, (self.today - ROUNDS_FROM).days)
        made, created = [], 0
        with transaction.atomic():
            for path, n in sorted(per_province.items()):
                province = provinces[path]
                for k in range(n):
                    note = f"Đợt tổng hợp {k + 1}/{n} {MARK}"
                    round_ = existing.get((province.pk, note))
                    opens = ROUNDS_FROM + timedelta(days=span * k // n)
                    if round_ is None:
                        closes = (
                            None
                            if k == n - 1
                            else ROUNDS_FROM + timedelta(days=span * (k + 1) // n - 1)
                        )
                        round_ = Round.objects.create(
                            year=ROUND_YEAR,
                            number=taken.get(province.pk, 0) + k + 1,
                            level=Round.RoundLevel.CITY,
                            area=province,
                            opens_on=opens,
                            closes_on=max(closes, opens) if closes else None,
                            note=note,
                            is_illustrative=True,
                        )
                        rng = random.Random(f"{self.seed}-council-{path}-{k}")
                        CouncilMember.objects.bulk_create(
                            CouncilMember(
                                round=round_,
                                name=name,
                                role=COUNCIL_ROLES[min(order, len(COUNCIL_ROLES) - 1)][0],
                                organisation=COUNCIL_ROLES[order % len(COUNCIL_ROLES)][1],
                                order=order,
                            )
                            for order, name in enumerate(_names(rng, self.members))
                        )
                        created += 1
                    made.append((round_, list(round_.members.order_by("order", "pk"))))
        self.rounds_created = created
        return made

    def run(self, product_pks: list[int], categories: list[int], areas: list[int]):
        want = self.want
        self.members = want.sheets // want.evaluations
        council_sheets = want.sheets - self.members * want.evaluations
        rounds = self._rounds()
        by_province: dict[str, list[int]] = {}
        for index, (round_, _) in enumerate(rounds):
            by_province.setdefault(round_.area.path.split("/", 1)[0], []).append(index)
        # Which products, in which round, with the council's agreed sheet or not.
        rng = random.Random(f"{self.seed}-evaluations")
        province_of = [self.communes[area].path.split("/", 1)[0] for area in areas]
        eligible = [i for i in range(len(product_pks)) if province_of[i] in by_province]
        if len(eligible) < want.evaluations:
            raise ValueError(
                f"Chỉ {len(eligible)} sản phẩm thuộc tỉnh có đợt đánh giá, cần "
                f"{want.evaluations}: thêm đợt (--rounds)."
            )
        chosen = rng.sample(eligible, want.evaluations)
        with_council = set(rng.sample(range(want.evaluations), council_sheets))
        plan = [
            (i, rng.choice(by_province[province_of[i]]), n in with_council)
            for n, i in enumerate(chosen)
        ]
        plan.sort(key=lambda item: (item[1], item[0]))
        # The criteria set of each product set under 26/2026, and each sheet's structure.
        sets, self.choosers = {}, {}
        for category in set(categories[i] for i, _, _ in plan):
            sheet, reason = CriteriaSet.objects.sheet_for(
                self.basis, ProductCategory.objects.get(pk=category)
            )
            if sheet is None:
                raise ValueError(str(reason))
            sets[category] = sheet
            if sheet.pk not in self.choosers:
                self.choosers[sheet.pk] = _Chooser(SheetStructure.load(sheet))
        # Previous certificates: the latest of the product, for a renewal.
        previous = dict(
            Certificate.objects.filter(product_id__in=[product_pks[i] for i, _, _ in plan])
            .order_by("product_id", "decision_date", "pk")
            .values_list("product_id", "pk")
        )
        # The product codes: numbered in each commune after the portal's own evaluations.
        numbers = dict(
            Evaluation.objects.filter(round__year=ROUND_YEAR, number__isnull=False)
            .exclude(round__in=synthetic_rounds())
            .values_list("product__producer__area_id")
            .annotate(last=Max("number"))
        )
        items = []
        for i, round_index, council in plan:
            area = areas[i]
            numbers[area] = numbers.get(area, 0) + 1
            commune = self.communes[area]
            code = self.basis.product_code(
                province=commune.path.split("/", 1)[0],
                commune=commune.code,
                number=numbers[area],
                year=ROUND_YEAR,
            )
            items.append(
                (
                    product_pks[i],
                    sets[categories[i]],
                    rounds[round_index],
                    council,
                    numbers[area],
                    code,
                )
            )
        existing = Evaluation.objects.filter(round__in=synthetic_rounds()).count()
        done = _resume_point(existing, len(items), EVALUATION_BATCH, "hồ sơ đánh giá")
        sheets_total = want.sheets
        sheets_done = done * self.members + sum(1 for item in items[:done] if item[3])
        if self.progress:
            self.progress("phiếu chấm", sheets_done, sheets_total)
        made_evaluations = made_sheets = 0
        with _answer_keys_dropped() if done < len(items) else _nothing():
            for start in range(done, len(items), EVALUATION_BATCH):
                batch = items[start : start + EVALUATION_BATCH]
                rng = random.Random(f"{self.seed}-batch-{start // EVALUATION_BATCH}")
                with transaction.atomic():
                    _no_wait_for_disk()
                    made_sheets += self._batch(batch, previous, rng)
                made_evaluations += len(batch)
                if self.progress:
                    self.progress("phiếu chấm", sheets_done + made_sheets, sheets_total)
        return self.rounds_created, made_evaluations, made_sheets

    def _batch(self, batch, previous, rng: random.Random) -> int:
        evaluations, sheets_of, steps = [], [], []
        for product_pk, criteria_set, (round_, members), council, number, code in batch:
            chooser = self.choosers[criteria_set.pk]
            structure = chooser.structure
            # The product's level: most between the 3★ and the 4★ bands, some either side.
            level = min(0.99, max(0.15, rng.triangular(0.3, 0.98, 0.66)))
            story = rng.random() >= NO_STORY
            knock_out = rng.random() < KNOCK_OUT
            # Most products are prepared for the minimums of 3★, the best ones of 4★.
            meets = 0 if rng.random() < UNPREPARED else 4 if level > 0.75 else 3
            member_choices = [
                chooser.sheet(
                    rng, level + rng.gauss(0, 0.03), story, knock_out and order == 0, meets
                )
                for order in range(len(members))
            ]
            council_choices = chooser.sheet(rng, level, story, False, meets) if council else None
            rule = MinimumsRule.COUNCIL if council else settings.OCOP_MINIMUMS_READING
            result = structure.evaluation_result(member_choices, rule=rule, council=council_choices)
            is_open = round_.closes_on is None
            statuses = OPEN_STATUSES if is_open else CLOSED_STATUSES
            status = rng.choices(*statuses)[0]
            if not is_open and (result.stars or 0) < self.basis.lowest_certified_stars:
                status = S.NOT_RECOGNISED
            created = round_.opens_on + timedelta(days=rng.randint(0, 10))
            prior = previous.get(product_pk)
            evaluations.append(
                Evaluation(
                    round_id=round_.pk,
                    product_id=product_pk,
                    kind=Certificate.Kind.RENEWAL if prior else Certificate.Kind.NEW,
                    criteria_set_id=criteria_set.pk,
                    status=status,
                    previous_certificate_id=prior,
                    score=result.score,
                    band_stars=result.band_stars,
                    stars=result.stars,
                    is_eliminated=result.eliminated,
                    sheets_complete=result.complete,
                    minimums_rule=rule,
                    number=number,
                    code=code,
                    created_at=_at(created, 8),
                )
            )
            sheet_rows = [
                (member.pk, False, choices, sheet)
                for member, choices, sheet in zip(
                    members, member_choices, result.sheets, strict=True
                )
            ]
            if council:
                sheet_rows.append(
                    (None, True, council_choices, structure.sheet_result(council_choices))
                )
            sheets_of.append(sheet_rows)
            steps.append((status, created))
        Evaluation.objects.bulk_create(evaluations)
        sheets, answers, transitions = [], [], []
        for evaluation, sheet_rows, (status, created) in zip(
            evaluations, sheets_of, steps, strict=True
        ):
            for member_id, is_council, _, result in sheet_rows:
                sheets.append(
                    ScoreSheet(
                        evaluation_id=evaluation.pk,
                        member_id=member_id,
                        is_council=is_council,
                        total=result.total,
                        answered=result.answered,
                        is_complete=result.complete,
                    )
                )
            transitions += _steps(evaluation.pk, status, created)
        ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
        rows = iter(sheets)
        for sheet_rows in sheets_of:
            for _, _, choices, _ in sheet_rows:
                sheet = next(rows)
                answers += [(sheet.pk, c, o) for c, o in choices.items()]
        _insert_answers(answers)
        Transition.objects.bulk_create(transitions, batch_size=BATCH)
        return len(sheets)


def _steps(evaluation_id: int, status: str, created: date) -> list[Transition]:
    """The workflow's steps up to the status: opened, submitted, returned, resubmitted."""

    def step(action, source, target, days, **values):
        return Transition(
            evaluation_id=evaluation_id,
            action=action,
            from_status=source,
            to_status=target,
            at=_at(min(created + timedelta(days=days), timezone.localdate()), 10),
            **values,
        )

    steps = [step(A.CREATE, "", S.DRAFT, 0)]
    if status != S.DRAFT:
        steps.append(step(A.SUBMIT, S.DRAFT, S.SUBMITTED, 14))
    if status in (S.RETURNED, S.RESUBMITTED):
        steps.append(step(A.RETURN, S.SUBMITTED, S.RETURNED, 21, comment=RETURN_COMMENT))
    if status == S.RESUBMITTED:
        steps.append(step(A.RESUBMIT, S.RETURNED, S.RESUBMITTED, 28))
    if status == S.NOT_RECOGNISED:
        steps.append(step(A.NOT_RECOGNISE, S.SUBMITTED, S.NOT_RECOGNISED, 35))
    return steps


def _insert_answers(rows: list[tuple[int, int, int]]) -> None:
    """The sheets' answers (sheet, criterion, option): ``bulk_create``, but on PostgreSQL one
    ``COPY`` — millions of rows, five times faster than inserting them."""
    if connection.vendor != "postgresql":
        Answer.objects.bulk_create(
            (Answer(sheet_id=s, criterion_id=c, option_id=o) for s, c, o in rows),
            batch_size=BATCH,
        )
        return
    table = Answer._meta.db_table
    columns = ", ".join(
        Answer._meta.get_field(name).column for name in ("sheet", "criterion", "option")
    )
    data = io.StringIO("".join(f"{s}\t{c}\t{o}\n" for s, c, o in rows))
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(f"COPY {table} ({columns}) FROM STDIN", data)
        else:  # psycopg 3
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(data.getvalue())


# --- PostgreSQL: the answers' foreign keys ----------------------------------------------------

#: The answers' foreign keys, checked row by row at each commit: two thirds of the time of a
#: national run. Dropped while the answers are copied and added back (and so checked) at once.
ANSWER_KEYS = ("sheet", "criterion", "option")


def _no_wait_for_disk() -> None:
    """This transaction's commit does not wait for the disk (PostgreSQL): a crash loses at
    most the last batches, which a second run writes again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _answer_key_names() -> dict[str, str]:
    """{field: the name Django's schema editor gives its foreign key}."""
    with connection.schema_editor(atomic=False, collect_sql=True) as editor:
        return {
            name: editor._fk_constraint_name(
                Answer, Answer._meta.get_field(name), "_fk_%(to_table)s_%(to_column)s"
            )
            .__str__()
            .strip('"')
            for name in ANSWER_KEYS
        }


def _present_constraints() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass",
            [Answer._meta.db_table],
        )
        return {row[0] for row in cursor.fetchall()}


def restore_answer_keys() -> int:
    """Add back the answers' foreign keys a run dropped (an interrupted run leaves them
    dropped); returns how many were added. Adding one checks every answer."""
    if connection.vendor != "postgresql":
        return 0
    present = _present_constraints()
    added = 0
    with connection.schema_editor() as editor:
        for name, constraint in _answer_key_names().items():
            if constraint not in present:
                editor.execute(
                    editor._create_fk_sql(
                        Answer, Answer._meta.get_field(name), "_fk_%(to_table)s_%(to_column)s"
                    )
                )
                added += 1
    return added


@contextlib.contextmanager
def _answer_keys_dropped():
    """Drop the answers' foreign keys for the run, add them back (checking every row at once)
    after. Not inside a caller's transaction (a test's): its deferred checks still pending, a
    table with them cannot be altered, and its batches cannot commit apart anyway."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    present = _present_constraints()
    with connection.cursor() as cursor:
        for constraint in _answer_key_names().values():
            if constraint in present:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(Answer._meta.db_table)} "
                    f"DROP CONSTRAINT {connection.ops.quote_name(constraint)}"
                )
    try:
        yield
    finally:
        restore_answer_keys()


_nothing = contextlib.nullcontext
