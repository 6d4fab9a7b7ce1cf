"""The demo's producer accounts, after the registry, the evaluations and the inspections:

- ``chuthe1``: the account of "Hợp tác xã hủ tiếu Cái Răng Xưa" (Cái Răng, officer
  ``cairang``), opened from an invitation of 02/11/2026 used the next day. Its product
  "Hủ tiếu khô Cái Răng Xưa" holds certificate 1187/QĐ-UBND of 12/04/2024, valid until
  11/04/2027: on 29/11/2026 its re-rating window is open (13/10–12/12/2026) and nothing is
  filed yet, which its space says first.
- ``chuthe2``: the account of "Công ty TNHH Nông sản Sông Hậu Foods" (Bình Thủy, officer
  ``binhthuy``): four products, one re-rated under 26/2026/QĐ-TTg in September 2026, the
  others' certificates of 2021 lapsed.
- A pending invitation for "Công ty TNHH Gạo sạch Thới An" (Ô Môn, officer ``omon``), sent when
  the demo is loaded, so that its link is still waiting.

Idempotent: accounts are found by username and invitations by producer and address; a second
run changes nothing. The links' tokens are random and thrown away (only their hashes are kept):
the demo's pending invitation is re-sent from the producer's page to get a working link.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from producer_space.models import Invitation, token_hash
from producer_space.services import new_token
from subjects.models import Producer


@dataclass(frozen=True)
class DemoProducerAccount:
    username: str
    full_name: str
    email: str
    producer: str
    officer: str
    #: The day the invitation that opened it was sent (None: opened without one).
    invited_on: datetime | None = None


ACCOUNTS = (
    DemoProducerAccount(
        "chuthe1",
        "Huỳnh Văn Sáu (demo)",
        "chuthe1@ocop.example",
        "Hợp tác xã hủ tiếu Cái Răng Xưa",
        "cairang",
        datetime(2026, 11, 2, 9, 30),
    ),
    DemoProducerAccount(
        "chuthe2",
        "Trương Minh Khoa (demo)",
        "chuthe2@ocop.example",
        "Công ty TNHH Nông sản Sông Hậu Foods",
        "binhthuy",
    ),
)
#: (producer, invited person, address, officer): waiting for an answer.
PENDING = (
    "Công ty TNHH Gạo sạch Thới An",
    "Nguyễn Thành Công",
    "kinhdoanh@gaosachthoian.example",
    "omon",
)


def _producer(name: str) -> Producer | None:
    return Producer.objects.filter(name=name).order_by("pk").first()


def _account(spec: DemoProducerAccount, producer: Producer, password: str) -> User:
    values = {
        "full_name": spec.full_name,
        "email": spec.email,
        "role": User.Role.PRODUCER,
        "producer": producer,
        "job_title": producer.name,
    }
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(username=spec.username, **values)
        user.set_password(password)
        user.save()
        return user
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.save(update_fields=changed)
    return user


def _used_invitation(spec: DemoProducerAccount, account: User, officer: User) -> bool:
    if Invitation.objects.filter(account=account).exists():
        return False
    sent = timezone.make_aware(spec.invited_on)
    Invitation.objects.create(
        producer=account.producer,
        email=spec.email,
        full_name=spec.full_name,
        token_hash=token_hash(new_token()),
        invited_by=officer,
        created_at=sent,
        sent_at=sent,
        expires_at=sent + timedelta(days=settings.OCOP_INVITATION_DAYS),
        used_at=sent + timedelta(days=1, hours=10),
        account=account,
    )
    # Opened from the link the day after.
    User.objects.filter(pk=account.pk).update(date_joined=sent + timedelta(days=1, hours=10))
    return True


def _pending_invitation() -> bool:
    name, full_name, email, officer_name = PENDING
    producer, officer = _producer(name), User.objects.filter(username=officer_name).first()
    if producer is None or officer is None:
        return False
    if Invitation.objects.filter(producer=producer, email__iexact=email).exists():
        return False
    now = timezone.now()
    Invitation.objects.create(
        producer=producer,
        email=email,
        full_name=full_name,
        token_hash=token_hash(new_token()),
        invited_by=officer,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=settings.OCOP_INVITATION_DAYS),
    )
    return True


@transaction.atomic
def load_producer_accounts(password: str) -> dict:
    """The demo's producer accounts (with ``password``) and invitations; what was added."""
    counts = {"accounts": [], "invitations": 0}
    for spec in ACCOUNTS:
        producer = _producer(spec.producer)
        officer = User.objects.filter(username=spec.officer).first()
        if producer is None or officer is None:
            continue
        account = _account(spec, producer, password)
        counts["accounts"].append((account.username, producer.name))
        if spec.invited_on is not None:
            counts["invitations"] += _used_invitation(spec, account, officer)
    counts["invitations"] += _pending_invitation()
    return counts
