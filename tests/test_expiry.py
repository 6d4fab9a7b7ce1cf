"""Certificate expiry: the page of certificates to act on, the daily notices and their command.

One known city on TODAY (10/03/2026): certificates decided on explicit dates, so that each one's
valid_until (decision + 36 months − 1 day) is written next to it.
"""

import logging
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from areas.models import Area
from core.context_processors import data_as_of
from products.models import Certificate
from products.notifications import plan_expiry_notices, send_expiry_notices
from tests.factories import CertificateFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
URL = reverse("products:expiring")
LOGIN = reverse("login")


def certificate(name: str, decided: date, area: Area, *, email: str = "", **kwargs) -> Certificate:
    producer = ProducerFactory(area=area, email=email, name=f"Chủ thể {name}")
    product = ProductFactory(producer=producer, name=name)
    return CertificateFactory(product=product, decision_date=decided, **kwargs)


def renew(old: Certificate, decided: date) -> Certificate:
    return CertificateFactory(product=old.product, decision_date=decided, kind="renewal", stars=4)


@pytest.fixture
def xa_co_do(co_do) -> Area:
    """A commune that took over part of Huyện Cờ Đỏ on 01/07/2025."""
    return co_do.successors.get(name="Xã Cờ Đỏ")


@pytest.fixture
def city(co_do, ninh_kieu, xa_co_do) -> dict[str, Certificate]:
    """Certificates by the name of their product, as they stand on TODAY."""
    made = {}

    def add(name, decided, area, **kwargs):
        made[name] = certificate(name, decided, area, **kwargs)
        return made[name]

    add("Gạo Cờ Đỏ", date(2023, 3, 20), co_do, email="gao@htx.example", stars=3)  # → 19/03/2026
    add("Mắm cá Cờ Đỏ", date(2023, 5, 1), co_do)  # → 30/04/2026, 51 days left
    add("Bánh tráng Cờ Đỏ", date(2023, 9, 1), co_do)  # → 31/08/2026, 174 days left
    # Recognised in the former district; the producer's area is now a commune.
    moved = add("Cá thát lát Cờ Đỏ", date(2023, 3, 28), co_do)  # → 27/03/2026
    moved.product.producer.area = xa_co_do
    moved.product.producer.save()
    add("Khô cá Cờ Đỏ", date(2022, 12, 1), co_do)  # → 30/11/2025, expired 100 days ago
    # Renewed in time: neither the old nor the new certificate needs anything.
    renew(add("Trà mãng cầu Cờ Đỏ", date(2022, 10, 1), co_do), date(2025, 9, 15))
    renew(add("Nem chua Cờ Đỏ", date(2023, 4, 10), co_do), date(2026, 2, 1))  # old → 09/04/2026
    add(
        "Rượu nếp Cờ Đỏ",
        date(2023, 4, 1),  # → 31/03/2026, but revoked
        co_do,
        revoked_on=date(2025, 6, 1),
        revoked_reason="Vi phạm an toàn thực phẩm",
    )
    add("Bánh pía Ninh Kiều", date(2023, 3, 25), ninh_kieu)  # → 24/03/2026
    add("Nem nướng Ninh Kiều", date(2022, 11, 1), ninh_kieu)  # → 31/10/2025, expired
    return made


@pytest.fixture
def today(monkeypatch):
    """Freeze "today" for the page, which reads timezone.localdate()."""
    monkeypatch.setattr("products.expiry_views.timezone.localdate", lambda *args, **kw: TODAY)
    return TODAY


def names(page) -> list[str]:
    return [certificate.product.name for certificate in page.object_list]


# --- The page: the permission ladder --------------------------------------------------------


def test_page_needs_login(client, can_tho):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={URL}"


def test_page_refuses_post(login, officer_co_do):
    assert login(officer_co_do).post(URL).status_code == 405


def test_page_answers_head(login, officer_co_do):
    assert login(officer_co_do).head(URL).status_code == 200


