"""The producer's public page: what its account proposes to change, reviewed by its commune.

A producer's account (``accounts.User.producer``) keeps what the public catalogue shows of it
and of its products: its public contacts and introduction (``subjects.Producer``), each
product's story, photos and points of sale (``products.Product``, ``ProductPhoto``,
``PointOfSale``). It never writes them: it proposes a change (``PageChange``: the fields and
their new values, as data, and the new photos, ``StagedPhoto``, stored privately), and the
local officer whose areas cover the producer approves it — which writes the published records
in one transaction — or rejects it with a note. Nothing is public before it is approved.

One proposal waits at a time for the producer's own details and for each product (a partial
unique constraint): a second one is refused, saying so; the producer withdraws the first to
send another. Who may do what is the policy's (``page.propose``, ``page.withdraw``,
``page.review``); the writes are ``listings.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import uploads
from core.access import AreaScopedQuerySet
from core.models import AttachedFile, Tracked, attached_file_constraints
from core.versioning import Versioned

#: The producer's fields its page changes, in the order the pages show them.
PRODUCER_FIELDS = (
    "introduction",
    "phone",
    "phone_public",
    "email",
    "email_public",
    "website",
    "website_public",
)
#: A product's fields its page changes (besides its photos and points of sale).
PRODUCT_FIELDS = ("story", "photo_alt")
#: The keys of a product's change that are not fields: the whole new list of points of sale,
#: the photos removed ("main" or a gallery photo's id) and the photo made the main one
#: ("photo:<id>" of the gallery, "staged:<id>" of the proposal's new photos).
POINTS_OF_SALE, REMOVE_PHOTOS, MAIN_PHOTO = "points_of_sale", "remove_photos", "main_photo"
#: The fields of a point of sale, as a change holds each.
POINT_FIELDS = ("kind", "name", "address", "url", "phone")


class PageChangeQuerySet(AreaScopedQuerySet):
    area_path_lookup = "producer__area__path"
    producer_lookup = "producer"

    def pending(self) -> "PageChangeQuerySet":
        return self.filter(status=PageChange.Status.PENDING)

    def for_lists(self) -> "PageChangeQuerySet":
        return self.select_related("producer__area", "product", "proposed_by", "reviewed_by")


class PageChange(Versioned, Tracked):
    """A change of a producer's public page proposed by its account: of the producer's own
    details (``product`` empty) or of one of its products."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ cán bộ xã duyệt")
        APPROVED = "approved", _("Đã duyệt, đã công khai")
        REJECTED = "rejected", _("Không được duyệt")
        WITHDRAWN = "withdrawn", _("Chủ thể đã rút")

    DECIDED = (Status.APPROVED, Status.REJECTED)

    producer = models.ForeignKey(
        "subjects.Producer",
        verbose_name=_("chủ thể"),
        on_delete=models.PROTECT,
        related_name="page_changes",
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="page_changes",
        help_text=_("Để trống: đề xuất sửa thông tin của chủ thể."),
    )
    changes = models.JSONField(
        _("nội dung thay đổi"),
        default=dict,
        help_text=_("Trường → giá trị mới; ảnh mới nằm trong các ảnh chờ duyệt của đề xuất."),
    )
    before = models.JSONField(
        _("giá trị đang công khai khi đề xuất"),
        default=dict,
        help_text=_("Giá trị cũ của các trường được đề xuất sửa, lúc gửi đề xuất."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề xuất"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"), default=timezone.now)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    note = models.TextField(_("ý kiến của cán bộ"), blank=True)
    withdrawn_at = models.DateTimeField(_("rút lúc"), null=True, blank=True)

    objects = PageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề xuất sửa trang công khai")
        verbose_name_plural = pgettext_lazy("số nhiều", "đề xuất sửa trang công khai")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "proposed_at"])]
        constraints = [
            # One proposal waits at a time for the producer's details, and for each product.
            models.UniqueConstraint(
                fields=["producer"],
                condition=Q(status="pending", product__isnull=True),
                name="page_change_one_pending_per_producer",
                violation_error_message=_(
                    "Thông tin của chủ thể đã có một đề xuất đang chờ duyệt."
                ),
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="pending", product__isnull=False),
                name="page_change_one_pending_per_product",
                violation_error_message=_("Sản phẩm này đã có một đề xuất đang chờ duyệt."),
            ),
            # Decided: by whom and when; not decided: neither.
            models.CheckConstraint(
                condition=Q(
                    status__in=["approved", "rejected"],
                    reviewed_by__isnull=False,
                    reviewed_at__isnull=False,
                )
                | Q(
                    status__in=["pending", "withdrawn"],
                    reviewed_by__isnull=True,
                    reviewed_at__isnull=True,
                ),
                name="page_change_reviewed_when_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(note=""),
                name="page_change_rejected_with_note",
                violation_error_message=_("Không duyệt thì cần ghi lý do cho chủ thể."),
            ),
            models.CheckConstraint(
                condition=Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="page_change_withdrawn_when",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Đề xuất sửa trang của %(what)s") % {"what": self.product or self.producer})

    def get_absolute_url(self) -> str:
        """The producer's page of the proposal."""
        return reverse("listings:change", args=[self.pk])

    def get_review_url(self) -> str:
        """The officer's page of the proposal."""
        return reverse("listing_reviews:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def target(self):
        return self.product or self.producer


def staged_upload_to(photo: "StagedPhoto", filename: str) -> str:
    """dossiers/page-photos/<proposal id>/<random hex>.<extension>: never served publicly."""
    return uploads.private_name(f"page-photos/{photo.change_id}", photo.content_type)


class StagedPhotoQuerySet(AreaScopedQuerySet):
    area_path_lookup = "change__producer__area__path"
    producer_lookup = "change__producer"


class StagedPhoto(AttachedFile):
    """A new photo a proposal adds to a product's gallery, kept privately (shown only to the
    producer's accounts and to the officers who see the proposal) until it is approved; its
    title is the photo's description for screen readers."""

    change = models.ForeignKey(
        PageChange,
        verbose_name=_("đề xuất"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    file = models.FileField(_("tệp"), upload_to=staged_upload_to, max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = StagedPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("ảnh chờ duyệt")
        verbose_name_plural = pgettext_lazy("số nhiều", "ảnh chờ duyệt")
        ordering = ["change", "position", "pk"]
        constraints = attached_file_constraints("staged_photo")

    def get_absolute_url(self) -> str:
        return reverse("listings:photo", args=[self.change_id, self.pk])

    def get_review_url(self) -> str:
        return reverse("listing_reviews:photo", args=[self.change_id, self.pk])
