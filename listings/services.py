"""The writes of the producer's public page: a proposal, its withdrawal, its review.

- ``propose``: the producer's account proposes new values for its own details or for one of
  its products (``page.propose``). Only what differs from the published record is kept; new
  photos are checked as every product photo is (``products.models.validate_photo``: JPEG,
  PNG or WebP by content, 5 MB, the pixel limit) and stored privately. Refused, with the reason
  next to the field, when nothing changes, when a value is not valid, when the published record
  changed since the form was loaded (``StaleSave``), or while another proposal waits for the
  same producer or product (withdraw it first).
- ``withdraw``: the account takes back a proposal still waiting (``page.withdraw``).
- ``approve``: a local officer of the producer's areas, not the proposer, publishes it
  (``page.review``): the new values are written to the published records through their normal
  save (a version and a line of history each), the new photos copied to the public gallery, in
  one transaction.
- ``reject``: the same officer refuses it with a note for the producer; nothing is published.

Every write asks the policy first, locks the proposal, refuses a page loaded before another
write (the proposal's ``version``) and is all or nothing. The notices (the officer told of a
proposal, the producer's accounts of the decision) are the notices app's, on the save.
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import policy, uploads
from core.versioning import check_version
from listings.models import (
    MAIN_PHOTO,
    POINT_FIELDS,
    POINTS_OF_SALE,
    PRODUCER_FIELDS,
    PRODUCT_FIELDS,
    REMOVE_PHOTOS,
    PageChange,
    StagedPhoto,
)
from products.models import (
    GALLERY_MAX_PHOTOS,
    PointOfSale,
    Product,
    ProductPhoto,
    validate_photo,
)
from subjects.models import Producer

S = PageChange.Status
#: New photos one proposal may add.
MAX_NEW_PHOTOS = 3
#: Points of sale one product lists.
MAX_POINTS_OF_SALE = 20

NOTHING_CHANGED = _(
    "Bạn chưa thay đổi gì so với trang đang công khai: sửa ít nhất một mục rồi gửi lại."
)


@dataclass(frozen=True)
class NewPhoto:
    """A photo the proposal adds: the uploaded file and its description."""

    upload: object
    alt_text: str
    #: Its place in the form (1, 2, 3): a refusal names that field; 0 for its place here.
    number: int = 0


# --- What is published now -------------------------------------------------------------------


def point_values(point: PointOfSale) -> dict:
    return {name: getattr(point, name) for name in POINT_FIELDS}


def published_values(target) -> dict:
    """The values of the published record a change compares against (and the form starts
    from): the producer's fields, or a product's fields and its list of points of sale."""
    if isinstance(target, Producer):
        return {name: getattr(target, name) for name in PRODUCER_FIELDS}
    values = {name: getattr(target, name) for name in PRODUCT_FIELDS}
    values[POINTS_OF_SALE] = [point_values(p) for p in target.points_of_sale.all()]
    return values


def _clean_point(values: Mapping) -> dict:
    return {name: " ".join(str(values.get(name) or "").split()) for name in POINT_FIELDS}


def _point_errors(points: Sequence[Mapping], product: Product) -> list[str]:
    """Each point of sale checked as the model checks it (its constraints too)."""
    messages = []
    for number, values in enumerate(points, 1):
        point = PointOfSale(product=product, **values)
        try:
            point.full_clean(exclude=["product"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                label = (
                    str(PointOfSale._meta.get_field(field).verbose_name)
                    if field in POINT_FIELDS
                    else ""
                )
                for message in errors:
                    prefix = _("Điểm bán %(number)s") % {"number": number}
                    messages.append(
                        f"{prefix} ({label}): {message}" if label else f"{prefix}: {message}"
                    )
    return messages


def _changed_fields(target, values: Mapping, names: Iterable[str]) -> dict:
    """The fields whose proposed value differs from the published one, checked by the model's
    own validators (a wrong phone or address is refused here, not at approval)."""
    changes, errors = {}, {}
    for name in names:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        if value == getattr(target, name):
            continue
        field = type(target)._meta.get_field(name)
        try:
            field.clean(value, target)
            if field.max_length and isinstance(value, str) and len(value) > field.max_length:
                raise ValidationError(
                    _("Tối đa %(count)s ký tự (hiện có %(length)s).")
                    % {"count": field.max_length, "length": len(value)}
                )
        except ValidationError as error:
            errors[name] = error.error_list
            continue
        changes[name] = value
    if errors:
        raise ValidationError(errors)
    return changes


def _product_changes(product: Product, values: Mapping, photos: Sequence[NewPhoto]) -> dict:
    changes = _changed_fields(product, values, PRODUCT_FIELDS)
    errors: dict[str, list] = {}
    if POINTS_OF_SALE in values:
        points = [_clean_point(point) for point in values[POINTS_OF_SALE]]
        if len(points) > MAX_POINTS_OF_SALE:
            errors[POINTS_OF_SALE] = [
                _("Tối đa %(count)s điểm bán cho một sản phẩm.") % {"count": MAX_POINTS_OF_SALE}
            ]
        elif messages := _point_errors(points, product):
            errors[POINTS_OF_SALE] = messages
        elif points != [point_values(p) for p in product.points_of_sale.all()]:
            changes[POINTS_OF_SALE] = points
    gallery = {photo.pk for photo in product.gallery.all()}
    existing = gallery | ({"main"} if product.photo else set())
    removed = []
    for item in values.get(REMOVE_PHOTOS) or []:
        key = "main" if item == "main" else int(item) if str(item).isdigit() else None
        if key not in existing:
            errors.setdefault(REMOVE_PHOTOS, []).append(
                _("Ảnh này không còn trong trang của sản phẩm: hãy tải lại trang.")
            )
            break
        removed.append(key)
    if removed:
        changes[REMOVE_PHOTOS] = removed
    main = values.get(MAIN_PHOTO) or ""
    if main:
        kind, _sep, ref = str(main).partition(":")
        if kind == "photo" and ref.isdigit() and int(ref) in gallery - set(removed):
            changes[MAIN_PHOTO] = f"photo:{int(ref)}"
        elif kind == "new" and ref.isdigit() and 0 <= int(ref) < len(photos):
            changes[MAIN_PHOTO] = f"new:{int(ref)}"
        elif not (kind == "main" and product.photo and "main" not in removed):
            errors[MAIN_PHOTO] = [_("Hãy chọn ảnh chính trong các ảnh còn lại.")]
    if len(photos) > MAX_NEW_PHOTOS:
        errors["photos"] = [_("Mỗi đề xuất thêm tối đa %(count)s ảnh.") % {"count": MAX_NEW_PHOTOS}]
    remaining = len(existing) - len(removed) + len(photos)
    if remaining > GALLERY_MAX_PHOTOS + 1:
        errors["photos"] = [
            _(
                "Trang của một sản phẩm có tối đa %(count)s ảnh (kể cả ảnh chính): hãy gỡ bớt "
                "ảnh cũ."
            )
            % {"count": GALLERY_MAX_PHOTOS + 1}
        ]
    if errors:
        raise ValidationError(errors)
    return changes


def _check_photos(photos: Sequence[NewPhoto]) -> list[str]:
    """Each new photo checked as the product photo is, before anything is written: a refused
    one names the field of its place in the form (``photo_<n>``)."""
    errors, types = {}, []
    for index, photo in enumerate(photos):
        number = photo.number or index + 1
        field = f"photo_{number}"
        try:
            validate_photo(photo.upload)
            content_type = uploads.check_upload(photo.upload)
        except ValidationError as error:
            errors[field] = error.error_list
            continue
        if not content_type.startswith("image/"):
            errors[field] = [_("Tệp tải lên không phải là ảnh JPEG, PNG hoặc WebP hợp lệ.")]
            continue
        if not " ".join((photo.alt_text or "").split()):
            errors[f"alt_{number}"] = [_("Hãy tả ngắn ảnh này cho người khiếm thị.")]
        types.append(content_type)
    if errors:
        raise ValidationError(errors)
    return types


# --- Proposing ---------------------------------------------------------------------------------


def _pending_refusal(pending: PageChange) -> ValidationError:
    what = (
        _("Sản phẩm “%(name)s”") % {"name": pending.product.name}
        if pending.product_id
        else _("Thông tin của chủ thể")
    )
    return ValidationError(
        _(
            "%(what)s đã có một đề xuất đang chờ cán bộ xã duyệt (gửi lúc %(when)s). Hãy chờ "
            "kết quả, hoặc rút đề xuất đó rồi gửi đề xuất mới."
        )
        % {
            "what": what,
            "when": formats.date_format(
                timezone.localtime(pending.proposed_at), "SHORT_DATETIME_FORMAT"
            ),
        },
        code="pending_exists",
    )


def pending_for(target) -> PageChange | None:
    """The proposal waiting for this producer's details or this product, if any."""
    if isinstance(target, Producer):
        found = PageChange.objects.pending().filter(producer=target, product__isnull=True)
    else:
        found = PageChange.objects.pending().filter(product=target)
    return found.select_related("product", "proposed_by").first()