#: Officer of Cờ Đỏ, by default: the windows open (expiry before 22/05/2026: no window, open
#: until expiry), nearest expiry first, then the lapsed.
CO_DO = ["Gạo Cờ Đỏ", "Cá thát lát Cờ Đỏ", "Mắm cá Cờ Đỏ", "Bánh tráng Cờ Đỏ", "Khô cá Cờ Đỏ"]


def test_officer_sees_only_their_districts_certificates(login, officer_co_do, city, today):
    response = login(officer_co_do).get(URL)
    assert response.status_code == 200
    assert names(response.context["page"]) == CO_DO
    assert "Ninh Kiều" not in response.text


def test_another_districts_officer_never_sees_them(login, officer_ninh_kieu, city, today):
    response = login(officer_ninh_kieu).get(URL)
    assert names(response.context["page"]) == ["Bánh pía Ninh Kiều", "Nem nướng Ninh Kiều"]
    assert "Cờ Đỏ" not in response.text
    for state in ("open", "lapsed", "rerated", "not_yet_open"):
        listed = login(officer_ninh_kieu).get(URL, {"state": state}).context["page"]
        assert not any("Cờ Đỏ" in name for name in names(listed))


def test_city_reviewer_sees_the_whole_city(login, city_reviewer, city, today):
    response = login(city_reviewer).get(URL)
    assert names(response.context["page"]) == [
        "Gạo Cờ Đỏ",
        "Bánh pía Ninh Kiều",
        "Cá thát lát Cờ Đỏ",
        "Mắm cá Cờ Đỏ",
        "Bánh tráng Cờ Đỏ",
        "Khô cá Cờ Đỏ",
        "Nem nướng Ninh Kiều",
    ]


def test_user_without_areas_sees_empty_lists(login, city, today):
    response = login(UserFactory(areas=[])).get(URL)
    assert response.context["page"].paginator.count == 0
    assert "Không có giấy chứng nhận nào ở tình trạng này." in response.text


def test_menu_leads_to_the_page(login, officer_co_do):
    response = login(officer_co_do).get("/")
    assert f'href="{URL}"' in response.text
    menu = response.context["nav_items"]
    assert "Đánh giá lại" in [str(child.label) for item in menu for child in item.children]


# --- The page: what it shows ---------------------------------------------------------------


def test_rows_show_dates_days_and_state(login, officer_co_do, city, today):
    response = login(officer_co_do).get(URL)
    first = response.context["page"].object_list[0]
    assert (first.valid_until, first.days_left, first.state) == (date(2026, 3, 19), 9, "open")
    lapsed = response.context["page"].object_list[-1]
    assert (lapsed.valid_until, lapsed.days_past, lapsed.state) == (
        date(2025, 11, 30),
        100,
        "lapsed",
    )
    html = response.text
    assert "19/03/2026" in html and "20/03/2023" in html  # valid until, decided
    assert city["Gạo Cờ Đỏ"].decision_number in html
    assert "còn 9 ngày" in html and "quá 100 ngày" in html
    assert f'href="{reverse("products:detail", args=[first.product.pk])}"' in html
    # Expiring on 31/08/2026, under 26/2026/QĐ-TTg: its window.
    assert "04/03/2026 – 03/05/2026" in html


def test_renewed_and_revoked_certificates_are_left_out(login, city_reviewer, city, today):
    response = login(city_reviewer).get(URL)
    listed = names(response.context["page"])
    for name in ("Trà mãng cầu Cờ Đỏ", "Nem chua Cờ Đỏ", "Rượu nếp Cờ Đỏ"):
        assert name not in listed
    rerated = names(login(city_reviewer).get(URL, {"state": "rerated"}).context["page"])
    assert sorted(rerated) == ["Nem chua Cờ Đỏ", "Trà mãng cầu Cờ Đỏ"]
    everything = [
        name
        for state in ("open", "late", "filed", "in_grace", "lapsed", "not_yet_open", "rerated")
        for name in names(login(city_reviewer).get(URL, {"state": state}).context["page"])
    ]
    assert "Rượu nếp Cờ Đỏ" not in everything


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("lapsed", ["Khô cá Cờ Đỏ"]),
        ("not_yet_open", ["Nem chua Cờ Đỏ", "Trà mãng cầu Cờ Đỏ"]),
        ("late", []),
    ],
)
def test_state_chooses_the_rows(login, officer_co_do, city, today, state, expected):
    response = login(officer_co_do).get(URL, {"state": state})
    assert sorted(names(response.context["page"])) == expected
    summary = {item["state"].value: item["count"] for item in response.context["summary"]}
    assert summary["open"] == 4 and summary["lapsed"] == 1 and summary["rerated"] == 2


