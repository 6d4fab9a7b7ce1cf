"""Evaluation and ranking (đánh giá, phân hạng): versioned criteria sets held as data, rounds
with their councils, one evaluation per product and round with one score sheet per council
member, and the record of every step of the review workflow.

The workflow itself lives in ``evaluations.workflow`` (the transition table) and
``evaluations.services`` (the transitions); nothing here changes a status on save."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from areas.models import Area
from core import policy, uploads
from core.access import AreaScopedQuerySet
from core.models import AttachedFile, Illustrative, Tracked, attached_file_constraints
from core.versioning import Versioned
from products.models import Certificate, GovernmentLevel, LegalBasis

STAR_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]

#: Levels of government taking part in OCOP (the certificate's levels and the commune).
Level = GovernmentLevel


# --- Criteria sets ---------------------------------------------------------------------------


class CriteriaSetQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> "CriteriaSetQuerySet":
        """The sheets of the legal bases in force that day, the latest basis first."""
        return self.filter(
            Q(legal_basis__in_force_from__lte=day),
            Q(legal_basis__in_force_until__isnull=True) | Q(legal_basis__in_force_until__gte=day),
        ).order_by("-legal_basis__in_force_from", "-pk")

    def sheet_for(self, basis: LegalBasis, category) -> tuple["CriteriaSet | None", str]:
        """The sheet a product of `category` is scored on under `basis`, or None with the
        reason: the basis's one sheet for every product, else the sheet of the product's set
        in the basis's classification (a 148/QĐ-TTg set maps to its 26/2026/QĐ-TTg one)."""
        sheets = list(self.filter(legal_basis=basis).select_related("category"))
        general = next((sheet for sheet in sheets if sheet.category_id is None), None)
        if general is not None:
            return general, ""
        if not sheets:
            return None, _("Chưa có phiếu chấm theo %(basis)s.") % {"basis": basis.code}
        mapped = category.in_scheme(basis.classification) if category else None
        if mapped is None:
            return None, _(
                "Sản phẩm đang phân loại theo %(scheme)s (%(category)s), chưa có bộ sản phẩm "
                "theo Phụ lục I của %(classification)s: hãy phân loại lại sản phẩm trước khi "
                "đánh giá."
            ) % {
                "scheme": category.scheme if category else "—",
                "category": category or "—",
                "classification": basis.classification,
            }
        if not mapped.is_leaf:
            return None, _(
                "Sản phẩm mới được xếp vào %(category)s, chưa chọn bộ sản phẩm: hãy phân loại "
                "sản phẩm vào một bộ sản phẩm trước khi đánh giá."
            ) % {"category": mapped}
        sheet = next((sheet for sheet in sheets if sheet.category_id == mapped.pk), None)
        if sheet is None:
            return None, _("Chưa có phiếu chấm của bộ sản phẩm %(category)s theo %(basis)s.") % {
                "category": mapped,
                "basis": basis.code,
            }
        return sheet, ""


