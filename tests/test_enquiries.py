"""Buyers' enquiries ("Liên hệ kết nối tiêu thụ"): the form anyone opens from a catalogue
product, its limits (CSRF, a rate per client address, a trap for robots, one enquiry per form),
the notices it gives; the pages of those signed in, each read through visible_to or owned_by;
the producer's answer (its own account only, never over a newer save), the commune closing it;
the summary by sector and area; the plan's measure of the enquiries received."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from budgets.models import Measure
from budgets.reports import YearRecords
from core import counting, policy
from enquiries import services
from enquiries.models import Enquiry, answer_due
from notices.models import Notice
from tests.factories import CertificateFactory, ProducerFactory, UserFactory, category_26
from tests.test_budgets import PlanFactory, TargetFactory, province

pytestmark = pytest.mark.django_db

ANSWER_RULE = str(policy.RULES["enquiry.answer"].refusal)
CLOSE_RULE = str(policy.RULES["enquiry.close"].refusal)
SUMMARY_RULE = str(policy.RULES["enquiry.summary"].refusal)
ONE_CONTACT = "Hãy để lại số điện thoại hoặc thư điện tử để chủ thể liên hệ lại."


def certified(area, name: str, *, producer=None, category=None):
    values = {"product__name": name, "decision_date": date(timezone.localdate().year - 1, 3, 15)}
    if producer is not None:
        values["product__producer"] = producer
    else:
        values["product__producer__area"] = area
    if category is not None:
        values["product__category"] = category
    return CertificateFactory(**values).product


@pytest.fixture
def product(co_do):
    return certified(co_do, "Mật ong hoa tràm Cờ Đỏ")


@pytest.fixture
def owner(product):
    """The account of the product's producer, with e-mail notices."""
    return UserFactory(
        username="chuthe",
        role=User.Role.PRODUCER,
        producer=product.producer,
        email="chuthe@example.vn",
    )


@pytest.fixture
def other_account(ninh_kieu):
    producer = ProducerFactory(area=ninh_kieu, name="Hợp tác xã Khác")
    return UserFactory(username="chuthekhac", role=User.Role.PRODUCER, producer=producer)


def form_url(product) -> str:
    return reverse("public_enquiries:create", args=[product.pk])


def enquiry_data(**changes) -> dict:
    data = {
        "organisation": "Khách sạn Sông Hậu",
        "kind": "hotel",
        "quantity": "200 hũ/tháng",
        "message": "Cần mật ong hũ 250 g cho bữa sáng của khách, giao tại Ninh Kiều.",
        "contact_name": "Trần Thị Hồng",
        "phone": "0292 3812 345",
        "email": "",
        "website": "",
        "form_token": "a" * 32,
    }
    data.update(changes)
    return data


def send(client, product, ip="203.0.113.7", **changes):
    return client.post(form_url(product), enquiry_data(**changes), REMOTE_ADDR=ip)


def enquiry_of(product, **values) -> Enquiry:
    values = {
        "organisation": "Siêu thị Tây Đô",
        "kind": "retail",
        "message": "Xin báo giá.",
        "contact_name": "Lê Văn Mua",
        "phone": "0909123456",
        **values,
    }
    return services.submit(product=product, **values)


def received_on(enquiry: Enquiry, moment: datetime) -> Enquiry:
    Enquiry.objects.filter(pk=enquiry.pk).update(received_at=timezone.make_aware(moment))
    enquiry.refresh_from_db()
    return enquiry


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- The public form ---------------------------------------------------------------------------


def test_the_catalogue_page_has_the_button(client, product):
    page = client.get(reverse("catalogue:product_short", args=[product.pk]), follow=True)
    assert page.status_code == 200
    assert f'href="{form_url(product)}"' in page.text
    assert "Liên hệ kết nối tiêu thụ" in page.text


