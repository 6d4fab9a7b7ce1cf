"""The producer's space (/producer/): its record, products, certificates with their re-rating,
what to do next and its QR labels, for its own account only; the staff's pages refuse a
producer's account; a producer's account lands in its space after signing in.

Today is fixed as the tests of the re-rating pages fix it (``timezone.localdate``). The
certificate of "Gạo thơm Lúa Vàng" is decided on 12/04/2024 under 148/QĐ-TTg: valid until
11/04/2027, its re-rating window (26/2026/QĐ-TTg, 180 to 120 days before expiry) runs from
13/10/2026 to 12/12/2026."""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import User
from ocop_portal import todo
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)
SPACE_PAGES = [
    reverse("producer_space:home"),
    reverse("producer_space:products"),
    reverse("producer_space:certificates"),
    reverse("producer_space:labels"),
]
SPACE_REFUSAL = "Trang này dành cho tài khoản của chủ thể OCOP."
WORKSPACE_REFUSAL = "Trang này dành cho cán bộ quản lý OCOP."
OPEN_STEP = (
    "Giấy chứng nhận 1187/QĐ-UBND (Gạo thơm Lúa Vàng) hết hạn ngày 11/04/2027; hãy nộp hồ sơ "
    "đánh giá lại từ 13/10/2026 đến 12/12/2026."
)
PASSWORD = "mat-khau-thu-nghiem-1"


@pytest.fixture
def on_day(monkeypatch):
    """Fix "today" for the pages, which read timezone.localdate()."""

    def fix(day: date) -> date:
        monkeypatch.setattr("producer_space.views.timezone.localdate", lambda *a, **kw: day)
        return day

    fix(TODAY)
    return fix


@pytest.fixture
def mine(co_do, officer_co_do):
    officer_co_do.phone = "0292 3861 000"
    officer_co_do.email = "codo@ocop.example"
    officer_co_do.job_title = "Phòng Kinh tế xã Cờ Đỏ"
    officer_co_do.save()
    producer = ProducerFactory(
        name="Hợp tác xã Lúa Vàng", area=co_do, tax_code="1800000001", address="ấp Thới Hòa"
    )
    rice = ProductFactory(producer=producer, name="Gạo thơm Lúa Vàng")
    CertificateFactory(
        product=rice, decision_number="1187/QĐ-UBND", decision_date=date(2024, 4, 12), stars=4
    )
    ProductFactory(producer=producer, name="Bánh phồng Lúa Vàng")
    return producer


@pytest.fixture
def theirs(ninh_kieu):
    producer = ProducerFactory(name="Công ty Bánh Pía Ninh Kiều", area=ninh_kieu)
    product = ProductFactory(producer=producer, name="Bánh pía sầu riêng Ninh Kiều")
    CertificateFactory(product=product, decision_number="2222/QĐ-UBND", stars=3)
    return producer


@pytest.fixture
def account(mine):
    return UserFactory(username="luavang", role=User.Role.PRODUCER, producer=mine)


@pytest.fixture
def other_account(theirs):
    return UserFactory(username="banhpia", role=User.Role.PRODUCER, producer=theirs)


# --- Who opens the space --------------------------------------------------------------------------


