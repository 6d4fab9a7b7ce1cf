"""The demo: Cần Thơ's areas, its OCOP registry and one account per role. Every step is
idempotent."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from areas import services as area_services
from areas.models import Area
from budgets import demo as plans
from core.loading import dated
from enquiries import demo as enquiries
from enquiries.models import Enquiry
from evaluations import demo as evaluations
from evaluations.criteria import load_legal_bases
from evaluations.online_demo import online_demo
from inspections import demo as inspections
from listings import demo as listings
from listings.models import PageChange, StagedPhoto
from notices.models import Notice
from notices.services import without_email
from producer_space import demo as producer_accounts
from products import demo as registry
from products.models import Revocation
from products.services import load_categories

#: For the demo only: nothing but ``load_demo`` ever sets this password.
DEMO_PASSWORD = "ocop-demo"

#: One officer per former district of Cần Thơ: username → district code.
DISTRICT_OFFICERS = {
    "ninhkieu": "916",
    "binhthuy": "918",
    "cairang": "919",
    "omon": "917",
    "thotnot": "923",
    "phongdien": "926",
    "codo": "925",
    "thoilai": "927",
    "vinhthanh": "924",
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    areas: str


def load_areas(progress: area_services.Progress | None = None) -> None:
    area_services.load_province_history(area_services.DATA_DIR / "can_tho.json", progress=progress)


def load_registry(progress: registry.Progress | None = None) -> dict[str, int]:
    """The product classification and the legal bases, then Cần Thơ's producers, products and
    star certificates."""
    load_categories()
    load_legal_bases()
    return registry.load_registry(progress=progress)


def load_plans(progress: plans.Progress | None = None) -> dict[str, int]:
    """Plans 2022 and 2023 with targets, budget, disbursements and published figures."""
    return plans.load_plans(progress=progress)


def load_evaluations(progress=None) -> dict[str, int]:
    """Legal bases and criteria sets, the 2022 rounds behind the recognitions, the 2023 round
    as it ended and the 2026 rounds under 26/2026 (new products and re-ratings) with work for
    every account. Its steps give the demo accounts their notices, without e-mailing anyone."""
    with without_email():
        counts = evaluations.load_evaluations(progress=progress)
    _date_notices()
    return counts


def load_inspections() -> dict[str, int]:
    """The 2026 plan of inspections after recognition, its records, the public's reports and
    a revocation; without e-mailing anyone."""
    with without_email():
        counts = inspections.load_inspections()
    _date_notices()
    return counts


#: When the demo's producer proposed its public page's change (before the demo's day).
PAGE_PROPOSED = timezone.make_aware(datetime(2026, 11, 25, 9, 0))


def load_public_pages(account: User | None = None) -> dict[str, int]:
    """Two certified products' public pages (story, points of sale), published; and, for a
    producer's account (``chuthe1``), one proposal waiting for its commune officer, who is
    told (no e-mail). Idempotent."""
    with without_email(), dated(PAGE_PROPOSED, [PageChange, StagedPhoto, Notice]):
        return listings.load_public_pages(account)


def load_enquiries() -> dict[str, int]:
    """Buyers' enquiries of 2026 from the catalogue (a hotel answered by the producer's
    account, a supermarket chain waiting, an exporter connected by the commune); their notices
    dated as the enquiries, without e-mailing anyone."""
    with without_email():
        counts = enquiries.load_enquiries()
    _date_enquiry_notices()
    return counts


@transaction.atomic
def _date_enquiry_notices() -> None:
    """An enquiry's notices, dated when it was received or answered."""
    found = {e.pk: e for e in Enquiry.objects.filter(form_token__startswith="demo-")}
    for notice in Notice.objects.filter(key__startswith="enquiry:"):
        _, pk, status = notice.key.split(":")
        enquiry = found.get(int(pk))
        if enquiry is None:
            continue
        when = enquiry.received_at if status == Enquiry.Status.NEW else enquiry.answered_at
        if when is not None and notice.created_at != when:
            Notice.objects.filter(pk=notice.pk).update(created_at=when)