def test_anyone_opens_the_form_of_a_public_catalogue_product_only(client, product, co_do):
    response = client.get(form_url(product))
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'name="form_token"' in response.text
    assert 'class="public-form-trap" aria-hidden="true"' in response.text
    assert 'tabindex="-1"' in response.text
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # Not certified today: its catalogue page is not public, nor is the form.
    lapsed = CertificateFactory(product__producer__area=co_do, decision_date=date(2020, 1, 1))
    assert client.get(form_url(lapsed.product)).status_code == 404
    assert send(client, lapsed.product).status_code == 404
    assert client.get(reverse("public_enquiries:create", args=[99999])).status_code == 404
    assert not Enquiry.objects.exists()


def test_an_enquiry_is_saved_and_the_buyer_is_told_who_answers_and_when(client, product):
    response = send(client, product, email="hong@khachsan.example")
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.product, enquiry.kind, enquiry.status) == (product, "hotel", "new")
    assert (enquiry.organisation, enquiry.quantity) == ("Khách sạn Sông Hậu", "200 hũ/tháng")
    assert (enquiry.phone, enquiry.email) == ("0292 3812 345", "hong@khachsan.example")
    assert re.fullmatch(r"YC-[A-Z2-9]{4}-[A-Z2-9]{4}", enquiry.reference)
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert enquiry.reference in thanks.text
    assert "Chủ thể sẽ liên hệ lại với quý khách" in thanks.text
    assert product.producer.name in thanks.text
    due = answer_due(timezone.localdate()).strftime("%d/%m/%Y")
    assert f"thường trước ngày {due}" in thanks.text


def test_the_producer_account_and_the_local_officers_are_told(
    client,
    product,
    owner,
    other_account,
    officer_co_do,
    officer_ninh_kieu,
    city_reviewer,
    django_capture_on_commit_callbacks,
):
    officer_co_do.email, officer_co_do.email_notices = "codo@example.vn", False
    officer_co_do.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, product).status_code == 302
    enquiry = Enquiry.objects.get()
    notices = Notice.objects.filter(kind=Notice.Kind.ENQUIRY)
    assert sorted(notices.values_list("recipient__username", flat=True)) == ["chuthe", "codo"]
    notice = notices.get(recipient=owner)
    assert notice.url == enquiry.get_absolute_url()
    assert notice.verb == (
        "Yêu cầu kết nối tiêu thụ: Khách sạn Sông Hậu (Khách sạn, nhà hàng) muốn mua "
        "“Mật ong hoa tràm Cờ Đỏ”"
    )
    assert notice.reason.startswith("Số lượng: 200 hũ/tháng. Cần mật ong")
    owner.refresh_from_db()
    assert owner.unread_notices == 1
    # E-mail for who chose it and has an address: the owner; the officer turned it off.
    assert [message.to for message in mail.outbox] == [["chuthe@example.vn"]]
    assert "Khách sạn Sông Hậu" in mail.outbox[0].subject


def test_a_robot_filling_the_trap_saves_nothing_and_is_thanked(client, product, owner):
    response = send(client, product, website="http://spam.example")
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Chủ thể sẽ liên hệ lại với quý khách" in thanks.text
    assert re.search(r"YC-[A-Z2-9]{4}-[A-Z2-9]{4}", thanks.text)
    assert not Enquiry.objects.exists()
    assert not Notice.objects.exists()


def test_an_enquiry_sent_twice_is_one_enquiry(client, product, owner):
    first = send(client, product)
    second = send(client, product)
    assert Enquiry.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Notice.objects.filter(recipient=owner).count() == 1


def test_the_sixth_enquiry_within_the_hour_is_refused(client, product, settings):
    assert settings.OCOP_ENQUIRIES_PER_HOUR == 5
    for number in range(5):
        assert send(client, product, form_token=f"{number}" * 32).status_code == 302
    refused = send(client, product, form_token="x" * 32)
    assert refused.status_code == 429
    assert (
        "Bạn đã gửi nhiều yêu cầu kết nối trong một giờ qua (tối đa 5). Yêu cầu này chưa được "
        "gửi: xin thử lại sau một giờ"
    ) in refused.text
    assert Enquiry.objects.count() == 5
    # Another address is fine.
    assert send(client, product, ip="198.51.100.4", form_token="y" * 32).status_code == 302
    assert Enquiry.objects.count() == 6


