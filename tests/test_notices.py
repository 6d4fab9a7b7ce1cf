"""Notices: each step of the workflow tells those who act next (never the one who made it,
never anyone outside the product's area), by the bell, the notices page and — for who chose
it — an e-mail; a round about to close tells who still has to act."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from evaluations import services
from notices import services as notices
from notices.models import Notice
from tests.factories import UserFactory
from tests.test_evaluations_support import (
    criteria_sets_fixture,  # noqa: F401 (the criteria_sets fixture)
    make_product,
    make_round,
    open_evaluation,
    submitted,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(can_tho, officer_co_do, officer_ninh_kieu, city_reviewer, administrator):
    """The mover's colleague in Cờ Đỏ, a second reviewer, an outsider officer, an inactive
    officer of Cờ Đỏ; each with an e-mail address."""
    from tests.conftest import officer_of

    people = {
        "local": officer_co_do,
        "colleague": officer_of("925", username="codo2"),
        "outsider": officer_ninh_kieu,
        "city": city_reviewer,
        "city2": UserFactory(username="city2", role=User.Role.CITY, areas=[can_tho]),
        "admin": administrator,
        "inactive": officer_of("925", username="codo-nghi", is_active=False),
    }
    for name, user in people.items():
        user.email = f"{name}@example.gov.vn"
        user.save(update_fields=["email"])
    return people


def told(evaluation) -> dict[str, set[str]]:
    """Username → the actions they were told of, for this evaluation."""
    result: dict[str, set[str]] = {}
    for notice in Notice.objects.filter(evaluation=evaluation).select_related("transition"):
        result.setdefault(notice.recipient.username, set()).add(notice.transition.action)
    return result


def recognise(evaluation, by):
    return services.evaluation_recognise(
        evaluation=evaluation,
        by=by,
        decision_number="12/QĐ-UBND",
        decision_date=today(),
        signer="Phó Chủ tịch",
    )


def test_submitting_tells_the_provinces_reviewers_only(criteria_sets, people, co_do):
    evaluation = submitted(make_round(), make_product(co_do), people["local"], [76, 77, 78])
    assert told(evaluation) == {"city": {"submit"}, "city2": {"submit"}}


def test_returning_tells_the_areas_local_officers_with_the_reason(criteria_sets, people, co_do):
    evaluation = submitted(make_round(), make_product(co_do), people["local"], [76, 77, 78])
    services.evaluation_return(
        evaluation=evaluation, by=people["city"], comment="Bổ sung phiếu kiểm nghiệm."
    )
    returned = Notice.objects.filter(evaluation=evaluation, transition__action="return")
    assert {n.recipient.username for n in returned} == {"codo", "codo2"}
    assert {n.reason for n in returned} == {"Bổ sung phiếu kiểm nghiệm."}
    assert all(n.actor == people["city"] for n in returned)
    assert all(n.url == evaluation.get_absolute_url() for n in returned)
    assert all("Trả lại" in n.verb and evaluation.product.name in n.verb for n in returned)
    # Sent back in: the reviewers again, not the officer who sent it.
    services.evaluation_resubmit(evaluation=evaluation, by=people["colleague"])
    assert told(evaluation) == {
        "codo": {"return"},
        "codo2": {"return"},
        "city": {"submit", "resubmit"},
        "city2": {"submit", "resubmit"},
    }


@pytest.mark.parametrize("decide", ["recognise", "not_recognise"])
def test_a_decision_tells_the_local_officers(criteria_sets, people, co_do, decide):
    totals = [76, 77, 78] if decide == "recognise" else [30, 31, 32]
    evaluation = submitted(make_round(), make_product(co_do), people["local"], totals)
    if decide == "recognise":
        recognise(evaluation, people["city"])
    else:
        services.evaluation_not_recognise(
            evaluation=evaluation, by=people["city"], comment="Dưới 50 điểm."
        )
    decided = Notice.objects.filter(evaluation=evaluation, transition__action=decide)
    assert {n.recipient.username for n in decided} == {"codo", "codo2"}


def test_an_open_148_dossier_goes_to_the_province_now_the_districts_are_gone(
    criteria_sets, people, co_do
):
    evaluation = submitted(
        make_round("148/QĐ-TTg"), make_product(co_do), people["colleague"], [60, 62, 64]
    )
    # Under 148 the district recognised its 3★ until 30/06/2025; today the province decides.
    assert told(evaluation) == {"city": {"submit"}, "city2": {"submit"}}


def test_creating_an_evaluation_tells_nobody(criteria_sets, people, co_do):
    open_evaluation(make_round(), make_product(co_do), people["local"])
    assert not Notice.objects.exists()


def test_e_mail_goes_only_to_who_chose_it_once_the_step_is_committed(
    criteria_sets, people, co_do, mailoutbox, django_capture_on_commit_callbacks
):
    people["city2"].email_notices = False
    people["city2"].save(update_fields=["email_notices"])
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = submitted(make_round(), make_product(co_do), people["local"], [76, 77, 78])
    # Both reviewers have the portal's notice; only the one who wants e-mail has a message.
    assert told(evaluation) == {"city": {"submit"}, "city2": {"submit"}}
    assert [message.to for message in mailoutbox] == [["city@example.gov.vn"]]
    message = mailoutbox[0]
    assert "Gửi thẩm định" in message.subject
    assert "Kính gửi" in message.body and evaluation.get_absolute_url() in message.body


def test_no_e_mail_without_an_address(criteria_sets, people, co_do, mailoutbox):
    people["city"].email = ""
    assert not notices.wants_email(people["city"])
    assert notices.wants_email(people["city2"])


def test_the_bell_counts_unread_notices_and_opening_one_reads_it(
    criteria_sets, people, co_do, login
):
    first = submitted(make_round(), make_product(co_do, "Trà A"), people["local"], [76, 77, 78])
    submitted(make_round(number=2), make_product(co_do, "Trà B"), people["local"], [76, 77, 78])
    client = login(people["city"])
    page = client.get(reverse("home")).content.decode()
    assert 'class="badge rounded-pill text-bg-danger notice-count" aria-hidden="true">2<' in page
    notice = Notice.objects.get(recipient=people["city"], evaluation=first)
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None
    people["city"].refresh_from_db()
    assert people["city"].unread_notices == 1
    # Opening it again counts nothing twice.
    client.get(notice.get_absolute_url())
    people["city"].refresh_from_db()
    assert people["city"].unread_notices == 1
    assert client.post(reverse("notices:read_all")).status_code == 302
    people["city"].refresh_from_db()
    assert people["city"].unread_notices == 0
    assert not Notice.objects.filter(recipient=people["city"], read_at__isnull=True).exists()
    assert "notice-count" not in client.get(reverse("home")).content.decode()


def test_nobody_opens_anothers_notice(criteria_sets, people, co_do, login):
    submitted(make_round(), make_product(co_do), people["local"], [76, 77, 78])
    notice = Notice.objects.filter(recipient=people["city"]).first()
    assert login(people["city2"]).get(notice.get_absolute_url()).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_notices_page_lists_them_in_a_fixed_number_of_queries(
    criteria_sets, people, co_do, login, django_assert_max_num_queries
):
    evaluation = submitted(make_round(), make_product(co_do), people["local"], [76, 77, 78])
    Notice.objects.bulk_create(
        Notice(
            recipient=people["city"],
            kind=Notice.Kind.MOVE,
            evaluation=evaluation,
            actor=people["local"],
            url=evaluation.get_absolute_url(),
            verb=f"Thông báo {i}",
        )
        for i in range(25)
    )
    client = login(people["city"])
    # The session, the user, the count that sets the bell right, the page of notices and its
    # count, the user's areas (the menu), the data's date; in the request's savepoint.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("notices:list")).content.decode()
    assert len(re.findall(r'href="/notices/\d+/"', page)) == 26
    # The page sets the bell right, whatever the count said.
    people["city"].refresh_from_db()
    assert people["city"].unread_notices == 26


def test_a_round_closing_within_3_days_tells_who_acts_next_once(criteria_sets, people, co_do):
    closing = make_round(closes_on=today() + timedelta(days=3))
    later = make_round(closes_on=today() + timedelta(days=4), number=2)
    draft = open_evaluation(closing, make_product(co_do, "Trà A"), people["local"])
    open_evaluation(later, make_product(co_do, "Trà B"), people["local"])
    waiting = submitted(
        make_round(closes_on=today(), number=3),
        make_product(co_do, "Trà C"),
        people["local"],
        [76, 77, 78],
    )
    Notice.objects.all().delete()
    call_command("notify_deadlines", "--date", today().isoformat())
    deadline = Notice.objects.filter(kind=Notice.Kind.DEADLINE)
    # A draft: its local officers (not the reviewers, whose only move is to disqualify it);
    # waiting for a decision: the reviewers. The round closing in 4 days: nobody yet.
    assert {(n.evaluation_id, n.recipient.username) for n in deadline} == {
        (draft.pk, "codo"),
        (draft.pk, "codo2"),
        (waiting.pk, "city"),
        (waiting.pk, "city2"),
    }
    assert all("kết thúc ngày" in n.verb for n in deadline)
    call_command("notify_deadlines", "--date", today().isoformat())
    assert Notice.objects.filter(kind=Notice.Kind.DEADLINE).count() == 4
    people["local"].refresh_from_db()
    assert people["local"].unread_notices >= 1


def test_a_closed_round_or_a_concluded_evaluation_gives_no_deadline_notice(
    criteria_sets, people, co_do
):
    evaluation = submitted(
        make_round(closes_on=today() + timedelta(days=1)),
        make_product(co_do),
        people["local"],
        [76, 77, 78],
    )
    recognise(evaluation, people["city"])
    assert notices.notify_deadlines(today=today()) == []
    assert notices.notify_deadlines(today=today() + timedelta(days=2)) == []


def test_the_settings_page_turns_e_mail_off(people, login):
    client = login(people["local"])
    assert client.get(reverse("account_settings")).status_code == 200
    response = client.post(reverse("account_settings"), {})
    assert response.status_code == 302
    people["local"].refresh_from_db()
    assert people["local"].email_notices is False
    client.post(reverse("account_settings"), {"email_notices": "on"})
    people["local"].refresh_from_db()
    assert people["local"].email_notices is True


def test_the_demos_history_gives_notices_but_no_e_mail(
    criteria_sets, people, co_do, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), notices.without_email():
        submitted(make_round(), make_product(co_do), people["local"], [76, 77, 78])
    assert Notice.objects.filter(recipient=people["city"]).count() == 1
    assert mailoutbox == []


def test_the_commune_is_told_when_its_working_days_end_and_when_they_are_over(
    criteria_sets, people, co_do
):
    """26/2026: 15 working days from the day received. Filed Thursday 19/11/2026, the time ends
    Thursday 10/12/2026 (weekends off): told from three working days before, once, and once
    more when late; never the Department, never an outsider."""
    from datetime import date

    from tests.factories import category_26

    product = make_product(co_do, "Mắm cá linh")
    product.category = category_26("I.4.a")
    product.save()
    evaluation = services.evaluation_create(
        product=product,
        round=make_round("26/2026/QĐ-TTg", opens_on=date(2026, 8, 3)),
        kind="new",
        by=people["colleague"],
        filed_on=date(2026, 11, 19),
        today=date(2026, 11, 19),
    )
    assert notices.notify_deadlines(today=date(2026, 12, 4)) == []  # four working days left
    soon = notices.notify_deadlines(today=date(2026, 12, 7))
    assert {n.recipient for n in soon} == {people["local"], people["colleague"]}
    assert "10/12/2026" in soon[0].verb and "còn 3 ngày làm việc" in soon[0].verb
    assert notices.notify_deadlines(today=date(2026, 12, 8)) == []  # once
    late = notices.notify_deadlines(today=date(2026, 12, 11))
    assert {n.recipient for n in late} == {people["local"], people["colleague"]}
    assert late[0].verb.startswith("Quá hạn xã đánh giá sơ bộ")
    assert evaluation.status == "received"
