"""The writes of the buyers' enquiries, and what the pages and the plans count of them.

Every write is one transaction, locks the row it changes, asks the policy (PermissionDenied,
saying who does it, for anyone else) and validates the whole record before saving; a refused
write raises ``ValidationError`` keyed by the field to show it next to. The pages, the admin
and the demo call these:

- ``submit``: an enquiry from anyone, about a product of the public catalogue (no account);
- ``answer``: the producer's answer, from its own account (``enquiry.answer``);
- ``close``: the local officer of the product's area closes it (``enquiry.close``).

Read by the pages and the plans: ``visible`` (who reads which enquiries), ``summary`` (by
sector and by area) and ``received_paths`` (the plan's measure of the enquiries received).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area, unit_path
from core import policy
from core.counting import ENQUIRY, in_year
from core.versioning import check_version
from enquiries.models import Enquiry
from products.catalogue_views import public_products
from products.models import Product, sector_key, sector_of

S = Enquiry.Status
#: The answer's field, compared when a save comes from a page loaded before another one.
ANSWER_FIELDS = ("answer",)


def catalogue_products():
    """The products whose catalogue page is public today, by the catalogue's own rule
    (``products.catalogue_views.public_products``): only those take enquiries."""
    return public_products(timezone.localdate())


def visible(user):
    """The enquiries a user reads: the producer's account its own (``owned_by``), the staff
    those of their areas (``visible_to``)."""
    if policy.is_producer_account(user):
        return Enquiry.objects.owned_by(user)
    return Enquiry.objects.visible_to(user)


def _save(enquiry: Enquiry, *, by=None) -> Enquiry:
    enquiry.full_clean()
    # Who, for the field-by-field history (also outside a request: commands, tests).
    enquiry._history_user = by
    enquiry.save()
    return enquiry


def _clean(text: str | None) -> str:
    return (text or "").strip()


def submit(
    *,
    product: Product,
    organisation: str,
    kind: str,
    message: str,
    contact_name: str,
    phone: str = "",
    email: str = "",
    quantity: str = "",
    token: str | None = None,
) -> Enquiry:
    """An enquiry from anyone about a product of the public catalogue. Sent again with the same
    form ``token``, it is the enquiry already made (a double click makes one)."""
    if token and (earlier := Enquiry.objects.filter(form_token=token).first()):
        return earlier
    if not catalogue_products().filter(pk=product.pk).exists():
        raise ValidationError(_("Sản phẩm này không còn trong danh mục sản phẩm OCOP."))
    enquiry = Enquiry(
        product=product,
        organisation=_clean(organisation),
        kind=kind,
        quantity=_clean(quantity),
        message=_clean(message),
        contact_name=_clean(contact_name),
        phone=_clean(phone),
        email=_clean(email),
        form_token=token or "",
    )
    errors = {}
    try:
        enquiry.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    if not (enquiry.phone or enquiry.email):
        # Said next to both fields, rather than above the form as the database's rule is.
        message = _("Hãy để lại số điện thoại hoặc thư điện tử để chủ thể liên hệ lại.")
        errors = {**errors, "phone": [message], "email": [message]}
        errors["__all__"] = [m for m in errors.get("__all__", []) if m != message]
        if not errors["__all__"]:
            del errors["__all__"]
    if errors:
        raise ValidationError(errors)
    enquiry.save()
    return enquiry


def _locked(enquiry: Enquiry, by, action: str) -> Enquiry:
    enquiry = (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("product__producer__area")
        .get(pk=enquiry.pk)
    )
    policy.require(by, action, enquiry)
    return enquiry


@transaction.atomic
def answer(user, enquiry: Enquiry, text: str, *, version: int | None = None) -> Enquiry:
    """The producer's answer, written from its account: the first answer, or a corrected one
    while the enquiry is open. ``version``: the one the page was loaded at; an answer saved by
    someone else since is not overwritten (StaleSave, saying who and what)."""
    enquiry = _locked(enquiry, user, "enquiry.answer")
    if version is not None:
        check_version(enquiry, version, ANSWER_FIELDS)
    text = _clean(text)
    if not text:
        raise ValidationError({"answer": _("Hãy ghi nội dung trả lời người mua.")})
    enquiry.answer = text
    enquiry.answered_by, enquiry.answered_at = user, timezone.now()
    enquiry.status = S.ANSWERED
    return _save(enquiry, by=user)


@transaction.atomic
def close(user, enquiry: Enquiry, note: str = "", *, version: int | None = None) -> Enquiry:
    """The local officer of the product's area closes the enquiry: the connection is made (or
    the buyer could not be reached), with what came of it."""
    enquiry = _locked(enquiry, user, "enquiry.close")
    if version is not None:
        check_version(enquiry, version, ("closing_note",))
    note = _clean(note)
    if enquiry.status == S.NEW and not note:
        raise ValidationError(
            {
                "note": _(
                    "Chủ thể chưa trả lời trên cổng: hãy ghi vì sao đóng yêu cầu (ví dụ: đã kết "
                    "nối qua điện thoại)."
                )
            }
        )
    enquiry.status = S.CLOSED
    enquiry.closing_note = note
    enquiry.closed_by, enquiry.closed_at = user, timezone.now()
    return _save(enquiry, by=user)


# --- What the plans count ----------------------------------------------------------------------


def received_paths(province: Area, year: int) -> list[str]:
    """The area paths of the enquiries about products of a province received in a year (local
    time, ``core.counting``), one a record: the plan's measure "Yêu cầu kết nối tiêu thụ nhận
    được" counts them by area. One query."""
    return list(
        Enquiry.objects.filter(
            province.q_within("product__producer__area__path"), in_year(ENQUIRY, year)
        ).values_list("product__producer__area__path", flat=True)
    )


