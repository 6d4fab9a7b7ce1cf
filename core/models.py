from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import uploads
from core.versioning import Versioned

#: OCOP began with Decision 490/QĐ-TTg in 2018; no yearly plan is older.
FIRST_PLAN_YEAR = 2018
LAST_PLAN_YEAR = 2100


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


class YearPlan(Versioned, Tracked):
    """A province's plan for one year, drafted then approved by the province (the OCOP plan
    and budget, the plan of inspections). Each kind adds its province and its document."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        APPROVED = "approved", _("Đã phê duyệt")

    year = models.PositiveSmallIntegerField(
        _("năm"),
        validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)],
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class AttachedFile(models.Model):
    """A file attached to a record (a dossier's document, an inspection's photo), checked and
    stored by ``core.uploads``. Each kind adds its record and its ``file`` field (where it is
    stored), and ``attached_file_constraints`` to its Meta."""

    title = models.CharField(_("tên tài liệu"), max_length=255)
    content_type = models.CharField(
        _("loại tệp"), max_length=40, choices=[(key, key) for key in uploads.ACCEPTED_TYPES]
    )
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thêm"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("thời điểm thêm"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        """The name the file is downloaded under: its title and the detected type's extension."""
        return uploads.download_name(self.title, self.content_type)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def attached_file_constraints(prefix: str) -> list:
    """What the database guarantees of an attached file: not empty, of an accepted type, with
    a title and a stored file."""
    return [
        models.CheckConstraint(condition=Q(size__gt=0), name=f"{prefix}_not_empty"),
        models.CheckConstraint(
            condition=Q(content_type__in=list(uploads.ACCEPTED_TYPES)),
            name=f"{prefix}_accepted_type",
        ),
        models.CheckConstraint(condition=~Q(title=""), name=f"{prefix}_has_title"),
        models.CheckConstraint(condition=~Q(file=""), name=f"{prefix}_has_file"),
    ]


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