@pytest.mark.parametrize("state", ["soon", "0", "<script>"])
def test_wrong_state_is_explained_next_to_the_field(login, officer_co_do, city, today, state):
    response = login(officer_co_do).get(URL, {"state": state})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.text
    assert 'aria-describedby="id_state_error"' in response.text
    assert names(response.context["page"]) == CO_DO  # the default list is still shown


def test_city_filters_by_district_or_commune(login, city_reviewer, city, co_do, xa_co_do, today):
    client = login(city_reviewer)
    by_district = client.get(URL, {"area": co_do.pk}).context
    assert names(by_district["page"]) == CO_DO
    # The new commune holds the producer who moved there, recognised in the former district.
    by_commune = client.get(URL, {"area": xa_co_do.pk}).context
    assert names(by_commune["page"]) == ["Cá thát lát Cờ Đỏ"]


def test_city_can_pick_any_district_or_commune(login, city_reviewer, today):
    choices = login(city_reviewer).get(URL).context["form"].fields["area"].queryset
    assert choices.count() == 9 + 103


def test_officer_picks_among_their_areas_with_certificates(
    login, officer_co_do, city, co_do, xa_co_do, ninh_kieu, today
):
    response = login(officer_co_do).get(URL)
    choices = list(response.context["form"].fields["area"].queryset)
    assert choices == [co_do, xa_co_do]
    assert "Huyện Cờ Đỏ (đến 30/06/2025)" in response.text


def test_officer_cannot_pick_another_district(login, officer_co_do, city, ninh_kieu, today):
    response = login(officer_co_do).get(URL, {"area": ninh_kieu.pk})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.text
    assert "Ninh Kiều" not in "".join(names(response.context["page"]))


def test_the_list_pages(login, city_reviewer, co_do, today):
    for n in range(30):
        certificate(f"Đã hết hạn {n:02}", date(2022, 1, 1), co_do)  # → 31/12/2024
    response = login(city_reviewer).get(URL, {"state": "lapsed", "page": 2})
    assert response.context["page"].number == 2
    assert response.context["page"].paginator.count == 30
    assert "page=1" in response.text and "state=lapsed" in response.text


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_pages_read_a_state_at_a_time_in_the_lists_order(
    login, monkeypatch, city_reviewer, city, co_do, today, size
):
    """Page after page, the certificates come in the list's one order (the most urgent state
    first; the nearest expiry first, the latest lapse first among lapsed ones), whether a page
    lies inside one state or across several."""
    from products import expiry_views, rerating

    for n, until in enumerate((date(2026, 4, 30), date(2026, 4, 1))):  # kept valid by a grace
        certificate(f"Ân hạn {n}", date(2022, 12, 15), co_do, extended_until=until)
    expected = [
        c.product.name
        for c in expiry_views._ordered(
            Certificate.objects.filter(revoked_on__isnull=True), TODAY, rerating.Schedule.load()
        )
        .filter(rerating_state__in=[s.value for s in rerating.TO_ACT_ON])
        .order_by(*expiry_views.ORDER)
        .select_related("product")
    ]
    states = {
        c.rerating_state
        for c in rerating.annotate_states(Certificate.objects.all(), TODAY)
        if c.product.name in expected
    }
    assert len(expected) >= 6 and len(states) >= 3
    monkeypatch.setattr(expiry_views, "PAGE_SIZE", size)
    client = login(city_reviewer)
    seen, number = [], 1
    while True:
        page = client.get(URL, {"page": number}).context["page"]
        seen += names(page)
        if not page.has_next():
            break
        number += 1
    assert seen == expected
    assert page.paginator.count == len(expected)


