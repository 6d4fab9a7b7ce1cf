import calendar
import io
import json
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
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
from subjects.models import phone_validator

#: A certificate about to expire is flagged this many days ahead.
EXPIRING_WITHIN_DAYS = 90
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
#: The public page's limits: the story's length, a photo description's, the photos of a
#: gallery beside the main one.
STORY_LENGTH = 4000
ALT_TEXT_LENGTH = 200
GALLERY_MAX_PHOTOS = 8


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


def sector_key(name: str | None) -> str:
    """What makes the sectors of different classifications one: the name, case, diacritics
    and 26/2026/QĐ-TTg's "Sản phẩm …" aside ("Sản phẩm thực phẩm" of 26/2026, "Thực phẩm" of
    148 and of 1048 are one sector; 1048's "Thảo dược" stays its own)."""
    return fold(name or "").removeprefix("san pham ").strip()


def sector_of(category: str = "product__category") -> tuple[models.Case, models.Case]:
    """The sector a record's category lies in, as expressions for a query: the category
    itself, or its parent or grandparent for a group or a product set; its key and its name.
    ``category``: the lookup of the category from the record queried."""
    level, set_, group = (
        f"{category}__level",
        ProductCategory.Level.SET,
        ProductCategory.Level.GROUP,
    )
    key = models.Case(
        models.When(**{level: set_}, then=F(f"{category}__parent__parent_id")),
        models.When(**{level: group}, then=F(f"{category}__parent_id")),
        default=F(f"{category}_id"),
        output_field=models.IntegerField(),
    )
    name = models.Case(
        models.When(**{level: set_}, then=F(f"{category}__parent__parent__name")),
        models.When(**{level: group}, then=F(f"{category}__parent__name")),
        default=F(f"{category}__name"),
        output_field=models.CharField(),
    )
    return key, name


