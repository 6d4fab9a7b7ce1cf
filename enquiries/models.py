"""Buyers' enquiries ("Liên hệ kết nối tiêu thụ"): a hotel, a supermarket chain, an exporter or a
shop that found a product in the public catalogue asks its producer for it, without an account.

The enquiry lies in the area of the product's producer: the staff read it through
``visible_to`` (the local officers of that area, the city), the producer's account through
``owned_by``. The producer answers it (``enquiry.answer``), the local officers of the area close
it once the connection is made (``enquiry.close``); the writes are ``enquiries.services``.
"""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import workdays
from core.access import AreaScopedQuerySet
from core.models import Tracked
from core.versioning import Versioned

#: The producer answers within this many working days of the enquiry (what the buyer is told).
ANSWER_WORKING_DAYS = 5

#: Letters a reference is made of: no 0/O, 1/I/L to misread on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """YC-XXXX-XXXX: random, so that a reference tells nothing of how many enquiries there are."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"YC-{code[:4]}-{code[4:]}"


def answer_due(received: date) -> date:
    """The day by which the producer is expected to answer an enquiry received that day."""
    return workdays.add_working_days(received, ANSWER_WORKING_DAYS)


class EnquiryQuerySet(AreaScopedQuerySet):
    area_path_lookup = "product__producer__area__path"
    producer_lookup = "product__producer"

    def for_lists(self) -> "EnquiryQuerySet":
        return self.select_related("product__producer__area")


class Enquiry(Versioned, Tracked):
    """A buyer's request to be connected with the producer of a catalogue product."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", _("Khách sạn, nhà hàng")
        RETAIL = "retail", _("Siêu thị, chuỗi bán lẻ")
        EXPORT = "export", _("Doanh nghiệp xuất khẩu")
        SHOP = "shop", _("Cửa hàng, đại lý")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        NEW = "new", _("Chờ chủ thể trả lời")
        ANSWERED = "answered", _("Chủ thể đã trả lời")
        CLOSED = "closed", _("Đã đóng")

    #: Statuses of an enquiry still open (core.policy.ENQUIRY_OPEN_STATUSES names the same).
    OPEN = (Status.NEW, Status.ANSWERED)

    reference = models.CharField(
        _("số tham chiếu"), max_length=20, unique=True, default=new_reference, editable=False
    )
    product = models.ForeignKey(
        "products.Product",
        verbose_name=_("sản phẩm"),
        on_delete=models.PROTECT,
        related_name="enquiries",
    )
    organisation = models.CharField(_("đơn vị mua hàng"), max_length=200)
    kind = models.CharField(_("loại hình người mua"), max_length=10, choices=Kind.choices)
    quantity = models.CharField(
        _("số lượng cần mua"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: 200 hộp/tháng, 5 tấn/quý."),
    )
    message = models.TextField(_("nội dung yêu cầu"))
    contact_name = models.CharField(_("người liên hệ"), max_length=150)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    answer = models.TextField(_("trả lời của chủ thể"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    closing_note = models.TextField(_("kết quả kết nối"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đóng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    #: The token of the public form it was sent with: sent again, the same enquiry (no account
    #: here, so core.submissions does not apply).
    form_token = models.CharField(max_length=64, blank=True, editable=False)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu kết nối tiêu thụ")
        verbose_name_plural = pgettext_lazy("số nhiều", "yêu cầu kết nối tiêu thụ")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="enquiry_phone_or_email",
                violation_error_message=_(
                    "Hãy để lại số điện thoại hoặc thư điện tử để chủ thể liên hệ lại."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(organisation="") & ~Q(contact_name="") & ~Q(message=""),
                name="enquiry_has_buyer_and_message",
            ),
            models.CheckConstraint(
                condition=Q(status="new")
                | (~Q(answer="") & Q(answered_at__isnull=False))
                | Q(status="closed"),
                name="enquiry_answered_with_text",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="enquiry_closed_with_time",
            ),
            models.UniqueConstraint(
                fields=["form_token"],
                condition=~Q(form_token=""),
                name="enquiry_one_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("enquiries:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def answer_due(self) -> date:
        return answer_due(timezone.localdate(self.received_at))

    @property
    def is_late(self) -> bool:
        """Not answered, and the working days to answer are over."""
        return self.status == self.Status.NEW and self.answer_due < timezone.localdate()
