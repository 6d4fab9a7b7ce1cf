"""What a proposal changes, side by side with what is published: the rows the producer's and
the officer's pages show, and who acts next on it."""

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from listings.models import (
    MAIN_PHOTO,
    POINTS_OF_SALE,
    PRODUCER_FIELDS,
    PRODUCT_FIELDS,
    REMOVE_PHOTOS,
    PageChange,
)
from products.models import PointOfSale, Product
from subjects.models import Producer


@dataclass(frozen=True)
class Step:
    what: str
    who: str


def next_step(change: PageChange) -> Step | None:
    """Who acts next on the proposal; None once nothing is left to do."""
    if change.status == PageChange.Status.PENDING:
        return Step(
            _("Duyệt hoặc không duyệt đề xuất"),
            _("Cán bộ OCOP phụ trách %(area)s") % {"area": change.producer.area.full_name},
        )
    if change.status == PageChange.Status.REJECTED:
        return Step(
            _("Sửa theo ý kiến của cán bộ rồi gửi đề xuất mới"),
            _("Tài khoản của %(producer)s") % {"producer": change.producer.name},
        )
    return None


def done_text(change: PageChange) -> str:
    if change.status == PageChange.Status.APPROVED:
        return _("Đã duyệt: thay đổi đã hiện trên danh mục sản phẩm OCOP.")
    return _("Chủ thể đã rút đề xuất; có thể gửi đề xuất mới bất cứ lúc nào.")


@dataclass
class Row:
    label: str
    before: object
    after: object
    #: "text", "bool" (shown or not) or "points" (lists of points of sale).
    kind: str = "text"


@dataclass
class Photos:
    """The photos a product's proposal changes."""

    #: (address, description) of the published photos it removes, still published.
    removed: list = field(default_factory=list)
    #: How many removed photos are no longer published (a decided proposal).
    removed_gone: int = 0
    #: The new photos (StagedPhoto).
    added: list = field(default_factory=list)
    #: The description of the photo made the main one, or "".
    main: str = ""

    def __bool__(self) -> bool:
        return bool(self.removed or self.removed_gone or self.added or self.main)


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _points(values) -> list[dict]:
    kinds = dict(PointOfSale.Kind.choices)
    return [{**point, "kind_label": kinds.get(point.get("kind"), "")} for point in values or []]


def published(change: PageChange) -> dict:
    """The values a pending proposal would replace (read now), or those it replaced (as they
    were when it was proposed)."""
    if not change.is_pending:
        return change.before
    target = change.product if change.product_id else change.producer
    names = PRODUCT_FIELDS if change.product_id else PRODUCER_FIELDS
    values = {name: getattr(target, name) for name in names}
    if change.product_id:
        values[POINTS_OF_SALE] = [
            {name: getattr(point, name) for name in ("kind", "name", "address", "url", "phone")}
            for point in change.product.points_of_sale.all()
        ]
    return values


def rows(change: PageChange) -> list[Row]:
    """Each changed field: its label, the value before and the proposed one."""
    before = published(change)
    model = Product if change.product_id else Producer
    found = []
    for name, value in change.changes.items():
        if name in (REMOVE_PHOTOS, MAIN_PHOTO):
            continue
        if name == POINTS_OF_SALE:
            found.append(
                Row(_("Điểm bán"), _points(before.get(name)), _points(value), kind="points")
            )
            continue
        kind = "bool" if isinstance(value, bool) else "text"
        found.append(Row(_label(model, name), before.get(name, ""), value, kind=kind))
    return found


def photos(change: PageChange) -> Photos:
    """The photos the proposal removes, adds and makes the main one (from the prefetched
    gallery and staged photos)."""
    if not change.product_id:
        return Photos()
    product = change.product
    gallery = {photo.pk: photo for photo in product.gallery.all()}
    staged = list(change.photos.all())
    result = Photos(added=staged)
    for key in change.changes.get(REMOVE_PHOTOS) or []:
        if key == "main" and product.photo and change.is_pending:
            result.removed.append((product.photo.url, product.photo_alt or product.name))
        elif key in gallery and change.is_pending:
            result.removed.append((gallery[key].photo.url, gallery[key].alt_text))
        else:
            result.removed_gone += 1
    kind, _sep, ref = (change.changes.get(MAIN_PHOTO) or "").partition(":")
    if kind == "photo" and ref.isdigit():
        chosen = gallery.get(int(ref))
        result.main = chosen.alt_text if chosen else _("một ảnh của thư viện ảnh")
    elif kind == "staged" and ref.isdigit():
        chosen = next((photo for photo in staged if photo.pk == int(ref)), None)
        result.main = chosen.title if chosen else _("một ảnh mới")
    return result


def describe(change: PageChange) -> PageChange:
    """Attach what the pages show of a proposal: ``rows``, ``photo_changes``, ``next``."""
    change.rows = rows(change)
    change.photo_changes = photos(change)
    change.next = next_step(change)
    change.done_text = done_text(change)
    return change
