"""National-scale synthetic registry for load tests: producers, products and star certificates
spread over every loaded commune of every province, written with ``bulk_create``.

Deterministic for a given seed and scale. Every row is marked ``is_illustrative`` and every
producer's address ends with :data:`MARK`, so that :func:`clear` can remove exactly these rows.
Never for a real server: the figures are invented."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from areas.models import Area
from core.text import clean, fold
from products.models import Certificate, LegalBasis, Product, ProductCategory, add_months
from subjects.models import Producer

#: Ends the address of every synthetic producer: how :func:`clear` finds them.
MARK = "(dữ liệu tổng hợp)"
#: Enterprise tax codes of synthetic producers: "98" + 8 digits, far from real ones.
TAX_CODE_PREFIX = "98"
BATCH = 2000

#: Full-scale counts (``scale=1``).
PRODUCERS, PRODUCTS, CERTIFICATES = 20_000, 50_000, 60_000

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


@dataclass
class Counts:
    producers: int
    products: int
    certificates: int


def targets(scale: float) -> Counts:
    def scaled(n: int) -> int:
        return max(1, round(n * scale))

    return Counts(scaled(PRODUCERS), scaled(PRODUCTS), scaled(CERTIFICATES))


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


def clear() -> int:
    """Remove the synthetic rows (certificates, products, producers); returns producers gone."""
    producers = Producer.objects.filter(is_illustrative=True, address__endswith=MARK)
    with transaction.atomic():
        Certificate.objects.filter(product__producer__in=producers).delete()
        Product.objects.filter(producer__in=producers).delete()
        deleted, _ = producers.delete()
    return deleted


def _bulk(model, rows: list, label: str, progress: Progress | None) -> list:
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start : start + BATCH])
        if progress:
            progress(label, len(created), len(rows))
    return created


@transaction.atomic
def generate(seed: int = 1, scale: float = 1.0, progress: Progress | None = None) -> Counts:
    """Create the synthetic registry on top of the loaded areas, classification and legal
    bases."""
    rng = random.Random(seed)
    today = timezone.localdate()
    want = targets(scale)
    communes = list(
        Area.objects.current()
        .of_level(Area.Level.COMMUNE)
        .order_by("path")
        .only("pk", "name", "path")
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
    if Producer.objects.filter(tax_code__startswith=TAX_CODE_PREFIX, address__endswith=MARK):
        raise ValueError("Đã có dữ liệu tổng hợp: chạy lại với --clear để tạo mới.")

    # Producers, spread uniformly over all communes of all provinces.
    producers = []
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
        producers.append(
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
    producers = _bulk(Producer, producers, "chủ thể", progress)

    # Products: one for every producer first, the rest to random producers; names unique per
    # producer as the constraint wants.
    products, owners, seen = [], [], set()
    for j in range(want.products):
        producer = producers[j] if j < len(producers) else rng.choice(producers)
        base = f"{rng.choice(PRODUCT_TYPES)} {producer.legal_representative.split()[-1]}"
        name, n = base, 1
        while (producer.pk, fold(name)) in seen:
            n += 1
            name = f"{base} loại {n}"
        seen.add((producer.pk, fold(name)))
        products.append(
            Product(
                producer_id=producer.pk,
                name=name,
                search_name=fold(name),
                category_id=rng.choice(categories),
                description=f"Sản phẩm minh họa {MARK}.",
                is_illustrative=True,
            )
        )
        owners.append(producer)
    products = _bulk(Product, products, "sản phẩm", progress)

    # Certificates: chains of 0 to 3 decisions per product (new, then renewal or upgrade).
    certificates = []
    province_of = {c.pk: c.path.split("/", 1)[0] for c in communes}
    numbers: dict[tuple[str, int], int] = {}
    lengths = _chain_lengths(rng, len(products), want.certificates)
    for product, producer, length in zip(products, owners, lengths, strict=True):
        if not length:
            continue
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
            key = (province_of[producer.area_id], decided.year)
            numbers[key] = numbers.get(key, 0) + 1
            certificate = Certificate(
                product_id=product.pk,
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
                area_id=producer.area_id,
            )
            certificate.valid_until = certificate.compute_valid_until()
            if step == length - 1 and rng.random() < 0.01:
                certificate.revoked_on = _day_between(rng, decided, today)
                certificate.revoked_reason = "Không duy trì tiêu chuẩn (minh họa)."
            certificates.append(certificate)
    _bulk(Certificate, certificates, "giấy chứng nhận", progress)
    return Counts(len(producers), len(products), len(certificates))
