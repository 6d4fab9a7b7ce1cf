"""Inspection after recognition (hậu kiểm, Điều 9 of 26/2026/QĐ-TTg) and the public's reports.

- ``InspectionPlan``: a province's yearly plan of periodic inspections (kiểm tra định kỳ), set
  and approved by the province's OCOP office (the city reviewers); everyone of the province
  reads it, each officer the lines of their own areas.
- ``Inspection``: one inspection of one certified product: a line of the plan (periodic), an
  ad-hoc one (đột xuất, with its reason, perhaps from a public report) or a re-inspection of an
  earlier one. It carries its record (the day, the team, the points checked, the findings) and
  the follow-up decided on it.
- ``InspectionPoint``: what the team found on one point of ``inspections/data/points.json``.
- ``InspectionAttachment``: photos and minutes, stored as the dossiers' documents are.
- ``PublicReport``: a problem a member of the public reports about a product of the public
  catalogue, without an account.

Who reads what: a record of a product lies in its producer's area (``visible_to``); the plan
lies in its province. Who writes is the policy's (``inspection.plan``, ``inspection.record``,
``inspection.follow_up``, ``report.handle``); the writes are ``inspections.services``.
"""

import json
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import uploads
from core.access import AreaScopedQuerySet, ProvinceScopedQuerySet
from core.models import (
    FIRST_PLAN_YEAR,
    LAST_PLAN_YEAR,
    AttachedFile,
    Tracked,
    YearPlan,
    attached_file_constraints,
)
from core.versioning import Versioned

FIRST_YEAR, LAST_YEAR = FIRST_PLAN_YEAR, LAST_PLAN_YEAR
POINTS_FILE = Path(__file__).resolve().parent / "data" / "points.json"


# --- The points an inspection checks, as data --------------------------------------------------


@dataclass(frozen=True)
class Point:
    code: str
    title: str
    reference: str


@cache
def points() -> tuple[Point, ...]:
    """The points every inspection checks, in the order the record lists them."""
    data = json.loads(POINTS_FILE.read_text(encoding="utf-8"))
    loaded = tuple(Point(p["code"], p["title"], p.get("reference", "")) for p in data["points"])
    codes = [point.code for point in loaded]
    if len(set(codes)) != len(codes) or not all(0 < len(code) <= 40 for code in codes):
        raise ValueError(f"{POINTS_FILE.name}: codes must be unique, 1 to 40 characters")
    return loaded


def point_titles() -> dict[str, str]:
    return {point.code: point.title for point in points()}


# --- The yearly plan ---------------------------------------------------------------------------


class InspectionPlanQuerySet(ProvinceScopedQuerySet):
    pass


