"""Expiry notices: telling producers and their officers that a star certificate runs out.

A certificate is valid 36 months from its decision; the issuer must notify the producer at least
30 days before it expires, so that the product can be re-evaluated in time. ``notify_expiring``
runs this every day; a certificate is notified once (``Certificate.expiry_notice_sent_at``), and
each message goes out once even when two runs overlap (``SentNotice``: one row per certificate and
address, written before the message is sent).
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from areas import provinces
from core import policy
from products.models import Certificate, CertificateQuerySet, SentNotice

logger = logging.getLogger(__name__)

#: The issuer must notify the producer at least this many days before a certificate expires.
NOTICE_DAYS_BEFORE = 30


@dataclass(frozen=True)
class Notice:
    """One certificate to notify and the addresses to write to (the producer's first)."""

    certificate: Certificate
    recipients: tuple[str, ...]

    @property
    def producer_email(self) -> str:
        return self.certificate.product.producer.email.strip()


@dataclass
class NoticeResult:
    notified: list[Certificate] = field(default_factory=list)
    messages_sent: int = 0
    #: (certificate, address) whose message could not be sent; logged, see send_expiry_notices.
    failed: list[tuple[Certificate, str]] = field(default_factory=list)
    #: Certificates with neither a producer's nor an officer's address: tried again next day.
    without_recipients: list[Certificate] = field(default_factory=list)
    #: (certificate, address) already sent, or being sent, by another run: skipped.
    already_sent: list[tuple[Certificate, str]] = field(default_factory=list)


def due_for_notice(*, on: date, days_before: int = NOTICE_DAYS_BEFORE) -> CertificateQuerySet:
    """Certificates valid on the day that expire within ``days_before`` days, not yet notified.

    A system job acting for the issuer across the whole city, so it does not start from
    ``visible_to``: nobody is signed in, and every producer must be told.
    """
    certificates = Certificate.objects.expiring_within(days_before, on).filter(
        expiry_notice_sent_at__isnull=True, revoked_on__isnull=True
    )
    return (
        certificates.not_renewed()
        .select_related("product__producer__area", "area")
        .order_by("valid_until", "pk")
    )


def plan_expiry_notices(*, on: date, days_before: int = NOTICE_DAYS_BEFORE) -> list[Notice]:
    """Who would be written to about which certificate; two queries, whatever the number."""
    certificates = list(due_for_notice(on=on, days_before=days_before))
    officers = _officer_emails_by_area_path(
        path
        for certificate in certificates
        for area in (certificate.area, certificate.product.producer.area)
        for path in area.containing_paths
    )
    notices = []
    for certificate in certificates:
        recipients = [certificate.product.producer.email.strip()]
        for area in (certificate.area, certificate.product.producer.area):
            for path in area.containing_paths:
                recipients.extend(sorted(officers[path]))
        notices.append(Notice(certificate, _unique_addresses(recipients)))
    return notices


def send_expiry_notices(
    *,
    on: date,
    days_before: int = NOTICE_DAYS_BEFORE,
    progress: Callable[[Notice, list[str], list[str]], None] | None = None,
) -> NoticeResult:
    """Email every certificate due for notice; ``progress(notice, sent_to, failed)`` after each.

    One message per address, so that a refused address neither stops nor shows up in the
    others. A certificate is marked notified once at least one message about it went out, and
    only then: one that reached nobody is tried again on the next run, one that reached someone
    is never notified twice. Addresses that failed are logged for someone to follow up.
    """
    result = NoticeResult()
    # Notices are in Vietnamese whatever language the caller happens to have active.
    with translation.override(settings.LANGUAGE_CODE):
        for notice in plan_expiry_notices(on=on, days_before=days_before):
            certificate = notice.certificate
            if not notice.recipients:
                logger.warning(
                    "Certificate %s (%s) expires on %s but has no address to notify",
                    certificate.pk,
                    certificate.decision_number,
                    certificate.valid_until,
                )
                result.without_recipients.append(certificate)
                continue
            sent_to, failed = [], []
            for address in notice.recipients:
                if not _claim(certificate, address):
                    result.already_sent.append((certificate, address))
                    continue
                try:
                    _message(notice, address, on).send()
                except Exception:
                    _release(certificate, address)
                    # Any backend error (refused recipient, server down): log it, go on.
                    logger.exception(
                        "Could not send the expiry notice of certificate %s to %s",
                        certificate.pk,
                        address,
                    )
                    failed.append(address)
                else:
                    sent_to.append(address)
            result.failed.extend((certificate, address) for address in failed)
            if sent_to:
                _mark_notified(certificate)
                result.notified.append(certificate)
                result.messages_sent += len(sent_to)
            if progress and (sent_to or failed):
                progress(notice, sent_to, failed)
    return result


def _officer_emails_by_area_path(paths: Iterable[str]) -> dict[str, set[str]]:
    """Area path → addresses of the active local officers assigned to that area, one query.

    Only local officers (the policy says who they are): city reviewers are assigned to the
    province, which contains everything, and follow expiries on the portal's page instead of
    receiving every notice of the city.
    """
    assignments = (
        User.areas.through.objects.filter(
            policy.local_officers("user__"), area__path__in=set(paths)
        )
        .exclude(user__email="")
        .values_list("area__path", "user__email")
    )
    by_path = defaultdict(set)
    for path, email in assignments:
        by_path[path].add(email.strip())
    return by_path


def _unique_addresses(addresses: Iterable[str]) -> tuple[str, ...]:
    """Non-empty addresses in order, each once (addresses differ in case only by accident)."""
    seen, unique = set(), []
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return tuple(unique)


def _message(notice: Notice, address: str, on: date) -> EmailMessage:
    certificate = notice.certificate
    province = provinces.words_of(certificate.area)
    context = {
        "certificate": certificate,
        "product": certificate.product,
        "producer": certificate.product.producer,
        "days_left": (certificate.valid_until - on).days,
        "to_producer": address.lower() == notice.producer_email.lower(),
        # The certificate's own province, whatever else this installation serves.
        "province_name": province.name,
        "department_name": province.department,
    }
    subject = render_to_string("products/email/expiry_notice_subject.txt", context)
    return EmailMessage(
        # A header must be one line, whatever the template's line breaks.
        subject=" ".join(subject.split()),
        body=render_to_string("products/email/expiry_notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )


def _claim(certificate: Certificate, address: str) -> bool:
    """Record that this message goes out; False when another run already did. The row is
    committed at once (outside any transaction, as a command runs), so that a run starting a
    moment later sees it; on PostgreSQL a concurrent insert waits for this one and then fails."""
    try:
        with transaction.atomic():
            SentNotice.objects.create(
                certificate=certificate, kind=SentNotice.Kind.EXPIRY, recipient=address.lower()
            )
    except IntegrityError:
        return False
    return True


def _release(certificate: Certificate, address: str) -> None:
    """The message could not be sent: let the next run try this address again."""
    SentNotice.objects.filter(
        certificate=certificate, kind=SentNotice.Kind.EXPIRY, recipient=address.lower()
    ).delete()


def _mark_notified(certificate: Certificate) -> None:
    # A stamp written by the system, not an edit: update() keeps it out of the certificate's
    # history and ``updated_at``, which record what people changed. The condition keeps the first
    # stamp should two runs ever overlap.
    certificate.expiry_notice_sent_at = timezone.now()
    Certificate.objects.filter(pk=certificate.pk, expiry_notice_sent_at__isnull=True).update(
        expiry_notice_sent_at=certificate.expiry_notice_sent_at
    )
