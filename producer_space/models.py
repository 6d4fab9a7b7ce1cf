"""Producer accounts: how a person of an OCOP producer gets one, and who turned it off or on.

- ``Invitation``: the commune officer of the producer's area invites a person by e-mail; the
  e-mail carries a one-time link whose token is kept only as its SHA-256 hash. The link works
  ``OCOP_INVITATION_DAYS`` days, once; the officer may revoke it, or send a new one (the old
  one is then replaced and stops working). One invitation waits per producer and address at a
  time (a partial unique constraint).
- ``AccountChange``: an account of a producer turned off or on again, by whom and when.

Who does what is the policy's (``producer.invite``, ``producer.account_manage``); the writes
are ``producer_space.services``.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.access import AreaScopedQuerySet


def token_hash(token: str) -> str:
    """What is stored of a link's token: its SHA-256, in hex (the token itself never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(AreaScopedQuerySet):
    area_path_lookup = "producer__area__path"
    producer_lookup = "producer"

    def unfinished(self) -> "InvitationQuerySet":
        """Neither used nor revoked (waiting, or expired unanswered)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An invitation to open the account of a producer, sent by e-mail with a one-time link."""

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ người nhận")
        USED = "used", _("Đã dùng để mở tài khoản")
        EXPIRED = "expired", _("Đã hết hạn")
        REVOKED = "revoked", _("Đã thu hồi")
        REPLACED = "replaced", _("Đã thay bằng lời mời mới")

    producer = models.ForeignKey(
        "subjects.Producer",
        verbose_name=_("chủ thể OCOP"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail người được mời"))
    full_name = models.CharField(_("họ và tên người được mời"), max_length=150)
    token_hash = models.CharField(
        _("mã băm của đường dẫn"), max_length=64, unique=True, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người mời"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("mời lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    sent_at = models.DateTimeField(
        _("đã gửi thư lúc"),
        null=True,
        blank=True,
        help_text=_("Trống: thư chưa gửi được, hãy gửi lại."),
    )
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản đã mở"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("thay bằng lời mời"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("lời mời mở tài khoản chủ thể")
        verbose_name_plural = pgettext_lazy("số nhiều", "lời mời mở tài khoản chủ thể")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "producer",
                Lower("email"),
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_waiting_per_producer_and_email",
                violation_error_message=_(
                    "Địa chỉ e-mail này đã có một lời mời đang chờ cho chủ thể này."
                ),
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_used_or_revoked_not_both",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, account__isnull=True)
                | Q(used_at__isnull=False, account__isnull=False),
                name="invitation_used_with_its_account",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(revoked_at__isnull=False),
                name="invitation_replaced_is_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}> — {self.producer}"

    def state(self, now=None) -> "Invitation.State":
        now = now or timezone.now()
        if self.used_at is not None:
            return self.State.USED
        if self.replaced_by_id is not None:
            return self.State.REPLACED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def current_state(self) -> "Invitation.State":
        return self.state()

    @property
    def is_open(self) -> bool:
        """Neither used nor revoked: it may be re-sent or revoked."""
        return self.used_at is None and self.revoked_at is None


class AccountChangeQuerySet(AreaScopedQuerySet):
    area_path_lookup = "account__producer__area__path"


class AccountChange(models.Model):
    """A producer's account turned off (it can no longer sign in) or on again."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="account_changes",
    )
    active = models.BooleanField(_("mở (đăng nhập được)"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)

    objects = AccountChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thay đổi tài khoản chủ thể")
        verbose_name_plural = pgettext_lazy("số nhiều", "thay đổi tài khoản chủ thể")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        what = gettext("mở lại") if self.active else gettext("khóa")
        return f"{self.account} — {what} ({self.changed_at:%Y-%m-%d})"
