"""A test that no page can escape: every named URL of the portal (its own pages, and the admin's
pages of every registered model) × every persona × an object in each area → what the page
answers. A new URL without its row here fails the suite, listing the names it is missing.

The personas: nobody signed in; an officer of area A (Cần Thơ's former district Ninh Kiều "916"
and the communes that took it over); an officer of area B (Cờ Đỏ "925"); the city reviewer; a
staff officer of area A who may view the registers in the admin; an administrator; the account
of area A's producer. The world: a producer (with its account), product, certificate, draft and
recognised evaluation (with score sheets), district round, plan target, budget line and
disbursement in each area; each producer's page proposal with a new photo, and its dossiers
filed online (being prepared, filed with the commune, returned by the province); and the
province's plan, round and published figure; built once for the module, rolled back at its end.

Each row says how to reach the page for a target ("A", "B", or "-" for a page of no area) and
what it answers, by the persona's relation to the target: ``own`` is an officer whose areas hold
the target (an officer of A on A's record, or anyone on a record of no area), ``other`` the
officer of the other area, ``staff_own``/``staff_other`` the staff officer of A likewise,
``producer_own``/``producer_other`` the producer's account on its own producer's records (or a
page of no record) or the other producer's. On the staff's pages the producer's account is
anyone signed in without areas; its own space (its public page, its dossiers) is its alone.
A cell the portal answers wrongly today is listed in the row's ``today`` with what it answers
now and why that is wrong: it runs as a strict xfail, so that the fix shows up as a failure
that asks for the line to be removed.

Every cell is a GET (and a HEAD, which must answer the same). POST-only endpoints answer GET
with 405, and an outsider's POST there is refused and changes nothing; likewise a POST from
anyone a page turns away on GET.
"""

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from areas.models import Area
from budgets.models import Measure, Plan
from core.models import Job
from enquiries import services as enquiry_services
from enquiries.views import thanks_address as enquiry_thanks_address
from evaluations import documents, online
from evaluations import services as evaluation_services
from evaluations.criteria import load_criteria_sets
from evaluations.models import CriteriaSet, DossierDocument, SelfAssessment
from evaluations.scoring import SheetStructure
from evaluations.views.evaluation import ACTIONS
from inspections import services as inspection_services
from inspections.models import InspectionAttachment, InspectionPlan
from inspections.views.reports import thanks_address
from listings import services as listing_services
from notices.models import Notice
from ocop_portal.middleware import PRODUCER_NAMESPACES, PRODUCER_URL_NAMES
from producer_space import services as producer_services
from producer_space.models import AccountChange
from products import revocations
from products.catalogue_views import catalogue_url, slug_of
from products.models import LegalBasis
from tests.conftest import district, load_reference_data, officer_of
from tests.factories import (
    CertificateFactory,
    ProducerFactory,
    ProductFactory,
    category_26,
    category_148,
)
from tests.test_budgets import (
    BudgetLineFactory,
    DisbursementFactory,
    PlanFactory,
    PublishedFigureFactory,
    TargetFactory,
)
from tests.test_evaluations_support import (
    commune_report,
    make_product,
    make_round,
    open_evaluation,
    submitted,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "officer_a",
    "officer_b",
    "city",
    "staff_a",
    "administrator",
    "producer_a",
]
AREAS = ("A", "B")
NO_AREA = "-"


# --- What a page answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class To:
    """A redirect to ``path`` (its query aside); to a login page, ``?next=`` comes back here."""

    path: str | Callable[[SimpleNamespace, str], str]  # or computed from the world and target
    status: int = 302

    def __str__(self) -> str:
        return f"{self.status} → {self.path}"


LOGIN = To("/accounts/login/")
ADMIN_LOGIN = To("/admin/login/")
ADMIN_INDEX = To("/admin/")  # the admin's "does not exist" for a record it does not show

Answer = int | To

#: What turns a persona away: a refusal, "not found", or a login page.
REFUSED = (403, 404, LOGIN, ADMIN_LOGIN, ADMIN_INDEX)

RELATIONS = (
    "anonymous",
    "own",
    "other",
    "city",
    "staff_own",
    "staff_other",
    "administrator",
    "producer_own",
    "producer_other",
)
#: Who is not staff: the admin's login stops them all alike.
NOT_STAFF = ("anonymous", "own", "other", "city", "producer_own", "producer_other")


def relation(persona: str, target: str) -> str:
    """The persona's relation to a target: an officer's own area or the other one; the
    producer's account its own producer's records or the other producer's."""
    if persona in ("anonymous", "city", "administrator"):
        return persona
    home = {"officer_a": "A", "officer_b": "B", "staff_a": "A", "producer_a": "A"}[persona]
    outside = target in AREAS and target != home
    if persona == "staff_a":
        return "staff_other" if outside else "staff_own"
    if persona == "producer_a":
        return "producer_other" if outside else "producer_own"
    return "other" if outside else "own"


@dataclass(frozen=True)
class Row:
    """One URL pattern: its address for each target and what each relation gets there."""

    url: Callable[[SimpleNamespace, str], str]
    expect: dict[str, Answer]
    targets: tuple[str, ...] = (NO_AREA,)
    #: Only POST changes anything here: GET answers 405, and ``refused_posts`` says what a POST
    #: of each outsider answers (it must change nothing).
    post_only: bool = False
    refused_posts: dict[str, Answer] = field(default_factory=dict)
    #: Answers of single cells that the relation does not decide: (persona, target) → answer.
    cells: dict[tuple[str, str], Answer] = field(default_factory=dict)
    #: Cells the portal answers wrongly today: (persona, target) → "today: …; expected: …".
    #: They run as strict xfails: the fix fails them, asking for the line to be removed.
    today: dict[tuple[str, str], str] = field(default_factory=dict)
    #: HEAD answers as GET does (Django's admin login is the exception).
    head: bool = True

    def __post_init__(self):
        assert set(self.expect) == set(RELATIONS), sorted(set(RELATIONS) ^ set(self.expect))


def page(
    *,
    anonymous: Answer = LOGIN,
    own: Answer = 200,
    other: Answer = 404,
    city: Answer = 200,
    staff_own: Answer | None = None,
    staff_other: Answer | None = None,
    administrator: Answer = 200,
    producer: Answer = 404,
    producer_own: Answer | None = None,
) -> dict[str, Answer]:
    """A portal page: the staff officer of A is an officer of A there. A staff page answers
    the producer's account as anyone signed in without areas (``producer``): a record is not
    there, a list is empty, what only those with areas do is refused."""
    return {
        "producer_own": producer if producer_own is None else producer_own,
        "producer_other": producer,
        "anonymous": anonymous,
        "own": own,
        "other": other,
        "city": city,
        "staff_own": own if staff_own is None else staff_own,
        "staff_other": other if staff_other is None else staff_other,
        "administrator": administrator,
    }


def producer_space(staff: Answer = 404) -> dict[str, Answer]:
    """A page of the producer's space: its account's only; every staff member, administrators
    too, gets ``staff``."""
    return {
        **dict.fromkeys(RELATIONS, staff),
        "anonymous": LOGIN,
        "producer_own": 200,
        "producer_other": 404,
    }


def public(answer: Answer = 200) -> dict[str, Answer]:
    return dict.fromkeys(RELATIONS, answer)


def admin_page(
    staff_own: Answer, staff_other: Answer | None = None, administrator: Answer = 200
) -> dict[str, Answer]:
    """An admin page: only staff get past the admin's login."""
    return {
        **dict.fromkeys(NOT_STAFF, ADMIN_LOGIN),
        "staff_own": staff_own,
        "staff_other": staff_own if staff_other is None else staff_other,
        "administrator": administrator,
    }


