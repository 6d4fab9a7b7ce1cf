from django.conf import settings
from django.db import models
from django.urls import reverse
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


class Job(models.Model):
    """A long piece of work (an export, a rebuild) run on the task queue or inline: who started
    it, what it is, where it stands, and its result file once done (``core.jobs``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    task = models.CharField(_("tác vụ"), max_length=200, help_text=_("Hàm chạy tác vụ."))
    title = models.CharField(_("nội dung"), max_length=255)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), null=True, blank=True)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    result = models.BinaryField(_("kết quả"), null=True, blank=True, editable=False)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=200, blank=True)
    result_type = models.CharField(_("kiểu tệp kết quả"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = pgettext_lazy("số nhiều", "tác vụ nền")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="job_done_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def percent(self) -> int | None:
        """How far it is, 0–100; None while the size of the work is not known."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_result(self) -> bool:
        return self.status == self.Status.DONE and bool(self.result_name)