class CriteriaSet(models.Model):
    """One score sheet of a legal basis: its parts, sections, criteria and options. The rules
    around it (dates, star bands, who recognises what) belong to the legal basis."""

    code = models.SlugField(_("mã bộ tiêu chí"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.ForeignKey(
        LegalBasis,
        verbose_name=_("căn cứ pháp lý"),
        to_field="code",
        db_column="legal_basis",
        on_delete=models.PROTECT,
        related_name="criteria_sets",
    )
    category = models.ForeignKey(
        "products.ProductCategory",
        verbose_name=_("bộ sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        help_text=_(
            "Bộ sản phẩm mà phiếu này chấm, theo phân loại của căn cứ; để trống nếu một phiếu "
            "chấm mọi sản phẩm."
        ),
    )
    is_illustrative = models.BooleanField(
        _("phiếu chấm minh họa"),
        default=False,
        help_text=_("Phiếu chấm minh họa, không phải phiếu chính thức của từng bộ sản phẩm."),
    )
    disqualifiers = models.JSONField(
        _("hồ sơ bị loại khi"),
        default=list,
        blank=True,
        help_text=_("Các trường hợp hồ sơ bị loại, kiểm tra trước khi chấm điểm."),
    )
    source = models.TextField(_("nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Indexed: the "data as of" time of every page is the latest of these.
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "bộ tiêu chí đánh giá")
        ordering = ["legal_basis__in_force_from", "category__code", "code"]
        constraints = [
            # One sheet per legal basis and product set, or one sheet for every product.
            models.UniqueConstraint(
                fields=["legal_basis", "category"], name="criteria_set_one_per_basis_and_set"
            ),
            models.UniqueConstraint(
                fields=["legal_basis"],
                condition=Q(category__isnull=True),
                name="criteria_set_one_general_per_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # The legal basis's rules, asked of the sheet an evaluation was scored on.

    @property
    def valid_from(self) -> date:
        return self.legal_basis.in_force_from

    @property
    def valid_until(self) -> date | None:
        return self.legal_basis.in_force_until

    @property
    def local_level(self) -> str:
        return self.legal_basis.local_level

    @property
    def certificate_validity_months(self) -> int:
        return self.legal_basis.certificate_validity_months

    @property
    def central_proposal_score(self) -> Decimal:
        return self.legal_basis.central_proposal_score

    @property
    def bands(self):
        """The star bands of the legal basis, highest first."""
        return self.legal_basis.bands

    def stars_for(self, score: Decimal) -> int:
        from evaluations.scoring import band_stars

        return band_stars(score, [(band.stars, band.min_score) for band in self.bands])

    def recognising_level(self, stars: int) -> str | None:
        return self.legal_basis.recognising_level(stars)

    def certifiable_stars(self, stars: int) -> int | None:
        return self.legal_basis.certifiable_stars(stars)

    @property
    def lowest_certified_stars(self) -> int:
        return self.legal_basis.lowest_certified_stars


class Part(models.Model):
    """A part of the score sheet (A, B, C) with its maximum."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=255)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phần")
        verbose_name_plural = pgettext_lazy("số nhiều", "phần")
        ordering = ["criteria_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="part_code_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Section(models.Model):
    """A group of criteria inside a part."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=255)
    note = models.TextField(_("ghi chú"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = pgettext_lazy("số nhiều", "nhóm tiêu chí")
        ordering = ["part", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["part", "code"], name="section_code_per_part")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """One question of the sheet; the council member chooses one of its options. A criterion
    with sub-criteria (6.1 → 6.1.1, 6.1.2) has no options of its own: its sub-criteria are
    scored."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc tiêu chí"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=12)
    text = models.CharField(_("tiêu chí"), max_length=500)
    note = models.TextField(
        _("ghi chú cho người chấm"), blank=True, help_text=_("Yêu cầu, ghi chú in cạnh tiêu chí.")
    )
    needs_story = models.BooleanField(
        _("chỉ áp dụng khi có câu chuyện sản phẩm"),
        default=False,
        help_text=_("Không chấm khi thành viên ghi sản phẩm không có câu chuyện."),
    )
    tells_story = models.BooleanField(
        _("tiêu chí có câu chuyện sản phẩm"),
        default=False,
        help_text=_("Mức 0 điểm của tiêu chí này nghĩa là sản phẩm không có câu chuyện."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = pgettext_lazy("số nhiều", "tiêu chí")
        ordering = ["section", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="criterion_code_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Option(models.Model):
    """A level a criterion can be met at, worth a fixed number of points."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("mã"), max_length=10)
    text = models.CharField(_("mức đạt"), max_length=1000)
    points = models.DecimalField(
        _("điểm"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_eliminating = models.BooleanField(
        _("loại sản phẩm"),
        default=False,
        help_text=_("Chọn mức này thì sản phẩm không được xếp hạng."),
    )
    stops_scoring = models.BooleanField(
        _("dừng đánh giá"),
        default=False,
        help_text=_("Mức loại theo ghi chú “không đánh giá các bước tiếp theo”."),
    )
    from_note = models.BooleanField(
        _("điều kiện loại từ ghi chú"),
        default=False,
        help_text=_(
            "Không phải mức in trên phiếu: điều kiện loại trong ghi chú của tiêu chí, để người "
            "chấm ghi nhận."
        ),
    )
    min_stars_required = models.PositiveSmallIntegerField(
        _("mức tối thiểu cho hạng sao"),
        null=True,
        blank=True,
        validators=STAR_VALIDATORS,
        help_text=_("Dấu *** / **** / *****: mức tối thiểu tiêu chí phải đạt cho hạng sao này."),
    )
    case = models.CharField(
        _("trường hợp"),
        max_length=255,
        blank=True,
        help_text=_("Tiêu chí chọn một trong hai trường hợp: trường hợp của mức này."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mức đạt")
        verbose_name_plural = pgettext_lazy("số nhiều", "mức đạt")
        ordering = ["criterion", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="option_code_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="option_points_not_negative"),
            models.CheckConstraint(
                condition=Q(min_stars_required__isnull=True)
                | Q(min_stars_required__gte=1, min_stars_required__lte=5),
                name="option_min_stars_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(stops_scoring=True) | Q(is_eliminating=True),
                name="option_stop_is_a_knock_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.points})"


# --- Rounds ----------------------------------------------------------------------------------


class RoundQuerySet(models.QuerySet):
    #: The council's area: what the policy's rules on a round (``round.manage``) look at.
    area_path_lookup = "area__path"

    def visible_to(self, user) -> "RoundQuerySet":
        """Rounds of a council over the user's areas: inside them, or above them (the city's
        rounds are visible to every officer of the city)."""
        if not policy.is_signed_in(user):
            return self.none()
        return self.filter(policy.inside_or_above(user, self.area_path_lookup))

    def open_on(self, day: date) -> "RoundQuerySet":
        return self.filter(opens_on__lte=day).filter(
            Q(closes_on__isnull=True) | Q(closes_on__gte=day)
        )


class Round(Versioned, Tracked, Illustrative):
    """An evaluation round of a council ("Đợt 1/2023"), open between two dates."""

    class RoundLevel(models.TextChoices):
        DISTRICT = Level.DISTRICT.value, Level.DISTRICT.label
        CITY = Level.CITY.value, Level.CITY.label

    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2018), MaxValueValidator(2100)]
    )
    number = models.PositiveSmallIntegerField(_("đợt số"), validators=[MinValueValidator(1)])
    level = models.CharField(_("cấp hội đồng"), max_length=10, choices=RoundLevel.choices)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("địa bàn của hội đồng"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        help_text=_(
            "Đơn vị cấp tỉnh với hội đồng cấp tỉnh; đơn vị cấp huyện với hội đồng cấp huyện."
        ),
    )
    opens_on = models.DateField(_("ngày mở"))
    closes_on = models.DateField(
        _("ngày kết thúc"),
        null=True,
        blank=True,
        help_text=_("Sau ngày này phiếu chấm và hồ sơ của đợt bị khóa."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    # Quyết định 26/2026/QĐ-TTg, Điều 7: at least two provincial rounds a year, the dossiers the
    # communes forwarded by 30/4 decided by 30/6, those forwarded by 30/10 by 30/12; the city
    # may hold extra rounds with cut-offs of its own.
    is_extra = models.BooleanField(
        _("đợt bổ sung"),
        default=False,
        help_text=_(
            "Đợt ngoài hai đợt thường kỳ trong năm: hạn gửi và hạn quyết định do cấp tỉnh ấn định."
        ),
    )
    forward_by = models.DateField(
        _("hạn xã gửi hồ sơ lên cấp tỉnh"),
        null=True,
        blank=True,
        help_text=_(
            "Hồ sơ xã gửi lên đến hết ngày này vào đợt. Để trống để lấy theo quy định: đợt mở "
            "trong 6 tháng đầu năm 30/4, 6 tháng cuối năm 30/10."
        ),
    )
    decide_by = models.DateField(
        _("hạn quyết định công nhận"),
        null=True,
        blank=True,
        help_text=_(
            "Để trống để lấy theo quy định: đợt mở trong 6 tháng đầu năm 30/6, 6 tháng cuối năm "
            "30/12."
        ),
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "đợt đánh giá")
        ordering = ["-year", "-number", "area__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "number"],
                name="round_number_per_area_and_year",
                violation_error_message=_("Hội đồng này đã có đợt đánh giá số này trong năm."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_it_opens",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
            models.CheckConstraint(
                condition=Q(forward_by__isnull=True)
                | Q(decide_by__isnull=True)
                | Q(decide_by__gt=models.F("forward_by")),
                name="round_decides_after_the_forwarding_cut_off",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("evaluations:round_detail", args=[self.pk])

    @property
    def title(self) -> str:
        label = _("Đợt %(number)s/%(year)s") % {"number": self.number, "year": self.year}
        if self.level == self.RoundLevel.DISTRICT and self.area_id:
            return f"{label} — {self.area.name}"
        return label

    @staticmethod
    def default_cutoffs(opens_on: date, closes_on: date | None = None) -> tuple[date, date]:
        """The cut-offs of a regular round by Điều 7 of 26/2026/QĐ-TTg: opening in the first
        half of the year, 30/4 and 30/6; in the second half, 30/10 and 30/12. A round closing
        before the forwarding cut-off takes no dossier after it closes: its closing day is the
        cut-off."""
        year = opens_on.year
        if opens_on.month <= 6:
            forward_by, decide_by = date(year, 4, 30), date(year, 6, 30)
        else:
            forward_by, decide_by = date(year, 10, 30), date(year, 12, 30)
        if closes_on is not None and closes_on < forward_by:
            forward_by = closes_on
        return forward_by, max(decide_by, forward_by + timedelta(days=1))

    def fill_cutoffs(self) -> None:
        """A regular round's cut-offs left blank are the rule's; an extra round's are the
        city's own."""
        if self.is_extra or not self.opens_on:
            return
        forward_by, decide_by = self.default_cutoffs(self.opens_on, self.closes_on)
        if self.forward_by is None:
            self.forward_by = forward_by
        if self.decide_by is None:
            self.decide_by = decide_by

    def save(self, *args, **kwargs):
        self.fill_cutoffs()
        super().save(*args, **kwargs)

    def forward_deadline_reason(self, today: date | None = None) -> str | None:
        """None while a commune may still forward a dossier into this round; otherwise why
        not (the forwarding cut-off has passed, or the round has closed)."""
        today = today or timezone.localdate()
        forward_by = self.forward_by
        if forward_by is None and not self.is_extra and self.opens_on:
            forward_by = self.default_cutoffs(self.opens_on, self.closes_on)[0]
        if forward_by is not None and today > forward_by:
            return _(
                "Đợt này nhận hồ sơ xã gửi lên đến hết %(day)s; hồ sơ gửi sau sẽ vào đợt sau "
                "hoặc đợt bổ sung."
            ) % {"day": formats.date_format(forward_by, "SHORT_DATE_FORMAT")}
        if self.is_closed(today):
            return _(
                "Đợt này đã kết thúc ngày %(day)s; hồ sơ gửi sau sẽ vào đợt sau hoặc đợt bổ sung."
            ) % {"day": formats.date_format(self.closes_on, "SHORT_DATE_FORMAT")}
        return None

    def clean(self) -> None:
        self.fill_cutoffs()
        errors = {}
        if self.is_extra:
            if self.forward_by is None:
                errors["forward_by"] = _("Đợt bổ sung: hãy ghi hạn xã gửi hồ sơ lên.")
            if self.decide_by is None:
                errors["decide_by"] = _("Đợt bổ sung: hãy ghi hạn quyết định công nhận.")
        if self.forward_by and self.closes_on and self.forward_by > self.closes_on:
            errors["forward_by"] = _(
                "Hạn gửi hồ sơ không được sau ngày kết thúc đợt: hồ sơ gửi sau ngày đó không còn "
                "được chấm trong đợt."
            )
        if self.forward_by and self.decide_by and self.decide_by <= self.forward_by:
            errors["decide_by"] = _("Hạn quyết định công nhận phải sau hạn xã gửi hồ sơ lên.")
        elif self.decide_by and self.opens_on and self.decide_by < self.opens_on:
            errors["decide_by"] = _("Hạn quyết định công nhận không được trước ngày mở đợt.")
        if self.opens_on and self.year and self.opens_on.year != self.year:
            errors["opens_on"] = _("Ngày mở phải trong năm của đợt đánh giá.")
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("Ngày kết thúc phải sau ngày mở.")
        if self.area_id and self.level:
            city = self.level == self.RoundLevel.CITY
            wanted = Area.Level.PROVINCE if city else Area.Level.DISTRICT
            if self.area.level != wanted:
                errors["area"] = (
                    _("Hội đồng cấp tỉnh thuộc một đơn vị hành chính cấp tỉnh.")
                    if wanted == Area.Level.PROVINCE
                    else _("Hội đồng cấp huyện thuộc một quận, huyện.")
                )
        if errors:
            raise ValidationError(errors)

    def is_closed(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.closes_on is not None and self.closes_on < on

    def is_open(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on and not self.is_closed(on)

    def legal_basis(self) -> LegalBasis | None:
        """The legal basis in force on the day the round opened: its evaluations are scored
        and recognised under it, whenever they end."""
        return LegalBasis.objects.in_force_on(self.opens_on).first()

    def criteria_set(self, product=None) -> CriteriaSet | None:
        """The sheet of the legal basis in force on the day the round opened: for that
        product's set where the basis has one sheet per product set."""
        basis = self.legal_basis()
        if basis is None:
            return None
        return CriteriaSet.objects.sheet_for(basis, product.category if product else None)[0]


class CouncilMember(models.Model):
    """A member of a round's council, who fills one score sheet per product."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch hội đồng")
        VICE_CHAIR = "vice_chair", _("Phó chủ tịch hội đồng")
        MEMBER = "member", _("Ủy viên")
        SECRETARY = "secretary", _("Ủy viên thư ký")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    organisation = models.CharField(_("đơn vị công tác"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = pgettext_lazy("số nhiều", "thành viên hội đồng")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="council_member_once_per_round",
                violation_error_message=_("Thành viên này đã có trong hội đồng."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


# --- Evaluations -----------------------------------------------------------------------------


class EvaluationQuerySet(AreaScopedQuerySet):
    area_path_lookup = "product__producer__area__path"
    producer_lookup = "product__producer"

    def for_lists(self) -> "EvaluationQuerySet":
        return self.select_related(
            "product__producer__area__parent", "round__area", "criteria_set__legal_basis"
        )


class MinimumsRule(models.TextChoices):
    """How the star minimums are read when several members scored a criterion."""

    MEDIAN = "median", _("Trung vị điểm của các thành viên ở từng tiêu chí")
    COUNCIL = "council", _("Phiếu thống nhất của hội đồng")
    LOWEST = "lowest", _("Điểm thấp nhất của các thành viên ở từng tiêu chí")


class Evaluation(Versioned):
    """One product in one round: the council's score sheets, the result and the decision."""

    class Status(models.TextChoices):
        # A dossier the producer prepares and files online (26/2026/QĐ-TTg: the electronic
        # dossier has the legal value of the paper one), before the commune receives it.
        PREPARING = "preparing", _("Chủ thể đang lập hồ sơ")
        FILED = "filed", _("Chủ thể đã nộp, chờ xã tiếp nhận")
        DRAFT = "draft", _("Đang chấm điểm")
        SUBMITTED = "submitted", _("Đã gửi thẩm định")
        # 26/2026/QĐ-TTg (Điều 7): the commune receives and pre-assesses, the province checks,
        # reviews (Tổ tư vấn), scores (council) and decides; from 90 points the Ministry.
        RECEIVED = "received", _("Xã đã tiếp nhận, đang đánh giá sơ bộ")
        FORWARDED = "forwarded", _("Xã đã gửi lên, chờ kiểm tra hồ sơ")
        RETURNED = "returned", _("Bị trả lại")
        RESUBMITTED = "resubmitted", _("Đã gửi lại")
        ADVISORY = "advisory", _("Tổ tư vấn thẩm định, khảo sát")
        COUNCIL = "council", _("Hội đồng chấm điểm")
        SCORED = "scored", _("Hội đồng đã chấm, chờ quyết định")
        MINISTRY = "ministry", _("Đã phê duyệt kết quả, gửi Bộ đề nghị 5 sao")
        MINISTRY_DECLINED = "ministry_declined", _("Bộ không công nhận 5 sao, chờ tỉnh quyết định")
        RECOGNISED = "recognised", _("Đã công nhận")
        NOT_RECOGNISED = "not_recognised", _("Không công nhận")
        PROPOSED_CENTRAL = "proposed_central", _("Đề nghị Trung ương (tiềm năng 5 sao)")
        CENTRAL_RECOGNISED = "central_recognised", _("Trung ương công nhận 5 sao")
        CENTRAL_DECLINED = "central_declined", _("Trung ương giữ 4 sao")
        DISQUALIFIED = "disqualified", _("Hồ sơ bị loại")

    #: Statuses in which a certificate was issued for the evaluation.
    RECOGNISED_STATUSES = (
        Status.RECOGNISED,
        Status.PROPOSED_CENTRAL,
        Status.CENTRAL_RECOGNISED,
        Status.CENTRAL_DECLINED,
    )
    #: Statuses in which the score sheets may still be filled in (by the local level under the
    #: earlier decisions, by the province's council under 26/2026).
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED, Status.COUNCIL)
    #: Statuses waiting for a reviewer at the province.
    WAITING_STATUSES = (
        Status.SUBMITTED,
        Status.RESUBMITTED,
        Status.FORWARDED,
        Status.ADVISORY,
        Status.COUNCIL,
        Status.SCORED,
        Status.MINISTRY,
        Status.MINISTRY_DECLINED,
    )
    #: Statuses of an evaluation not yet concluded: a product has at most one such.
    OPEN_STATUSES = (
        Status.PREPARING,
        Status.FILED,
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.FORWARDED,
        Status.RETURNED,
        Status.RESUBMITTED,
        Status.ADVISORY,
        Status.COUNCIL,
        Status.SCORED,
        Status.MINISTRY,
        Status.MINISTRY_DECLINED,
    )
    #: Statuses at the local level (the commune, or the district under the earlier decisions).
    LOCAL_STATUSES = (Status.DRAFT, Status.RECEIVED, Status.RETURNED)
    #: Statuses of a dossier still with its producer, filed online: being prepared, or filed
    #: and not yet received by the commune.
    PRODUCER_STATUSES = (Status.PREPARING, Status.FILED)

    round = models.ForeignKey(
        Round, verbose_name=_("đợt đánh giá"), on_delete=models.PROTECT, related_name="evaluations"
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    kind = models.CharField(
        _("hình thức"),
        max_length=10,
        choices=Certificate.Kind.choices,
        default=Certificate.Kind.NEW,
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ tiêu chí"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    previous_certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("giấy chứng nhận trước đó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_evaluations",
        help_text=_("Giấy được công nhận lại hoặc nâng hạng."),
    )
    # An upgrade or re-rating dossier may start from the product's previous one: its
    # documents and self-assessment are carried over (evaluations.carried). Empty when the
    # dossier started blank.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("bắt đầu từ hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text=_("Hồ sơ trước mà tài liệu và tự đánh giá được chuyển sang hồ sơ này."),
    )
    # The result, recomputed by the services from the sheets each time one is saved.
    score = models.DecimalField(
        _("điểm"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("Trung bình điểm của các thành viên hội đồng."),
    )
    band_stars = models.PositiveSmallIntegerField(
        _("hạng theo điểm"), null=True, blank=True, validators=STAR_VALIDATORS
    )
    stars = models.PositiveSmallIntegerField(
        _("hạng sao"), null=True, blank=True, validators=STAR_VALIDATORS
    )
    is_eliminated = models.BooleanField(_("bị loại"), default=False)
    sheets_complete = models.BooleanField(_("đã chấm đủ"), default=False)
    # The city's setting when the evaluation was opened, kept so that the result reads the
    # same later (evaluations opened before the setting existed: the lowest member's points).
    minimums_rule = models.CharField(
        _("cách đọc yêu cầu tối thiểu"),
        max_length=10,
        choices=MinimumsRule.choices,
        default=MinimumsRule.MEDIAN,
    )
    # When the members' totals differ by the city's threshold or more, the chair's reason for
    # keeping them, and the difference it was given for (re-scoring to another difference
    # asks for a new one).
    divergence_reason = models.TextField(_("lý do giữ chênh lệch điểm"), blank=True)
    divergence_spread = models.DecimalField(
        _("chênh lệch điểm đã giải trình"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # The product code on the sheets, where the legal basis sets one (26/2026/QĐ-TTg:
    # (Mã tỉnh)-(Mã xã)-(STT)-(Năm)); the number counts the commune's evaluations of the year.
    number = models.PositiveSmallIntegerField(_("số thứ tự trong xã"), null=True, blank=True)
    code = models.CharField(_("mã số sản phẩm"), max_length=40, blank=True)
    # Filed online by the producer's account (its Mẫu 01, Mẫu 02 and documents), not handed in
    # on paper at the commune.
    online = models.BooleanField(
        _("nộp trực tuyến"),
        default=False,
        help_text=_("Chủ thể lập và nộp hồ sơ trên cổng bằng tài khoản của chủ thể."),
    )
    # The registration (Mẫu 01), received at the commune (26/2026/QĐ-TTg Điều 6–7): its number
    # (…/PĐK-(Mã tỉnh)-(Mã xã)-(Năm)), the day received, which starts the commune's 15 working
    # days and picks the legal basis (Điều 12), and the samples handed in.
    registration_number = models.CharField(_("số phiếu đăng ký"), max_length=60, blank=True)
    filed_on = models.DateField(
        _("ngày tiếp nhận hồ sơ"),
        null=True,
        blank=True,
        help_text=_(
            "Ngày Ủy ban nhân dân cấp xã nhận hồ sơ của chủ thể (hồ sơ nộp trực tuyến: ngày "
            "chủ thể nộp trên cổng)."
        ),
    )
    samples = models.PositiveSmallIntegerField(
        _("số sản phẩm mẫu"),
        default=0,
        help_text=_("05 sản phẩm mẫu, trừ dịch vụ du lịch cộng đồng, du lịch sinh thái."),
    )
    # The commune's report (Mẫu 03): the four contents of Điều 7.2.
    local_materials = models.TextField(_("về sử dụng nguyên liệu địa phương"), blank=True)
    local_labour = models.TextField(_("về sử dụng lao động địa phương"), blank=True)
    idea_origin = models.TextField(_("nguồn gốc ý tưởng sản phẩm"), blank=True)
    local_identity = models.TextField(_("bản sắc, trí tuệ địa phương"), blank=True)
    commune_letter = models.CharField(
        _("văn bản đề nghị của UBND xã"),
        max_length=60,
        blank=True,
        help_text=_("Số văn bản Ủy ban nhân dân cấp xã đề nghị tỉnh đánh giá, phân hạng."),
    )
    preassessed_on = models.DateField(_("ngày báo cáo Mẫu 03"), null=True, blank=True)
    # The Tổ tư vấn's review and site survey.
    survey_on = models.DateField(_("ngày khảo sát thực tế"), null=True, blank=True)
    advisory_findings = models.TextField(_("kết quả thẩm định, khảo sát"), blank=True)
    lab_tests_requested = models.TextField(_("đề nghị kiểm nghiệm bổ sung"), blank=True)
    # From 90 points: the Chairman's decision approving the result, then the Ministry's.
    approval_number = models.CharField(
        _("số quyết định phê duyệt kết quả"), max_length=40, blank=True
    )
    approval_date = models.DateField(_("ngày phê duyệt kết quả"), null=True, blank=True)
    ministry_score = models.DecimalField(
        _("điểm của Hội đồng Trung ương"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    # The recognition decision.
    decision_number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    recognised_level = models.CharField(
        _("cấp công nhận"), max_length=10, choices=Certificate.Level.choices, blank=True
    )
    recognised_stars = models.PositiveSmallIntegerField(
        _("số sao công nhận"), null=True, blank=True, validators=STAR_VALIDATORS
    )
    certificate = models.OneToOneField(
        Certificate,
        verbose_name=_("giấy chứng nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation",
    )
    central_certificate = models.OneToOneField(
        Certificate,
        verbose_name=_("giấy chứng nhận 5 sao"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="central_evaluation",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)
    # Indexed: the "data as of" time of every page is the latest of these.
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "hồ sơ đánh giá")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "round"],
                name="evaluation_one_per_product_and_round",
                violation_error_message=_("Sản phẩm này đã có hồ sơ trong đợt đánh giá này."),
            ),
            # Opened in several rounds at once, one product was recognised several times.
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(
                    status__in=[
                        "preparing",
                        "filed",
                        "draft",
                        "submitted",
                        "received",
                        "forwarded",
                        "returned",
                        "resubmitted",
                        "advisory",
                        "council",
                        "scored",
                        "ministry",
                        "ministry_declined",
                    ]
                ),
                name="evaluation_one_open_per_product",
                violation_error_message=_(
                    "Sản phẩm này đang có một hồ sơ chưa kết luận: hoàn tất hồ sơ đó trước."
                ),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="evaluation_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="evaluation_stars_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["recognised", "proposed_central"])
                | (Q(certificate__isnull=False) & ~Q(decision_number="")),
                name="evaluation_recognised_has_certificate",
            ),
            models.CheckConstraint(
                condition=~Q(is_eliminated=True) | Q(stars__isnull=True),
                name="evaluation_eliminated_has_no_stars",
            ),
            # 26/2026: a product of 90 points goes to the Ministry under the Chairman's
            # decision approving the province's result.
            models.CheckConstraint(
                condition=~Q(status__in=["ministry", "ministry_declined"]) | ~Q(approval_number=""),
                name="evaluation_ministry_has_approval",
            ),
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="evaluation_registration_number_unique",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="evaluation_code_unique"
            ),
        ]
        # The work queue reads each step's first dossiers: the few at a step are found
        # without reading the tens of thousands at others.
        indexes = [models.Index(fields=["status"], name="evaluation_status")]

    def __str__(self) -> str:
        return f"{self.product} — {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.pk])

    @property
    def is_recognised(self) -> bool:
        return self.status in self.RECOGNISED_STATUSES

    @property
    def is_potential_five_star(self) -> bool:
        return (
            self.recognised_level == Certificate.Level.CITY
            and self.score is not None
            and self.score >= self.criteria_set.central_proposal_score
        )


class ScoreSheet(models.Model):
    """One council member's sheet for one evaluation, or the council's agreed sheet (when the
    city reads the star minimums from it); `version` guards against lost updates."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(
        CouncilMember,
        verbose_name=_("thành viên hội đồng"),
        on_delete=models.PROTECT,
        related_name="sheets",
        null=True,
        blank=True,
    )
    is_council = models.BooleanField(
        _("phiếu thống nhất của hội đồng"),
        default=False,
        help_text=_("Không tính vào điểm trung bình; dùng để đọc yêu cầu tối thiểu."),
    )
    total = models.DecimalField(
        _("tổng điểm"), max_digits=6, decimal_places=2, default=Decimal(0), editable=False
    )
    answered = models.PositiveSmallIntegerField(_("số tiêu chí đã chấm"), default=0)
    is_complete = models.BooleanField(_("đã chấm đủ"), default=False)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Indexed: the "data as of" time of every page is the latest of these.
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = pgettext_lazy("số nhiều", "phiếu chấm điểm")
        ordering = ["evaluation", "is_council", "member__order", "member__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "member"], name="score_sheet_one_per_member"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="score_sheet_total_positive"),
            models.CheckConstraint(
                condition=Q(is_council=True, member__isnull=True)
                | Q(is_council=False, member__isnull=False),
                name="score_sheet_of_a_member_or_the_council",
            ),
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(is_council=True),
                name="score_sheet_one_council_sheet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:sheet", args=[self.evaluation_id, self.pk])

    @property
    def title(self) -> str:
        """The member's name, or "the council's agreed sheet"."""
        return str(_("Phiếu thống nhất của hội đồng")) if self.is_council else self.member.name


class Answer(models.Model):
    """The option a council member chose for one criterion."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        verbose_name = _("lựa chọn")
        verbose_name_plural = pgettext_lazy("số nhiều", "lựa chọn")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"], name="answer_one_option_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.option.text}"

    def clean(self) -> None:
        if self.option_id and self.criterion_id and self.option.criterion_id != self.criterion_id:
            raise ValidationError({"option": _("Mức đạt này không thuộc tiêu chí đã chọn.")})


class Transition(models.Model):
    """One step of an evaluation's workflow: who moved it, when, from where to where, why."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo hồ sơ")
        SUBMIT = "submit", _("Gửi thẩm định")
        RETURN = "return", _("Trả lại")
        RESUBMIT = "resubmit", _("Gửi lại")
        RECOGNISE = "recognise", _("Công nhận")
        NOT_RECOGNISE = "not_recognise", _("Không công nhận")
        PROPOSE_CENTRAL = "propose_central", _("Đề nghị Trung ương")
        CENTRAL_RECOGNISE = "central_recognise", _("Trung ương công nhận 5 sao")
        CENTRAL_DECLINE = "central_decline", _("Trung ương không công nhận 5 sao")
        CORRECT = "correct", _("Sửa sau công nhận")
        DISQUALIFY = "disqualify", _("Loại hồ sơ")
        DIVERGENCE = "divergence", _("Giải trình chênh lệch điểm")
        # 26/2026/QĐ-TTg
        RECEIVE = "receive", _("Xã tiếp nhận hồ sơ")
        FORWARD = "forward", _("Xã gửi hồ sơ lên tỉnh")
        ACCEPT = "accept", _("Hồ sơ đầy đủ, chuyển Tổ tư vấn")
        TO_COUNCIL = "to_council", _("Chuyển Hội đồng chấm điểm")
        SCORED = "scored", _("Hội đồng đã chấm, trình quyết định")
        APPROVE_CENTRAL = "approve_central", _("Phê duyệt kết quả, gửi Bộ")
        MINISTRY_DECLINE = "ministry_decline", _("Bộ không công nhận 5 sao")
        COMMENT = "comment", _("Ý kiến")
        # A dossier filed online by the producer's account.
        PREPARE = "prepare", _("Chủ thể lập hồ sơ trực tuyến")
        FILE = "file", _("Chủ thể nộp hồ sơ trực tuyến")
        RETURN_TO_PRODUCER = "return_producer", _("Xã trả lại hồ sơ cho chủ thể")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=20, choices=Evaluation.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("sang trạng thái"), max_length=20, choices=Evaluation.Status.choices
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    comment = models.TextField(_("ý kiến, lý do"), blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    changes = models.TextField(_("nội dung sửa"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = pgettext_lazy("số nhiều", "bước xử lý")
        ordering = ["evaluation", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="return") | ~Q(comment=""),
                name="transition_return_has_comment",
            ),
            models.CheckConstraint(
                condition=~Q(action="correct") | ~Q(comment=""),
                name="transition_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(action="return_producer") | ~Q(comment=""),
                name="transition_return_to_producer_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(action="comment") | ~Q(comment=""),
                name="transition_comment_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["disqualify", "divergence"]) | ~Q(comment=""),
                name="transition_disqualification_or_divergence_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%Y-%m-%d %H:%M}"


class Contribution(models.Model):
    """Who had a hand in a dossier: filed it, pre-assessed it, entered a score sheet. Nobody
    decides a dossier they had such a hand in (``workflow.check``)."""

    class Kind(models.TextChoices):
        FILED = "filed", _("lập hồ sơ")
        PREASSESSED = "preassessed", _("đánh giá sơ bộ (Mẫu 03)")
        SHEET = "sheet", _("nhập phiếu chấm")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="contributions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("việc"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("người tham gia hồ sơ")
        verbose_name_plural = pgettext_lazy("số nhiều", "người tham gia hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user", "kind"], name="contribution_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}"


class SelfAssessment(models.Model):
    """The producer's self-assessment (Mẫu 02 Phần III): the option they claim for one
    criterion of the sheet, with the evidence they describe."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="self_assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence = models.TextField(_("mô tả, minh chứng"), blank=True)
    # The answer of the previous dossier this one was carried over from, until it is edited.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("chuyển từ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tự đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "tự đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="self_assessment_one_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} — {self.criterion.code}"

    def clean(self) -> None:
        if self.option_id and self.criterion_id and self.option.criterion_id != self.criterion_id:
            raise ValidationError({"option": _("Mức đạt này không thuộc tiêu chí đã chọn.")})


# --- The electronic dossier (hồ sơ điện tử) ----------------------------------------------------
# Under 26/2026/QĐ-TTg the electronic dossier has the legal value of the paper one: every file
# is kept with who added it and when, and a removal is recorded, never a deletion. The
# checklist of what a dossier must hold, and the services, are in ``evaluations.documents``.

#: The types a dossier accepts, as detected from the file's first bytes, and their extensions.
DOCUMENT_TYPES = uploads.ACCEPTED_TYPES

#: The folder of the default storage holding the dossiers' files; never served publicly.
DOSSIERS_DIR = uploads.PRIVATE_DIR


def dossier_upload_to(document: "DossierDocument", filename: str) -> str:
    """dossiers/<evaluation id>/<random hex>.<ext of the detected type>: the name a user gave
    the file is never part of where it is stored."""
    return uploads.private_name(str(document.evaluation_id), document.content_type)


class DossierDocumentQuerySet(AreaScopedQuerySet):
    area_path_lookup = "evaluation__product__producer__area__path"
    producer_lookup = "evaluation__product__producer"

    def present(self) -> "DossierDocumentQuerySet":
        """The documents not removed from the dossier."""
        return self.filter(removed_at__isnull=True)


class DossierDocument(AttachedFile):
    """One file of an evaluation's dossier: an item of the legal checklist it answers (or none,
    "other"), or the evidence for one criterion of the sheet."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("hồ sơ đánh giá"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    checklist_code = models.CharField(
        _("mục trong danh mục hồ sơ"),
        max_length=40,
        blank=True,
        help_text=_(
            "Mã mục của danh mục hồ sơ theo căn cứ pháp lý; để trống nếu là tài liệu khác."
        ),
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("minh chứng cho tiêu chí"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("tệp"), upload_to=dossier_upload_to, max_length=200)
    removed_at = models.DateTimeField(_("thời điểm gỡ"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gỡ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The document of the previous dossier this one was carried over from: the same stored
    # file, never a copy (files are never deleted, so both rows keep it).
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("chuyển từ tài liệu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
    )

    objects = DossierDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = pgettext_lazy("số nhiều", "tài liệu hồ sơ")
        ordering = ["evaluation", "added_at", "pk"]
        indexes = [models.Index(fields=["evaluation", "checklist_code"])]
        constraints = [
            *attached_file_constraints("dossier_document"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="dossier_document_removed_by_someone",
            ),
            # A document of the previous dossier is carried into a new one once.
            models.UniqueConstraint(
                fields=["evaluation", "carried_from"],
                condition=Q(carried_from__isnull=False),
                name="dossier_document_carried_once",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("evaluations:document", args=[self.evaluation_id, self.pk])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_carried(self) -> bool:
        return self.carried_from_id is not None


class DocumentRequest(models.Model):
    """The Department asks for a document the dossier lacks (an item of the checklist, or in
    its own words), usually with a return; an upload answering it fulfils it."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("hồ sơ đánh giá"),
        on_delete=models.PROTECT,
        related_name="document_requests",
    )
    checklist_code = models.CharField(
        _("mục trong danh mục hồ sơ"),
        max_length=40,
        blank=True,
        help_text=_("Để trống nếu đề nghị bằng lời (tên tài liệu)."),
    )
    title = models.CharField(_("tài liệu cần bổ sung"), max_length=255)
    note = models.TextField(_("ghi chú"), blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("thời điểm đề nghị"), default=timezone.now)
    due_on = models.DateField(
        _("hạn bổ sung"),
        null=True,
        blank=True,
        help_text=_("Ngày cuối cùng chủ thể, xã nộp tài liệu này; để trống nếu không ấn định."),
    )
    transition = models.ForeignKey(
        Transition,
        verbose_name=_("kèm bước xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_requests",
    )
    fulfilled_at = models.DateTimeField(_("thời điểm bổ sung"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        DossierDocument,
        verbose_name=_("tài liệu bổ sung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfils",
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("đề nghị bổ sung hồ sơ")
        verbose_name_plural = pgettext_lazy("số nhiều", "đề nghị bổ sung hồ sơ")
        ordering = ["evaluation", "asked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fulfilled_at__isnull=True, fulfilled_by__isnull=True)
                | Q(fulfilled_at__isnull=False, fulfilled_by__isnull=False),
                name="document_request_fulfilled_by_a_document",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="document_request_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None