# --- The world ----------------------------------------------------------------------------------

#: What the staff officer of A may view in the admin: the registers and the classification.
STAFF_VIEWS = ["producer", "product", "certificate", "productcategory"]


def build_world() -> SimpleNamespace:
    """Two areas with a record of every kind each, the province's own records, the personas."""
    if not Area.objects.filter(code="92").exists():  # a transactional test flushed it
        load_reference_data()
    load_criteria_sets()
    w = SimpleNamespace()
    w.home = {"A": district("916"), "B": district("925")}
    # Producers registered in a current commune that took over the former district.
    w.commune = {t: w.home[t].successors.order_by("code").first() for t in AREAS}

    w.officer_a = officer_of("916", username="ma-tran-ninh-kieu")
    w.officer_b = officer_of("925", username="ma-tran-co-do")
    w.city = User.objects.create_user("ma-tran-city", role=User.Role.CITY)
    w.city.areas.set([Area.objects.get(code="92", valid_until__isnull=True)])
    w.staff_a = officer_of("916", username="ma-tran-staff", is_staff=True)
    w.staff_a.user_permissions.add(
        *Permission.objects.filter(codename__in=[f"view_{model}" for model in STAFF_VIEWS])
    )
    w.administrator = User.objects.create_user(
        "ma-tran-admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True
    )
    w.user = {"A": w.officer_a, "B": w.officer_b}

    w.producer, w.product, w.certificate = {}, {}, {}
    w.draft, w.recognised, w.round = {}, {}, {}
    city_round = make_round()
    w.round[NO_AREA] = city_round
    for number, t in enumerate(AREAS, start=2):
        w.producer[t] = ProducerFactory(area=w.commune[t], name=f"Hợp tác xã Ma Trận {t}")
        w.product[t] = ProductFactory(producer=w.producer[t], name=f"Sản phẩm Ma Trận {t}")
        w.certificate[t] = CertificateFactory(
            product=w.product[t], decision_date=timezone.localdate()
        )
        w.round[t] = make_round("148/QĐ-TTg", level="district", area=w.home[t], number=number)
        w.draft[t] = open_evaluation(
            city_round, make_product(w.commune[t], f"Trà Ma Trận {t}"), w.user[t]
        )
        w.recognised[t] = evaluation_services.evaluation_recognise(
            evaluation=submitted(
                city_round,
                make_product(w.commune[t], f"Khô cá Ma Trận {t}"),
                w.user[t],
                [76, 77, 78],
            ),
            by=w.city,
            decision_number=f"7{number}/QĐ-UBND",
            decision_date=timezone.localdate(),
            signer="Phó Chủ tịch",
        )

    # A revocation proposed by the city of each area's issued certificate (the catalogue's
    # product keeps its valid certificate).
    w.revocation = {
        t: revocations.propose(
            certificate=w.recognised[t].certificate,
            ground="d",
            concluded_on=timezone.localdate(),
            concluded_by="Đoàn kiểm tra",
            findings=f"Dùng nhãn OCOP sai quy định {t}",
            by=w.city,
        )
        for t in AREAS
    }

    # A document of each draft's electronic dossier, added by the area's officer. Its row only:
    # the file is written into each test's own storage when its address is asked for.
    w.document = {
        t: DossierDocument.objects.create(
            evaluation=w.draft[t],
            checklist_code="phieu-dang-ky",
            title=f"Phiếu đăng ký {t}",
            file=f"dossiers/{w.draft[t].pk}/{'ab' * 16}.pdf",
            content_type="application/pdf",
            size=len(MATRIX_PDF),
            sha256=hashlib.sha256(MATRIX_PDF).hexdigest(),
            added_by=w.user[t],
        )
        for t in AREAS
    }

    # A notice for the officer of each area: theirs alone to open.
    w.notice = {
        t: Notice.objects.create(
            recipient=w.user[t],
            kind=Notice.Kind.MOVE,
            evaluation=w.draft[t],
            url=w.draft[t].get_absolute_url(),
            verb=f"Thông báo {t}",
        )
        for t in AREAS
    }

    # A finished job of each officer, with its file.
    w.job = {
        t: Job.objects.create(
            started_by=w.user[t],
            task="dashboards.jobs.build_export",
            title=f"Tác vụ Ma Trận {t}",
            status=Job.Status.DONE,
            done=1,
            total=1,
            result=b"ket qua",
            result_name="ket-qua.txt",
            result_type="text/plain",
        )
        for t in AREAS
    }

    w.plan = PlanFactory(year=2023)
    w.target = {NO_AREA: TargetFactory(plan=w.plan, indicator=Measure.TOURISM_VILLAGES, value=1)}
    w.line = {NO_AREA: BudgetLineFactory(plan=w.plan, description="Tập huấn chung")}
    w.disbursement = {}
    for t in AREAS:
        w.target[t] = TargetFactory(
            plan=w.plan, indicator=Measure.TOURISM_VILLAGES, area=w.home[t], value=1
        )
        w.line[t] = BudgetLineFactory(plan=w.plan, area=w.home[t], description=f"Hội chợ {t}")
        w.disbursement[t] = DisbursementFactory(line=w.line[t], amount=10_000_000)
    w.plans = {NO_AREA: w.plan}

    # Inspection after recognition: the province's plan of the year with a line in each area,
    # a photo of each, and a report from the public about each area's product.
    w.inspection_plans = {
        NO_AREA: inspection_services.plan_create(
            plan=InspectionPlan(
                province=w.city.areas.get(), year=timezone.localdate().year, title="Kiểm tra"
            ),
            by=w.city,
        )
    }
    w.inspection, w.attachment, w.report = {}, {}, {}
    for t in AREAS:
        w.inspection[t] = inspection_services.line_add(
            plan=w.inspection_plans[NO_AREA], product=w.product[t], by=w.city, planned_month=12
        )
        w.attachment[t] = InspectionAttachment.objects.create(
            inspection=w.inspection[t],
            title=f"Ảnh kiểm tra {t}",
            file=f"dossiers/inspections/{w.inspection[t].pk}/{'cd' * 16}.pdf",
            content_type="application/pdf",
            size=len(MATRIX_PDF),
            sha256=hashlib.sha256(MATRIX_PDF).hexdigest(),
            added_by=w.city,
        )
        w.report[t] = inspection_services.report_submit(
            product=w.product[t], kind="quality", description=f"Phản ánh {t}"
        )
    # Producer accounts (producer_space): each area's producer has an account, an invitation
    # waiting for an answer from its officer, and the record of its account turned on.
    w.producer_account, w.invitation, w.account_change = {}, {}, {}
    for t in AREAS:
        w.producer_account[t] = User.objects.create_user(
            f"ma-tran-chu-the-{t.lower()}", role=User.Role.PRODUCER, producer=w.producer[t]
        )
        w.invitation[t] = producer_services.invite(
            producer=w.producer[t],
            email=f"moi-{t.lower()}@example.com",
            full_name=f"Người được mời {t}",
            by=w.user[t],
            base_url="http://testserver",
        )
        w.account_change[t] = AccountChange.objects.create(
            account=w.producer_account[t], active=True, changed_by=w.user[t]
        )
    w.figures = {NO_AREA: PublishedFigureFactory(year=2023, measure=Measure.NEW_3_STAR, value=12)}

    # A buyer's enquiry about each area's catalogue product.
    w.enquiry = {
        t: enquiry_services.submit(
            product=w.product[t],
            organisation=f"Khách sạn Ma Trận {t}",
            kind="hotel",
            message="Xin báo giá.",
            contact_name="Người Mua",
            phone="0909000111",
        )
        for t in AREAS
    }

    # The producer's account of each area's producer: its public page's proposal (a product's
    # story and a new photo, waiting for the commune) and its dossiers filed online: one being
    # prepared (with its registration and self-assessment documents), one filed with the
    # commune, one the province returned, each of a product of its own.
    w.account = w.producer_account
    w.producer_a = w.account["A"]
    w.contents = {}  # the files written while the world is built: name → content
    w.page_change, w.staged_photo = {}, {}
    for t in AREAS:
        photo = ContentFile(MATRIX_PNG, name="anh.png")
        w.page_change[t] = listing_services.propose(
            w.account[t],
            w.product[t],
            values={"story": f"Câu chuyện sản phẩm Ma Trận {t}"},
            photos=[listing_services.NewPhoto(photo, f"Ảnh mới {t}")],
            version=w.product[t].version,
        )
        w.staged_photo[t] = w.page_change[t].photos.get()
        w.contents[w.staged_photo[t].file.name] = MATRIX_PNG
    online_round = make_round("26/2026/QĐ-TTg", number=4)
    w.preparing, w.online_document, w.filed, w.returned = {}, {}, {}, {}
    for t in AREAS:
        dossiers = {}
        for step in ("preparing", "filed", "returned"):
            product = ProductFactory(
                producer=w.producer[t],
                name=f"Mật ong Ma Trận {t} {step}",
                category=category_26("I.1.a"),
            )
            dossier = online.dossier_start(
                product=product, round=online_round, kind="new", by=w.account[t], samples=5
            )
            criterion = next(iter(SheetStructure.load(dossier.criteria_set).criteria.values()))
            SelfAssessment.objects.create(
                evaluation=dossier, criterion_id=criterion.id, option_id=criterion.options[0].id
            )
            for code in ("phieu-dang-ky", "bao-cao-tu-danh-gia"):
                documents.add_document(
                    evaluation=dossier,
                    upload=ContentFile(MATRIX_PDF, name=f"{code}.pdf"),
                    by=w.account[t],
                    checklist_code=code,
                )
            dossiers[step] = dossier
        w.preparing[t] = dossiers["preparing"]
        w.online_document[t] = w.preparing[t].documents.get(checklist_code="phieu-dang-ky")
        w.filed[t] = online.dossier_file(evaluation=dossiers["filed"], by=w.account[t])
        returned = online.dossier_file(evaluation=dossiers["returned"], by=w.account[t])
        returned = online.dossier_receive(evaluation=returned, by=w.user[t])
        commune_report(returned, w.user[t])
        returned = evaluation_services.evaluation_forward(evaluation=returned, by=w.user[t])
        w.returned[t] = evaluation_services.evaluation_return(
            evaluation=returned, by=w.city, comment=f"Bổ sung phiếu kiểm nghiệm {t}."
        )
        w.contents[w.online_document[t].file.name] = MATRIX_PDF

    # Records of no area: reference data, the groups, the lockout tables.
    w.category = {NO_AREA: category_148()}
    w.criteria_set = {NO_AREA: CriteriaSet.objects.order_by("pk").first()}
    w.legal_basis = {NO_AREA: LegalBasis.objects.order_by("pk").first()}
    w.group = {NO_AREA: Group.objects.create(name="Biên tập viên")}
    attempt = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "ai-do"}
    w.access_attempt = {NO_AREA: AccessAttempt.objects.create(**attempt, failures_since_start=1)}
    w.access_log = {NO_AREA: AccessLog.objects.create(**attempt)}
    w.access_failure_log = {NO_AREA: AccessFailureLog.objects.create(**attempt)}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            # The files the services write while the world is built; each test has its own
            # storage, where a page's file is put when its address is asked for.
            MEDIA_ROOT=tmp_path_factory.mktemp("world-media"),
        ),
    ):
        w = build_world()
        # Each persona signs in once; the tests present its session cookie.
        w.sessions = {}
        for persona in PERSONAS[1:]:
            browser = Client()
            browser.force_login(getattr(w, persona))
            w.sessions[persona] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        yield w
        transaction.set_rollback(True)


