import calendar
import io
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.access import AreaScopedQuerySet
from core.images import PhotoField, check_pixels
from core.models import Illustrative, Tracked
from core.text import clean, fold
from core.versioning import Versioned

#: A certificate about to expire is flagged this many days ahead.
EXPIRING_WITHIN_DAYS = 90
#: Scored this much or more by the city: a potential 5★ product awaiting the central council.
POTENTIAL_FIVE_STAR_SCORE = 90
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month where that day does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_photo(photo) -> None:
    """JPEG, PNG or WebP up to 5 MB and PHOTO_MAX_PIXELS pixels, judged by the file's content,
    never by its name."""
    from PIL import Image, UnidentifiedImageError

    if photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("Ảnh quá lớn: tối đa 5 MB."), code="photo_too_large")
    check_pixels(photo)
    position = photo.tell() if hasattr(photo, "tell") else 0
    try:
        photo.seek(0)
        with Image.open(io.BytesIO(photo.read())) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("Tệp tải lên không phải là ảnh JPEG, PNG hoặc WebP hợp lệ."), code="not_an_image"
        ) from error
    finally:
        photo.seek(position)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("Chỉ nhận ảnh JPEG, PNG hoặc WebP (tệp này là %(format)s).")
            % {"format": image_format},
            code="photo_format",
        )