class ProductCategory(models.Model):
    """A sector, group or product set of a classification: Phụ lục I of 26/2026/QĐ-TTg today,
    148/QĐ-TTg (the same frame and codes) and 1048/QĐ-TTg for the records classified under
    them."""

    class Scheme(models.TextChoices):
        QD_26_2026 = "26/2026/QĐ-TTg", _("26/2026/QĐ-TTg (từ 22/05/2026)")
        QD_148 = "148/QĐ-TTg", _("148/QĐ-TTg (02/2023–05/2026)")
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
    ministry = models.CharField(
        _("cơ quan chủ trì quản lý"),
        max_length=255,
        blank=True,
        help_text=_("Bộ chủ trì quản lý theo danh mục phân loại (Phụ lục I 26/2026/QĐ-TTg)."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("tương ứng theo phân loại mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("Cùng bộ sản phẩm trong văn bản phân loại thay thế văn bản này."),
    )

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

    def same_sector(self) -> "models.QuerySet[ProductCategory]":
        """The sectors of every classification that are this one (``sector_key``)."""
        key = sector_key(self.name)
        sectors = ProductCategory.objects.filter(level=self.Level.SECTOR)
        return sectors.filter(pk__in=[s.pk for s in sectors if sector_key(s.name) == key])

    def in_scheme(self, scheme: str) -> "ProductCategory | None":
        """This category, or its counterpart in a later classification (148 → 26/2026)."""
        category, seen = self, set()
        while category is not None and category.scheme != scheme and category.pk not in seen:
            seen.add(category.pk)
            category = category.successor
        return category if category is not None and category.scheme == scheme else None


class ProductQuerySet(AreaScopedQuerySet):
    area_path_lookup = "producer__area__path"
    producer_lookup = "producer"

    def search(self, query: str) -> "ProductQuerySet":
        """Case- and diacritic-insensitive search on the product's and the producer's names."""
        for word in fold(query).split():
            self = self.filter(
                Q(search_name__contains=word) | Q(producer__search_name__contains=word)
            )
        return self

    def with_status(self, on: date | None = None) -> "ProductQuerySet":
        """Annotate the certificate valid on a day (stars, valid until, extended until) and the
        status then: a product whose certificate is past its expiry but kept valid while its
        late re-rating dossier is decided (``Certificate.extended_until``) is "re-rating"."""
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
            current_extended_until=Subquery(valid.values("extended_until")[:1]),
            latest_revoked_on=Subquery(latest.values("revoked_on")[:1]),
            has_certificate=Exists(latest),
        ).annotate(
            status=models.Case(
                models.When(
                    current_certificate_id__isnull=False,
                    current_valid_until__lt=on,
                    then=models.Value(Product.Status.RERATING),
                ),
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

    def with_revocations(self) -> "ProductQuerySet":
        """After ``with_status``: the ground of the decision that revoked the product's latest
        certificate (``revocation_ground``, None for one revoked before the portal kept
        revocations) and whether a revocation waits for its decision (``revocation_pending``)."""
        decided = Revocation.objects.filter(
            certificate__product=OuterRef("pk"),
            status=Revocation.Status.DECIDED,
            decision_date=OuterRef("latest_revoked_on"),
        ).order_by("-pk")
        pending = Revocation.objects.open().filter(certificate__product=OuterRef("pk"))
        return self.annotate(
            revocation_ground=Subquery(decided.values("ground")[:1]),
            revocation_pending=Exists(pending),
        )

    def certified_on(self, on: date) -> "ProductQuerySet":
        return self.filter(Exists(Certificate.objects.valid_on(on).filter(product=OuterRef("pk"))))


class Product(Versioned, Tracked, Illustrative):
    """A product of a producer, certified by its star certificates."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Đã đăng ký, chưa có chứng nhận")
        CERTIFIED = "certified", _("Đang có chứng nhận")
        EXPIRING = "expiring", _("Sắp hết hạn")
        #: Past its expiry, kept valid while its late re-rating dossier is decided.
        RERATING = "rerating", _("Đang đánh giá lại")
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
    # The public page (kept by the producer, published once its commune officer approves:
    # listings): the main photo's description, the product's story, and below, the gallery
    # (ProductPhoto) and the points of sale (PointOfSale).
    photo_alt = models.CharField(
        _("mô tả ảnh chính"),
        max_length=ALT_TEXT_LENGTH,
        blank=True,
        help_text=_("Câu ngắn tả ảnh cho người khiếm thị; để trống thì dùng tên sản phẩm."),
    )
    story = models.TextField(
        _("câu chuyện sản phẩm"),
        max_length=STORY_LENGTH,
        blank=True,
        help_text=_(
            "Nguồn gốc, con người, cách làm ra sản phẩm (một tiêu chí của phiếu đánh giá OCOP)."
        ),
    )

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


class PublicPartQuerySet(AreaScopedQuerySet):
    """What a product's public page is made of besides the product (photos, points of sale)."""

    area_path_lookup = "product__producer__area__path"
    producer_lookup = "product__producer"


class ProductPhoto(Tracked):
    """A photo of the product's public gallery, beside its main photo (``Product.photo``),
    with the description a screen reader reads."""

    product = models.ForeignKey(
        Product,
        verbose_name=_("sản phẩm"),
        on_delete=models.CASCADE,
        related_name="gallery",
    )
    photo = PhotoField(
        _("ảnh"),
        upload_to="products/%Y/",
        validators=[validate_photo],
        help_text=_("JPEG, PNG hoặc WebP, tối đa 5 MB."),
    )
    alt_text = models.CharField(
        _("mô tả ảnh"),
        max_length=ALT_TEXT_LENGTH,
        help_text=_("Câu ngắn tả ảnh cho người khiếm thị, ví dụ “Túi gạo 5 kg, mặt trước”."),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = PublicPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "ảnh sản phẩm")
        ordering = ["product", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(photo=""), name="product_photo_has_file"),
            models.CheckConstraint(condition=~Q(alt_text=""), name="product_photo_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.alt_text


class PointOfSale(Tracked):
    """Where the product is sold: a shop, a supermarket, an online shop (with its link), a
    tourist site…"""

    class Kind(models.TextChoices):
        SHOP = "shop", _("Cửa hàng")
        SUPERMARKET = "supermarket", _("Siêu thị")
        MARKET = "market", _("Chợ")
        OCOP_SHOWROOM = "showroom", _("Điểm giới thiệu và bán sản phẩm OCOP")
        TOURISM = "tourism", _("Điểm du lịch")
        ONLINE = "online", _("Sàn thương mại điện tử, cửa hàng trực tuyến")
        OTHER = "other", _("Khác")

    product = models.ForeignKey(
        Product,
        verbose_name=_("sản phẩm"),
        on_delete=models.CASCADE,
        related_name="points_of_sale",
    )
    kind = models.CharField(_("loại điểm bán"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên điểm bán"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    phone = models.CharField(
        _("điện thoại"), max_length=20, blank=True, validators=[phone_validator]
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = PublicPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm bán")
        verbose_name_plural = pgettext_lazy("số nhiều", "điểm bán")
        ordering = ["product", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="point_of_sale_has_name"),
            # An online shop is found by its link, any other place by its address.
            models.CheckConstraint(
                condition=~Q(kind="online") | ~Q(url=""),
                name="point_of_sale_online_has_link",
                violation_error_message=_("Sàn thương mại điện tử cần đường dẫn đến gian hàng."),
            ),
            models.CheckConstraint(
                condition=Q(kind="online") | ~Q(address=""),
                name="point_of_sale_place_has_address",
                violation_error_message=_("Điểm bán cần địa chỉ."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_online(self) -> bool:
        return self.kind == self.Kind.ONLINE


class GovernmentLevel(models.TextChoices):
    """Levels of government taking part in OCOP: who receives dossiers, who recognises."""

    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    CITY = "city", _("Cấp tỉnh")
    CENTRAL = "central", _("Trung ương")


class Process(models.TextChoices):
    """How a dossier moves under a legal basis."""

    #: 1048/781, 148, 1489: the local level enters the council's sheets and sends the result up.
    LOCAL_SCORING = "local_scoring", _("Cấp địa phương chấm điểm, cấp trên thẩm định")
    #: 26/2026 (Điều 7): the commune receives and pre-assesses four contents (Mẫu 03) and
    #: forwards; the province checks, its Tổ tư vấn reviews, its council scores, its Chairman
    #: decides 3★/4★; from 90 points the Ministry decides 5★.
    TWO_LEVEL = "two_level", _("Xã tiếp nhận, đánh giá sơ bộ; tỉnh thẩm định, chấm điểm")


class LegalBasisQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> "LegalBasisQuerySet":
        """The bases in force that day, the latest first (the one a new round applies)."""
        return self.filter(
            Q(in_force_from__lte=day), Q(in_force_until__isnull=True) | Q(in_force_until__gte=day)
        ).order_by("-in_force_from", "-pk")


class LegalBasis(models.Model):
    """A decision that sets how OCOP products are evaluated and recognised: its dates, the
    levels taking part and which of them recognises which stars (its star bands), how long a
    certificate lasts and what happens to the dossiers of the decisions it replaces.

    Loaded from data files (evaluations/data/legal_bases/*.json, ``load_criteria_sets``): a new
    decision is a new file, not a change to the code. A certificate names the basis it was
    issued under."""

    code = models.CharField(
        _("số hiệu"), max_length=20, unique=True, help_text=_("Ví dụ: 26/2026/QĐ-TTg.")
    )
    title = models.CharField(_("tên văn bản"), max_length=255)
    signed_on = models.DateField(_("ngày ký"))
    in_force_from = models.DateField(_("hiệu lực từ"))
    in_force_until = models.DateField(
        _("hiệu lực đến"),
        null=True,
        blank=True,
        help_text=_("Ngày cuối cùng văn bản còn hiệu lực; để trống nếu đang có hiệu lực."),
    )
    levels = models.JSONField(
        _("các cấp tham gia"),
        default=list,
        help_text=_("Các cấp chính quyền tham gia đánh giá, phân hạng theo văn bản này."),
    )
    local_level = models.CharField(
        _("cấp tiếp nhận hồ sơ"),
        max_length=10,
        choices=GovernmentLevel.choices,
        help_text=_("Cấp nhập phiếu chấm hoặc kiểm tra hồ sơ rồi gửi lên (huyện, hoặc xã)."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("hiệu lực giấy chứng nhận (tháng)"), validators=[MinValueValidator(1)]
    )
    central_proposal_score = models.DecimalField(
        _("điểm đề nghị Trung ương"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Từ điểm này, sản phẩm cấp tỉnh công nhận là tiềm năng 5 sao."),
    )
    classification = models.CharField(
        _("văn bản phân loại sản phẩm"),
        max_length=20,
        help_text=_("Danh mục bộ sản phẩm mà các phiếu chấm của văn bản này dùng."),
    )
    product_code_format = models.CharField(
        _("mẫu mã số sản phẩm"),
        max_length=60,
        blank=True,
        help_text=_(
            "Mã ghi trên phiếu đánh giá, ví dụ {province}-{commune}-{number:02d}-{year} cho "
            "(Mã tỉnh)-(Mã xã)-(STT)-(Năm); để trống nếu văn bản không quy định."
        ),
    )
    process = models.CharField(
        _("quy trình"), max_length=20, choices=Process.choices, default=Process.LOCAL_SCORING
    )
    registration_number_format = models.CharField(
        _("mẫu số phiếu đăng ký"),
        max_length=60,
        blank=True,
        help_text=_(
            "Số ghi trên phiếu đăng ký (Mẫu 01), ví dụ {number:02d}/PĐK-{province}-{commune}-"
            "{year}; để trống nếu văn bản không quy định."
        ),
    )
    local_review_working_days = models.PositiveSmallIntegerField(
        _("thời hạn cấp xã đánh giá sơ bộ (ngày làm việc)"),
        null=True,
        blank=True,
        help_text=_("Kể từ ngày tiếp nhận hồ sơ (26/2026/QĐ-TTg: 15 ngày làm việc)."),
    )
    replaces = models.ManyToManyField(
        "self",
        verbose_name=_("thay thế văn bản"),
        symmetrical=False,
        blank=True,
        related_name="replaced_by",
    )
    transition_days = models.PositiveSmallIntegerField(
        _("thời hạn hoàn thành hồ sơ chuyển tiếp (ngày)"),
        null=True,
        blank=True,
        help_text=_(
            "Hồ sơ nộp theo văn bản cũ trước ngày văn bản này có hiệu lực phải hoàn thành "
            "đánh giá trong số ngày này."
        ),
    )
    transition_rerating_days = models.PositiveSmallIntegerField(
        _("thời hạn hoàn thành hồ sơ đánh giá lại chuyển tiếp (ngày)"), null=True, blank=True
    )
    # Re-rating a certificate (26/2026/QĐ-TTg Điều 7.6, Điều 12.3), for the certificates
    # expiring while this basis is in force (products/rerating.py).
    rerating_opens_days = models.PositiveSmallIntegerField(
        _("nộp hồ sơ đánh giá lại không sớm hơn (ngày trước khi hết hạn)"),
        null=True,
        blank=True,
        help_text=_("26/2026/QĐ-TTg: 180 ngày tính đến ngày hết thời hạn giấy chứng nhận."),
    )
    rerating_closes_days = models.PositiveSmallIntegerField(
        _("nộp hồ sơ đánh giá lại không muộn hơn (ngày trước khi hết hạn)"),
        null=True,
        blank=True,
        help_text=_("26/2026/QĐ-TTg: 120 ngày tính đến ngày hết thời hạn giấy chứng nhận."),
    )
    late_rerating_grace_days = models.PositiveSmallIntegerField(
        _("giấy chứng nhận kéo dài tối đa khi nộp hồ sơ đánh giá lại muộn (ngày)"),
        null=True,
        blank=True,
        help_text=_(
            "Hồ sơ nộp sau thời hạn nhưng trước ngày hết hạn: giấy chứng nhận giữ hiệu lực đến "
            "khi có kết quả, không quá số ngày này từ ngày hết hạn (26/2026/QĐ-TTg: 180)."
        ),
    )
    rerating_decision_days = models.PositiveSmallIntegerField(
        _("thời hạn quyết định đánh giá lại (ngày)"),
        null=True,
        blank=True,
        help_text=_("Kể từ ngày nhận đủ hồ sơ (26/2026/QĐ-TTg: 45 ngày)."),
    )
    source = models.TextField(_("nguồn văn bản"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Indexed: the "data as of" time of every page is the latest of these.
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True, db_index=True)

    objects = LegalBasisQuerySet.as_manager()

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = pgettext_lazy("số nhiều", "căn cứ pháp lý")
        ordering = ["in_force_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_until__gte=F("in_force_from")),
                name="legal_basis_in_force_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__gte=F("signed_on")),
                name="legal_basis_in_force_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(central_proposal_score__gte=0, central_proposal_score__lte=100),
                name="legal_basis_central_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(certificate_validity_months__gte=1),
                name="legal_basis_validity_positive",
            ),
            # A window, when there is one, opens before it closes.
            models.CheckConstraint(
                condition=Q(rerating_opens_days__isnull=True, rerating_closes_days__isnull=True)
                | Q(rerating_closes_days__lt=F("rerating_opens_days")),
                name="legal_basis_rerating_window_opens_before_it_closes",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        errors = {}
        if self.in_force_until and self.in_force_from and self.in_force_until < self.in_force_from:
            errors["in_force_until"] = _("Ngày hết hiệu lực phải sau ngày có hiệu lực.")
        if self.in_force_from and self.signed_on and self.in_force_from < self.signed_on:
            errors["in_force_from"] = _("Văn bản không có hiệu lực trước ngày ký.")
        levels = self.levels if isinstance(self.levels, list) else None
        if levels is None or not set(levels) <= set(GovernmentLevel.values):
            errors["levels"] = _("Các cấp phải là: %(levels)s.") % {
                "levels": ", ".join(GovernmentLevel.values)
            }
        elif self.local_level and self.local_level not in levels:
            errors["local_level"] = _("Cấp tiếp nhận hồ sơ phải là một trong các cấp tham gia.")
        if self.registration_number_format:
            try:
                self.registration_number_format.format(
                    province="92", commune="31117", number=1, year=2026
                )
            except (KeyError, IndexError, ValueError):
                errors["registration_number_format"] = _(
                    "Mẫu số chỉ dùng {province}, {commune}, {number} và {year}."
                )
        opens, closes = self.rerating_opens_days, self.rerating_closes_days
        if (opens is None) != (closes is None):
            errors["rerating_closes_days"] = _(
                "Thời hạn nộp hồ sơ đánh giá lại cần cả ngày mở và ngày đóng."
            )
        elif opens is not None and closes >= opens:
            errors["rerating_closes_days"] = _(
                "Thời hạn nộp hồ sơ đánh giá lại phải mở trước khi đóng (số ngày lớn hơn)."
            )
        if self.product_code_format:
            try:
                self.product_code_format.format(province="92", commune="31117", number=1, year=2026)
            except (KeyError, IndexError, ValueError):
                errors["product_code_format"] = _(
                    "Mẫu mã chỉ dùng {province}, {commune}, {number} và {year}."
                )
        if errors:
            raise ValidationError(errors)

    def is_in_force(self, day: date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )

    # --- Stars: which band a score falls in, who recognises it ------------------------------

    @cached_property
    def bands(self) -> list["StarBand"]:
        """The star bands, highest first (one query, then kept on the instance)."""
        return sorted(self.star_bands.all(), key=lambda band: -band.stars)

    def recognising_level(self, stars: int) -> str | None:
        """The level that recognises this many stars, or None when they are not certified."""
        for band in self.bands:
            if band.stars == stars:
                return band.recognised_by or None
        return None

    def certifiable_stars(self, stars: int) -> int | None:
        """The most stars below the central council's that a local level recognises for a
        product rated `stars`: a 5★ product is recognised 4★ by the province and proposed to
        the central council."""
        local = [
            band.stars
            for band in self.bands
            if band.recognised_by
            and band.recognised_by != GovernmentLevel.CENTRAL
            and band.stars <= stars
        ]
        return max(local, default=None)

    @property
    def lowest_certified_stars(self) -> int:
        return min((band.stars for band in self.bands if band.recognised_by), default=3)

    def transition_for(self, kind: str) -> "tuple[LegalBasis, date] | None":
        """The decision that replaced this one and the last day a dossier filed under this one
        before it took effect may still be completed under this one (26/2026/QĐ-TTg Điều 12:
        60 days, re-rating 30), or None."""
        for newer in sorted(self.replaced_by.all(), key=lambda basis: basis.in_force_from):
            days = newer.transition_days
            if kind == Certificate.Kind.RENEWAL and newer.transition_rerating_days:
                days = newer.transition_rerating_days
            if days:
                return newer, newer.in_force_from + timedelta(days=days)
        return None

    @property
    def is_two_level(self) -> bool:
        return self.process == Process.TWO_LEVEL

    def registration_number(self, *, province: str, commune: str, number: int, year: int) -> str:
        if not self.registration_number_format:
            return ""
        return self.registration_number_format.format(
            province=province, commune=commune, number=number, year=year
        )

    def product_code(self, *, province: str, commune: str, number: int, year: int) -> str:
        if not self.product_code_format:
            return ""
        return self.product_code_format.format(
            province=province, commune=commune, number=number, year=year
        )


class StarBand(models.Model):
    """Average scores from `min_score` up earn `stars`, recognised by the level named."""

    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.CASCADE, related_name="star_bands")
    stars = models.PositiveSmallIntegerField(
        _("số sao"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    min_score = models.DecimalField(
        _("điểm tối thiểu"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    recognised_by = models.CharField(
        _("cấp công nhận"),
        max_length=10,
        choices=GovernmentLevel.choices,
        blank=True,
        help_text=_("Để trống nếu hạng này không được cấp giấy chứng nhận."),
    )

    class Meta:
        verbose_name = _("hạng sao")
        verbose_name_plural = pgettext_lazy("số nhiều", "hạng sao")
        ordering = ["legal_basis", "-stars"]
        constraints = [
            models.UniqueConstraint(
                fields=["legal_basis", "stars"], name="legal_basis_one_band_per_stars"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="legal_basis_band_stars_1_5"
            ),
            models.CheckConstraint(
                condition=Q(min_score__gte=0, min_score__lte=100),
                name="legal_basis_band_score_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_score}"


def valid_on_q(on: date, prefix: str = "") -> Q:
    """The condition of a certificate valid on the day, for a filter or a conditional
    aggregate (``prefix`` reaches it through a relation): decided on or before the day, not
    revoked by then, and not yet expired — or past its expiry but kept valid while a late
    re-rating dossier is decided (``extended_until``, 26/2026/QĐ-TTg Điều 12.3)."""
    return (
        (Q(**{f"{prefix}valid_until__gte": on}) | Q(**{f"{prefix}extended_until__gte": on}))
        & Q(**{f"{prefix}decision_date__lte": on})
        & ~Q(**{f"{prefix}revoked_on__lte": on})
    )


def valid_span(
    *, decided: date, until: date, extended: date | None, revoked: date | None
) -> tuple[date, date]:
    """``valid_on_q`` for a certificate's dates read as values (counted in Python): the first
    and the last day it is valid — valid on a day when ``first <= day <= last`` (none when
    the last comes before the first: revoked on its decision's day)."""
    last = max(until, extended) if extended is not None else until
    if revoked is not None:
        last = min(last, revoked - timedelta(days=1))
    return decided, last


class CertificateQuerySet(AreaScopedQuerySet):
    area_path_lookup = "product__producer__area__path"
    producer_lookup = "product__producer"

    def valid_on(self, on: date) -> "CertificateQuerySet":
        """Certificates valid on the day (``valid_on_q``)."""
        return self.filter(valid_on_q(on))

    def expiring_within(self, days: int, on: date | None = None) -> "CertificateQuerySet":
        """Valid on the day and reaching their expiry within ``days`` days (not those already
        past it and kept valid by an extension)."""
        on = on or timezone.localdate()
        return self.valid_on(on).filter(
            valid_until__gte=on, valid_until__lte=on + timedelta(days=days)
        )

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
            .filter(
                level=Certificate.Level.CITY,
                stars=4,
                score__gte=F("legal_basis__central_proposal_score"),
            )
            .exclude(Exists(decided_since))
        )


class Certificate(Tracked):
    """A star certificate: the recognition decision for one product, valid for the months its
    legal basis sets (36 under every decision so far)."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("Cấp huyện")
        CITY = "city", _("Cấp tỉnh")
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
    legal_basis = models.ForeignKey(
        LegalBasis,
        verbose_name=_("căn cứ"),
        to_field="code",
        db_column="legal_basis",
        on_delete=models.PROTECT,
        related_name="certificates",
    )
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
    #: Set by the evaluation services, never by hand: a re-rating dossier filed after the
    #: window closed but by the expiry day keeps the certificate valid until the result, at
    #: most the basis's grace days past expiry (26/2026/QĐ-TTg Điều 12.3); the decision ends it.
    extended_until = models.DateField(
        _("gia hạn hiệu lực đến"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Hồ sơ đánh giá lại nộp muộn: giữ hiệu lực đến khi có kết quả."),
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
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True)
                | Q(extended_until__gt=models.F("valid_until")),
                name="certificate_extended_after_expiry",
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
        months = self.legal_basis.certificate_validity_months
        return add_months(self.decision_date, months) - timedelta(days=1)

    @property
    def valid_through(self) -> date:
        """The last day the certificate is valid: its expiry, or the end of its extension."""
        return self.extended_until or self.valid_until

    def is_valid_on(self, on: date) -> bool:
        return self.decision_date <= on <= self.valid_through and not (
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
            and self.score >= self.legal_basis.central_proposal_score
        )


class SentNotice(models.Model):
    """A notice about a certificate that went out to one address: written *before* the message
    is sent, so that two runs of a job that overlap (a slow run and the next one, or cron on two
    servers) cannot both send it — the second one's insert meets the unique constraint. Removed
    again if sending fails, so the next run tries that address again."""

    class Kind(models.TextChoices):
        EXPIRY = "expiry", _("Báo giấy chứng nhận sắp hết hạn")
        REVOCATION = "revocation", _("Báo quyết định thu hồi giấy chứng nhận")
        RERATING_OPEN = "rerating_open", _("Báo đến thời hạn nộp hồ sơ đánh giá lại")
        RERATING_CLOSING = "rerating_closing", _("Báo sắp hết thời hạn nộp hồ sơ đánh giá lại")

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


#: The grounds of Điều 8 khoản 1 (26/2026/QĐ-TTg) in the law's words, the deadline and who
#: decides, as data.
REVOCATION_RULES = json.loads(
    (Path(__file__).resolve().parent / "data" / "revocation_grounds.json").read_text("utf-8")
)


def late_revocation_q(today: date) -> Q:
    """The condition of a late revocation, for a filter or a conditional aggregate: decided
    after the deadline (the 15th day from the conclusion), or still waiting once it has
    passed."""
    days = timedelta(days=REVOCATION_RULES["deadline_days"])
    return Q(status=Revocation.Status.PROPOSED, concluded_on__lt=today - days) | Q(
        status=Revocation.Status.DECIDED, decision_date__gt=F("concluded_on") + days
    )


class RevocationQuerySet(AreaScopedQuerySet):
    area_path_lookup = "certificate__product__producer__area__path"

    def open(self) -> "RevocationQuerySet":
        return self.filter(status=Revocation.Status.PROPOSED)

    def late(self, today: date | None = None) -> "RevocationQuerySet":
        """Those ``Revocation.is_late`` says are late (``late_revocation_q``)."""
        return self.filter(late_revocation_q(today or timezone.localdate()))

    def in_year(self, year: int) -> "RevocationQuerySet":
        """The year a revocation counts in: its decision's, or while there is none (waiting,
        dropped) its conclusion's."""
        return self.filter(
            Q(decision_date__year=year) | Q(decision_date__isnull=True, concluded_on__year=year)
        )


class Revocation(Versioned, Tracked):
    """The withdrawal of a certificate (Điều 8): proposed by the OCOP office on one of the six
    grounds after an authority's conclusion, decided within 15 days of that conclusion by the
    provincial Chairman (3★, 4★) or the Minister (5★, the portal records the Ministry's decision).
    The decision writes ``Certificate.revoked_on``, which every list and page reads."""

    class Ground(models.TextChoices):
        # The labels are the law's letters and a short title; the full text is data
        # (``REVOCATION_RULES``, shown on the pages), so that a reader sees what the law says.
        A = "a", _("a) Thông tin, tài liệu không trung thực hoặc giả mạo hồ sơ")
        B = "b", _("b) Không còn đáp ứng tiêu chí theo kết luận kiểm tra, giám sát")
        C = (
            "c",
            _(
                "c) Vi phạm pháp luật về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí "
                "tuệ, ghi nhãn"
            ),
        )
        D = "d", _("d) Sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn")
        DD = "dd", _("đ) Không còn hoạt động sản xuất sản phẩm OCOP")
        E = "e", _("e) Trường hợp khác theo kết luận của cơ quan có thẩm quyền")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đã đề nghị, chờ quyết định")
        DECIDED = "decided", _("Đã quyết định thu hồi")
        DROPPED = "dropped", _("Không thu hồi")

    class Authority(models.TextChoices):
        PROVINCE = "province", _("Chủ tịch UBND cấp tỉnh")
        MINISTRY = "ministry", _("Bộ trưởng Bộ Nông nghiệp và Môi trường")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("giấy chứng nhận"),
        on_delete=models.PROTECT,
        related_name="revocations",
    )
    ground = models.CharField(_("căn cứ thu hồi"), max_length=4, choices=Ground.choices)
    concluded_on = models.DateField(
        _("ngày có kết luận"),
        help_text=_(
            "Ngày có kết luận của cơ quan có thẩm quyền, hoặc xác nhận của UBND cấp xã về việc "
            "chủ thể không còn sản xuất: thời hạn thu hồi là 15 ngày kể từ ngày này."
        ),
    )
    concluded_by = models.CharField(_("cơ quan kết luận"), max_length=255)
    findings = models.TextField(_("nội dung kết luận, vi phạm"))
    authority = models.CharField(
        _("thẩm quyền quyết định"), max_length=10, choices=Authority.choices, editable=False
    )
    proposed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decision_number = models.CharField(_("số quyết định thu hồi"), max_length=40, blank=True)
    decision_date = models.DateField(_("ngày quyết định thu hồi"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người ghi quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.TextField(_("ghi chú kết thúc"), blank=True)

    objects = RevocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thu hồi giấy chứng nhận")
        verbose_name_plural = pgettext_lazy("số nhiều", "thu hồi giấy chứng nhận")
        ordering = ["-concluded_on", "-pk"]
        constraints = [
            # One revocation under way or done per certificate; a dropped proposal may be
            # followed by another.
            models.UniqueConstraint(
                fields=["certificate"],
                condition=~Q(status="dropped"),
                name="revocation_one_live_per_certificate",
                violation_error_message=_(
                    "Giấy chứng nhận này đã có đề nghị hoặc quyết định thu hồi."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="decided")
                | (Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="revocation_decided_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True)
                | Q(decision_date__gte=models.F("concluded_on")),
                name="revocation_decided_after_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} — {self.get_ground_display()}"

    def get_absolute_url(self) -> str:
        return reverse("products:revocation", args=[self.pk])

    @property
    def deadline(self) -> date:
        """The last day of the 15 days from the conclusion (Điều 8 khoản 4)."""
        return self.concluded_on + timedelta(days=REVOCATION_RULES["deadline_days"])

    def is_late(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status == self.Status.DECIDED:
            return self.decision_date > self.deadline
        return self.status == self.Status.PROPOSED and today > self.deadline

    @staticmethod
    def authority_for(certificate: Certificate) -> str:
        """Who decides (Điều 8 khoản 2): the Minister for 5★, the provincial Chairman below."""
        if certificate.stars >= REVOCATION_RULES["ministry_decides_from_stars"]:
            return Revocation.Authority.MINISTRY
        return Revocation.Authority.PROVINCE

    @property
    def ground_text(self) -> str:
        return next(g["text"] for g in REVOCATION_RULES["grounds"] if g["code"] == self.ground)

    @property
    def ground_letter(self) -> str:
        """The ground's letter in the law ("d", "đ")."""
        return ground_parts(self.ground)[0]

    @property
    def ground_title(self) -> str:
        """The ground's short title, without its letter."""
        return ground_parts(self.ground)[1]

    @property
    def ground_reference(self) -> str:
        return ground_reference(self.ground)

    def days_left(self, today: date | None = None) -> int:
        """Days from today to the deadline (negative once it has passed)."""
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PROPOSED


def ground_parts(code: str) -> tuple[str, str]:
    """(letter, short title) of a ground of Điều 8 khoản 1, from its label "d) …"."""
    letter, _sep, title = str(Revocation.Ground(code).label).partition(") ")
    return letter, title


def ground_reference(code: str) -> str:
    """ "điểm d khoản 1 Điều 8: Sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn"."""
    letter, title = ground_parts(code)
    return str(_("điểm %(letter)s khoản 1 Điều 8: %(title)s") % {"letter": letter, "title": title})