@transaction.atomic
def propose(
    user,
    target: Producer | Product,
    *,
    values: Mapping,
    version: int,
    photos: Sequence[NewPhoto] = (),
) -> PageChange:
    """A proposal of new values for the producer's details or one of its products.

    ``values``: the fields the page shows with the values the producer wants (those equal to
    the published ones are dropped); for a product also ``points_of_sale`` (the whole new list),
    ``remove_photos`` and ``main_photo`` ("main", "photo:<id>" or "new:<index in photos>").
    ``version``: the published record's version the form was loaded at."""
    model = type(target)
    target = model.objects.select_for_update(of=("self",)).get(pk=target.pk)
    policy.require(user, "page.propose", target)
    check_version(target, version, list(values))
    if pending := pending_for(target):
        raise _pending_refusal(pending)
    if isinstance(target, Producer):
        changes = _changed_fields(target, values, PRODUCER_FIELDS)
        producer, product, photos = target, None, ()
    else:
        changes = _product_changes(target, values, photos)
        producer, product = target.producer, target
    types = _check_photos(photos)
    if not changes and not photos:
        raise ValidationError(NOTHING_CHANGED, code="nothing_changed")
    published = published_values(target)
    change = PageChange(
        producer=producer,
        product=product,
        changes=changes,
        before={name: published[name] for name in changes if name in published},
        proposed_by=user,
        proposed_at=timezone.now(),
    )
    change._history_user = user
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError as error:
        # Sent at the same moment as another proposal for the same page.
        pending = pending_for(target)
        if pending is None:
            raise
        raise _pending_refusal(pending) from error
    stored = []
    try:
        staged = []
        for index, (photo, content_type) in enumerate(zip(photos, types, strict=True)):
            record = StagedPhoto(
                change=change,
                title=" ".join(photo.alt_text.split())[:200],
                content_type=content_type,
                size=photo.upload.size,
                sha256=uploads.digest(photo.upload),
                added_by=user,
                position=index,
            )
            record.file.save("upload", photo.upload, save=False)
            stored.append(record.file)
            record.full_clean()
            record.save()
            staged.append(record)
        main = changes.get(MAIN_PHOTO, "")
        if main.startswith("new:"):
            change.changes[MAIN_PHOTO] = f"staged:{staged[int(main[4:])].pk}"
            PageChange.objects.filter(pk=change.pk).update(changes=change.changes)
    except BaseException:
        for file in stored:
            file.delete(save=False)
        raise
    return change


