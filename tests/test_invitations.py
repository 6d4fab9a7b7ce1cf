"""Invitations to open a producer's account: the commune officer of the producer's area invites a
person by e-mail; the one-time link (only its hash kept) opens the account once, before it
expires, unless revoked or replaced by a new one; the officer turns accounts off and on."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from producer_space import services
from producer_space.models import AccountChange, Invitation
from tests.factories import ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://ocop\.example\.vn/producer/invitation/([A-Za-z0-9_-]{30,})/")
GONE_HINT = "Hãy liên hệ cán bộ xã, phường phụ trách chủ thể của bạn để được gửi lời mời mới."
INVITE_REFUSAL = (
    "Tài khoản của chủ thể do cán bộ xã, phường phụ trách địa bàn của chủ thể mời (hoặc "
    "quản trị viên)."
)
MANAGE_REFUSAL = (
    "Tài khoản của chủ thể do cán bộ xã, phường phụ trách địa bàn của chủ thể khóa, mở lại "
    "(hoặc quản trị viên)."
)
PASSWORD = "lua-thom-co-do-2026"


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.PORTAL_URL = "https://ocop.example.vn"
    settings.OCOP_INVITATION_DAYS = 7


@pytest.fixture
def producer(co_do):
    return ProducerFactory(name="Hợp tác xã Lúa Thơm Cờ Đỏ", area=co_do)


def invite_url(producer) -> str:
    return reverse("producer_space:invite", args=[producer.pk])


def send_invitation(client, producer, email="an.nguyen@luathom.example", name="Nguyễn Văn An"):
    return client.post(invite_url(producer), {"email": email, "full_name": name})


def token_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def accept_url(token: str) -> str:
    return reverse("producer_space:accept", args=[token])


def accept_data(**changes) -> dict:
    return {
        "username": "an.nguyen",
        "full_name": "Nguyễn Văn An",
        "phone": "0292 3821 234",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }


@pytest.fixture
def invited(login, officer_co_do, producer):
    """The officer has invited a person; the token of the link they were e-mailed."""
    response = send_invitation(login(officer_co_do), producer)
    assert response.status_code == 302
    token = token_in(mail.outbox[-1])
    login(officer_co_do).logout()
    return token


# --- Inviting -------------------------------------------------------------------------------------


def test_the_officer_invites_and_the_email_carries_the_link(login, officer_co_do, producer):
    response = send_invitation(login(officer_co_do), producer)
    assert response.status_code == 302
    assert response["Location"] == f"/producers/{producer.pk}/#tai-khoan-chu-the"
    invitation = Invitation.objects.get()
    assert (invitation.producer, invitation.email, invitation.full_name) == (
        producer,
        "an.nguyen@luathom.example",
        "Nguyễn Văn An",
    )
    assert invitation.invited_by == officer_co_do
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert invitation.sent_at is not None
    assert invitation.state() == Invitation.State.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an.nguyen@luathom.example"]
    assert message.subject == "[OCOP] Mời mở tài khoản của Hợp tác xã Lúa Thơm Cờ Đỏ"
    assert "Kính gửi: Nguyễn Văn An," in message.body
    assert "Lê Văn Cờ Đỏ mời anh/chị mở tài khoản của Hợp tác xã Lúa Thơm Cờ Đỏ" in message.body
    token_in(message)


def test_only_the_hash_of_the_token_is_stored(invited):
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(invited.encode()).hexdigest()
    stored = Invitation.objects.values().get()
    assert all(invited not in str(value) for value in stored.values())


def test_the_expiry_follows_the_setting(login, officer_co_do, producer, settings):
    settings.OCOP_INVITATION_DAYS = 3
    send_invitation(login(officer_co_do), producer)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)


def test_inviting_the_same_address_again_is_refused_while_one_waits(login, officer_co_do, producer):
    client = login(officer_co_do)
    send_invitation(client, producer)
    response = send_invitation(client, producer, email="AN.NGUYEN@luathom.example")
    assert response.status_code == 200
    assert "Địa chỉ này đã được mời lúc" in response.text
    assert "hãy bấm “Gửi lại” ở lời mời đó" in response.text
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(login, officer_co_do, producer):
    client = login(officer_co_do)
    send_invitation(client, producer)
    old = Invitation.objects.get()
    Invitation.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=9), expires_at=timezone.now() - timedelta(days=2)
    )
    assert send_invitation(client, producer).status_code == 302
    old.refresh_from_db()
    new = Invitation.objects.exclude(pk=old.pk).get()
    assert old.state() == Invitation.State.REPLACED and old.replaced_by == new
    assert new.state() == Invitation.State.PENDING


def test_an_address_with_an_account_is_refused(login, officer_co_do, producer):
    UserFactory(email="an.nguyen@luathom.example")
    response = send_invitation(login(officer_co_do), producer)
    assert response.status_code == 200
    assert "đã dùng cho một tài khoản đang hoạt động" in response.text
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_an_email_that_cannot_leave_is_said_and_can_be_sent_again(
    login, officer_co_do, producer, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "send_mail", refuse)
    response = send_invitation(login(officer_co_do), producer)
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None
    page = login(officer_co_do).get(response["Location"])
    assert "chưa gửi được thư" in page.text


def test_the_invitation_page_ladder(client, login, producer, officer_co_do, officer_ninh_kieu):
    url = invite_url(producer)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert login(officer_ninh_kieu).get(url).status_code == 404
    city = UserFactory(role=User.Role.CITY, areas=[producer.area.parent])
    refused = login(city).get(url)
    assert refused.status_code == 403
    assert INVITE_REFUSAL in refused.text
    account = UserFactory(role=User.Role.PRODUCER, producer=producer)
    assert login(account).get(url).status_code == 404
    allowed = login(officer_co_do).get(url)
    assert allowed.status_code == 200
    assert "Hợp tác xã Lúa Thơm Cờ Đỏ" in allowed.text
    assert "còn hiệu lực 7 ngày" in allowed.text


def test_the_service_refuses_an_outsider(producer, officer_ninh_kieu):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.invite(
            producer=producer,
            email="x@example.com",
            full_name="X",
            by=officer_ninh_kieu,
            base_url="https://ocop.example.vn",
        )
    assert not Invitation.objects.exists()


# --- The link -------------------------------------------------------------------------------------


def test_the_link_shows_the_producer_and_opens_the_account(client, invited, producer):
    page = client.get(accept_url(invited))
    assert page.status_code == 200
    assert "Hợp tác xã Lúa Thơm Cờ Đỏ" in page.text
    assert page.context["form"].initial["username"] == "an.nguyen"
    assert page.context["form"].initial["full_name"] == "Nguyễn Văn An"
    response = client.post(accept_url(invited), accept_data())
    assert response.status_code == 302 and response["Location"] == "/producer/"
    account = User.objects.get(username="an.nguyen")
    assert account.is_producer_account
    assert (account.producer, account.email, account.phone) == (
        producer,
        "an.nguyen@luathom.example",
        "0292 3821 234",
    )
    assert account.check_password(PASSWORD)
    invitation = Invitation.objects.get()
    assert invitation.used_at is not None and invitation.account == account
    assert invitation.state() == Invitation.State.USED
    # Signed in, in the space.
    home = client.get("/producer/")
    assert home.status_code == 200
    assert home.context["user"] == account


def test_the_link_works_once(client, invited):
    client.post(accept_url(invited), accept_data())
    client.logout()
    again = client.get(accept_url(invited))
    assert again.status_code == 410
    assert "đã được dùng để mở tài khoản" in again.text
    posted = client.post(accept_url(invited), accept_data(username="nguoi.khac"))
    assert posted.status_code == 410
    assert User.objects.filter(producer__isnull=False).count() == 1


def test_the_same_person_reloading_lands_in_the_space(client, invited):
    client.post(accept_url(invited), accept_data())
    response = client.get(accept_url(invited))
    assert response.status_code == 302 and response["Location"] == "/producer/"


def test_an_expired_link_is_gone(client, invited):
    Invitation.objects.update(
        created_at=timezone.now() - timedelta(days=8), expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get(accept_url(invited))
    assert response.status_code == 410
    assert "Lời mời này đã hết hạn." in response.text
    assert GONE_HINT in response.text
    assert client.post(accept_url(invited), accept_data()).status_code == 410
    assert not User.objects.filter(username="an.nguyen").exists()


def test_a_link_expires_on_its_last_minute(client, invited):
    Invitation.objects.update(
        created_at=timezone.now() - timedelta(days=7),
        expires_at=timezone.now() + timedelta(minutes=1),
    )
    assert client.get(accept_url(invited)).status_code == 200
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(accept_url(invited)).status_code == 410


def test_an_unknown_link_is_gone(client, can_tho):
    response = client.get(accept_url("khong-co-loi-moi-nao-nhu-the-nay-ca-123456"))
    assert response.status_code == 410
    assert "Không tìm thấy lời mời của đường dẫn này." in response.text


def test_a_revoked_link_is_gone(client, login, invited, officer_co_do):
    invitation = Invitation.objects.get()
    response = login(officer_co_do).post(
        reverse("producer_space:invitation_revoke", args=[invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.REVOKED
    assert invitation.revoked_by == officer_co_do
    login(officer_co_do).logout()
    gone = client.get(accept_url(invited))
    assert gone.status_code == 410
    assert "Lời mời này đã bị cán bộ xã, phường thu hồi." in gone.text


def test_sending_again_makes_the_old_link_fail(client, login, invited, officer_co_do):
    old = Invitation.objects.get()
    response = login(officer_co_do).post(reverse("producer_space:invitation_resend", args=[old.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_token = token_in(mail.outbox[-1])
    assert new_token != invited
    old.refresh_from_db()
    assert old.state() == Invitation.State.REPLACED
    assert Invitation.objects.unfinished().count() == 1
    login(officer_co_do).logout()
    gone = client.get(accept_url(invited))
    assert gone.status_code == 410
    assert "Đã có một lời mời mới gửi thay cho lời mời này" in gone.text
    assert client.get(accept_url(new_token)).status_code == 200


def test_a_used_invitation_is_neither_sent_again_nor_revoked(client, login, invited, officer_co_do):
    client.post(accept_url(invited), accept_data())
    invitation = Invitation.objects.get()
    officer = login(officer_co_do)
    page = officer.post(
        reverse("producer_space:invitation_resend", args=[invitation.pk]), follow=True
    )
    assert "không gửi lại được" in page.text
    page = officer.post(
        reverse("producer_space:invitation_revoke", args=[invitation.pk]), follow=True
    )
    assert "đã được dùng để mở tài khoản" in page.text
    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.USED
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_the_invitation_buttons_ladder(client, login, invited, officer_ninh_kieu, producer, action):
    invitation = Invitation.objects.get()
    url = reverse(f"producer_space:{action}", args=[invitation.pk])
    assert client.post(url)["Location"].startswith("/accounts/login/")
    assert login(officer_ninh_kieu).post(url).status_code == 404
    city = UserFactory(role=User.Role.CITY, areas=[producer.area.parent])
    refused = login(city).post(url)
    assert refused.status_code == 403 and INVITE_REFUSAL in refused.text
    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.PENDING


def test_passwords_that_do_not_match_or_are_weak_are_refused(client, invited):
    response = client.post(accept_url(invited), accept_data(password2="khac-han-2026"))
    assert response.status_code == 200
    assert "Hai lần nhập mật khẩu không khớp nhau." in response.text
    response = client.post(
        accept_url(invited), accept_data(password1="12345678", password2="12345678")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(username="an.nguyen").exists()
    assert Invitation.objects.get().used_at is None


def test_a_username_taken_is_refused_next_to_the_field(client, invited):
    UserFactory(username="an.nguyen")
    response = client.post(accept_url(invited), accept_data())
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert Invitation.objects.get().used_at is None


def test_the_accept_form_says_what_each_field_is(client, invited):
    form = client.get(accept_url(invited)).context["form"]
    assert all(field.help_text for field in form.fields.values())


def test_someone_signed_in_is_asked_to_sign_out(login, invited, officer_co_do):
    response = login(officer_co_do).get(accept_url(invited))
    assert response.status_code == 200
    assert "Bạn đang đăng nhập bằng một tài khoản khác" in response.text
    assert Invitation.objects.get().used_at is None


# --- Accounts -------------------------------------------------------------------------------------


@pytest.fixture
def account(client, invited):
    client.post(accept_url(invited), accept_data())
    client.logout()
    return User.objects.get(username="an.nguyen")


def test_the_officer_turns_an_account_off_and_on(client, login, account, officer_co_do):
    officer = login(officer_co_do)
    officer.post(reverse("producer_space:account_deactivate", args=[account.pk]))
    account.refresh_from_db()
    assert not account.is_active
    change = AccountChange.objects.get()
    assert (change.account, change.active, change.changed_by) == (account, False, officer_co_do)
    officer.logout()
    refused = client.post(reverse("login"), {"username": "an.nguyen", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.context["user"].is_authenticated
    login(officer_co_do).post(reverse("producer_space:account_reactivate", args=[account.pk]))
    account.refresh_from_db()
    assert account.is_active
    assert list(AccountChange.objects.values_list("active", flat=True)) == [True, False]


@pytest.mark.parametrize("action", ["account_deactivate", "account_reactivate"])
def test_the_account_buttons_ladder(client, login, account, officer_ninh_kieu, producer, action):
    url = reverse(f"producer_space:{action}", args=[account.pk])
    assert client.post(url)["Location"].startswith("/accounts/login/")
    assert login(officer_ninh_kieu).post(url).status_code == 404
    city = UserFactory(role=User.Role.CITY, areas=[producer.area.parent])
    refused = login(city).post(url)
    assert refused.status_code == 403 and MANAGE_REFUSAL in refused.text
    # Another producer's account reaches no account.
    other = UserFactory(role=User.Role.PRODUCER, producer=ProducerFactory())
    assert login(other).post(url).status_code == 404
    account.refresh_from_db()
    assert account.is_active
    assert not AccountChange.objects.exists()


def test_the_producer_page_lists_accounts_and_invitations(login, account, officer_co_do, producer):
    services.invite(
        producer=producer,
        email="ke.toan@luathom.example",
        full_name="Trần Thị Kế Toán",
        by=officer_co_do,
        base_url="https://ocop.example.vn",
    )
    page = login(officer_co_do).get(producer.get_absolute_url())
    assert "Tài khoản của chủ thể" in page.text
    assert "an.nguyen" in page.text and "Đang hoạt động" in page.text
    assert "Trần Thị Kế Toán" in page.text and "Đang chờ người nhận" in page.text
    assert "Đã dùng để mở tài khoản" in page.text
    assert "Mời bởi Lê Văn Cờ Đỏ" in page.text
    assert reverse("producer_space:invite", args=[producer.pk]) in page.text
    assert reverse("producer_space:account_deactivate", args=[account.pk]) in page.text
    pending = Invitation.objects.get(email="ke.toan@luathom.example")
    assert reverse("producer_space:invitation_revoke", args=[pending.pk]) in page.text
    used = Invitation.objects.get(account=account)
    assert reverse("producer_space:invitation_revoke", args=[used.pk]) not in page.text


def test_the_city_reads_the_accounts_without_the_buttons(login, account, producer):
    city = UserFactory(role=User.Role.CITY, areas=[producer.area.parent])
    page = login(city).get(producer.get_absolute_url())
    assert "an.nguyen" in page.text
    assert INVITE_REFUSAL in page.text
    assert reverse("producer_space:invite", args=[producer.pk]) not in page.text
    assert reverse("producer_space:account_deactivate", args=[account.pk]) not in page.text