def load_online_dossier(account: User):
    """The dossier the account's producer filed online (``evaluations.online_demo``): filed,
    received by the commune, forwarded and returned by the Department asking for a lab report
    by a deadline; with its notices, without e-mailing anyone. Call it after the evaluations
    (its round, the officers and ``city``), with the producer's demo account (``chuthe2``).
    Idempotent; None when the account is not a producer's."""
    with without_email():
        evaluation = online_demo(account)
    _date_notices()
    return evaluation


def load_producer_accounts() -> list[DemoAccount]:
    """The accounts of two producers (``chuthe1``, ``chuthe2``), the invitation that opened
    the first and one waiting for an answer (producer_space/demo.py)."""
    made = producer_accounts.load_producer_accounts(DEMO_PASSWORD)
    return [
        DemoAccount(username, User.Role.PRODUCER.label, producer)
        for username, producer in made["accounts"]
    ]


@transaction.atomic
def _date_notices() -> None:
    """The notices of the steps the demo replays through the services, dated as the steps
    (the services give them at the present time; the loaders date the steps afterwards)."""
    for notice in (
        Notice.objects.filter(transition__isnull=False)
        .exclude(created_at=F("transition__at"))
        .select_related("transition")
    ):
        Notice.objects.filter(pk=notice.pk).update(created_at=notice.transition.at)
    revocations = {r.pk: r for r in Revocation.objects.all()}
    for notice in Notice.objects.filter(key__startswith="revocation:"):
        _, pk, status = notice.key.split(":")
        revocation = revocations.get(int(pk))
        if revocation is None:
            continue
        when = (
            revocation.created_at if status == Revocation.Status.PROPOSED else revocation.updated_at
        )
        if notice.created_at != when:
            Notice.objects.filter(pk=notice.pk).update(created_at=when)


def _ensure_user(username: str, **values) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **values)
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.save(update_fields=changed)
    return user


def _ensure_areas(user: User, areas: list[Area]) -> None:
    if set(user.areas.all()) != set(areas):
        user.areas.set(areas)


@transaction.atomic
def load_accounts() -> list[DemoAccount]:
    province = Area.objects.get(code=area_services.DEMO_PROVINCE_CODE, valid_until__isnull=True)
    accounts = []
    _ensure_user(
        "admin",
        full_name="Quản trị viên (demo)",
        role=User.Role.ADMIN,
        is_staff=True,
        is_superuser=True,
        email="admin@ocop.example",
    )
    accounts.append(DemoAccount("admin", User.Role.ADMIN.label, "—"))

    city = _ensure_user(
        "city",
        full_name="Cán bộ Văn phòng Điều phối nông thôn mới (demo)",
        role=User.Role.CITY,
        job_title="Sở Nông nghiệp và Môi trường thành phố Cần Thơ",
        email="city@ocop.example",
    )
    _ensure_areas(city, [province])
    accounts.append(DemoAccount("city", User.Role.CITY.label, province.name))
    # The council's secretary enters the members' sheets; `city` decides (never the same
    # person: 26/2026/QĐ-TTg, and the portal's rule that nobody decides their own file).
    secretary = _ensure_user(
        "thuky",
        full_name="Thư ký Hội đồng OCOP thành phố (demo)",
        role=User.Role.CITY,
        job_title="Văn phòng Điều phối nông thôn mới thành phố Cần Thơ",
        email="thuky@ocop.example",
    )
    _ensure_areas(secretary, [province])
    accounts.append(DemoAccount("thuky", User.Role.CITY.label, province.name))

    districts = {a.code: a for a in Area.objects.former().filter(parent=province)}
    for username, code in DISTRICT_OFFICERS.items():
        district = districts[code]
        office = (
            "Phòng Kinh tế"
            if district.kind == Area.Kind.URBAN_DISTRICT
            else ("Phòng Nông nghiệp và Phát triển nông thôn")
        )
        officer = _ensure_user(
            username,
            full_name=f"Cán bộ OCOP {district.name.split(' ', 1)[1]} (demo)",
            role=User.Role.OFFICER,
            job_title=f"{office} {district.name[0].lower()}{district.name[1:]}",
            email=f"{username}@ocop.example",
        )
        # The former district for the records made before 07/2025, and the communes that
        # took over its territory for everything since.
        _ensure_areas(officer, [district, *district.successors.all()])
        accounts.append(DemoAccount(username, User.Role.OFFICER.label, district.name))
    return accounts
