from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Tracked(models.Model):
    """A record people keep: when it was made, when it last changed (indexed: every page's
    "data as of" reads it), and every change in its history."""

    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Illustrative(models.Model):
    """A record that may be a demonstration rather than an official one; pages badge it."""

    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"),
        default=False,
        help_text=_("Bản ghi trình diễn, không phải danh sách chính thức."),
    )

    class Meta:
        abstract = True


class SubmittedForm(models.Model):
    """A form that was sent and did its work, by the token it was rendered with: sent again
    (a double click, a reload, the back button), it leads to what the first sending made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(_("mã biểu mẫu"), max_length=64)
    path = models.CharField(_("trang"), max_length=500)
    result_url = models.CharField(_("kết quả"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("biểu mẫu đã gửi")
        verbose_name_plural = pgettext_lazy("số nhiều", "biểu mẫu đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submitted_form_token_once")
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"
