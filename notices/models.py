"""Notices: what the portal tells one user — an evaluation handed to them (returned with a
reason, sent on for review, decided), a round about to close, a certificate's revocation
proposed or decided, a certificate whose re-rating window opens or is about to close, or a
buyer's enquiry about a product (received, answered) — with a link to act on it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NoticeQuerySet":
        """A user's notices are theirs alone, whatever their role."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    class Kind(models.TextChoices):
        MOVE = "move", _("Hồ sơ chuyển bước")
        DEADLINE = "deadline", _("Đợt đánh giá sắp kết thúc")
        REVOCATION = "revocation", _("Thu hồi giấy chứng nhận")
        RERATING = "rerating", _("Thời hạn nộp hồ sơ đánh giá lại")
        PAGE = "page", _("Trang công khai của chủ thể")
        ENQUIRY = "enquiry", _("Yêu cầu kết nối tiêu thụ")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("hồ sơ đánh giá"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    transition = models.ForeignKey(
        "evaluations.Transition",
        verbose_name=_("bước xử lý"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.CharField(_("đường dẫn"), max_length=300)
    verb = models.CharField(_("nội dung"), max_length=300)
    reason = models.TextField(_("ý kiến, lý do"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    #: Set for a notice given once only (a round's deadline, a re-rating window): one per
    #: recipient and key.
    key = models.CharField(_("khóa"), max_length=100, blank=True, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("số nhiều", "thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notice_recipient_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.verb

    def get_absolute_url(self) -> str:
        """Opening the notice marks it read, then goes to what it is about."""
        return reverse("notices:open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