# --- Withdrawing, deciding --------------------------------------------------------------------


def _locked(change: PageChange) -> PageChange:
    return (
        PageChange.objects.select_for_update(of=("self",))
        .select_related("producer__area", "product")
        .get(pk=change.pk)
    )


def _save(change: PageChange, by) -> PageChange:
    change._history_user = by
    change.save()
    return change


@transaction.atomic
def withdraw(user, change: PageChange, *, version: int) -> PageChange:
    change = _locked(change)
    policy.require(user, "page.withdraw", change)
    check_version(change, version)
    change.status = S.WITHDRAWN
    change.withdrawn_at = timezone.now()
    return _save(change, user)


@transaction.atomic
def reject(user, change: PageChange, note: str, *, version: int) -> PageChange:
    change = _locked(change)
    policy.require(user, "page.review", change)
    check_version(change, version)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Hãy ghi lý do không duyệt để chủ thể biết cần sửa gì.")})
    change.status = S.REJECTED
    change.note = note
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    return _save(change, user)


@transaction.atomic
def approve(user, change: PageChange, *, version: int, note: str = "") -> PageChange:
    """Publish the proposal: its values written to the published records (each through its
    normal save, with its history), in one transaction with the proposal's decision."""
    change = _locked(change)
    policy.require(user, "page.review", change)
    check_version(change, version)
    reason = _("Duyệt đề xuất sửa trang công khai số %(pk)s của %(who)s") % {
        "pk": change.pk,
        "who": change.proposed_by.get_full_name(),
    }
    if change.product_id:
        _publish_product(change, user, reason)
    else:
        _publish_producer(change, user, reason)
    change.status = S.APPROVED
    change.note = (note or "").strip()
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    return _save(change, user)