def test_page_query_count_is_fixed(
    login, city_reviewer, city, co_do, today, django_assert_num_queries
):
    client = login(city_reviewer)
    data_as_of()  # the latest change asked once; each save notes it from then on
    # session, user, the user's areas (visible_to), legal bases, the states' counts (which
    # count the list too), the page's keys, its rows, area choices; the request's savepoint
    # and its release
    with django_assert_num_queries(10):
        client.get(URL)
    for n in range(30):
        certificate(f"Thêm {n:02}", date(2023, 4, 1), co_do)
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 25


def test_officer_page_query_count_is_fixed(
    login, officer_co_do, city, co_do, today, django_assert_num_queries
):
    client = login(officer_co_do)
    # The same, and the chosen area.
    with django_assert_num_queries(12):
        client.get(URL, {"area": co_do.pk})


# --- The notices ---------------------------------------------------------------------------


@pytest.fixture
def people(officer_co_do, officer_ninh_kieu, city_reviewer, co_do, xa_co_do):
    for user, email in [
        (officer_co_do, "codo@ocop.example"),
        (officer_ninh_kieu, "ninhkieu@ocop.example"),
        (city_reviewer, "city@ocop.example"),
    ]:
        user.email = email
        user.save()
    UserFactory(areas=[co_do], email="nghi@ocop.example", is_active=False)
    UserFactory(areas=[xa_co_do], email="xacodo@ocop.example")


def sent(outbox) -> dict[str, set[str]]:
    """Product name → the addresses written to about it (one message per address)."""
    by_product = {}
    for message in outbox:
        assert len(message.to) == 1
        product = message.subject.split("“")[1].split("”")[0]
        by_product.setdefault(product, set()).update(message.to)
    return by_product


def test_notices_go_to_the_producer_and_the_areas_officers(city, people, mailoutbox):
    result = send_expiry_notices(on=TODAY)
    assert sent(mailoutbox) == {
        "Gạo Cờ Đỏ": {"gao@htx.example", "codo@ocop.example"},
        "Bánh pía Ninh Kiều": {"ninhkieu@ocop.example"},  # its producer has no email
        # Recognised in the district; the producer is now in the commune: both officers.
        "Cá thát lát Cờ Đỏ": {"codo@ocop.example", "xacodo@ocop.example"},
    }
    assert (result.messages_sent, len(result.notified)) == (5, 3)