class ProductCategory(models.Model):
    """A sector, group or product set of a classification (148/QĐ-TTg, or 1048 for old records)."""

    class Scheme(models.TextChoices):
        QD_148 = "148/QĐ-TTg", _("148/QĐ-TTg (từ 24/02/2023)")
        QD_1048 = "1048/QĐ-TTg", _("1048/QĐ-TTg (2019–2023)")

    class Level(models.IntegerChoices):
        SECTOR = 1, _("Ngành")
        GROUP = 2, _("Nhóm")
        SET = 3, _("Bộ sản phẩm")

    scheme = models.CharField(_("văn bản phân loại"), max_length=20, choices=Scheme.choices)
    code = models.CharField(_("mã"), max_length=12)
    name = models.CharField(_("tên"), max_length=255)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_leaf = models.BooleanField(_("chọn được cho sản phẩm"), default=True, editable=False)

    class Meta:
        verbose_name = _("phân loại sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "phân loại sản phẩm")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="category_code_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def sector_code(self) -> str:
        return self.code.split(".")[0]


class ProductQuerySet(AreaScopedQuerySet):
    area_path_lookup = "producer__area__path"

    def search(self, query: str) -> "ProductQuerySet":
        """Case- and diacritic-insensitive search on the product's and the producer's names."""
        for word in fold(query).split():
            self = self.filter(
                Q(search_name__contains=word) | Q(producer__search_name__contains=word)
            )
        return self

    def with_status(self, on: date | None = None) -> "ProductQuerySet":
        """Annotate the certificate valid on a day (stars, valid until) and the status then."""
        on = on or timezone.localdate()
        valid = Certificate.objects.valid_on(on).filter(product=OuterRef("pk"))
        valid = valid.order_by("-decision_date", "-pk")
        latest = Certificate.objects.filter(product=OuterRef("pk"), decision_date__lte=on).order_by(
            "-decision_date", "-pk"
        )
        return self.annotate(
            current_certificate_id=Subquery(valid.values("pk")[:1]),
            current_stars=Subquery(valid.values("stars")[:1]),
            current_valid_until=Subquery(valid.values("valid_until")[:1]),
            latest_revoked_on=Subquery(latest.values("revoked_on")[:1]),
            has_certificate=Exists(latest),
        ).annotate(
            status=models.Case(
                models.When(
                    current_certificate_id__isnull=False,
                    current_valid_until__lte=on + timedelta(days=EXPIRING_WITHIN_DAYS),
                    then=models.Value(Product.Status.EXPIRING),
                ),
                models.When(
                    current_certificate_id__isnull=False,
                    then=models.Value(Product.Status.CERTIFIED),
                ),
                models.When(latest_revoked_on__lte=on, then=models.Value(Product.Status.REVOKED)),
                models.When(has_certificate=True, then=models.Value(Product.Status.EXPIRED)),
                default=models.Value(Product.Status.REGISTERED),
                output_field=models.CharField(),
            )
        )

    def certified_on(self, on: date) -> "ProductQuerySet":
        return self.filter(Exists(Certificate.objects.valid_on(on).filter(product=OuterRef("pk"))))


class Product(Versioned, Tracked, Illustrative):
    """A product of a producer, certified by its star certificates."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Đã đăng ký, chưa có chứng nhận")
        CERTIFIED = "certified", _("Đang có chứng nhận")
        EXPIRING = "expiring", _("Sắp hết hạn")
        EXPIRED = "expired", _("Đã hết hạn")
        REVOKED = "revoked", _("Đã thu hồi")

    producer = models.ForeignKey(
        "subjects.Producer",
        verbose_name=_("chủ thể"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("bộ sản phẩm"),
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"is_leaf": True},
    )
    description = models.TextField(_("mô tả"), blank=True)
    photo = PhotoField(
        _("ảnh sản phẩm"),
        upload_to="products/%Y/",
        blank=True,
        validators=[validate_photo],
        help_text=_("JPEG, PNG hoặc WebP, tối đa 5 MB."),
    )
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("sản phẩm OCOP")
        verbose_name_plural = pgettext_lazy("số nhiều", "sản phẩm OCOP")
        ordering = ["search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "search_name"],
                name="product_name_unique_per_producer",
                violation_error_message=_("Chủ thể này đã có một sản phẩm cùng tên."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = clean(self.name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("products:detail", args=[self.pk])

    def certificate_on(self, on: date | None = None) -> "Certificate | None":
        on = on or timezone.localdate()
        return self.certificates.valid_on(on).order_by("-decision_date", "-pk").first()


class CertificateQuerySet(AreaScopedQuerySet):
    area_path_lookup = "product__producer__area__path"

    def valid_on(self, on: date) -> "CertificateQuerySet":
        """Decided on or before the day, not yet expired, not revoked by then."""
        return self.filter(decision_date__lte=on, valid_until__gte=on).exclude(revoked_on__lte=on)

    def expiring_within(self, days: int, on: date | None = None) -> "CertificateQuerySet":
        on = on or timezone.localdate()
        return self.valid_on(on).filter(valid_until__lte=on + timedelta(days=days))

    def not_renewed(self) -> "CertificateQuerySet":
        """Leave out certificates whose product already has a later decision (a renewal or an
        upgrade): the product has been re-evaluated, nothing is left to do about them."""
        later = Certificate.objects.filter(
            product=OuterRef("product"), decision_date__gt=OuterRef("decision_date")
        )
        return self.exclude(Exists(later))

    def expired_not_renewed(self, on: date | None = None) -> "CertificateQuerySet":
        """Expired certificates whose product has no certificate valid today."""
        on = on or timezone.localdate()
        renewed = Certificate.objects.valid_on(on).filter(product=OuterRef("product"))
        expired = self.filter(valid_until__lt=on, revoked_on__isnull=True).exclude(Exists(renewed))
        return expired.not_renewed()

    def potential_five_star(self, on: date) -> "CertificateQuerySet":
        """City 4★ scored 90 or more, not yet followed by the central decision."""
        decided_since = Certificate.objects.filter(
            product=OuterRef("product"),
            decision_date__gt=OuterRef("decision_date"),
            decision_date__lte=on,
        )
        return (
            self.valid_on(on)
            .filter(level=Certificate.Level.CITY, stars=4, score__gte=POTENTIAL_FIVE_STAR_SCORE)
            .exclude(Exists(decided_since))
        )


class Certificate(Tracked):
    """A star certificate: the recognition decision for one product, valid 36 months."""

    class LegalBasis(models.TextChoices):
        QD_1048 = "1048/QĐ-TTg", _("1048/QĐ-TTg và 781/QĐ-TTg (2019–2023)")
        QD_148 = "148/QĐ-TTg", _("148/QĐ-TTg (02/2023–07/2025)")
        QD_1489 = "1489/QĐ-TTg", _("148/QĐ-TTg theo phân cấp 1489/QĐ-TTg (từ 07/2025)")

    #: Months a certificate is valid, by legal basis.
    VALIDITY_MONTHS = {LegalBasis.QD_1048: 36, LegalBasis.QD_148: 36, LegalBasis.QD_1489: 36}

    class Level(models.TextChoices):
        DISTRICT = "district", _("Cấp huyện")
        CITY = "city", _("Cấp tỉnh, thành phố")
        CENTRAL = "central", _("Trung ương")

    class Kind(models.TextChoices):
        NEW = "new", _("Công nhận mới")
        RENEWAL = "renewal", _("Công nhận lại")
        UPGRADE = "upgrade", _("Nâng hạng")

    product = models.ForeignKey(
        Product, verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="certificates"
    )
    stars = models.PositiveSmallIntegerField(
        _("số sao"),
        choices=[(3, _("3 sao")), (4, _("4 sao")), (5, _("5 sao"))],
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    score = models.DecimalField(
        _("điểm"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=20, choices=LegalBasis.choices)
    level = models.CharField(_("cấp công nhận"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    decision_number = models.CharField(_("số quyết định"), max_length=40)
    decision_date = models.DateField(_("ngày quyết định"))
    valid_until = models.DateField(_("hiệu lực đến"), editable=False)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("địa bàn khi công nhận"),
        on_delete=models.PROTECT,
        related_name="certificates",
        help_text=_("Quận, huyện hoặc xã, phường của chủ thể tại thời điểm quyết định."),
    )
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    expiry_notice_sent_at = models.DateTimeField(
        _("đã báo sắp hết hạn lúc"), null=True, blank=True, editable=False
    )
    # Indexed: the "data as of" time of every page is the latest of these.

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy chứng nhận OCOP")
        verbose_name_plural = pgettext_lazy("số nhiều", "giấy chứng nhận OCOP")
        ordering = ["-decision_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=3, stars__lte=5), name="certificate_stars_3_to_5"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="certificate_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("decision_date")),
                name="certificate_valid_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("decision_date")),
                name="certificate_revoked_after_decision",
            ),
            models.UniqueConstraint(
                fields=["product", "decision_number", "decision_date"],
                name="certificate_one_per_decision_line",
                violation_error_message=_("Sản phẩm này đã có chứng nhận theo quyết định này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.stars}★ ({self.decision_number})"

    def save(self, *args, **kwargs) -> None:
        self.valid_until = self.compute_valid_until()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.decision_date and self.decision_date > timezone.localdate():
            errors["decision_date"] = _("Ngày quyết định không được ở tương lai.")
        if self.revoked_on:
            if not self.revoked_reason.strip():
                errors["revoked_reason"] = _("Hãy ghi lý do thu hồi.")
            if self.decision_date and self.revoked_on < self.decision_date:
                errors["revoked_on"] = _("Ngày thu hồi phải sau ngày quyết định công nhận.")
            if self.revoked_on > timezone.localdate():
                errors["revoked_on"] = _("Ngày thu hồi không được ở tương lai.")
        if errors:
            raise ValidationError(errors)

    def compute_valid_until(self) -> date:
        """Decision date + the validity of its legal basis (36 months), the last day included."""
        months = self.VALIDITY_MONTHS[self.LegalBasis(self.legal_basis)]
        return add_months(self.decision_date, months) - timedelta(days=1)

    def is_valid_on(self, on: date) -> bool:
        return self.decision_date <= on <= self.valid_until and not (
            self.revoked_on and self.revoked_on <= on
        )

    @property
    def level_name(self) -> str:
        """The level as its province says it: "Cấp tỉnh" in An Giang, "Cấp thành phố" in Cần
        Thơ (the choice's own label, "Cấp tỉnh, thành phố", names both)."""
        if self.level == self.Level.CITY:
            return capfirst(self.area.province_words.level)
        return self.get_level_display()

    @property
    def is_potential_five_star(self) -> bool:
        return (
            self.level == self.Level.CITY
            and self.stars == 4
            and self.score is not None
            and self.score >= POTENTIAL_FIVE_STAR_SCORE
        )


class SentNotice(models.Model):
    """A notice about a certificate that went out to one address: written *before* the message
    is sent, so that two runs of a job that overlap (a slow run and the next one, or cron on two
    servers) cannot both send it — the second one's insert meets the unique constraint. Removed
    again if sending fails, so the next run tries that address again."""

    class Kind(models.TextChoices):
        EXPIRY = "expiry", _("Báo giấy chứng nhận sắp hết hạn")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("giấy chứng nhận"),
        on_delete=models.CASCADE,
        related_name="sent_notices",
    )
    kind = models.CharField(_("loại thông báo"), max_length=20, choices=Kind.choices)
    #: Lower case: an address differing in case only is the same mailbox.
    recipient = models.CharField(_("người nhận"), max_length=254)
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("thông báo đã gửi")
        verbose_name_plural = pgettext_lazy("số nhiều", "thông báo đã gửi")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind", "recipient"], name="sent_notice_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.certificate} → {self.recipient}"