# --- The table: every named URL pattern ---------------------------------------------------------


def fixed(name: str, **query: str) -> Callable[[SimpleNamespace, str], str]:
    """A page with no argument."""
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return lambda w, t: reverse(name) + suffix


def of(name: str, records: str, *more: Callable) -> Callable[[SimpleNamespace, str], str]:
    """A page of the target's record ``getattr(world, records)[target]`` (then ``more`` args
    computed from that record)."""

    def url(w: SimpleNamespace, t: str) -> str:
        record = getattr(w, records)[t]
        return reverse(name, args=[record.pk, *(arg(record) for arg in more)])

    return url


def plan_year(name: str, records: str | None = None) -> Callable[[SimpleNamespace, str], str]:
    """A page of the year's plan (and of the target's ``records`` in it)."""

    def url(w: SimpleNamespace, t: str) -> str:
        args = [w.plan.year] if records is None else [w.plan.year, getattr(w, records)[t].pk]
        return reverse(name, args=args)

    return url


MATRIX_PDF = b"%PDF-1.4\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


MATRIX_PNG = _png()


def document(name: str) -> Callable[[SimpleNamespace, str], str]:
    """A page of the target's dossier document, its file put in the test's storage first."""

    def url(w: SimpleNamespace, t: str) -> str:
        record = w.document[t]
        if not default_storage.exists(record.file.name):
            default_storage.save(record.file.name, ContentFile(MATRIX_PDF))
        return reverse(name, args=[record.evaluation_id, record.pk])

    return url


def attachment(name: str) -> Callable[[SimpleNamespace, str], str]:
    """The target's inspection photo, its file put in the test's storage first."""

    def url(w: SimpleNamespace, t: str) -> str:
        record = w.attachment[t]
        if not default_storage.exists(record.file.name):
            default_storage.save(record.file.name, ContentFile(MATRIX_PDF))
        return reverse(name, args=[record.inspection_id, record.pk])

    return url


def stored(name: str, records: str, parent: str) -> Callable[[SimpleNamespace, str], str]:
    """A page of the target's file ``getattr(world, records)[target]`` (its ``parent`` record's
    id, then its own), the file written by a service while the world was built put in the
    test's storage first."""

    def url(w: SimpleNamespace, t: str) -> str:
        record = getattr(w, records)[t]
        if not default_storage.exists(record.file.name):
            default_storage.save(record.file.name, ContentFile(w.contents[record.file.name]))
        return reverse(name, args=[getattr(record, parent), record.pk])

    return url


def first_sheet(evaluation) -> int:
    return evaluation.sheets.order_by("member__order").first().pk


#: The producer's account on a staff endpoint: there is nothing of it to act on.
PRODUCER_NOT_THERE = {"producer_own": 404, "producer_other": 404}

#: Workflow actions on an evaluation: POST only; an outsider finds nothing to act on.
EVALUATION_ACTION = {
    "targets": AREAS,
    "post_only": True,
    "refused_posts": {"anonymous": LOGIN, "other": 404, "staff_other": 404, **PRODUCER_NOT_THERE},
}

#: Steps of the city on a record of an area: POST only; an officer is refused, an outsider finds
#: nothing.
CITY_ACTION = {
    "targets": AREAS,
    "post_only": True,
    "refused_posts": {
        "anonymous": LOGIN,
        "own": 403,
        "other": 404,
        "staff_own": 403,
        "staff_other": 404,
        **PRODUCER_NOT_THERE,
    },
}

