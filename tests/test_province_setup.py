"""Another province, set up from a fresh database without the demo: An Giang (a "tỉnh", 102
communes). Its pages, files and e-mails name it and its level — never Cần Thơ, never "thành
phố" — and its administrator's dashboard opens on it, even with all 34 provinces loaded."""

import io
import re
from collections import deque
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from areas.models import Area
from areas.provinces import words_of
from budgets.models import BudgetLine, Measure, Plan, Target
from products.notifications import send_expiry_notices
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory
from tests.test_evaluations_support import make_round, submitted

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "an_giang_former_districts.json"
UNTIL = date(2025, 6, 30)
FORBIDDEN = re.compile(r"cần thơ|can tho|thành phố|thanh pho", re.IGNORECASE)
#: The national criteria quote their decisions word for word: "Trong tỉnh, thành phố" (within
#: the province) is the law's text, not the portal speaking of the province.
LAW_TEXT = ("Trong tỉnh, thành phố",)
#: Links a walk does not follow: leaving, switching language, files served by others.
NOT_WALKED = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/admin/")


def remove_every_area() -> None:
    """The suite's reference data are Cần Thơ's: take them away, as on a fresh database."""
    Area.predecessors.through.objects.all().delete()
    for level in ("xa", "phuong", "thi_tran", "dac_khu", "quan", "huyen", "thi_xa", "thanh_pho"):
        Area.objects.filter(kind=level).delete()
    Area.objects.all().delete()
    Area.history.all().delete()


@pytest.fixture
def fresh(settings, can_tho):
    remove_every_area()
    # A fresh .env: nothing says which province; the data will.
    settings.OCOP_PROVINCE_CODE = ""
    settings.OCOP_PROVINCE_NAME = ""
    settings.OCOP_DEPARTMENT_NAME = ""
    assert not Area.objects.exists()