def test_notice_says_what_to_do_in_vietnamese(city, people, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "OCOP Cần Thơ <ocop@cantho.example>"
    send_expiry_notices(on=TODAY)
    message = next(m for m in mailoutbox if m.to == ["gao@htx.example"])
    assert message.from_email == "OCOP Cần Thơ <ocop@cantho.example>"
    assert message.subject == "[OCOP] Giấy chứng nhận sản phẩm “Gạo Cờ Đỏ” hết hạn ngày 19/03/2026"
    body = message.body
    assert "Kính gửi: Chủ thể Gạo Cờ Đỏ," in body
    assert "còn 9 ngày" in body
    assert "3 sao" in body
    assert f"số {city['Gạo Cờ Đỏ'].decision_number} ngày 20/03/2023" in body
    assert "Hiệu lực đến hết ngày: 19/03/2026" in body
    assert "đề nghị đánh giá, công nhận lại trước ngày 19/03/2026" in body
    to_officer = next(m for m in mailoutbox if m.to == ["codo@ocop.example"])
    assert "cán bộ phụ trách OCOP" in to_officer.body


def test_notices_are_in_vietnamese_whatever_the_active_language(city, people, mailoutbox):
    from django.utils import translation

    with translation.override("en"):
        send_expiry_notices(on=TODAY)
    assert "Kính gửi" in mailoutbox[0].body


def test_a_certificate_is_notified_once(city, people, mailoutbox):
    send_expiry_notices(on=TODAY)
    count = len(mailoutbox)
    notified = Certificate.objects.filter(expiry_notice_sent_at__isnull=False)
    assert {c.product.name for c in notified} == set(sent(mailoutbox))
    again = send_expiry_notices(on=TODAY)
    assert (again.messages_sent, len(mailoutbox)) == (0, count)
    # Nor the next day, though it is still within 30 days of expiry.
    send_expiry_notices(on=date(2026, 3, 11))
    assert len(mailoutbox) == count


def test_revoked_renewed_later_and_expired_are_not_notified(city, people, mailoutbox):
    send_expiry_notices(on=TODAY, days_before=60)
    notified = set(sent(mailoutbox))
    assert "Mắm cá Cờ Đỏ" in notified  # 51 days left: inside 60
    for name in ("Rượu nếp Cờ Đỏ", "Nem chua Cờ Đỏ", "Khô cá Cờ Đỏ", "Bánh tráng Cờ Đỏ"):
        assert name not in notified


def test_a_refused_address_does_not_stop_the_others(city, people, mailoutbox, monkeypatch, caplog):
    original_send = mail.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == ["ninhkieu@ocop.example"]:
            raise ConnectionRefusedError("SMTP refused")
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    with caplog.at_level(logging.ERROR, logger="products.notifications"):
        result = send_expiry_notices(on=TODAY)
    assert "ninhkieu@ocop.example" in caplog.text
    assert [(c.product.name, address) for c, address in result.failed] == [
        ("Bánh pía Ninh Kiều", "ninhkieu@ocop.example")
    ]
    assert "Gạo Cờ Đỏ" in sent(mailoutbox)
    # Nobody heard about Bánh pía: not marked, so the next run tries again.
    pia = city["Bánh pía Ninh Kiều"]
    pia.refresh_from_db()
    assert pia.expiry_notice_sent_at is None
    monkeypatch.setattr(mail.EmailMessage, "send", original_send)
    mailoutbox.clear()
    send_expiry_notices(on=date(2026, 3, 11))
    assert sent(mailoutbox) == {"Bánh pía Ninh Kiều": {"ninhkieu@ocop.example"}}


def test_a_certificate_nobody_can_be_told_about_waits(city, mailoutbox):
    # No officer has an address here; two producers have none either: nothing sent or marked.
    result = send_expiry_notices(on=TODAY)
    assert sent(mailoutbox) == {"Gạo Cờ Đỏ": {"gao@htx.example"}}
    assert {c.product.name for c in result.without_recipients} == {
        "Bánh pía Ninh Kiều",
        "Cá thát lát Cờ Đỏ",
    }
    assert not Certificate.objects.filter(
        product__name__in=["Bánh pía Ninh Kiều", "Cá thát lát Cờ Đỏ"],
        expiry_notice_sent_at__isnull=False,
    ).exists()


def test_planning_takes_two_queries_however_many_certificates(
    city, people, co_do, django_assert_num_queries
):
    for n in range(20):
        certificate(f"Thêm {n:02}", date(2023, 3, 30), co_do, email=f"them{n}@htx.example")
    with django_assert_num_queries(2):
        notices = plan_expiry_notices(on=TODAY)
    assert len(notices) == 3 + 20


# --- The command ---------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("notify_expiring", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_sends_and_sums_up(city, people, mailoutbox):
    output = run("--date", "2026-03-10")
    assert "Gạo Cờ Đỏ, 3 sao" in output
    assert "Đã gửi 5 thông báo cho 3 giấy chứng nhận." in output
    assert len(mailoutbox) == 5
    assert "Đã gửi 0 thông báo cho 0 giấy chứng nhận." in run("--date", "2026-03-10")
    assert len(mailoutbox) == 5


def test_command_days_before(city, people, mailoutbox):
    output = run("--date", "2026-03-10", "--days-before", "60")
    # …and Mắm cá Cờ Đỏ (51 days left), whose producer has no email: its officer only.
    assert "Mắm cá Cờ Đỏ, 4 sao" in output
    assert "Đã gửi 6 thông báo cho 4 giấy chứng nhận." in output


def test_dry_run_sends_and_marks_nothing(city, people, mailoutbox):
    output = run("--date", "2026-03-10", "--dry-run")
    assert "Gạo Cờ Đỏ" in output and "gao@htx.example, codo@ocop.example" in output
    assert "Chạy thử: sẽ gửi 5 thông báo cho 3 giấy chứng nhận" in output
    assert mailoutbox == []
    assert not Certificate.objects.filter(expiry_notice_sent_at__isnull=False).exists()


def test_command_defaults_to_today_in_viet_nam(city, people, mailoutbox, monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    # 20:00 UTC on 09/03 is already 03:00 on 10/03 in Cần Thơ.
    now = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    assert "còn hiệu lực ngày 10/03/2026" in run("--dry-run")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "10/03/2026"], "dạng YYYY-MM-DD"),
        (["--date", "2026-02-30"], "dạng YYYY-MM-DD"),
        (["--days-before", "0"], "từ 1 đến 365"),
    ],
)
def test_command_rejects_bad_options(can_tho, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


# --- Two runs at once ----------------------------------------------------------------------


def pairs(outbox) -> list[tuple[str, str]]:
    """(product, address) of every message, repeats kept."""
    return sorted(
        (message.subject.split("“")[1].split("”")[0], message.to[0]) for message in outbox
    )


def test_overlapping_runs_send_each_notice_once(city, people, mailoutbox, monkeypatch):
    # The second run starts while the first is sending its very first message: both planned
    # the same certificates, none of them stamped yet.
    original_send = mail.EmailMessage.send
    second = {}

    def send(message, *args, **kwargs):
        if not second:
            second["result"] = None  # once
            second["result"] = send_expiry_notices(on=TODAY)
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    first = send_expiry_notices(on=TODAY)

    assert pairs(mailoutbox) == sorted(set(pairs(mailoutbox)))  # nothing twice
    assert {product for product, _ in pairs(mailoutbox)} == {
        "Gạo Cờ Đỏ",
        "Bánh pía Ninh Kiều",
        "Cá thát lát Cờ Đỏ",
    }
    assert len(mailoutbox) == 5
    assert first.messages_sent + second["result"].messages_sent == 5
    assert len(first.already_sent) + len(second["result"].already_sent) == 5


def test_a_failed_message_is_not_counted_as_sent_by_the_next_run(
    city, people, mailoutbox, monkeypatch
):
    from products.models import SentNotice

    def refuse(message, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    send_expiry_notices(on=TODAY)
    assert not SentNotice.objects.exists()
    monkeypatch.undo()
    assert send_expiry_notices(on=TODAY).messages_sent == 5


def test_command_says_when_another_run_sent_them(city, people, mailoutbox):
    from products.models import SentNotice

    gao = city["Gạo Cờ Đỏ"]
    SentNotice.objects.create(certificate=gao, kind="expiry", recipient="gao@htx.example")
    output = run("--date", "2026-03-10")
    assert "1 thông báo đã được một lần chạy khác gửi" in output
    assert "Đã gửi 4 thông báo cho 3 giấy chứng nhận." in output
    assert ["gao@htx.example"] not in [m.to for m in mailoutbox]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_on_postgresql_send_each_notice_once(
    city, people, mailoutbox, monkeypatch
):
    """Two real runs in two threads, each with its own connection, sending slowly."""
    import threading
    import time

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL")
    original_send = mail.EmailMessage.send

    def slow_send(message, *args, **kwargs):
        time.sleep(0.05)
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", slow_send)
    start = threading.Barrier(2)
    results = []

    def one_run():
        try:
            start.wait()
            results.append(send_expiry_notices(on=TODAY))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert len(mailoutbox) == 5
    assert pairs(mailoutbox) == sorted(set(pairs(mailoutbox)))
    assert sum(r.messages_sent for r in results) == 5