def _saved(record, by, reason: str, *, checked: Iterable[str] | None = None):
    """Save a published record through its normal save, with who and why in its history.
    ``checked``: the fields the change wrote (the others are as they were, valid or not)."""
    if checked is None:
        record.full_clean()
    else:
        names = set(checked)
        record.full_clean(
            exclude=[f.name for f in record._meta.concrete_fields if f.name not in names],
            validate_unique=False,
            validate_constraints=False,
        )
    record._history_user = by
    record._change_reason = reason
    record.save()
    return record


def _publish_producer(change: PageChange, by, reason: str) -> None:
    producer = Producer.objects.select_for_update(of=("self",)).get(pk=change.producer_id)
    for name, value in change.changes.items():
        if name in PRODUCER_FIELDS:
            setattr(producer, name, value)
    try:
        _saved(producer, by, reason, checked=change.changes)
    except ValidationError as error:
        raise ValidationError(
            _("Không công khai được: %(errors)s") % {"errors": " ".join(error.messages)}
        ) from error


def _public_copy(staged: StagedPhoto) -> ContentFile:
    with staged.file.open("rb") as handle:
        content = handle.read()
    extension = uploads.ACCEPTED_TYPES[staged.content_type]
    return ContentFile(content, name=f"{secrets.token_hex(8)}.{extension}")


def _publish_product(change: PageChange, by, reason: str) -> None:
    product = Product.objects.select_for_update(of=("self",)).get(pk=change.product_id)
    data = change.changes
    for name in PRODUCT_FIELDS:
        if name in data:
            setattr(product, name, data[name])
    if POINTS_OF_SALE in data:
        for point in product.points_of_sale.all():
            point._history_user = by
            point.delete()
        for position, values in enumerate(data[POINTS_OF_SALE]):
            _saved(PointOfSale(product=product, position=position, **values), by, reason)
    gallery = {photo.pk: photo for photo in product.gallery.all()}
    removed = data.get(REMOVE_PHOTOS) or []
    for key in removed:
        if key == "main":
            product.photo = ""
            product.photo_alt = ""
        elif key in gallery:
            photo = gallery.pop(key)
            photo._history_user = by
            photo.delete()
    position = max((photo.position for photo in gallery.values()), default=-1) + 1
    published: dict[int, ProductPhoto] = {}
    for staged in change.photos.all():
        photo = ProductPhoto(product=product, alt_text=staged.title, position=position)
        photo.photo.save("photo", _public_copy(staged), save=False)
        # Checked as a product photo when it was proposed.
        _saved(photo, by, reason, checked=["alt_text"])
        gallery[photo.pk] = published[staged.pk] = photo
        position += 1
    main = data.get(MAIN_PHOTO, "")
    kind, _sep, ref = main.partition(":")
    chosen = None
    if kind == "photo":
        chosen = gallery.get(int(ref))
    elif kind == "staged":
        chosen = published.get(int(ref))
    if chosen is None and not product.photo and gallery:
        # The main photo removed and none chosen: the first of the gallery takes its place.
        chosen = min(gallery.values(), key=lambda photo: (photo.position, photo.pk))
    if chosen is not None:
        _make_main(product, chosen, by, reason)
    _saved(product, by, reason, checked=PRODUCT_FIELDS)


def _make_main(product: Product, chosen: ProductPhoto, by, reason: str) -> None:
    """The gallery photo becomes the main one; the main one, if any, takes its place in the
    gallery (the stored files only change hands: nothing is copied)."""
    old_name, old_alt = product.photo.name if product.photo else "", product.photo_alt
    product.photo = chosen.photo.name
    product.photo_alt = chosen.alt_text
    if old_name:
        chosen.photo = old_name
        chosen.alt_text = old_alt or product.name
        _saved(chosen, by, reason, checked=["alt_text"])
    else:
        chosen._history_user = by
        chosen.delete()