def test_bad_input_is_refused_next_to_the_fields_in_vietnamese(client, product):
    response = send(
        client, product, organisation="", message="", contact_name="", kind="", phone=""
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["organisation"] == ["Hãy ghi tên đơn vị mua hàng."]
    assert errors["message"] == ["Hãy ghi nội dung yêu cầu gửi chủ thể."]
    assert errors["contact_name"] == ["Hãy ghi họ tên người liên hệ."]
    assert errors["kind"] == ["Hãy chọn loại hình đơn vị mua hàng."]
    assert errors["phone"] == [ONE_CONTACT] and errors["email"] == [ONE_CONTACT]
    assert ONE_CONTACT in response.text
    response = send(client, product, phone="gọi tôi", email="khong-phai-email")
    errors = response.context["form"].errors
    assert errors["phone"] == ["Số điện thoại chỉ gồm chữ số, ví dụ 0292 3820 123."]
    assert errors["email"] == ["Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn."]
    assert not Enquiry.objects.exists()


def test_an_email_alone_is_enough(client, product):
    assert send(client, product, phone="", email="mua@sieuthi.example").status_code == 302
    assert Enquiry.objects.get().phone == ""


def test_csrf_is_checked(product):
    response = Client(enforce_csrf_checks=True).post(form_url(product), enquiry_data())
    assert response.status_code == 403
    assert not Enquiry.objects.exists()


def test_the_thank_you_address_cannot_be_made_up(client, product):
    url = reverse("public_enquiries:thanks", args=[f"YC-AAAA-BBBB.{product.pk}:forged"])
    assert client.get(url).status_code == 404


def test_the_database_refuses_an_enquiry_without_a_way_to_answer(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.create(
            product=product,
            organisation="X",
            kind="other",
            message="Y",
            contact_name="Z",
        )
    with pytest.raises(ValidationError) as refused:
        enquiry_of(product, phone="", email="")
    assert refused.value.message_dict == {"phone": [ONE_CONTACT], "email": [ONE_CONTACT]}


def test_an_enquiry_about_a_product_no_longer_in_the_catalogue_is_refused(product):
    certificate = product.certificates.get()
    certificate.revoked_on = timezone.localdate()
    certificate.revoked_reason = "Thu hồi"
    certificate.save()
    with pytest.raises(ValidationError):
        enquiry_of(product)
    assert not Enquiry.objects.exists()


# --- The pages of those signed in: the access ladder ------------------------------------------


@pytest.fixture
def personas(owner, other_account, officer_co_do, officer_ninh_kieu, city_reviewer):
    return {
        "owner": owner,
        "other account": other_account,
        "officer": officer_co_do,
        "outsider": officer_ninh_kieu,
        "city": city_reviewer,
    }


def listed(client, **params) -> list[int]:
    response = client.get(reverse("enquiries:list"), params)
    assert response.status_code == 200
    return [enquiry.pk for enquiry in response.context["page"].object_list]


def test_anonymous_is_sent_to_the_login_page(client, product):
    enquiry = enquiry_of(product)
    pages = [
        ("get", reverse("enquiries:list")),
        ("get", reverse("enquiries:summary")),
        ("get", reverse("enquiries:summary_csv")),
        ("get", enquiry.get_absolute_url()),
        ("post", reverse("enquiries:answer", args=[enquiry.pk])),
        ("post", reverse("enquiries:close", args=[enquiry.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize(
    "who, sees",
    [
        ("owner", True),
        ("officer", True),
        ("city", True),
        ("other account", False),
        ("outsider", False),
    ],
)
def test_the_list_and_the_detail(login, product, personas, who, sees):
    enquiry = enquiry_of(product)
    client = login(personas[who])
    assert listed(client) == ([enquiry.pk] if sees else [])
    detail = client.get(enquiry.get_absolute_url())
    assert detail.status_code == (200 if sees else 404)
    for action in ("answer", "close"):
        url = reverse(f"enquiries:{action}", args=[enquiry.pk])
        if not sees:
            assert client.post(url, {"answer": "x", "note": "x", "version": 1}).status_code == 404


def test_each_sees_the_action_that_is_theirs_or_the_reason(login, product, personas):
    enquiry = enquiry_of(product, email="mua@sieuthi.example")
    answer_url = reverse("enquiries:answer", args=[enquiry.pk])
    close_url = reverse("enquiries:close", args=[enquiry.pk])

    owner = login(personas["owner"]).get(enquiry.get_absolute_url())
    assert f'action="{answer_url}"' in owner.text and f'action="{close_url}"' not in owner.text
    assert "0909123456" in owner.text and "mua@sieuthi.example" in owner.text
    # Who acts next: the producer, before the day the buyer was told.
    assert "Liên hệ, trả lời người mua trước ngày" in owner.text

    officer = login(personas["officer"]).get(enquiry.get_absolute_url())
    assert f'action="{close_url}"' in officer.text and f'action="{answer_url}"' not in officer.text
    assert ANSWER_RULE in officer.text

    city = login(personas["city"]).get(enquiry.get_absolute_url())
    assert f'action="{close_url}"' not in city.text and f'action="{answer_url}"' not in city.text
    assert ANSWER_RULE in city.text and CLOSE_RULE in city.text

    # Refused by the policy: 403 saying who does it, nothing written.
    for who, url in (("officer", answer_url), ("city", answer_url), ("owner", close_url)):
        response = login(personas[who]).post(url, {"answer": "x", "note": "x", "version": 1})
        assert response.status_code == 403, who
    for who in ("city",):
        assert login(personas[who]).post(close_url, {"note": "x", "version": 1}).status_code == 403
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.answer) == ("new", "")


def test_the_summary_is_for_the_staff(login, product, personas):
    enquiry_of(product)
    url = reverse("enquiries:summary")
    for who in ("owner", "other account"):
        response = login(personas[who]).get(url)
        assert response.status_code == 403
        assert SUMMARY_RULE in response.text
        assert login(personas[who]).get(reverse("enquiries:summary_csv")).status_code == 403
    assert login(personas["city"]).get(url).context["summary"].total.received == 1
    assert login(personas["officer"]).get(url).context["summary"].total.received == 1
    assert login(personas["outsider"]).get(url).context["summary"].total.received == 0
    owner_list = login(personas["owner"]).get(reverse("enquiries:list"))
    assert reverse("enquiries:summary") not in owner_list.text
    assert (
        reverse("enquiries:summary") in login(personas["city"]).get(reverse("enquiries:list")).text
    )


def test_the_policy_and_the_model_name_the_same_open_statuses():
    assert set(Enquiry.OPEN) == policy.ENQUIRY_OPEN_STATUSES


# --- Answering and closing ---------------------------------------------------------------------


def test_the_owner_answers_and_the_commune_is_told(login, product, owner, officer_co_do):
    enquiry = enquiry_of(product)
    client = login(owner)
    url = reverse("enquiries:answer", args=[enquiry.pk])
    empty = client.post(url, {"answer": "  ", "version": enquiry.version})
    assert empty.status_code == 200
    assert empty.context["answer_form"].errors["answer"] == ["Hãy ghi nội dung trả lời người mua."]
    response = client.post(url, {"answer": "Giá sỉ 120.000 đồng/hũ.", "version": enquiry.version})
    assert response.status_code == 302 and response["Location"] == enquiry.get_absolute_url()
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.answer) == ("answered", "Giá sỉ 120.000 đồng/hũ.")
    assert enquiry.answered_by == owner and enquiry.answered_at is not None
    told = Notice.objects.get(key=f"enquiry:{enquiry.pk}:answered")
    assert told.recipient == officer_co_do and told.actor == owner
    assert told.reason == "Giá sỉ 120.000 đồng/hũ."
    page = login(officer_co_do).get(enquiry.get_absolute_url()).text
    assert "Giá sỉ 120.000 đồng/hũ." in page
    assert "Theo dõi kết quả kết nối, đóng yêu cầu khi xong" in page  # who acts next


def test_only_the_owners_account_answers(
    product, owner, other_account, officer_co_do, city_reviewer
):
    enquiry = enquiry_of(product)
    for user in (other_account, officer_co_do, city_reviewer):
        with pytest.raises(PermissionDenied):
            services.answer(user, enquiry, "Tôi trả lời thay")
    enquiry.refresh_from_db()
    assert enquiry.status == "new"
    services.answer(owner, enquiry, "Đã gọi điện.")
    enquiry.refresh_from_db()
    assert enquiry.status == "answered"


def test_an_answer_over_a_newer_save_is_refused(login, product, owner):
    enquiry = enquiry_of(product)
    loaded = enquiry.version
    services.answer(owner, enquiry, "Trả lời thứ nhất.", version=loaded)
    response = login(owner).post(
        reverse("enquiries:answer", args=[enquiry.pk]),
        {"answer": "Trả lời từ trang cũ.", "version": loaded},
    )
    assert response.status_code == 200
    errors = response.context["answer_form"].non_field_errors()
    assert any("Thay đổi của bạn chưa được lưu" in error for error in errors)
    enquiry.refresh_from_db()
    assert enquiry.answer == "Trả lời thứ nhất."
    # The form now carries the current version: sent again, it is a deliberate correction.
    again = login(owner).post(
        reverse("enquiries:answer", args=[enquiry.pk]),
        {"answer": "Trả lời đã sửa.", "version": enquiry.version},
    )
    assert again.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.answer == "Trả lời đã sửa."


def test_the_commune_closes_with_a_note_when_nothing_was_answered(login, product, officer_co_do):
    enquiry = enquiry_of(product)
    client = login(officer_co_do)
    url = reverse("enquiries:close", args=[enquiry.pk])
    refused = client.post(url, {"note": "", "version": enquiry.version})
    assert refused.status_code == 200
    assert "Chủ thể chưa trả lời trên cổng" in refused.context["close_form"].errors["note"][0]
    assert (
        client.post(url, {"note": "Đã kết nối qua điện thoại.", "version": enquiry.version})[
            "Location"
        ]
        == enquiry.get_absolute_url()
    )
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.closing_note) == ("closed", "Đã kết nối qua điện thoại.")
    assert enquiry.closed_by == officer_co_do
    page = client.get(enquiry.get_absolute_url()).text
    assert "Yêu cầu đã đóng." in page and f'action="{url}"' not in page
    with pytest.raises(PermissionDenied):
        services.close(officer_co_do, enquiry, "Lần nữa")


def test_a_closed_enquiry_is_not_answered(product, owner, officer_co_do):
    enquiry = enquiry_of(product)
    services.answer(owner, enquiry, "Đã gửi báo giá.")
    enquiry = services.close(officer_co_do, enquiry)  # answered: no note needed
    assert enquiry.status == "closed" and enquiry.answer == "Đã gửi báo giá."
    with pytest.raises(PermissionDenied):
        services.answer(owner, enquiry, "Sửa sau khi đóng")


def test_a_late_enquiry_is_flagged(login, product, owner):
    enquiry = received_on(enquiry_of(product), datetime(2026, 1, 5, 9, 0))
    assert enquiry.answer_due == date(2026, 1, 12) and enquiry.is_late
    page = login(owner).get(reverse("enquiries:list")).text
    assert "Quá hạn trả lời người mua (12/01/2026)" in page


# --- Filters, summary and the plan's measure ---------------------------------------------------


@pytest.fixture
def known(co_do, ninh_kieu, owner, officer_co_do):
    """Four enquiries of 2026 and one of 2025: food of 148/QĐ-TTg and of 26/2026 (one sector),
    drinks; Cờ Đỏ and Ninh Kiều."""
    honey = owner.producer.products.get()
    cake = certified(ninh_kieu, "Bánh pía Ninh Kiều", category=category_26("I.3.c"))
    wine = certified(co_do, "Rượu nếp Cờ Đỏ", category=category_26("II.1.a"))
    rows = {
        "hotel": enquiry_of(honey, kind="hotel"),
        "shop": enquiry_of(honey, kind="shop"),
        "cake": enquiry_of(cake, kind="retail"),
        "wine": enquiry_of(wine, kind="export"),
        "old": enquiry_of(honey, kind="other"),
    }
    services.answer(owner, rows["hotel"], "Đã gửi báo giá.")
    services.close(officer_co_do, rows["hotel"])
    services.answer(owner, rows["shop"], "Hẹn gặp.")
    services.close(officer_co_do, rows["wine"], "Không liên lạc được.")
    for name in ("hotel", "shop", "cake", "wine"):
        received_on(rows[name], datetime(2026, 3, 2, 9, 0))
    received_on(rows["old"], datetime(2025, 12, 31, 23, 30))
    return rows


def test_the_list_filters(login, known, city_reviewer, co_do):
    client = login(city_reviewer)
    pk = {name: enquiry.pk for name, enquiry in known.items()}
    assert len(listed(client)) == 5
    assert set(listed(client, year=2026)) == {pk["hotel"], pk["shop"], pk["cake"], pk["wine"]}
    assert listed(client, year=2025) == [pk["old"]]
    food = category_26("I.3.c").parent.parent
    assert set(listed(client, sector=food.pk)) == {
        pk["hotel"],
        pk["shop"],
        pk["cake"],
        pk["old"],
    }
    assert set(listed(client, area=co_do.pk, year=2026)) == {pk["hotel"], pk["shop"], pk["wine"]}
    assert listed(client, kind="export") == [pk["wine"]]
    assert set(listed(client, status="closed")) == {pk["hotel"], pk["wine"]}
    assert listed(client, status="answered") == [pk["shop"]]


def test_the_summary_by_sector_and_area(login, known, city_reviewer, co_do, ninh_kieu):
    response = login(city_reviewer).get(reverse("enquiries:summary"), {"year": 2026})
    summary = response.context["summary"]
    sectors = [(r.label, r.received, r.answered, r.closed) for r in summary.by_sector]
    assert sectors == [("Thực phẩm", 3, 2, 1), ("Sản phẩm đồ uống", 1, 0, 1)]
    assert summary.by_sector[0].answered_share.quantize(Decimal("0.1")) == Decimal("66.7")
    areas = [(r.area, r.received, r.answered) for r in summary.by_area]
    assert areas == [(co_do, 3, 2), (ninh_kieu, 1, 0)]
    assert (summary.total.received, summary.total.answered, summary.total.closed) == (4, 2, 2)
    assert "66,7%" in response.text and "50%" in response.text
    # The year defaults to this one.
    this_year = login(city_reviewer).get(reverse("enquiries:summary")).context["filter"]
    assert this_year.form.cleaned_data["year"] == timezone.localdate().year

    csv = login(city_reviewer).get(reverse("enquiries:summary_csv"), {"year": 2026})
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="yeu-cau-ket-noi-2026.csv"' in csv["Content-Disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == 'Nhóm,"Ngành, địa bàn",Nhận được,Đã trả lời,Tỷ lệ trả lời (%)'
    assert lines[1:] == [
        'Ngành,Thực phẩm,3,2,"66,7"',
        "Ngành,Sản phẩm đồ uống,1,0,0",
        'Địa bàn,Huyện Cờ Đỏ,3,2,"66,7"',
        "Địa bàn,Quận Ninh Kiều,1,0,0",
        "Tổng cộng,Tổng cộng,4,2,50",
    ]


def test_the_commune_summarises_its_own_areas(login, known, officer_co_do):
    summary = (
        login(officer_co_do).get(reverse("enquiries:summary"), {"year": 2026}).context["summary"]
    )
    assert [(r.label, r.received) for r in summary.by_area] == [("Huyện Cờ Đỏ", 3)]


def test_the_plan_measure_counts_the_enquiries_received_in_the_year(known, co_do, ninh_kieu):
    assert counting.year_records(Measure.ENQUIRIES_RECEIVED) is not None
    records = YearRecords(province(), 2026)
    assert records.value(Measure.ENQUIRIES_RECEIVED) == 4
    assert records.value(Measure.ENQUIRIES_RECEIVED, co_do.path) == 3
    assert records.value(Measure.ENQUIRIES_RECEIVED, ninh_kieu.path) == 1
    # 31/12/2025 23:30 in Việt Nam (16:30 UTC) is one of 2025's.
    assert YearRecords(province(), 2025).value(Measure.ENQUIRIES_RECEIVED) == 1
    assert YearRecords(province(), 2024).value(Measure.ENQUIRIES_RECEIVED) == 0


def test_the_plan_page_shows_the_result_against_its_target(login, known, city_reviewer):
    plan = PlanFactory(year=2026)
    target = TargetFactory(plan=plan, indicator=Measure.ENQUIRIES_RECEIVED, value=8)
    assert target.unit == "yêu cầu"
    page = login(city_reviewer).get(reverse("budgets:detail", args=[2026]))
    assert page.status_code == 200
    row = re.search(rf'<tr id="target-{target.pk}">(.*?)</tr>', page.text, re.S).group(1)
    assert "Yêu cầu kết nối tiêu thụ nhận được" in row
    assert "Kết quả tính từ yêu cầu kết nối tiêu thụ người mua gửi qua danh mục công khai" in row
    cells = re.findall(r'<td class="cell-num[^"]*"[^>]*>\s*([^<]*)', row)
    assert [cell.strip() for cell in cells] == ["8", "4", "50%"]
    # The dashboard of the year reads the same result.
    dashboard = login(city_reviewer).get(reverse("dashboards:city"), {"year": 2026})
    row = re.search(rf'<tr id="target-{target.pk}">(.*?)</tr>', dashboard.text, re.S).group(1)
    cells = re.findall(r'<td class="cell-num[^"]*"[^>]*>\s*([^<]*)', row)
    assert [cell.strip() for cell in cells] == ["8", "4", "50%"]


# --- Query counts ------------------------------------------------------------------------------


def test_list_queries_do_not_grow(login, product, co_do, city_reviewer, officer_co_do):
    client = login(city_reviewer)
    url = reverse("enquiries:list")
    enquiry_of(product)
    count_queries(client, url)  # warm caches
    before = count_queries(client, url)
    for number in range(8):
        other = certified(co_do, f"Sản phẩm {number}")
        enquiry = enquiry_of(other)
        if number % 2:
            services.close(officer_co_do, enquiry, "Đã kết nối.")
    count_queries(client, url)  # the caches the new records made new (the footer's time)
    assert count_queries(client, url) == before


def test_list_query_counts_are_pinned(
    login, product, owner, city_reviewer, officer_co_do, django_assert_num_queries
):
    for number in range(3):
        enquiry_of(product, organisation=f"Người mua {number}")
    for user, expected in ((owner, 8), (city_reviewer, 9)):
        client = login(user)
        client.get(reverse("enquiries:list"))  # warm caches
        with django_assert_num_queries(expected):
            assert client.get(reverse("enquiries:list")).status_code == 200