#: The producer's own moves on its records (the producer's space): POST only; nobody else finds
#: the record to act on.
PRODUCER_ACTION = {
    "targets": AREAS,
    "post_only": True,
    "refused_posts": {
        "anonymous": LOGIN,
        "own": 404,
        "other": 404,
        "city": 404,
        "staff_own": 404,
        "staff_other": 404,
        "administrator": 404,
        "producer_other": 404,
    },
}

PORTAL: dict[str, Row] = {
    # The shell and the accounts.
    # A producer's account has its own space for a home.
    "home": Row(fixed("home"), {**public(), "producer_own": To("/producer/")}),
    "login": Row(  # signed in: home
        fixed("login"), {**public(To("/")), "anonymous": 200, "producer_own": To("/producer/")}
    ),
    "logout": Row(fixed("logout"), public(405), post_only=True),
    "password_change": Row(fixed("password_change"), page(producer=200)),
    "password_reset": Row(fixed("password_reset"), public()),
    "password_reset_done": Row(fixed("password_reset_done"), public()),
    # An unknown user and token: the page says the link is invalid.
    "password_reset_confirm": Row(
        lambda w, t: reverse("password_reset_confirm", args=["MQ", "het-han"]), public()
    ),
    "password_reset_complete": Row(fixed("password_reset_complete"), public()),
    "set_language": Row(fixed("set_language"), public(To("/"))),
    # One's own settings and notices: every signed-in user, each their own.
    "account_settings": Row(fixed("account_settings"), page(producer=200)),
    "notices:list": Row(fixed("notices:list"), page(producer=200)),
    # One's own work (the home page's to-do list): its count for the menu, and each section
    # of one's role in full (the dossiers returned to the commune are not the Department's).
    "todo_counts": Row(fixed("todo_counts"), page(producer=200)),
    "todo_section": Row(lambda w, t: reverse("todo_section", args=["returned"]), page(city=404)),
    # Opening a notice goes to what it is about; anyone else's is not there for them.
    "notices:open": Row(
        of("notices:open", "notice"),
        {
            **page(own=To(lambda w, t: w.draft[t].get_absolute_url()), city=404),
            "staff_own": 404,
            "administrator": 404,
        },
        AREAS,
    ),
    "notices:read_all": Row(
        fixed("notices:read_all"), public(405), post_only=True, refused_posts={"anonymous": LOGIN}
    ),
    # Areas.
    "areas:list": Row(fixed("areas:list"), page(producer=200)),
    "areas:detail": Row(of("areas:detail", "home"), page(), AREAS),
    # The area filter's search: signed-in users, each answered within their own areas.
    "areas:choices": Row(fixed("areas:choices", q="a"), page(producer=200)),
    # Producers and products. The city reviewer may register and edit them today (the rule is
    # "works somewhere"); should the policy keep local work for local officers, its create and
    # edit cells become 403.
    "subjects:list": Row(fixed("subjects:list"), page(producer=200)),
    "subjects:create": Row(fixed("subjects:create"), page(producer=403)),
    "subjects:detail": Row(of("subjects:detail", "producer"), page(), AREAS),
    "subjects:edit": Row(of("subjects:edit", "producer"), page(), AREAS),
    "products:list": Row(fixed("products:list"), page(producer=200)),
    "products:create": Row(fixed("products:create"), page(producer=403)),
    "products:expiring": Row(fixed("products:expiring"), page(producer=200)),
    "products:detail": Row(of("products:detail", "product"), page(), AREAS),
    "products:edit": Row(of("products:edit", "product"), page(), AREAS),
    # Revocations: read by whoever sees the certificate; proposed and decided by the province.
    "products:revocations": Row(fixed("products:revocations"), page(producer=200)),
    "products:revocation": Row(of("products:revocation", "revocation"), page(), AREAS),
    "products:revocation_propose": Row(
        of("products:revocation_propose", "certificate"), page(own=403), AREAS
    ),
    **{
        f"products:revocation_{action}": Row(
            of(f"products:revocation_{action}", "revocation"),
            public(405),
            AREAS,
            post_only=True,
            refused_posts={
                "anonymous": LOGIN,
                "own": 403,
                "other": 404,
                "staff_own": 403,
                "staff_other": 404,
                **PRODUCER_NOT_THERE,
            },
        )
        for action in ("decide", "drop")
    },
    # Evaluations: local officers open them, the city reviews, administrators correct.
    "evaluations:queue": Row(fixed("evaluations:queue"), page(producer=200)),
    "evaluations:list": Row(fixed("evaluations:list"), page(producer=200)),
    "evaluations:create": Row(fixed("evaluations:create"), page(city=403, producer=403)),
    "evaluations:detail": Row(of("evaluations:detail", "draft"), page(), AREAS),
    "evaluations:sheet": Row(of("evaluations:sheet", "draft", first_sheet), page(), AREAS),
    # The printed forms: the member's A4 sheet and the council's one-page summary.
    "evaluations:sheet_print": Row(
        of("evaluations:sheet_print", "draft", first_sheet), page(), AREAS
    ),
    "evaluations:summary_print": Row(of("evaluations:summary_print", "draft"), page(), AREAS),
    # The commune's step (26/2026): whoever sees the evaluation reads it; saving is the service's.
    **{
        f"evaluations:{name}": Row(of(f"evaluations:{name}", "draft"), page(), AREAS)
        for name in (
            "self_assessment",
            "preassessment",
            "print_form_01",
            "print_form_02",
            "print_form_03",
        )
    },
    # The chair's reason for keeping divergent totals: POST only, like the workflow's moves.
    "evaluations:divergence": Row(
        of("evaluations:divergence", "draft"), public(405), **EVALUATION_ACTION
    ),
    "evaluations:correct": Row(
        of("evaluations:correct", "recognised"), page(own=403, city=403), AREAS
    ),
    **{
        f"evaluations:{action}": Row(
            of(f"evaluations:{action}", "draft"), public(405), **EVALUATION_ACTION
        )
        for action in (
            "disqualify",
            "submit",
            "resubmit",
            "return",
            "recognise",
            "not-recognise",
            "propose-central",
            "central-recognise",
            "central-decline",
            # 26/2026/QĐ-TTg
            "forward",
            "accept",
            "to-council",
            "scored",
            "approve-central",
            "ministry-decline",
            "remark",
            "advisory",
        )
    },
    # A dossier its producer filed online: the commune receives it or returns it to the
    # producer; the city does neither.
    **{
        f"evaluations:{action}": Row(
            of(f"evaluations:{action}", "filed"),
            public(405),
            **{
                **EVALUATION_ACTION,
                "refused_posts": {**EVALUATION_ACTION["refused_posts"], "city": 403},
            },
        )
        for action in ("receive", "return-producer")
    },
    # The electronic dossier: read by whoever sees the evaluation; documents are added by its
    # local officers and the city, removed by whoever added them (here the officer of the area).
    "evaluations:documents": Row(of("evaluations:documents", "draft"), page(), AREAS),
    "evaluations:document": Row(document("evaluations:document"), page(), AREAS),
    "evaluations:document_upload": Row(
        of("evaluations:document_upload", "draft"), public(405), **EVALUATION_ACTION
    ),
    "evaluations:document_remove": Row(
        document("evaluations:document_remove"),
        public(405),
        AREAS,
        post_only=True,
        refused_posts={
            "anonymous": LOGIN,
            "other": 404,
            "staff_other": 404,
            "city": 403,
            "staff_own": 403,
            **PRODUCER_NOT_THERE,
        },
    ),
    "evaluations:rounds": Row(fixed("evaluations:rounds"), page(producer=200)),
    "evaluations:round_create": Row(fixed("evaluations:round_create"), page(own=403, producer=403)),
    "evaluations:round_detail": Row(
        of("evaluations:round_detail", "round"), page(), (*AREAS, NO_AREA)
    ),
    "evaluations:round_edit": Row(
        of("evaluations:round_edit", "round"), page(own=403), (*AREAS, NO_AREA)
    ),
    "evaluations:round_recognise": Row(
        of("evaluations:round_recognise", "round"),
        public(405),
        (*AREAS, NO_AREA),
        post_only=True,
        refused_posts={"anonymous": LOGIN, "own": 403, "other": 404, **PRODUCER_NOT_THERE},
    ),
    # The round's recognised products, to attach to the decision: whoever sees the round.
    "evaluations:round_decision_docx": Row(
        of("evaluations:round_decision_docx", "round"), page(), (*AREAS, NO_AREA)
    ),
    "evaluations:round_decision_xlsx": Row(
        of("evaluations:round_decision_xlsx", "round"), page(), (*AREAS, NO_AREA)
    ),
    # The year plan: everyone in the province reads it, the city writes it.
    "budgets:list": Row(fixed("budgets:list"), page(producer=200)),
    "budgets:create": Row(fixed("budgets:create"), page(own=403, producer=403)),
    "budgets:detail": Row(plan_year("budgets:detail"), page()),
    "budgets:edit": Row(plan_year("budgets:edit"), page(own=403)),
    "budgets:approve": Row(
        plan_year("budgets:approve"),
        public(405),
        post_only=True,
        refused_posts={"anonymous": LOGIN, "own": 403, "producer_own": 404},
    ),
    "budgets:target_create": Row(plan_year("budgets:target_create"), page(own=403)),
    # Officers are refused by their role, before the target is looked up: 403 in every area.
    "budgets:target_edit": Row(
        plan_year("budgets:target_edit", "target"),
        page(own=403, other=403),
        (*AREAS, NO_AREA),
    ),
    "budgets:target_result": Row(
        plan_year("budgets:target_result", "target"),
        page(own=403, other=403),
        (*AREAS, NO_AREA),
    ),
    "budgets:budget_line_create": Row(plan_year("budgets:budget_line_create"), page(own=403)),
    "budgets:disbursement_create": Row(plan_year("budgets:disbursement_create"), page(own=403)),
    "budgets:figure_create": Row(plan_year("budgets:figure_create"), page(own=403)),
    # Inspection after recognition: everyone reads what lies in their areas (the plan: the
    # whole province); the city plans and decides the follow-up; the commune records too.
    "inspections:list": Row(fixed("inspections:list"), page(producer=200)),
    "inspections:create": Row(fixed("inspections:create"), page(own=403, producer=403)),
    "inspections:product_choices": Row(
        fixed("inspections:product_choices", q="ma"), page(producer=200)
    ),
    "inspections:detail": Row(of("inspections:detail", "inspection"), page(), AREAS),
    "inspections:record": Row(of("inspections:record", "inspection"), page(), AREAS),
    "inspections:line_edit": Row(of("inspections:line_edit", "inspection"), page(own=403), AREAS),
    "inspections:line_remove": Row(
        of("inspections:line_remove", "inspection"), public(405), **CITY_ACTION
    ),
    "inspections:follow_up": Row(
        of("inspections:follow_up", "inspection"),
        public(405),
        AREAS,
        post_only=True,
        # Not recorded yet: nobody decides what follows.
        refused_posts={
            **CITY_ACTION["refused_posts"],
            "city": 403,
            "administrator": 403,
        },
    ),
    "inspections:attachment_add": Row(
        of("inspections:attachment_add", "inspection"), public(405), **EVALUATION_ACTION
    ),
    "inspections:attachment": Row(attachment("inspections:attachment"), page(), AREAS),
    "inspections:plan_list": Row(fixed("inspections:plan_list"), page(producer=200)),
    "inspections:plan_create": Row(fixed("inspections:plan_create"), page(own=403, producer=403)),
    "inspections:plan_detail": Row(of("inspections:plan_detail", "inspection_plans"), page()),
    "inspections:plan_edit": Row(of("inspections:plan_edit", "inspection_plans"), page(own=403)),
    "inspections:line_add": Row(of("inspections:line_add", "inspection_plans"), page(own=403)),
    "inspections:plan_approve": Row(
        of("inspections:plan_approve", "inspection_plans"),
        public(405),
        post_only=True,
        refused_posts={"anonymous": LOGIN, "own": 403, "producer_own": 404},
    ),
    "inspections:report_list": Row(fixed("inspections:report_list"), page(producer=200)),
    "inspections:report_detail": Row(of("inspections:report_detail", "report"), page(), AREAS),
    **{
        f"inspections:{action}": Row(
            of(f"inspections:{action}", "report"), public(405), **CITY_ACTION
        )
        for action in ("report_take", "report_close", "report_inspect")
    },
    # The public's report form: anyone, about a product of the catalogue.
    "public_reports:create": Row(of("public_reports:create", "product"), public(), AREAS),
    "public_reports:thanks": Row(lambda w, t: thanks_address("PA-ABCD-EFGH"), public()),
    # Buyers' enquiries: read by whoever sees the product and by the producer's account;
    # answered by the producer's account only, closed by the commune.
    "enquiries:list": Row(fixed("enquiries:list"), page(producer=200)),
    "enquiries:summary": Row(fixed("enquiries:summary"), page(producer=403)),
    "enquiries:summary_csv": Row(fixed("enquiries:summary_csv"), page(producer=403)),
    "enquiries:detail": Row(of("enquiries:detail", "enquiry"), page(producer_own=200), AREAS),
    "enquiries:answer": Row(
        of("enquiries:answer", "enquiry"),
        public(405),
        AREAS,
        post_only=True,
        # The staff are refused; the other producer finds nothing (the producer's own account
        # answers).
        refused_posts={
            "anonymous": LOGIN,
            "own": 403,
            "other": 404,
            "city": 403,
            "staff_own": 403,
            "staff_other": 404,
            "administrator": 403,
            "producer_other": 404,
        },
    ),
    "enquiries:close": Row(
        of("enquiries:close", "enquiry"),
        public(405),
        AREAS,
        post_only=True,
        refused_posts={
            "anonymous": LOGIN,
            "other": 404,
            "staff_other": 404,
            "city": 403,
            "producer_own": 403,
            "producer_other": 404,
        },
    ),
    # The producer's public page: its account's pages (/producer/page/). The staff are refused
    # by their role where the page is the account's own (its page, its forms: 403 saying whose
    # page it is, before any record is looked up); a proposal or its photo is read through
    # ``owned_by``: not there for anyone but the account (404).
    "listings:index": Row(fixed("listings:index"), producer_space(staff=403)),
    "listings:producer_edit": Row(fixed("listings:producer_edit"), producer_space(staff=403)),
    "listings:product_edit": Row(
        of("listings:product_edit", "product"), producer_space(staff=403), AREAS
    ),
    "listings:change": Row(of("listings:change", "page_change"), producer_space(), AREAS),
    "listings:photo": Row(
        stored("listings:photo", "staged_photo", "change_id"), producer_space(), AREAS
    ),
    "listings:withdraw": Row(
        of("listings:withdraw", "page_change"), public(405), **PRODUCER_ACTION
    ),
    # The commune's review of the proposals: the local officers (and administrators) decide,
    # never the city; whoever sees the proposal reads it.
    "listing_reviews:list": Row(fixed("listing_reviews:list"), page(city=403, producer=403)),
    "listing_reviews:detail": Row(of("listing_reviews:detail", "page_change"), page(), AREAS),
    "listing_reviews:photo": Row(
        stored("listing_reviews:photo", "staged_photo", "change_id"), page(), AREAS
    ),
    **{
        f"listing_reviews:{action}": Row(
            of(f"listing_reviews:{action}", "page_change"),
            public(405),
            AREAS,
            post_only=True,
            refused_posts={
                "anonymous": LOGIN,
                "other": 404,
                "staff_other": 404,
                "city": 403,
                **PRODUCER_NOT_THERE,
            },
        )
        for action in ("approve", "reject")
    },
    # The dossiers the producer files online (/producer/dossiers/): its list and its start
    # refuse the staff by their role (403: the staff have the evaluations' pages); a dossier is
    # read through ``owned_by``: not there for the staff (404), who read it on the
    # evaluations' pages. Here a dossier being prepared, with the producer's documents.
    "online:list": Row(fixed("online:list"), producer_space(staff=403)),
    "online:start": Row(fixed("online:start"), producer_space(staff=403)),
    **{
        f"online:{name}": Row(of(f"online:{name}", "preparing"), producer_space(), AREAS)
        for name in (
            "detail",
            "registration",
            "self_assessment",
            "print_form_01",
            "print_form_02",
            "documents",
        )
    },
    "online:document": Row(
        stored("online:document", "online_document", "evaluation_id"), producer_space(), AREAS
    ),
    "online:document_upload": Row(
        of("online:document_upload", "preparing"), public(405), **PRODUCER_ACTION
    ),
    "online:document_remove": Row(
        stored("online:document_remove", "online_document", "evaluation_id"),
        public(405),
        **PRODUCER_ACTION,
    ),
    "online:file": Row(of("online:file", "preparing"), public(405), **PRODUCER_ACTION),
    "online:resubmit": Row(of("online:resubmit", "returned"), public(405), **PRODUCER_ACTION),
    # The buyers' form: anyone, about a product of the catalogue.
    "public_enquiries:create": Row(of("public_enquiries:create", "product"), public(), AREAS),
    "public_enquiries:thanks": Row(
        lambda w, t: enquiry_thanks_address("YC-ABCD-EFGH", w.product["A"]), public()
    ),
    # Dashboards.
    "dashboards:city": Row(fixed("dashboards:city"), page()),
    "dashboards:years": Row(fixed("dashboards:years"), page()),
    "dashboards:export": Row(fixed("dashboards:export"), page()),
    # The spreadsheet as a job: POST only, anyone signed in, for what they see.
    "dashboards:export_start": Row(
        fixed("dashboards:export_start"),
        public(405),
        post_only=True,
        refused_posts={"anonymous": LOGIN, "producer_own": 404},
    ),
    # A job is its starter's (the officer of the target's area) and administrators' only.
    "jobs:list": Row(fixed("jobs:list"), page(producer=200)),
    **{
        name: Row(of(name, "job"), page(city=404, staff_own=404), AREAS)
        for name in ("jobs:detail", "jobs:status", "jobs:download")
    },
    # The public catalogue and open data: the same for everyone.
    "catalogue:list": Row(fixed("catalogue:list"), public()),
    "catalogue:product": Row(of("catalogue:product", "product", slug_of), public(), AREAS),
    "catalogue:product_short": Row(
        of("catalogue:product_short", "product"),
        public(To(lambda w, t: catalogue_url(w.product[t]), 301)),
        AREAS,
    ),
    "catalogue:qr_svg": Row(of("catalogue:qr_svg", "product"), public(), AREAS),
    "catalogue:qr_png": Row(of("catalogue:qr_png", "product"), public(), AREAS),
    "catalogue:labels": Row(of("catalogue:labels", "producer"), public(), AREAS),
    "catalogue_csv": Row(fixed("catalogue_csv"), public()),
    "catalogue_json": Row(fixed("catalogue_json"), public()),
    "sitemap": Row(fixed("sitemap"), public()),
    "robots_txt": Row(fixed("robots_txt"), public()),
    "favicon": Row(fixed("favicon"), public(To(lambda w, t: static("img/favicon.svg"), 301))),
    # The producer's space: a producer's account only.
    **{
        f"producer_space:{name}": Row(fixed(f"producer_space:{name}"), producer_space(staff=403))
        for name in ("home", "products", "certificates", "labels")
    },
    # An invitation's link: an unknown one is gone; someone signed in is asked to sign out.
    "producer_space:accept": Row(
        lambda w, t: reverse("producer_space:accept", args=["khong-co-loi-moi-nay-0123456789"]),
        {**public(200), "anonymous": 410},
    ),
    # Inviting, and the buttons of the producer's accounts: the officer of its area.
    "producer_space:invite": Row(of("producer_space:invite", "producer"), page(city=403), AREAS),
    **{
        f"producer_space:{name}": Row(
            of(f"producer_space:{name}", records),
            public(405),
            AREAS,
            post_only=True,
            refused_posts={
                "anonymous": LOGIN,
                "other": 404,
                "city": 403,
                "staff_other": 404,
            },
        )
        for name, records in (
            ("invitation_resend", "invitation"),
            ("invitation_revoke", "invitation"),
            ("account_deactivate", "producer_account"),
            ("account_reactivate", "producer_account"),
        )
    },
}


