from django.core.validators import EmailValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import policy
from core.access import AreaScopedQuerySet
from core.models import Illustrative, Tracked
from core.text import clean, fold
from core.versioning import Versioned

#: Enterprise tax codes (10 digits, or 13 with a branch suffix) and personal ID numbers
#: (12 digits), which households use as their tax code.
tax_code_validator = RegexValidator(
    r"^(\d{10}(-\d{3})?|\d{12})$",
    _("Mã số thuế gồm 10 chữ số (chi nhánh: 10 chữ số, gạch ngang, 3 chữ số) hoặc 12 chữ số."),
)
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 .]{7,14}$", _("Số điện thoại chỉ gồm chữ số, ví dụ 0292 3821 234.")
)

#: The longest introduction of a producer's public page.
INTRODUCTION_LENGTH = 1000


class ProducerQuerySet(AreaScopedQuerySet):
    area_path_lookup = "area__path"
    #: The producer itself.
    producer_lookup = ""

    def search(self, query: str) -> "ProducerQuerySet":
        """Case- and diacritic-insensitive search on the name and tax code."""
        for word in fold(query).split():
            self = self.filter(Q(search_name__contains=word) | Q(tax_code__contains=word))
        return self

    def in_province_of(self, area) -> "ProducerQuerySet":
        return self.filter(policy.under("area__path", area.containing_paths[0]))


class Producer(Versioned, Tracked, Illustrative):
    """A producer taking part in OCOP (chủ thể OCOP): an enterprise, cooperative or household."""

    class Kind(models.TextChoices):
        ENTERPRISE = "dn", _("Doanh nghiệp")
        COOPERATIVE = "htx", _("Hợp tác xã")
        COOPERATIVE_GROUP = "tht", _("Tổ hợp tác")
        HOUSEHOLD = "ho", _("Hộ sản xuất, hộ kinh doanh, cơ sở sản xuất")

    kind = models.CharField(_("loại hình"), max_length=5, choices=Kind.choices)
    name = models.CharField(_("tên chủ thể"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    tax_code = models.CharField(
        _("mã số thuế / số đăng ký kinh doanh"),
        max_length=14,
        blank=True,
        validators=[tax_code_validator],
    )
    legal_representative = models.CharField(
        _("người đại diện theo pháp luật"), max_length=150, blank=True
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="producers",
        help_text=_("Xã, phường (hoặc quận, huyện với hồ sơ trước 01/07/2025)."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(
        _("điện thoại"), max_length=20, blank=True, validators=[phone_validator]
    )
    phone_public = models.BooleanField(_("công khai điện thoại"), default=False)
    email = models.EmailField(_("email"), blank=True, validators=[EmailValidator()])
    email_public = models.BooleanField(_("công khai email"), default=False)
    website = models.URLField(_("website"), blank=True, validators=[URLValidator()])
    website_public = models.BooleanField(_("công khai website"), default=True)
    workers_total = models.PositiveIntegerField(_("tổng số lao động"), null=True, blank=True)
    workers_women = models.PositiveIntegerField(_("lao động nữ"), null=True, blank=True)
    workers_ethnic_minority = models.PositiveIntegerField(
        _("lao động dân tộc thiểu số"), null=True, blank=True
    )
    workers_local = models.PositiveIntegerField(_("lao động địa phương"), null=True, blank=True)
    introduction = models.TextField(
        _("giới thiệu chủ thể"),
        max_length=INTRODUCTION_LENGTH,
        blank=True,
        help_text=_(
            "Vài câu giới thiệu chủ thể trên trang công khai (chủ thể đề xuất, cán bộ xã duyệt)."
        ),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = ProducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = pgettext_lazy("số nhiều", "chủ thể OCOP")
        ordering = ["search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="producer_tax_code_unique_when_present",
                violation_error_message=_("Mã số thuế này đã được đăng ký cho chủ thể khác."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{part}__isnull": True})
                    | Q(workers_total__isnull=True)
                    | Q(**{f"{part}__lte": F("workers_total")}),
                    name=f"producer_{part}_within_total",
                    violation_error_message=_("Số lao động thành phần không được vượt tổng số."),
                )
                for part in ("workers_women", "workers_ethnic_minority", "workers_local")
            ],
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = clean(self.name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("subjects:detail", args=[self.pk])