def set_up() -> str:
    out = io.StringIO()
    call_command(
        "setup_province",
        "91",
        former_districts=DATA,
        admin="quantri:it@angiang.example",
        reviewer=["thamdinh:thamdinh@angiang.example"],
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def an_giang(fresh) -> dict:
    """An Giang set up by its first-run command, with a little of everything on top."""
    set_up()
    province = Area.objects.get(code="91", valid_until__isnull=True)
    an_phu = Area.objects.get(code="886", valid_until=UNTIL)
    officer = UserFactory(
        username="anphu", email="anphu@angiang.example", areas=[an_phu, *an_phu.successors.all()]
    )
    today = timezone.localdate()
    producer = ProducerFactory(
        area=an_phu, name="Hợp tác xã Nông nghiệp An Phú", email="htx@an.example"
    )
    product = ProductFactory(producer=producer, name="Khô cá linh An Phú")
    CertificateFactory(product=product, decision_date=date(2024, 3, 15))
    commune = an_phu.successors.get(code="30337")
    expiring = ProductFactory(
        producer=ProducerFactory(area=commune, email="mam@an.example"), name="Mắm cá An Phú"
    )
    # Valid 36 months: expires in 20 days.
    CertificateFactory(
        product=expiring,
        decision_date=today.replace(day=1) - timedelta(days=365 * 3 - 40),
    )
    plan = Plan.objects.create(province=province, year=today.year, document_number="12/KH-UBND")
    Target.objects.create(plan=plan, indicator=Measure.NEW_PRODUCTS, value=10)
    Target.objects.create(plan=plan, indicator=Measure.NEW_PRODUCTS, area=an_phu, value=2)
    BudgetLine.objects.create(
        plan=plan,
        source=BudgetLine.Source.LOCAL,
        activity=BudgetLine.Activity.TRAINING,
        amount=100_000_000,
    )
    call_command("load_criteria_sets", stdout=io.StringIO())
    round_ = make_round(area=province)
    submitted(
        round_, ProductFactory(producer=producer, name="Bánh phồng An Phú"), officer, [72, 73, 74]
    )
    return {
        "province": province,
        "officer": officer,
        "reviewer": User.objects.get(username="thamdinh"),
        "admin": User.objects.get(username="quantri"),
        "product": product,
    }


def walk(client: Client, limit: int = 400) -> dict[str, str]:
    """Every page reachable from the home page by following links: path → text."""
    seen, pages, queue = set(), {}, deque(["/"])
    variants: dict[str, int] = {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        # 403: a link the policy shows but refuses (the buttons' business, not this walk's).
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith(
            ("text/", "application/json")
        ):
            continue
        text = response.getvalue().decode()
        pages[url] = text
        if not content_type.startswith("text/html"):
            continue
        for href in re.findall(r'href="(/[^"#]*)"', text):
            href = href.replace("&amp;", "&")
            path = urlsplit(href).path
            if href in seen or path.startswith(NOT_WALKED) or path.endswith(".xlsx"):
                continue
            # Filters and pages: a few variants of each path are enough.
            variants[path] = variants.get(path, 0) + 1
            if variants[path] > 3:
                continue
            seen.add(href)
            queue.append(href)
    return pages


def offending(pages: dict[str, str], allowed=LAW_TEXT) -> dict[str, list[str]]:
    found = {}
    for url, text in pages.items():
        for phrase in allowed:
            text = text.replace(phrase, "")
        hits = {
            text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
            for m in FORBIDDEN.finditer(text)
        }
        if hits:
            found[url] = sorted(hits)
    return found


def test_setup_province_loads_the_province_and_its_people(fresh):
    output = set_up()
    province = Area.objects.get(code="91", valid_until__isnull=True)
    assert province.name == "Tỉnh An Giang" and province.kind == Area.Kind.PROVINCE
    assert Area.objects.current().filter(parent=province).count() == 102
    an_phu = Area.objects.get(code="886", valid_until=UNTIL)
    assert an_phu.successors.count() == 5
    admin = User.objects.get(username="quantri")
    assert admin.role == User.Role.ADMIN and admin.is_superuser and admin.is_staff
    assert not admin.has_usable_password()
    reviewer = User.objects.get(username="thamdinh")
    assert reviewer.role == User.Role.CITY and list(reviewer.areas.all()) == [province]
    assert "OCOP_PROVINCE_CODE=91" in output
    assert "changepassword quantri" in output
    # Idempotent: nothing new the second time.
    before = (Area.objects.count(), User.objects.count())
    assert "changepassword" not in set_up()
    assert (Area.objects.count(), User.objects.count()) == before


def test_setup_province_refuses_another_provinces_file(fresh, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="tỉnh mã 91, không phải 92"):
        call_command("setup_province", "92", former_districts=DATA, stdout=io.StringIO())
    assert not Area.objects.exists()


def test_the_province_is_named_by_its_own_words(an_giang):
    words = words_of(an_giang["province"])
    assert (words.name, words.unit, words.level, words.whole) == (
        "Tỉnh An Giang",
        "tỉnh",
        "cấp tỉnh",
        "toàn tỉnh",
    )
    assert words.department == "Sở Nông nghiệp và Môi trường tỉnh An Giang"
    assert words_of(Area.objects.get(code="30337")).name == "Tỉnh An Giang"


@pytest.mark.parametrize("persona", ["anonymous", "officer", "reviewer", "admin"])
def test_no_page_names_another_province_or_a_city(an_giang, persona):
    client = Client()
    if persona != "anonymous":
        client.force_login(an_giang[persona])
    pages = walk(client)
    assert len(pages) > (5 if persona == "anonymous" else 20)
    assert offending(pages) == {}
    everything = "\n".join(pages.values())
    assert "Tỉnh An Giang" in everything
    if persona != "anonymous":
        assert "Sở Nông nghiệp và Môi trường tỉnh An Giang" in everything


def test_the_queue_and_plan_speak_of_the_provinces_level(an_giang):
    client = Client()
    client.force_login(an_giang["reviewer"])
    queue = client.get("/evaluations/").content.decode()
    assert "Chờ cấp tỉnh xử lý: 1 hồ sơ" in queue
    plan = client.get(f"/plans/{timezone.localdate().year}/").content.decode()
    assert "toàn tỉnh" in plan
    home = client.get("/").content.decode()
    assert "Cán bộ thẩm định cấp tỉnh" in home


def test_the_dashboard_spreadsheet_names_the_whole_province(an_giang):
    client = Client()
    client.force_login(an_giang["admin"])
    response = client.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    cells = [
        str(cell)
        for sheet in load_workbook(io.BytesIO(response.content)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert "Toàn tỉnh" in cells
    assert not [cell for cell in cells if FORBIDDEN.search(cell)]


def test_notices_name_the_province_and_its_department(an_giang, mailoutbox):
    send_expiry_notices(on=timezone.localdate())
    assert mailoutbox
    for message in mailoutbox:
        assert "Cổng thông tin OCOP Tỉnh An Giang" in message.body
        assert "Sở Nông nghiệp và Môi trường tỉnh An Giang" in message.body
        assert not FORBIDDEN.search(message.body + message.subject)


def test_english_pages_say_province_not_city(an_giang, settings):
    client = Client()
    client.force_login(an_giang["reviewer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = {url: client.get(url).content.decode() for url in ("/", "/evaluations/")}
    text = "\n".join(pages.values())
    assert "Provincial reviewer" in text
    assert "City reviewer" not in text and "the city" not in text.lower()


def test_with_all_34_provinces_the_dashboard_opens_on_the_province_with_data(an_giang):
    from areas.services import load_current_units

    load_current_units()
    assert Area.objects.current().filter(kind__in=["tinh", "thanh_pho_tw"]).count() == 34
    client = Client()
    client.force_login(an_giang["admin"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["scope"].province.code == "91"
    plan = client.get(f"/plans/{timezone.localdate().year}/")
    assert plan.context["plan"].province.code == "91"


def test_the_evaluations_words_follow_the_province(an_giang):
    client = Client()
    client.force_login(an_giang["reviewer"])
    assert offending(walk(client), allowed=LAW_TEXT) == {}


# --- Former districts of any province, from a file ---------------------------------------------


def test_former_districts_load_from_a_file_with_one_command(fresh):
    out = io.StringIO()
    call_command("load_former_districts", str(DATA), stdout=out)
    assert "2 đơn vị cấp huyện cũ, thêm 11 liên kết" in out.getvalue()
    cho_moi = Area.objects.get(code="893", valid_until=UNTIL)
    assert cho_moi.full_name == "Huyện Chợ Mới, Tỉnh An Giang"
    assert set(cho_moi.successors.values_list("code", flat=True)) == {
        "30628",
        "30631",
        "30643",
        "30658",
        "30664",
        "30673",
    }
    again = io.StringIO()
    call_command("load_former_districts", str(DATA), stdout=again)
    assert "thêm 0 liên kết" in again.getvalue()


def test_a_successor_that_is_not_a_commune_of_the_province_is_refused(fresh, tmp_path):
    from django.core.management import CommandError

    data = DATA.read_text(encoding="utf-8").replace('"30337"', '"31120"')  # a Cần Thơ ward
    bad = tmp_path / "an_giang.json"
    bad.write_text(data, encoding="utf-8")
    with pytest.raises(CommandError, match="Huyện An Phú: không có xã, phường hiện hành mã 31120"):
        call_command("load_former_districts", str(bad), stdout=io.StringIO())
    assert not Area.objects.exists()  # all or nothing


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "không phải JSON hợp lệ"),
        ('{"province": {"code": "91"}}', "thiếu hoặc sai mục"),
        (
            '{"province": {"code": "91", "name": "X", "kind": "xa"}, '
            '"districts_valid_until": "2025-06-30", "districts": []}',
            "Loại đơn vị cấp tỉnh không hợp lệ",
        ),
    ],
)
def test_a_malformed_file_is_explained(fresh, tmp_path, content, message):
    from django.core.management import CommandError

    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_former_districts", str(bad), stdout=io.StringIO())


# --- Which province is the installation's --------------------------------------------------


def test_the_setting_names_the_province_without_asking_the_database(
    an_giang, settings, django_assert_num_queries
):
    from django.core.cache import cache

    from areas import provinces

    settings.OCOP_PROVINCE_CODE = "91"
    cache.clear()
    with django_assert_num_queries(0):
        assert provinces.home().name == "Tỉnh An Giang"
    settings.OCOP_PROVINCE_NAME = "An Giang"
    settings.OCOP_DEPARTMENT_NAME = "Sở NN&MT An Giang"
    home = provinces.home()
    assert (home.name, home.department, home.level) == ("An Giang", "Sở NN&MT An Giang", "cấp tỉnh")


def test_without_the_setting_the_province_with_the_data_is_home(an_giang):
    from django.core.cache import cache

    from areas import provinces
    from areas.services import load_current_units

    load_current_units(["01", "92"])  # Hà Nội and Cần Thơ, empty
    cache.clear()
    assert provinces.home_code() == "91"
    assert provinces.home().department == "Sở Nông nghiệp và Môi trường tỉnh An Giang"