# --- The admin: every registered model's pages --------------------------------------------------

ByObject = Answer | tuple[Answer, Answer]  # one answer, or (own area's record, other area's)

#: Admin URL suffixes of a model's pages that take no record.
MODEL_PAGES = ("changelist", "add", "import", "export", "process_import")


def admin_url(label: str, suffix: str, records: str) -> Callable[[SimpleNamespace, str], str]:
    name = f"admin:{label.replace('.', '_')}_{suffix}"
    if suffix in MODEL_PAGES:
        return fixed(name)
    if suffix == "simple_history":  # a past version of the record: the revert page
        return of(name, records, lambda record: record.history.latest().history_id)
    return of(name, records)


def admin_model(
    label: str,
    records: str,
    targets: tuple[str, ...],
    staff: dict[str, ByObject],
    administrator: dict[str, Answer] | None = None,
    today: dict[str, dict[tuple[str, str], str]] | None = None,
) -> dict[str, Row]:
    """The rows of one ModelAdmin: ``staff`` lists every URL suffix it has with what the staff
    officer of A gets there; ``administrator`` what differs from 200 for administrators;
    ``today`` the wrong cells of each suffix."""
    rows = {}
    for suffix, answer in staff.items():
        own, other = answer if isinstance(answer, tuple) else (answer, answer)
        rows[f"admin:{label.replace('.', '_')}_{suffix}"] = Row(
            admin_url(label, suffix, records),
            admin_page(own, other, (administrator or {}).get(suffix, 200)),
            (NO_AREA,) if suffix in MODEL_PAGES else targets,
            today=(today or {}).get(suffix, {}),
            # The import's second step only takes the confirmed upload.
            post_only=suffix == "process_import",
            refused_posts={
                "anonymous": ADMIN_LOGIN,
                "own": ADMIN_LOGIN,
                "producer_own": ADMIN_LOGIN,
                "staff_own": 403,
            }
            if suffix == "process_import"
            else {},
        )
    return rows


