"""The writes of producer accounts: invitations and the accounts they open.

Every write asks the policy first (PermissionDenied, saying who does it, for anyone else), is
one transaction and locks the row it changes; a refused write raises ``ValidationError`` keyed
by the field to show it next to. A demo loader calls these as the pages do:

- ``invite``: a new invitation for a person of a producer, e-mailed with a one-time link. The
  same address invited again for the same producer while an invitation waits is refused with
  a message pointing at "Gửi lại" (one waiting invitation per producer and address: the
  database guarantees it); an earlier one that expired unanswered is replaced.
- ``resend``: a new link for a waiting (or expired) invitation; the old link stops working.
- ``revoke``: the officer withdraws an invitation not yet used.
- ``accept``: the person opens the link, chooses a username and a password: the producer's
  account is created and the invitation used (once).
- ``set_account_active``: the officer turns a producer's account off, or on again.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core import policy
from producer_space.models import AccountChange, Invitation, token_hash
from subjects.models import Producer

logger = logging.getLogger(__name__)


class InvitationUnusable(Exception):
    """The link's invitation cannot open an account (used, expired, revoked, replaced) or no
    invitation has this link."""

    def __init__(self, state: Invitation.State | None):
        super().__init__(state)
        self.state = state


def new_token() -> str:
    """A link's secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def link(token: str, base_url: str) -> str:
    """The absolute address of an invitation's page."""
    return base_url.rstrip("/") + reverse("producer_space:accept", args=[token])


def _day(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def email_taken(email: str) -> bool:
    """An active account of the portal already has this address."""
    return User.objects.filter(email__iexact=email, is_active=True).exists()


def _check_address(producer: Producer, email: str) -> None:
    if email_taken(email):
        raise ValidationError(
            {
                "email": _(
                    "Địa chỉ e-mail này đã dùng cho một tài khoản đang hoạt động trên cổng; "
                    "hãy dùng địa chỉ khác."
                )
            }
        )
    waiting = (
        Invitation.objects.unfinished()
        .filter(producer=producer, email__iexact=email, expires_at__gt=timezone.now())
        .first()
    )
    if waiting is not None:
        raise ValidationError(
            {
                "email": _(
                    "Địa chỉ này đã được mời lúc %(sent)s; lời mời còn hiệu lực đến %(until)s. "
                    "Nếu người nhận chưa thấy thư, hãy bấm “Gửi lại” ở lời mời đó."
                )
                % {"sent": _day(waiting.created_at), "until": _day(waiting.expires_at)}
            }
        )


def _create(*, producer, email, full_name, by, base_url, replacing=None) -> Invitation:
    token = new_token()
    now = timezone.now()
    invitation = Invitation(
        producer=producer,
        email=email,
        full_name=full_name,
        token_hash=token_hash(token),
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.OCOP_INVITATION_DAYS),
    )
    if replacing is not None:
        # The old link stops working before the new one exists: one waits at a time.
        replacing.revoked_at, replacing.revoked_by = now, by
        replacing.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    if replacing is not None:
        replacing.replaced_by = invitation
        replacing.save(update_fields=["replaced_by", "updated_at"])
    if _send(invitation, token, base_url):
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at", "updated_at"])
    return invitation


