"""Yearly OCOP plans of a province: targets, budget lines, disbursements, and the figures as
documents published them, kept beside what the records say.

Who reads what: a plan belongs to a province and everyone signed in there reads it. Targets and
budget lines may name an area: without one they are province-wide (read by everyone in the
province), with one only those working in that area read them. Writing is for the city
reviewers and administrators (the policy's ``plan.change``)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import counting, policy
from core.access import AreaScopedQuerySet, ProvinceScopedQuerySet
from core.models import FIRST_PLAN_YEAR, LAST_PLAN_YEAR, Illustrative, Tracked, YearPlan
from core.versioning import Versioned

FIRST_YEAR, LAST_YEAR = FIRST_PLAN_YEAR, LAST_PLAN_YEAR


class Unit(models.TextChoices):
    """What a target or a figure is counted in."""

    PRODUCTS = "products", _("sản phẩm")
    PRODUCERS = "producers", _("chủ thể")
    VILLAGES = "villages", _("làng")
    ENQUIRIES = "enquiries", _("yêu cầu")
    PERCENT = "percent", "%"
    VND = "vnd", _("đồng")
    OTHER = "other", _("đơn vị khác")


class Measure(models.TextChoices):
    """What a target or a published figure counts; most are computed from the records."""

    NEW_PRODUCTS = "new_products", _("Sản phẩm OCOP mới (3 sao trở lên)")
    NEW_3_STAR = "new_3_star", _("Sản phẩm 3 sao mới")
    NEW_4_STAR = "new_4_star", _("Sản phẩm 4 sao mới")
    NEW_5_STAR = "new_5_star", _("Sản phẩm 5 sao")
    POTENTIAL_5_STAR = "potential_5_star", _("Sản phẩm tiềm năng 5 sao")
    STANDARDISED = "standardised", _("Sản phẩm hiện có được chuẩn hóa, nâng hạng")
    TOURISM_VILLAGES = "tourism_villages", _("Làng du lịch cộng đồng")
    OFFICIALS_TRAINED = "officials_trained", _("Cán bộ quản lý nhà nước được đào tạo")
    LEADERS_TRAINED = "leaders_trained", _("Lãnh đạo chủ thể OCOP được đào tạo")
    PRODUCERS_NEW = "producers_new", _("Chủ thể có sản phẩm được công nhận mới")
    #: Trade promotion: buyers' enquiries sent from the public catalogue (app enquiries).
    ENQUIRIES_RECEIVED = counting.ENQUIRIES_RECEIVED, _("Yêu cầu kết nối tiêu thụ nhận được")
    CERTIFIED = "certified", _("Sản phẩm OCOP còn hiệu lực cuối năm")
    CERTIFIED_3_STAR = "certified_3_star", _("Sản phẩm 3 sao còn hiệu lực cuối năm")
    CERTIFIED_4_STAR = "certified_4_star", _("Sản phẩm 4 sao còn hiệu lực cuối năm")
    CERTIFIED_5_STAR = "certified_5_star", _("Sản phẩm 5 sao còn hiệu lực cuối năm")
    BUDGET_TOTAL = "budget_total", _("Tổng kinh phí kế hoạch")
    BUDGET_STATE = "budget_state", _("Kinh phí từ ngân sách nhà nước")
    BUDGET_SOCIALISED = "budget_socialised", _("Kinh phí xã hội hóa")
    BUDGET_STATE_SHARE = "budget_state_share", _("Tỷ lệ ngân sách nhà nước trong tổng kinh phí")
    BUDGET_SOCIALISED_SHARE = "budget_socialised_share", _("Tỷ lệ xã hội hóa trong tổng kinh phí")
    DISBURSED = "disbursed", _("Kinh phí đã giải ngân")
    CUSTOM = "custom", _("Chỉ tiêu, số liệu khác")


#: The indicators a plan sets targets for, in the order the plan page lists them.
TARGET_MEASURES = [
    Measure.NEW_PRODUCTS,
    Measure.NEW_3_STAR,
    Measure.NEW_4_STAR,
    Measure.NEW_5_STAR,
    Measure.POTENTIAL_5_STAR,
    Measure.STANDARDISED,
    Measure.ENQUIRIES_RECEIVED,
    Measure.TOURISM_VILLAGES,
    Measure.OFFICIALS_TRAINED,
    Measure.LEADERS_TRAINED,
    Measure.CUSTOM,
]
#: No record in the portal counts these: their result is reported, with its source document.
REPORTED_MEASURES = [
    Measure.TOURISM_VILLAGES,
    Measure.OFFICIALS_TRAINED,
    Measure.LEADERS_TRAINED,
    Measure.CUSTOM,
]
MEASURE_UNITS = {
    Measure.TOURISM_VILLAGES: Unit.VILLAGES,
    Measure.OFFICIALS_TRAINED: Unit.PERCENT,
    Measure.LEADERS_TRAINED: Unit.PERCENT,
    Measure.PRODUCERS_NEW: Unit.PRODUCERS,
    Measure.ENQUIRIES_RECEIVED: Unit.ENQUIRIES,
    Measure.BUDGET_TOTAL: Unit.VND,
    Measure.BUDGET_STATE: Unit.VND,
    Measure.BUDGET_SOCIALISED: Unit.VND,
    Measure.BUDGET_STATE_SHARE: Unit.PERCENT,
    Measure.BUDGET_SOCIALISED_SHARE: Unit.PERCENT,
    Measure.DISBURSED: Unit.VND,
    Measure.CUSTOM: None,  # whatever the plan or the document says
}
PERCENT_MEASURES = [m for m, unit in MEASURE_UNITS.items() if unit == Unit.PERCENT]
#: Where a result counted from records comes from, when not the registry of certificates.
RECORDS_SOURCES = {
    Measure.ENQUIRIES_RECEIVED: _(
        "Kết quả tính từ yêu cầu kết nối tiêu thụ người mua gửi qua danh mục công khai"
    ),
}


def unit_of(measure: str) -> str | None:
    """The unit a measure is counted in (products unless said otherwise); None for custom."""
    return MEASURE_UNITS.get(Measure(measure), Unit.PRODUCTS)


class PlanPartQuerySet(AreaScopedQuerySet):
    """Rows of a plan with an optional area: without one they are province-wide and read by
    everyone in the province; with one, by those who work in that area (``visible_to``)."""

    area_lookup = "area"
    area_path_lookup = "area__path"
    province_path_lookup = "plan__province__path"

    def visible_to(self, user):
        if not policy.is_signed_in(user):
            return self.none()
        province_wide = Q(**{f"{self.area_lookup}__isnull": True}) & policy.in_provinces(
            user, self.province_path_lookup
        )
        return self.filter(province_wide | policy.inside(user, self.area_path_lookup))


class PlanQuerySet(ProvinceScopedQuerySet):
    def for_list(self) -> "PlanQuerySet":
        """The plans list: each plan's province-wide target count, budget and disbursement."""
        targets = (
            Target.objects.filter(plan=OuterRef("pk"), area__isnull=True)
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n")
        )
        budget = (
            BudgetLine.objects.filter(plan=OuterRef("pk"))
            .values("plan")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        paid = (
            Disbursement.objects.filter(line__plan=OuterRef("pk"))
            .values("line__plan")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return (
            self.select_related("province")
            .annotate(
                target_count=Coalesce(Subquery(targets), 0),
                budget_total=Coalesce(Subquery(budget), 0),
                disbursed_total=Coalesce(Subquery(paid), 0),
            )
            .order_by("-year", "province__path")
        )


class Plan(YearPlan):
    """A province's OCOP plan for one year (kế hoạch), with its targets and budget."""

    province = models.ForeignKey(
        "areas.Area",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="ocop_plans",
    )
    document_number = models.CharField(
        _("số hiệu văn bản"), max_length=60, blank=True, help_text=_("Ví dụ: 80/KH-UBND.")
    )
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch OCOP năm")
        verbose_name_plural = pgettext_lazy("số nhiều", "kế hoạch OCOP năm")
        ordering = ["-year", "province__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="plan_one_per_province_and_year",
                violation_error_message=_("Tỉnh, thành phố này đã có kế hoạch cho năm này."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="plan_year_in_range"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="plan_approved_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        if self.document_number:
            return _("Kế hoạch OCOP năm %(year)s (%(number)s)") % {
                "year": self.year,
                "number": self.document_number,
            }
        return _("Kế hoạch OCOP năm %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("budgets:detail", args=[self.year])

    def clean(self) -> None:
        if self.document_date and self.document_date > timezone.localdate():
            raise ValidationError({"document_date": _("Ngày ban hành không được ở tương lai.")})

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)


def _area_in_plan(area, plan: Plan) -> dict:
    """Errors for an area outside the plan's province or not existing in the plan's year."""
    if area is None or plan is None:
        return {}
    if not plan.province.contains(area) or area.pk == plan.province_id:
        return {
            "area": _("Chọn một quận, huyện hoặc xã, phường của %(province)s.")
            % {"province": plan.province.name}
        }
    year_start = date(plan.year, 1, 1)
    if (area.valid_from and area.valid_from > plan.year_end) or (
        area.valid_until and area.valid_until < year_start
    ):
        return {"area": _("Địa bàn này không tồn tại trong năm %(year)s.") % {"year": plan.year}}
    return {}


class TargetQuerySet(PlanPartQuerySet):
    pass


class Target(Versioned, Tracked):
    """One target of a year plan: an indicator, its value and optionally the area it is for."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField(
        _("chỉ tiêu"), max_length=30, choices=[(m.value, m.label) for m in TARGET_MEASURES]
    )
    custom_name = models.CharField(
        _("tên chỉ tiêu khác"),
        max_length=200,
        blank=True,
        help_text=_("Chỉ ghi khi chọn “Chỉ tiêu, số liệu khác”."),
    )
    custom_unit = models.CharField(
        _("đơn vị tính"),
        max_length=30,
        blank=True,
        help_text=_("Chỉ ghi khi chọn “Chỉ tiêu, số liệu khác”, ví dụ: lớp, người, %."),
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ocop_targets",
        help_text=_("Để trống: chỉ tiêu chung của cả tỉnh, thành phố."),
    )
    value = models.DecimalField(
        _("chỉ tiêu kế hoạch"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0, _("Chỉ tiêu không được âm."))],
    )
    original_value = models.DecimalField(
        _("chỉ tiêu khi phê duyệt"), max_digits=14, decimal_places=2, null=True, editable=False
    )
    change_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    reported_value = models.DecimalField(
        _("kết quả báo cáo"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("Kết quả không được âm."))],
    )
    reported_source = models.CharField(
        _("văn bản báo cáo"),
        max_length=200,
        blank=True,
        help_text=_("Số hiệu hoặc tên báo cáo, ví dụ: Báo cáo 25/BC-SNN."),
    )
    reported_on = models.DateField(_("ngày báo cáo"), null=True, blank=True)
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = pgettext_lazy("số nhiều", "chỉ tiêu kế hoạch")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "custom_name"],
                condition=Q(area__isnull=True),
                name="target_one_per_indicator_province_wide",
                violation_error_message=_("Kế hoạch đã có chỉ tiêu này cho toàn tỉnh."),
            ),
            models.UniqueConstraint(
                fields=["plan", "indicator", "custom_name", "area"],
                condition=Q(area__isnull=False),
                name="target_one_per_indicator_and_area",
                violation_error_message=_("Kế hoạch đã có chỉ tiêu này cho địa bàn này."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0)
                & (Q(reported_value__isnull=True) | Q(reported_value__gte=0)),
                name="target_values_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(indicator__in=PERCENT_MEASURES)
                | (
                    Q(value__lte=100)
                    & (Q(reported_value__isnull=True) | Q(reported_value__lte=100))
                ),
                name="target_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=(Q(indicator=Measure.CUSTOM) & ~Q(custom_name="") & ~Q(custom_unit=""))
                | (~Q(indicator=Measure.CUSTOM) & Q(custom_name="", custom_unit="")),
                name="target_custom_has_name_and_unit",
            ),
            models.CheckConstraint(
                condition=Q(indicator__in=REPORTED_MEASURES) | Q(reported_value__isnull=True),
                name="target_reported_only_without_records",
            ),
            models.CheckConstraint(
                condition=Q(reported_value__isnull=True)
                | (~Q(reported_source="") & Q(reported_on__isnull=False)),
                name="target_reported_with_source_and_date",
            ),
            models.CheckConstraint(
                condition=Q(original_value__isnull=True) | ~Q(change_reason=""),
                name="target_change_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        if self.area_id:
            return f"{self.label} — {self.area.name}"
        return str(self.label)

    @property
    def label(self) -> str:
        return self.custom_name or Measure(self.indicator).label

    @property
    def unit(self) -> str:
        """The unit to show: the custom one as typed, else the indicator's."""
        return self.custom_unit or Unit(unit_of(self.indicator)).label

    @property
    def unit_code(self) -> str:
        """The ``Unit`` its values are formatted in (``Unit.OTHER`` for a custom unit)."""
        return unit_of(self.indicator) or Unit.OTHER

    @property
    def is_percent(self) -> bool:
        return self.indicator in PERCENT_MEASURES

    @property
    def is_reported(self) -> bool:
        """Its result is reported with a source document, not counted from the records."""
        return self.indicator in REPORTED_MEASURES

    @property
    def records_source(self) -> str:
        """Where its result is counted from, when not the registry of certificates ("")."""
        return str(RECORDS_SOURCES.get(self.indicator, ""))

    @property
    def was_changed(self) -> bool:
        return self.original_value is not None

    def clean(self) -> None:
        errors = {}
        if self.indicator == Measure.CUSTOM:
            if not self.custom_name.strip():
                errors["custom_name"] = _("Hãy ghi tên chỉ tiêu.")
            if not self.custom_unit.strip():
                errors["custom_unit"] = _("Hãy ghi đơn vị tính.")
        elif self.indicator:
            for name in ("custom_name", "custom_unit"):
                if getattr(self, name).strip():
                    errors[name] = _("Chỉ ghi khi chọn “Chỉ tiêu, số liệu khác”.")
        if self.is_percent:
            for name in ("value", "reported_value"):
                value = getattr(self, name)
                if value is not None and value > 100:
                    errors[name] = _("Tỷ lệ phần trăm không quá 100.")
        if self.reported_value is not None:
            if not self.is_reported:
                errors["reported_value"] = _(
                    "Kết quả chỉ tiêu này tính từ sổ chứng nhận, không nhập tay."
                )
            if not self.reported_source.strip():
                errors["reported_source"] = _("Hãy ghi văn bản báo cáo kết quả.")
            if self.reported_on is None:
                errors["reported_on"] = _("Hãy ghi ngày báo cáo.")
            elif self.reported_on > timezone.localdate():
                errors["reported_on"] = _("Ngày báo cáo không được ở tương lai.")
        if self.original_value is not None and not self.change_reason.strip():
            errors["change_reason"] = _("Hãy ghi lý do điều chỉnh chỉ tiêu đã phê duyệt.")
        if self.plan_id:
            errors.update(_area_in_plan(self.area, self.plan))
        if errors:
            raise ValidationError(errors)


class BudgetLineQuerySet(PlanPartQuerySet):
    def with_disbursed(self) -> "BudgetLineQuerySet":
        """Annotate the amount disbursed so far on each line (0 when nothing yet)."""
        paid = (
            Disbursement.objects.filter(line=OuterRef("pk"))
            .values("line")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(disbursed=Coalesce(Subquery(paid), 0))


class BudgetLine(Versioned, Tracked, Illustrative):
    """A planned amount of a year plan: one source of funds for one activity, maybe one area."""

    class Source(models.TextChoices):
        CENTRAL = "central", _("Ngân sách trung ương")
        LOCAL = "local", _("Ngân sách địa phương")
        NTP_RURAL = "ntp_rural", _("Lồng ghép CTMTQG xây dựng nông thôn mới")
        NTP_POVERTY = "ntp_poverty", _("Lồng ghép CTMTQG giảm nghèo bền vững")
        NTP_ETHNIC = (
            "ntp_ethnic",
            _("Lồng ghép CTMTQG phát triển KT-XH vùng đồng bào dân tộc thiểu số và miền núi"),
        )
        SOCIALISED = "socialised", _("Vốn xã hội hóa")
        OTHER = "other", _("Nguồn hợp pháp khác")

    class Activity(models.TextChoices):
        TRAINING = "training", _("Đào tạo, tập huấn")
        PROMOTION = "promotion", _("Xúc tiến thương mại, hội chợ")
        EVALUATION = "evaluation", _("Hội đồng đánh giá, phân hạng")
        PACKAGING = "packaging", _("Bao bì, nhãn mác")
        TRACEABILITY = "traceability", _("Mã truy xuất nguồn gốc")
        TOURISM_VILLAGE = "tourism_village", _("Làng du lịch")
        IT = "it", _("Công nghệ thông tin")
        OTHER = "other", _("Hoạt động khác")

    #: The state budget (ngân sách nhà nước): central, local and the national target programmes.
    STATE_SOURCES = (
        Source.CENTRAL,
        Source.LOCAL,
        Source.NTP_RURAL,
        Source.NTP_POVERTY,
        Source.NTP_ETHNIC,
    )

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    source = models.CharField(_("nguồn vốn"), max_length=15, choices=Source.choices)
    activity = models.CharField(_("nội dung hoạt động"), max_length=20, choices=Activity.choices)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ocop_budget_lines",
        help_text=_("Để trống: kinh phí chung của cả tỉnh, thành phố."),
    )
    description = models.CharField(_("diễn giải"), max_length=255, blank=True)
    amount = models.BigIntegerField(
        _("số tiền (đồng)"), validators=[MinValueValidator(0, _("Số tiền không được âm."))]
    )
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = pgettext_lazy("số nhiều", "dòng kinh phí")
        ordering = ["plan", "source", "activity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_line_amount_not_negative",
                violation_error_message=_("Số tiền không được âm."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — {self.get_activity_display()}" + (
            f" — {self.area.name}" if self.area_id else ""
        )

    @property
    def is_state_budget(self) -> bool:
        return self.source in self.STATE_SOURCES

    def clean(self) -> None:
        if self.plan_id:
            errors = _area_in_plan(self.area, self.plan)
            if errors:
                raise ValidationError(errors)


class DisbursementQuerySet(PlanPartQuerySet):
    area_lookup = "line__area"
    area_path_lookup = "line__area__path"
    province_path_lookup = "line__plan__province__path"


class Disbursement(Versioned, Tracked, Illustrative):
    """Money paid out against a budget line (giải ngân), with its document."""

    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("dòng kinh phí"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    paid_on = models.DateField(_("ngày giải ngân"))
    amount = models.BigIntegerField(
        _("số tiền (đồng)"),
        validators=[MinValueValidator(1, _("Số tiền giải ngân phải lớn hơn 0."))],
    )
    document = models.CharField(
        _("chứng từ"), max_length=120, help_text=_("Số chứng từ, ủy nhiệm chi hoặc quyết định.")
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    over_plan_confirmed = models.BooleanField(
        _("đã xác nhận vượt kế hoạch"), default=False, editable=False
    )
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoản giải ngân")
        verbose_name_plural = pgettext_lazy("số nhiều", "khoản giải ngân")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="disbursement_amount_positive",
                violation_error_message=_("Số tiền giải ngân phải lớn hơn 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.paid_on:%d/%m/%Y})"

    def clean(self) -> None:
        errors = {}
        if self.paid_on and self.paid_on > timezone.localdate():
            errors["paid_on"] = _("Ngày giải ngân không được ở tương lai.")
        elif self.paid_on and self.line_id and self.paid_on.year < self.line.plan.year:
            errors["paid_on"] = _("Kế hoạch năm %(year)s: ngày giải ngân từ 01/01/%(year)s.") % {
                "year": self.line.plan.year
            }
        if errors:
            raise ValidationError(errors)


class PublishedFigureQuerySet(ProvinceScopedQuerySet):
    def comparisons(self) -> list:
        """Each figure beside what the records give: see ``budgets.reports.compare``."""
        from budgets.reports import compare  # reports reads these models: imported late

        return compare(self.select_related("province"))


class PublishedFigure(Versioned, Tracked):
    """A figure as a document published it, kept to compare with what the records give."""

    province = models.ForeignKey(
        "areas.Area",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="ocop_published_figures",
    )
    year = models.PositiveSmallIntegerField(
        _("năm số liệu"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    measure = models.CharField(_("số liệu về"), max_length=30, choices=Measure.choices)
    value = models.DecimalField(
        _("giá trị công bố"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(0, _("Giá trị không được âm."))],
    )
    unit = models.CharField(_("đơn vị"), max_length=10, choices=Unit.choices)
    document = models.CharField(
        _("văn bản, bài viết"),
        max_length=255,
        help_text=_("Số hiệu văn bản hoặc tên bài báo đã công bố số liệu."),
    )
    published_on = models.DateField(_("ngày công bố"))
    note = models.TextField(
        _("ghi chú"), blank=True, help_text=_("Ví dụ: câu văn gốc, hoặc vì sao số liệu khác.")
    )
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = PublishedFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu đã công bố")
        verbose_name_plural = pgettext_lazy("số nhiều", "số liệu đã công bố")
        ordering = ["year", "published_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="published_figure_year_in_range",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="published_figure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.year}: {self.value} ({self.document})"

    @property
    def label(self) -> str:
        return Measure(self.measure).label

    def clean(self) -> None:
        errors = {}
        expected = unit_of(self.measure) if self.measure else None
        if expected and self.unit and self.unit != expected:
            errors["unit"] = _("Số liệu này tính bằng “%(unit)s”.") % {"unit": Unit(expected).label}
        if self.measure == Measure.CUSTOM and not self.note.strip():
            errors["note"] = _("Hãy ghi số liệu này nói về điều gì.")
        if self.published_on and self.published_on > timezone.localdate():
            errors["published_on"] = _("Ngày công bố không được ở tương lai.")
        if errors:
            raise ValidationError(errors)