#: A register the staff officer of A may view: their own area's records, nothing to change.
#: Another area's record is "not there": the change page says so on the index (Django's way
#: for a missing id), its history is 404, deleting is refused before the record is looked up.
VIEWED_REGISTER = {
    "changelist": 200,
    "add": 403,
    "change": (200, ADMIN_INDEX),
    "delete": (403, 403),
    "history": (200, 404),
    "simple_history": (200, 404),
    "import": 403,
    "export": 200,  # of the changelist's queryset: their own area's records
    "process_import": 405,
}
REGISTER_ADMINISTRATOR = {"process_import": 405}
#: A model the staff officer may not view: the records of A are refused, B's are not there.
UNVIEWED = {
    "changelist": 403,
    "add": 403,
    "change": (403, 403),
    "delete": (403, 403),
    "history": (403, 404),
    "simple_history": (403, 404),
}
#: The same for records of no area, with only Django's own history page.
UNVIEWED_REFERENCE = {k: v for k, v in UNVIEWED.items() if k != "simple_history"}
#: The lockout tables are written by django-axes only.
AXES_ADMINISTRATOR = {"add": 403}

PRODUCT_PAGE = To(lambda w, t: w.product[t].get_absolute_url())

#: Nothing in a plan is deleted, not even by an administrator: the workflow keeps it.
PLAN_ADMINISTRATOR = {"delete": 403}