@pytest.mark.parametrize("url", SPACE_PAGES)
def test_anonymous_is_sent_to_sign_in(client, can_tho, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", SPACE_PAGES)
def test_staff_are_refused_the_space_with_the_reason(login, mine, officer_co_do, on_day, url):
    response = login(officer_co_do).get(url)
    assert response.status_code == 403
    assert SPACE_REFUSAL in response.text
    assert "Hợp tác xã Lúa Vàng" not in response.text


@pytest.mark.parametrize("url", SPACE_PAGES)
def test_each_account_sees_its_own_producer_only(login, account, other_account, on_day, url):
    mine_page = login(account).get(url)
    assert mine_page.status_code == 200
    assert "Hợp tác xã Lúa Vàng" in mine_page.text
    assert "Ninh Kiều" not in mine_page.text
    theirs_page = login(other_account).get(url)
    assert theirs_page.status_code == 200
    assert "Công ty Bánh Pía Ninh Kiều" in theirs_page.text
    assert "Lúa Vàng" not in theirs_page.text


def test_another_producers_product_is_never_labelled(login, mine, other_account, on_day):
    rice = mine.products.get(name="Gạo thơm Lúa Vàng")
    page = login(other_account).get(reverse("producer_space:labels"), {"product": rice.pk})
    assert page.status_code == 200
    assert "Lúa Vàng" not in page.text
    assert page.context["form"].errors["product"]


def test_an_inactive_account_cannot_open_the_space(client, login, account, on_day):
    account.is_active = False
    account.save()
    response = login(account).get(reverse("producer_space:home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The home page --------------------------------------------------------------------------------


def test_home_shows_the_record_the_officer_and_the_open_window(login, account, on_day):
    page = login(account).get(reverse("producer_space:home"))
    assert page.status_code == 200
    text = page.text
    assert "Hợp tác xã Lúa Vàng" in text and "1800000001" in text
    assert "hãy báo cán bộ để sửa" in text
    assert "Lê Văn Cờ Đỏ" in text and "0292 3861 000" in text and "codo@ocop.example" in text
    steps = page.context["next"].steps
    assert [step.text for step in steps] == [OPEN_STEP]
    assert steps[0].may_file
    assert OPEN_STEP in text
    assert [c.decision_number for c in page.context["certificates"]] == ["1187/QĐ-UBND"]
    assert [p.name for p in page.context["products"]] == [
        "Bánh phồng Lúa Vàng",
        "Gạo thơm Lúa Vàng",
    ]
    assert page.context["certified_count"] == 1
    assert reverse("producer_space:labels") in text


def test_before_the_window_the_box_says_when_it_opens(login, account, on_day):
    on_day(date(2026, 6, 1))
    page = login(account).get(reverse("producer_space:home"))
    assert page.context["next"].steps == []
    assert page.context["next"].upcoming.decision_number == "1187/QĐ-UBND"
    assert (
        "Giấy chứng nhận 1187/QĐ-UBND (Gạo thơm Lúa Vàng) hết hạn ngày 11/04/2027; thời hạn nộp "
        "hồ sơ đánh giá lại từ 13/10/2026 đến 12/12/2026." in page.text
    )


def test_a_window_opening_soon_is_announced(login, account, on_day):
    on_day(date(2026, 9, 1))  # opens in 42 days
    steps = login(account).get(reverse("producer_space:home")).context["next"].steps
    assert [step.text for step in steps] == [
        "Giấy chứng nhận 1187/QĐ-UBND (Gạo thơm Lúa Vàng) hết hạn ngày 11/04/2027; thời hạn "
        "nộp hồ sơ đánh giá lại từ 13/10/2026 đến 12/12/2026."
    ]
    assert not steps[0].may_file


def test_the_window_opens_on_its_first_day(login, account, on_day):
    on_day(date(2026, 10, 12))
    steps = login(account).get(reverse("producer_space:home")).context["next"].steps
    assert OPEN_STEP not in [step.text for step in steps]
    on_day(date(2026, 10, 13))
    steps = login(account).get(reverse("producer_space:home")).context["next"].steps
    assert [step.text for step in steps] == [OPEN_STEP]


def test_after_the_window_the_box_says_it_is_late(login, account, on_day):
    on_day(date(2026, 12, 13))
    page = login(account).get(reverse("producer_space:home"))
    (step,) = page.context["next"].steps
    assert step.tone == "danger" and step.may_file
    assert step.text.startswith(
        "Giấy chứng nhận 1187/QĐ-UBND (Gạo thơm Lúa Vàng): Đã quá hạn nộp (12/12/2026); nộp "
        "trước ngày hết hạn 11/04/2027"
    )


def test_a_renewed_certificate_leaves_nothing_to_do(login, account, mine, on_day):
    rice = mine.products.get(name="Gạo thơm Lúa Vàng")
    CertificateFactory(
        product=rice,
        decision_number="2874/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        kind="renewal",
        legal_basis="26/2026/QĐ-TTg",
    )
    page = login(account).get(reverse("producer_space:home"))
    assert page.context["next"].steps == []
    assert [c.decision_number for c in page.context["certificates"]] == ["2874/QĐ-UBND"]
    assert "Hiện không có việc gì cần làm" in page.text
    every = login(account).get(reverse("producer_space:certificates")).context["certificates"]
    assert [(c.decision_number, c.rerating_state) for c in every] == [
        ("2874/QĐ-UBND", "not_yet_open"),
        ("1187/QĐ-UBND", "rerated"),
    ]


def test_the_home_page_queries_are_pinned(login, account, mine, on_day, django_assert_num_queries):
    for n in range(3):
        product = ProductFactory(producer=mine, name=f"Sản phẩm thêm {n}")
        CertificateFactory(product=product, decision_number=f"{n}/QĐ-UBND")
    client = login(account)
    client.get(reverse("producer_space:home"))
    # Session, user; producer, legal bases, certificates, products, officers; the
    # transaction's two savepoint statements (the footer's time is kept in the cache).
    with django_assert_num_queries(9):
        response = client.get(reverse("producer_space:home"))
    assert len(response.context["products"]) == 5


# --- Products, certificates, labels ---------------------------------------------------------------


def test_the_products_page_links_the_public_page_and_the_qr_codes(login, account, mine, on_day):
    rice = mine.products.get(name="Gạo thơm Lúa Vàng")
    page = login(account).get(reverse("producer_space:products"))
    assert reverse("catalogue:qr_svg", args=[rice.pk]) in page.text
    assert reverse("catalogue:qr_png", args=[rice.pk]) in page.text
    cake = mine.products.get(name="Bánh phồng Lúa Vàng")
    assert reverse("catalogue:qr_svg", args=[cake.pk]) not in page.text
    assert "Chưa có chứng nhận" in page.text


def test_the_certificates_page_gives_each_window_and_next_step(login, account, on_day):
    page = login(account).get(reverse("producer_space:certificates"))
    (certificate,) = page.context["certificates"]
    assert certificate.rerating_state == "open"
    assert "từ 13/10/2026 đến 12/12/2026" in page.text
    assert "Nộp hồ sơ đánh giá lại chậm nhất ngày 12/12/2026." in page.text


def test_labels_print_each_certified_product_with_its_qr_code(
    login, account, mine, on_day, settings
):
    settings.PORTAL_URL = "https://ocop.cantho.gov.vn"
    rice = mine.products.get(name="Gạo thơm Lúa Vàng")
    page = login(account).get(reverse("producer_space:labels"))
    assert [product.name for product in page.context["labels"]] == ["Gạo thơm Lúa Vàng"]
    assert page.text.count('class="ocop-label"') == 1
    assert f"https://ocop.cantho.gov.vn/catalogue/{rice.pk}-gao-thom-lua-vang/" in page.text
    assert "<svg" in page.text
    many = login(account).get(reverse("producer_space:labels"), {"product": rice.pk, "copies": 18})
    assert many.text.count('class="ocop-label"') == 18
    too_many = login(account).get(reverse("producer_space:labels"), {"copies": 500})
    assert too_many.context["form"].errors["copies"]


def test_labels_say_so_when_nothing_is_certified(login, can_tho, on_day):
    producer = ProducerFactory(name="Tổ hợp tác Mới")
    ProductFactory(producer=producer)
    account = UserFactory(role=User.Role.PRODUCER, producer=producer)
    page = login(account).get(reverse("producer_space:labels"))
    assert page.status_code == 200
    assert "chưa có tem mã QR để in" in page.text
    assert 'class="ocop-label"' not in page.text


# --- The staff's pages, the landing, the menu -----------------------------------------------------

STAFF_PAGES = [
    "/products/",
    "/products/expiring/",
    "/producers/",
    "/evaluations/",
    "/dashboard/",
    "/plans/",
    "/areas/",
    "/inspections/",
    "/todo/returned/",
    "/jobs/",
    "/admin/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_refuse_a_producer_account(login, account, url):
    response = login(account).get(url)
    assert response.status_code == 403
    assert WORKSPACE_REFUSAL in response.text


def test_the_counts_of_the_menu_refuse_a_producer_account(login, account):
    assert login(account).get("/todo/counts.json").status_code == 403


@pytest.mark.parametrize("url", ["/catalogue/", "/accounts/settings/", "/notices/"])
def test_a_producer_account_opens_its_settings_and_the_public_pages(login, account, url):
    assert login(account).get(url).status_code == 200


def test_staff_pages_still_open_for_staff(login, officer_co_do):
    assert login(officer_co_do).get("/products/").status_code == 200


def test_the_overview_sends_a_producer_account_to_its_space(login, account):
    response = login(account).get("/")
    assert response.status_code == 302 and response["Location"] == "/producer/"


def test_a_producer_account_lands_in_its_space_after_signing_in(client, account, on_day):
    response = client.post(reverse("login"), {"username": "luavang", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/producer/"


def test_an_officer_still_lands_on_the_overview(client, officer_co_do):
    response = client.post(reverse("login"), {"username": "codo", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_menu_of_a_producer_account_is_its_space(login, account, on_day):
    page = login(account).get(reverse("producer_space:home"))
    labels = [str(item.label) for item in page.context["nav_items"]]
    assert labels == ["Trang của tôi", "Hồ sơ OCOP", "Sản phẩm", "Danh mục sản phẩm"]
    products = next(item for item in page.context["nav_items"] if item.children)
    assert [str(item.label) for item in products.children] == [
        "Sản phẩm của tôi",
        "Giấy chứng nhận",
        "Trang công khai",
        "Kết nối tiêu thụ",
        "Tem mã QR",
    ]
    assert "todo-link" not in page.text and 'id="viec-can-lam"' in page.text
    assert reverse("todo_counts") not in page.text
    assert reverse("jobs:list") not in page.text
    assert reverse("account_settings") in page.text and reverse("logout") in page.text
    active = [str(item.label) for item in page.context["nav_items"] if item.is_active("/producer/")]
    assert active == ["Trang của tôi"]


def test_a_producer_account_has_no_staff_work(account):
    counts = todo.kept_counts(account)
    assert counts == todo.TodoCounts() and counts.known and counts.total == 0
    assert todo.todo_counts(account).total == 0


def test_space_pages_fit_a_phone(login, account, on_day):
    page = login(account).get(reverse("producer_space:home"))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    # No fixed widths in the space's own templates: everything wraps at 360 px.
    assert not re.search(r'style="[^"]*width:\s*\d{3,}px', page.text)


# --- The demo's step ------------------------------------------------------------------------------


def test_the_demo_step_makes_two_accounts_and_two_invitations_once(can_tho, co_do, ninh_kieu):
    from producer_space import demo
    from producer_space.models import Invitation

    for spec in demo.ACCOUNTS:
        ProducerFactory(name=spec.producer, area=co_do)
        UserFactory(username=spec.officer, areas=[co_do])
    ProducerFactory(name=demo.PENDING[0], area=ninh_kieu)
    UserFactory(username=demo.PENDING[3], areas=[ninh_kieu])
    made = demo.load_producer_accounts("ocop-demo")
    assert made["accounts"] == [
        ("chuthe1", "Hợp tác xã hủ tiếu Cái Răng Xưa"),
        ("chuthe2", "Công ty TNHH Nông sản Sông Hậu Foods"),
    ]
    assert made["invitations"] == 2
    chuthe1 = User.objects.get(username="chuthe1")
    assert chuthe1.is_producer_account and chuthe1.check_password("ocop-demo")
    assert chuthe1.invitation.state() == Invitation.State.USED
    pending = Invitation.objects.get(email=demo.PENDING[2])
    assert pending.state() == Invitation.State.PENDING
    again = demo.load_producer_accounts("ocop-demo")
    assert again["invitations"] == 0
    assert Invitation.objects.count() == 2
    assert User.objects.filter(producer__isnull=False).count() == 2