class InspectionPlan(YearPlan):
    """A province's plan of periodic inspections for one year."""

    province = models.ForeignKey(
        "areas.Area",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    title = models.CharField(_("tên kế hoạch"), max_length=255)
    approval_number = models.CharField(
        _("số văn bản phê duyệt"), max_length=60, blank=True, help_text=_("Ví dụ: 120/KH-SNNMT.")
    )
    approval_date = models.DateField(_("ngày phê duyệt"), null=True, blank=True)

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = pgettext_lazy("số nhiều", "kế hoạch kiểm tra")
        ordering = ["-year", "province__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="inspection_plan_one_per_province_year",
                violation_error_message=_("Tỉnh, thành phố này đã có kế hoạch kiểm tra năm này."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="inspection_plan_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", approved_at__isnull=True)
                | Q(status="approved", approved_at__isnull=False),
                name="inspection_plan_approved_when",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="inspection_plan_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:plan_detail", args=[self.pk])


# --- Inspections -------------------------------------------------------------------------------


class InspectionQuerySet(AreaScopedQuerySet):
    area_path_lookup = "product__producer__area__path"

    def for_lists(self) -> "InspectionQuerySet":
        return self.select_related(
            "product__producer__area",
            "certificate",
            "plan",
            "follows",
            "recorded_by",
            "revocation",
        )


class Inspection(Versioned, Tracked):
    """One inspection of one certified product, planned, recorded and followed up."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Định kỳ")
        AD_HOC = "ad_hoc", _("Đột xuất")
        REINSPECTION = "reinspection", _("Tái kiểm tra")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Chưa kiểm tra")
        RECORDED = "recorded", _("Đã kiểm tra, chờ quyết định xử lý")
        FOLLOW_UP = "follow_up", _("Chờ khắc phục, tái kiểm tra")
        REVOCATION = "revocation", _("Đã đề nghị thu hồi giấy chứng nhận")
        CLOSED = "closed", _("Đã kết thúc")

    class Result(models.TextChoices):
        PASSED = "passed", _("Đạt")
        FAILED = "failed", _("Không đạt")

    class FollowUp(models.TextChoices):
        NONE = "none", _("Không cần xử lý thêm")
        CORRECTIVE = "corrective", _("Yêu cầu khắc phục trong thời hạn, rồi tái kiểm tra")
        REINSPECTION = "reinspection", _("Tái kiểm tra")
        REVOCATION = "revocation", _("Đề nghị thu hồi giấy chứng nhận")

    #: Statuses whose record may still be written or corrected.
    RECORDABLE = (Status.PLANNED, Status.RECORDED)
    #: Statuses with something left to do after the record.
    FOLLOW_UP_DUE = (Status.RECORDED, Status.FOLLOW_UP)
    DONE = (Status.REVOCATION, Status.CLOSED)

    kind = models.CharField(_("hình thức"), max_length=12, choices=Kind.choices)
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("kế hoạch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    certificate = models.ForeignKey(
        "products.Certificate",
        verbose_name=_("giấy chứng nhận được kiểm tra"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    planned_month = models.PositiveSmallIntegerField(
        _("tháng dự kiến"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    planned_on = models.DateField(_("ngày dự kiến"), null=True, blank=True)
    team = models.CharField(
        _("đoàn kiểm tra dự kiến"),
        max_length=500,
        blank=True,
        help_text=_("Đơn vị chủ trì, phối hợp hoặc tên các thành viên."),
    )
    reason = models.TextField(
        _("lý do kiểm tra"),
        blank=True,
        help_text=_("Bắt buộc với kiểm tra đột xuất: phản ánh, dấu hiệu vi phạm, đề nghị…"),
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("tái kiểm tra của lượt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reinspections",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    # The record (biên bản kiểm tra).
    done_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    inspectors = models.TextField(
        _("thành phần đoàn kiểm tra"),
        blank=True,
        help_text=_("Họ tên, chức vụ, đơn vị của những người đã kiểm tra."),
    )
    findings = models.TextField(_("kết luận, nhận xét"), blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi biên bản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi biên bản lúc"), null=True, blank=True)

    # The follow-up (xử lý sau kiểm tra).
    follow_up = models.CharField(
        _("xử lý sau kiểm tra"), max_length=12, choices=FollowUp.choices, blank=True
    )
    follow_up_note = models.TextField(_("ghi chú xử lý"), blank=True)
    corrective_deadline = models.DateField(_("thời hạn khắc phục"), null=True, blank=True)
    corrective_actions = models.TextField(_("nội dung phải khắc phục"), blank=True)
    revocation = models.ForeignKey(
        "products.Revocation",
        verbose_name=_("đề nghị thu hồi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        help_text=_("Đề nghị thu hồi giấy chứng nhận mà lượt kiểm tra này đã mở."),
    )
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up_at = models.DateTimeField(_("quyết định xử lý lúc"), null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt kiểm tra")
        verbose_name_plural = pgettext_lazy("số nhiều", "lượt kiểm tra")
        ordering = ["-year", "planned_month", "planned_on", "pk"]
        indexes = [models.Index(fields=["year", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="periodic", plan__isnull=False)
                | (~Q(kind="periodic") & Q(plan__isnull=True)),
                name="inspection_periodic_in_a_plan",
            ),
            models.CheckConstraint(
                condition=Q(kind="reinspection", follows__isnull=False)
                | (~Q(kind="reinspection") & Q(follows__isnull=True)),
                name="inspection_reinspection_follows_one",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ad_hoc") | ~Q(reason=""),
                name="inspection_ad_hoc_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(planned_month__isnull=False) | Q(planned_on__isnull=False),
                name="inspection_planned_when",
            ),
            models.CheckConstraint(
                condition=Q(planned_month__isnull=True)
                | Q(planned_month__gte=1, planned_month__lte=12),
                name="inspection_planned_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(
                    status="planned", done_on__isnull=True, recorded_at__isnull=True, result=""
                )
                | (
                    ~Q(status="planned")
                    & Q(done_on__isnull=False, recorded_at__isnull=False)
                    & ~Q(result="")
                ),
                name="inspection_recorded_has_record",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "recorded"], follow_up="")
                | (~Q(status__in=["planned", "recorded"]) & ~Q(follow_up="")),
                name="inspection_follow_up_after_record",
            ),
            models.CheckConstraint(
                condition=~Q(follow_up="corrective")
                | (Q(corrective_deadline__isnull=False) & ~Q(corrective_actions="")),
                name="inspection_corrective_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(follow_up="revocation", status="revocation", revocation__isnull=False)
                | (
                    ~Q(follow_up="revocation")
                    & ~Q(status="revocation")
                    & Q(revocation__isnull=True)
                ),
                name="inspection_revocation_proposed",
            ),
            models.UniqueConstraint(
                fields=["plan", "product"],
                condition=Q(plan__isnull=False),
                name="inspection_one_line_per_product_in_plan",
                violation_error_message=_("Sản phẩm này đã có trong kế hoạch."),
            ),
            models.UniqueConstraint(
                fields=["follows"],
                condition=Q(follows__isnull=False),
                name="inspection_one_reinspection_each",
                violation_error_message=_("Lượt kiểm tra này đã có lượt tái kiểm tra."),
            ),
        ]

    def __str__(self) -> str:
        return _("Kiểm tra %(kind)s “%(product)s” năm %(year)s") % {
            "kind": self.get_kind_display().lower(),
            "product": self.product.name,
            "year": self.year,
        }

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def is_recorded(self) -> bool:
        return self.status != self.Status.PLANNED

    @property
    def is_overdue(self) -> bool:
        """Planned for a day (or a month) that has passed without a record."""
        if self.status != self.Status.PLANNED:
            return False
        today = timezone.localdate()
        if self.planned_on:
            return self.planned_on < today
        return (self.year, self.planned_month or 12) < (today.year, today.month)


class InspectionPointQuerySet(AreaScopedQuerySet):
    area_path_lookup = "inspection__product__producer__area__path"


class InspectionPoint(Tracked):
    """What the team found on one point checked (``points()``)."""

    class Result(models.TextChoices):
        MET = "met", _("Đạt")
        NOT_MET = "not_met", _("Không đạt")
        NOT_APPLICABLE = "na", _("Không áp dụng")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("lượt kiểm tra"), on_delete=models.CASCADE, related_name="points"
    )
    code = models.CharField(_("điểm kiểm tra"), max_length=40)
    result = models.CharField(_("kết quả"), max_length=8, choices=Result.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = InspectionPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm kiểm tra")
        verbose_name_plural = pgettext_lazy("số nhiều", "điểm kiểm tra")
        ordering = ["inspection", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "code"], name="inspection_point_once_per_inspection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_result_display()}"

    @property
    def title(self) -> str:
        return point_titles().get(self.code, self.code)


def attachment_upload_to(attachment: "InspectionAttachment", filename: str) -> str:
    """dossiers/inspections/<inspection id>/<random hex>.<extension>: never served publicly."""
    return uploads.private_name(f"inspections/{attachment.inspection_id}", attachment.content_type)


class InspectionAttachmentQuerySet(AreaScopedQuerySet):
    area_path_lookup = "inspection__product__producer__area__path"


class InspectionAttachment(AttachedFile):
    """A photo or document of an inspection (minutes, the label found on sale, a lab report)."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("lượt kiểm tra"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("tệp"), upload_to=attachment_upload_to, max_length=200)

    objects = InspectionAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu kiểm tra")
        verbose_name_plural = pgettext_lazy("số nhiều", "tài liệu kiểm tra")
        ordering = ["inspection", "added_at", "pk"]
        constraints = attached_file_constraints("inspection_attachment")

    def get_absolute_url(self) -> str:
        return reverse("inspections:attachment", args=[self.inspection_id, self.pk])


# --- Reports from the public -------------------------------------------------------------------

#: Letters a reference is made of: no 0/O, 1/I/L to misread on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """PA-XXXX-XXXX: random, so that a reference tells nothing of how many reports there are
    and cannot be guessed from another one."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PA-{code[:4]}-{code[4:]}"


class PublicReportQuerySet(AreaScopedQuerySet):
    area_path_lookup = "product__producer__area__path"


class PublicReport(Tracked):
    """A problem reported by a member of the public about a product of the catalogue."""

    class Kind(models.TextChoices):
        MARK = "mark", _("Sử dụng nhãn hiệu, biểu trưng OCOP sai quy định")
        QUALITY = "quality", _("Chất lượng sản phẩm")
        INFORMATION = "information", _("Thông tin sản phẩm không đúng")
        OTHER = "other", _("Vấn đề khác")

    class Status(models.TextChoices):
        NEW = "new", _("Mới")
        PROCESSING = "processing", _("Đang xử lý")
        CLOSED = "closed", _("Đã đóng")

    reference = models.CharField(
        _("số tham chiếu"), max_length=20, unique=True, default=new_reference, editable=False
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        related_name="public_reports",
    )
    kind = models.CharField(_("vấn đề"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("nội dung phản ánh"))
    contact_name = models.CharField(_("họ tên người phản ánh"), max_length=150, blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    contact_email = models.EmailField(_("thư điện tử"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("lượt kiểm tra đột xuất"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    closing_note = models.TextField(_("kết quả xử lý"), blank=True)
    #: The token of the form it was sent with: sent again, the same report (no account here,
    #: so core.submissions does not apply).
    form_token = models.CharField(max_length=64, blank=True, editable=False)

    objects = PublicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("phản ánh của người dân")
        verbose_name_plural = pgettext_lazy("số nhiều", "phản ánh của người dân")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="public_report_has_description"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closing_note=""),
                name="public_report_closed_with_note",
            ),
            models.UniqueConstraint(
                fields=["form_token"],
                condition=~Q(form_token=""),
                name="public_report_one_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:report_detail", args=[self.pk])