def message(invitation: Invitation, token: str, base_url: str) -> tuple[str, str]:
    """The invitation's e-mail, in Vietnamese: (subject, body)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "producer": invitation.producer,
            "link": link(token, base_url),
            "expires": _day(invitation.expires_at),
            "officer": invitation.invited_by,
        }
        subject = render_to_string("producer_space/email/invitation_subject.txt", context)
        body = render_to_string("producer_space/email/invitation.txt", context)
    return " ".join(subject.split()), body


def _send(invitation: Invitation, token: str, base_url: str) -> bool:
    """Send the e-mail now (the officer is told at once whether it left); False, logged,
    when it could not be sent."""
    subject, body = message(invitation, token, base_url)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except Exception:
        logger.exception("Could not send invitation %s", invitation.pk)
        return False
    return True


@transaction.atomic
def invite(*, producer: Producer, email: str, full_name: str, by, base_url: str) -> Invitation:
    policy.require(by, "producer.invite", producer)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    email = email.strip().lower()
    full_name = " ".join(full_name.split())
    _check_address(producer, email)
    expired = (
        Invitation.objects.unfinished()
        .select_for_update()
        .filter(producer=producer, email__iexact=email)
        .first()
    )
    return _create(
        producer=producer,
        email=email,
        full_name=full_name,
        by=by,
        base_url=base_url,
        replacing=expired,
    )


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("producer")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def resend(*, invitation: Invitation, by, base_url: str) -> Invitation:
    """A new link (and a new expiry) for an invitation not yet used nor revoked: the new
    invitation replaces it, and its link stops working."""
    invitation = _locked(invitation)
    policy.require(by, "producer.invite", invitation.producer)
    if not invitation.is_open:
        raise ValidationError(
            _("Lời mời này %(state)s: không gửi lại được. Hãy mời lại bằng nút “Mời”.")
            % {"state": invitation.state().label.lower()}
        )
    if email_taken(invitation.email):
        raise ValidationError(
            _("Địa chỉ e-mail này đã dùng cho một tài khoản đang hoạt động trên cổng.")
        )
    return _create(
        producer=invitation.producer,
        email=invitation.email,
        full_name=invitation.full_name,
        by=by,
        base_url=base_url,
        replacing=invitation,
    )


@transaction.atomic
def revoke(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an invitation not yet used: its link stops working. Revoking one already
    revoked changes nothing."""
    invitation = _locked(invitation)
    policy.require(by, "producer.invite", invitation.producer)
    if invitation.used_at is not None:
        raise ValidationError(
            _("Lời mời này đã được dùng để mở tài khoản: hãy khóa tài khoản nếu cần.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at, invitation.revoked_by = timezone.now(), by
        invitation.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return invitation


def find(token: str) -> Invitation | None:
    """The invitation of a link, by the hash of its token."""
    return (
        Invitation.objects.select_related("producer__area", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def usable(token: str) -> Invitation:
    """The invitation of a link that may still open an account, or InvitationUnusable."""
    invitation = find(token)
    if invitation is None:
        raise InvitationUnusable(None)
    state = invitation.state()
    if state != Invitation.State.PENDING:
        raise InvitationUnusable(state)
    return invitation


def suggested_username(email: str) -> str:
    """The part of the address before "@" when nobody has it, else the whole address."""
    local = email.split("@", 1)[0]
    return email if User.objects.filter(username__iexact=local).exists() else local


@transaction.atomic
def accept(*, token: str, username: str, full_name: str, phone: str, password: str) -> User:
    """Open the producer's account from a link: once, before it expires, unless revoked.
    The password must pass the portal's validators."""
    invitation = usable(token)
    invitation = _locked(invitation)
    state = invitation.state()
    if state != Invitation.State.PENDING:
        raise InvitationUnusable(state)
    if email_taken(invitation.email):
        raise ValidationError(
            _(
                "Địa chỉ e-mail của lời mời đã có tài khoản trên cổng. Hãy đăng nhập, hoặc nhờ "
                "cán bộ xã gửi lời mời đến địa chỉ khác."
            )
        )
    account = User(
        username=username.strip(),
        full_name=" ".join(full_name.split()),
        phone=phone.strip(),
        email=invitation.email,
        **policy.producer_account(invitation.producer),
    )
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    account.set_password(password)
    account.full_clean(exclude=["password"])
    if User.objects.filter(username__iexact=account.username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã có người dùng.")})
    account.save()
    invitation.used_at, invitation.account = timezone.now(), account
    invitation.save(update_fields=["used_at", "account", "updated_at"])
    return account


@transaction.atomic
def set_account_active(*, account: User, active: bool, by) -> User:
    """Turn a producer's account off (it can no longer sign in) or on again; each change is
    kept with who made it. Asking for the state it is in changes nothing."""
    account = (
        User.objects.select_for_update(of=("self",)).select_related("producer").get(pk=account.pk)
    )
    if account.producer_id is None:
        raise ValidationError(_("Đây không phải tài khoản của một chủ thể OCOP."))
    policy.require(by, "producer.account_manage", account.producer)
    if account.pk == getattr(by, "pk", None):
        raise ValidationError(_("Không tự khóa tài khoản của chính mình."))
    if account.is_active != active:
        account.is_active = active
        account.save(update_fields=["is_active"])
        AccountChange.objects.create(account=account, active=active, changed_by=by)
    return account