# --- The summary -------------------------------------------------------------------------------


@dataclass
class Row:
    """Enquiries of one sector or one area: received, answered (or closed after an answer) and
    closed."""

    label: str
    received: int = 0
    answered: int = 0
    closed: int = 0
    #: The sector's ids (every classification's sector of that name), for the list's filter.
    ids: list = field(default_factory=list)
    area: Area | None = None

    @property
    def answered_share(self) -> Decimal | None:
        """Answered out of received, in percent (unrounded; the template rounds)."""
        if not self.received:
            return None
        return Decimal(self.answered) * 100 / Decimal(self.received)

    @property
    def sector_id(self) -> int | None:
        return self.ids[0] if self.ids else None

    def add(self, received: int, answered: int, closed: int) -> None:
        self.received += received
        self.answered += answered
        self.closed += closed


@dataclass
class Summary:
    by_sector: list[Row]
    by_area: list[Row]
    total: Row


_SECTOR_ID, _SECTOR_NAME = sector_of()
_COUNTS = {
    "received": Count("pk"),
    "answered": Count("pk", filter=Q(answered_at__isnull=False)),
    "closed": Count("pk", filter=Q(status=S.CLOSED)),
}


def summary(enquiries) -> Summary:
    """The enquiries given (already limited to what the reader sees, and filtered) by sector
    of their product, whatever the classification (one "Thực phẩm"), and by former district or
    today's commune of the producer; with the total. Three queries."""
    by_sector: dict[str, Row] = {}
    sectors = (
        enquiries.order_by()
        .annotate(sector_id=_SECTOR_ID, sector_name=_SECTOR_NAME)
        .values("sector_id", "sector_name")
        .annotate(**_COUNTS)
        .order_by("sector_id")
    )
    for counts in sectors:
        name = counts["sector_name"] or ""
        row = by_sector.setdefault(sector_key(name), Row(name))
        # The plainest name of the sector ("Thực phẩm" rather than "Sản phẩm thực phẩm").
        if name and len(name) < len(row.label):
            row.label = name
        row.add(counts["received"], counts["answered"], counts["closed"])
        if counts["sector_id"] is not None:
            row.ids.append(counts["sector_id"])

    by_unit: dict[str, Row] = {}
    paths = (
        enquiries.order_by()
        .values("product__producer__area__path")
        .annotate(**_COUNTS)
        .order_by("product__producer__area__path")
    )
    for counts in paths:
        unit = unit_path(counts["product__producer__area__path"])
        row = by_unit.setdefault(unit, Row(""))
        row.add(counts["received"], counts["answered"], counts["closed"])
    areas = {area.path: area for area in Area.objects.filter(path__in=by_unit)}
    for unit, row in by_unit.items():
        row.area = areas.get(unit)
        row.label = row.area.name if row.area else unit

    total = Row(_("Tổng cộng"))
    for row in by_sector.values():
        total.add(row.received, row.answered, row.closed)
    return Summary(_sorted(by_sector.values()), _sorted(by_unit.values()), total)


def _sorted(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.received, row.label))