ADMIN: dict[str, Row] = {
    "admin:index": Row(fixed("admin:index"), admin_page(200)),
    # Django's admin login sends a signed-in staff member to the index on GET only.
    "admin:login": Row(
        fixed("admin:login"),
        {**public(200), "staff_own": ADMIN_INDEX, "administrator": ADMIN_INDEX},
        head=False,
    ),
    # Django's logout takes a POST; the admin sends anyone not staff to its index first.
    "admin:logout": Row(
        fixed("admin:logout"),
        {
            **admin_page(405, administrator=405),
            **dict.fromkeys(NOT_STAFF, ADMIN_INDEX),
        },
        post_only=True,
    ),
    "admin:password_change": Row(fixed("admin:password_change"), admin_page(200)),
    "admin:password_change_done": Row(fixed("admin:password_change_done"), admin_page(200)),
    "admin:jsi18n": Row(fixed("admin:jsi18n"), admin_page(200)),
    "admin:autocomplete": Row(
        fixed(
            "admin:autocomplete",
            app_label="products",
            model_name="product",
            field_name="producer",
            term="ma",
        ),
        admin_page(200),
    ),
    # "View on site": a redirect to the record's page, for records the staff member sees.
    "admin:view_on_site": Row(
        lambda w, t: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(w.product[t]).pk, w.product[t].pk],
        ),
        admin_page(PRODUCT_PAGE, 404, administrator=PRODUCT_PAGE),
        AREAS,
    ),
    # An app's index lists what the staff member may view; none of the plans' models: 404.
    "admin:app_list": Row(
        lambda w, t: reverse("admin:app_list", args=[t]),
        admin_page(200),
        ("subjects", "budgets"),
        cells={("staff_a", "budgets"): 404},
    ),
    # Refused without change permission before the user is looked up: 403 in any area.
    "admin:auth_user_password_change": Row(
        of("admin:auth_user_password_change", "user"), admin_page(403), AREAS
    ),
    **admin_model("auth.group", "group", (NO_AREA,), UNVIEWED_REFERENCE),
    **admin_model(
        "axes.accessattempt", "access_attempt", (NO_AREA,), UNVIEWED_REFERENCE, AXES_ADMINISTRATOR
    ),
    **admin_model(
        "axes.accesslog", "access_log", (NO_AREA,), UNVIEWED_REFERENCE, AXES_ADMINISTRATOR
    ),
    **admin_model(
        "axes.accessfailurelog",
        "access_failure_log",
        (NO_AREA,),
        UNVIEWED_REFERENCE,
        AXES_ADMINISTRATOR,
    ),
    **admin_model("accounts.user", "user", AREAS, UNVIEWED_REFERENCE),
    **admin_model("areas.area", "home", AREAS, UNVIEWED),
    **admin_model("subjects.producer", "producer", AREAS, VIEWED_REGISTER, REGISTER_ADMINISTRATOR),
    # The classification: read by staff, changed by administrators only.
    **admin_model(
        "products.productcategory",
        "category",
        (NO_AREA,),
        {"changelist": 200, "add": 403, "change": 200, "delete": 403, "history": 200},
    ),
    **admin_model("products.product", "product", AREAS, VIEWED_REGISTER, REGISTER_ADMINISTRATOR),
    **admin_model(
        "products.certificate", "certificate", AREAS, VIEWED_REGISTER, REGISTER_ADMINISTRATOR
    ),
    # Revocations change on their pages only: read-only in the admin for everyone.
    **admin_model(
        "products.revocation", "revocation", AREAS, UNVIEWED, {"add": 403, "delete": 403}
    ),
    # Legal bases are loaded from files and read-only for everyone.
    **admin_model(
        "products.legalbasis",
        "legal_basis",
        (NO_AREA,),
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
    # Criteria sets are loaded from files; evaluations change through the pages' workflow.
    **admin_model(
        "evaluations.criteriaset",
        "criteria_set",
        (NO_AREA,),
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
    **admin_model("evaluations.round", "round", (*AREAS, NO_AREA), UNVIEWED),
    **admin_model(
        "evaluations.evaluation", "recognised", AREAS, UNVIEWED, {"add": 403, "delete": 403}
    ),
    # The dossiers' documents: read-only for everyone, nothing deleted.
    **admin_model(
        "evaluations.dossierdocument",
        "document",
        AREAS,
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
    **admin_model("budgets.plan", "plans", (NO_AREA,), UNVIEWED, PLAN_ADMINISTRATOR),
    **admin_model(
        "budgets.target",
        "target",
        (*AREAS, NO_AREA),
        UNVIEWED,
        PLAN_ADMINISTRATOR,
    ),
    **admin_model(
        "budgets.budgetline",
        "line",
        (*AREAS, NO_AREA),
        UNVIEWED,
        PLAN_ADMINISTRATOR,
    ),
    **admin_model(
        "budgets.disbursement",
        "disbursement",
        AREAS,
        UNVIEWED,
        PLAN_ADMINISTRATOR,
    ),
    **admin_model("budgets.publishedfigure", "figures", (NO_AREA,), UNVIEWED, PLAN_ADMINISTRATOR),
    # Inspections: the plan through its services; the rest read-only, nothing deleted.
    **admin_model(
        "inspections.inspectionplan", "inspection_plans", (NO_AREA,), UNVIEWED, PLAN_ADMINISTRATOR
    ),
    **admin_model(
        "inspections.inspection", "inspection", AREAS, UNVIEWED, {"add": 403, "delete": 403}
    ),
    **admin_model(
        "inspections.inspectionattachment",
        "attachment",
        AREAS,
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
    **admin_model(
        "inspections.publicreport", "report", AREAS, UNVIEWED, {"add": 403, "delete": 403}
    ),
    # Buyers' enquiries: answered and closed on their pages; read-only here, nothing deleted.
    **admin_model("enquiries.enquiry", "enquiry", AREAS, UNVIEWED, {"add": 403, "delete": 403}),
    # Invitations and account changes are written on the producer's page: read-only here.
    **admin_model(
        "producer_space.invitation",
        "invitation",
        AREAS,
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
    **admin_model(
        "producer_space.accountchange",
        "account_change",
        AREAS,
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
    # The producers' page proposals and their new photos: decided on their pages; read-only
    # here, nothing deleted.
    **admin_model(
        "listings.pagechange", "page_change", AREAS, UNVIEWED, {"add": 403, "delete": 403}
    ),
    **admin_model(
        "listings.stagedphoto",
        "staged_photo",
        AREAS,
        UNVIEWED_REFERENCE,
        {"add": 403, "delete": 403},
    ),
}

ROWS: dict[str, Row] = {**PORTAL, **ADMIN}


# --- The generator ------------------------------------------------------------------------------

#: The only unnamed patterns: the admin's old address of a record (it redirects to the change
#: page) and its catch-all, and the uploads served on a developer's machine. Any other page has
#: a name, so it has a row.
UNNAMED = [
    re.compile(r"admin/\w+/\w+/<path:object_id>/"),
    re.compile(re.escape("admin/(?P<url>.*)$")),
    re.compile(re.escape("^media/(?P<path>.*)$")),
]


def url_patterns(resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""):
    """(name or None, route) of every URL pattern, through every include."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from url_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, route


def test_every_named_url_has_its_row():
    names = {name for name, _route in url_patterns() if name}
    missing = sorted(names - set(ROWS))
    assert not missing, f"URL patterns without a row in tests/test_access_matrix.py: {missing}"
    assert not sorted(set(ROWS) - names), "rows of URL patterns that no longer exist"


def test_every_unnamed_url_is_the_admins_or_the_uploads():
    unnamed = [route for name, route in url_patterns() if not name]
    assert unnamed  # the walk does reach the admin's
    assert [r for r in unnamed if not any(known.fullmatch(r) for known in UNNAMED)] == []


def resolved(answer: Answer, w: SimpleNamespace, target: str) -> Answer:
    if isinstance(answer, To) and callable(answer.path):
        return To(answer.path(w, target), answer.status)
    return answer


def seen(response) -> Answer:
    """What the page answered: a status, or a redirect and where to."""
    if response.status_code in (301, 302):
        return To(urlsplit(response["Location"]).path, response.status_code)
    return response.status_code


def assert_answers(response, answer: Answer, url: str) -> None:
    assert seen(response) == answer
    if answer in (LOGIN, ADMIN_LOGIN):  # and back here after signing in
        assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url]


#: What the workspace middleware answers a producer's account on a staff page.
WORKSPACE_REFUSED = 403


def staff_workspace(name: str) -> bool:
    """The URL name is one of the staff's pages, refused to producers' accounts whatever the
    page itself would answer (``ocop_portal.middleware.WorkspaceMiddleware``)."""
    namespace, _, url_name = name.rpartition(":")
    if namespace:
        return namespace.split(":")[0] not in PRODUCER_NAMESPACES
    return url_name not in PRODUCER_URL_NAMES


def expected(name: str, persona: str, target: str) -> Answer:
    if persona == "producer_a" and staff_workspace(name):
        return WORKSPACE_REFUSED
    row = ROWS[name]
    return row.cells.get((persona, target), row.expect[relation(persona, target)])


def param(name: str, persona: str, target: str, *marks):
    return pytest.param(name, persona, target, marks=marks, id=f"{name}|{persona}|{target}")


def cells():
    """(name, persona, target) of every page, a wrong answer of today as a strict xfail."""
    for name, row in ROWS.items():
        for target in row.targets:
            for persona in PERSONAS:
                if reason := row.today.get((persona, target)):
                    wrong = pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)
                    yield param(name, persona, target, wrong)
                else:
                    yield param(name, persona, target)


#: The admin's login sends a signed-in staff member to the index: no refusal.
SIGNED_IN_ALREADY = {"admin:login"}
#: In the admin, whoever is not staff is stopped by the same wrapper, whatever the method
#: (every URL's GET above shows that it wraps them all): only staff members go further.
ADMIN_PERSONAS = ("staff_a", "administrator")


def refusals(post_only: bool):
    """The cells where a POST must change nothing: an outsider's on a POST-only endpoint, or
    anyone's on a page that refuses them on GET."""
    for name, row in ROWS.items():
        if row.post_only != post_only:
            continue
        for target in row.targets:
            for persona in PERSONAS:
                if (persona, target) in row.today:
                    continue
                if post_only and relation(persona, target) in row.refused_posts:
                    yield param(name, persona, target)
                if (
                    not post_only
                    and name not in SIGNED_IN_ALREADY
                    and (not name.startswith("admin:") or persona in ADMIN_PERSONAS)
                    and expected(name, persona, target) in REFUSED
                ):
                    yield param(name, persona, target)


def signed_in(client, w: SimpleNamespace, persona: str):
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[persona]
    return client


@pytest.mark.parametrize(("name", "persona", "target"), list(cells()))
def test_page(world, client, name, persona, target):
    row = ROWS[name]
    url = row.url(world, target)
    client = signed_in(client, world, persona)
    answer = resolved(expected(name, persona, target), world, target)

    response = client.get(url)

    assert_answers(response, answer, url)
    if row.head and not row.post_only:
        assert seen(client.head(url)) == seen(response)


# --- Refused POSTs change nothing ------------------------------------

PORTAL_APPS = ("accounts", "areas", "subjects", "products", "evaluations", "budgets")
PORTAL_APPS += ("inspections", "enquiries", "listings", "producer_space")


def fingerprint() -> tuple:
    """The number of rows of every table of the portal, their history included, and when the
    last row of each was changed; in one query."""
    quote = connection.ops.quote_name
    measures = []
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            table = quote(model._meta.db_table)
            measures.append(f"(SELECT COUNT(*) FROM {table})")
            if "updated_at" in {f.name for f in model._meta.concrete_fields}:
                measures.append(f"(SELECT MAX({quote('updated_at')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(measures)}")
        return cursor.fetchone()


def decision(w: SimpleNamespace) -> dict:
    """A valid decision for every action's form: refused all the same."""
    values = {
        "decision_number": "99/QĐ-UBND",
        "decision_date": timezone.localdate().isoformat(),
        "signer": "Phó Chủ tịch",
        "comment": "Đề nghị bổ sung hồ sơ.",
        "reason": "Nhập sai số.",
    }
    data = dict(values)
    for action in ACTIONS:
        data.update({f"{action}-{key}": value for key, value in values.items()})
    data["evaluations"] = [e.pk for e in (*w.draft.values(), *w.recognised.values())]
    return data


@pytest.mark.parametrize(("name", "persona", "target"), list(refusals(post_only=True)))
def test_an_outsiders_post_changes_nothing(world, client, name, persona, target):
    row = ROWS[name]
    url = row.url(world, target)
    client = signed_in(client, world, persona)
    before = fingerprint()

    response = client.post(url, decision(world))

    refused = row.refused_posts[relation(persona, target)]
    if persona == "producer_a" and staff_workspace(name):
        refused = WORKSPACE_REFUSED
    assert_answers(response, refused, url)
    assert fingerprint() == before


@pytest.mark.parametrize(("name", "persona", "target"), list(refusals(post_only=False)))
def test_a_page_refused_on_get_is_refused_on_post(world, client, name, persona, target):
    """Whoever a page turns away on GET gets no further with a POST (a page that only reads
    answers 405; the admin refuses a change of a record it does not show with 403)."""
    row = ROWS[name]
    url = row.url(world, target)
    client = signed_in(client, world, persona)
    refused = resolved(expected(name, persona, target), world, target)
    before = fingerprint()

    response = client.post(url, decision(world))

    assert seen(response) in (refused, 403, 404, 405)
    assert fingerprint() == before


def test_the_fingerprint_sees_a_write(world):
    before = fingerprint()
    plan = Plan.objects.get(pk=world.plan.pk)
    plan.note = "Ghi chú mới"
    plan.save()
    assert fingerprint() != before
