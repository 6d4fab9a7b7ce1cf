"""The forms of the producer's public page: its own details, a product's page (story, photos,
points of sale), and the officer's review. Every field says in plain words what it is for and
where it shows; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.images import PhotoFormField
from core.text import multi_line, single_line
from core.uploads import CheckedUploadsMixin
from listings import services
from listings.models import MAIN_PHOTO, POINTS_OF_SALE, REMOVE_PHOTOS
from products.models import (
    ALT_TEXT_LENGTH,
    STORY_LENGTH,
    PointOfSale,
    Product,
    validate_photo,
)
from subjects.models import INTRODUCTION_LENGTH, Producer, phone_validator

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def _text(label, *, max_length, help_text, rows=None, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        validators=[multi_line if rows else single_line],
    )


def _shown(label, help_text):
    return forms.BooleanField(label=label, required=False, help_text=help_text)


class ProducerPageForm(VersionedFormMixin, forms.Form):
    """The producer's introduction and public contacts; ``version``: the producer's."""

    introduction = _text(
        _("Giới thiệu chủ thể"),
        rows=4,
        max_length=INTRODUCTION_LENGTH,
        help_text=_(
            "Vài câu về cơ sở của bạn: thành lập từ bao giờ, làm gì, ở đâu. Hiện trên trang "
            "mỗi sản phẩm của bạn trong danh mục OCOP. Tối đa 1.000 ký tự."
        ),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=20,
        validators=[phone_validator],
        help_text=_("Số người mua gọi đến, ví dụ 0292 3821 234."),
    )
    phone_public = _shown(
        _("Hiện số điện thoại trên trang công khai"),
        _("Bỏ chọn nếu không muốn người xem thấy số này."),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        help_text=_("Ví dụ lienhe@htxcuaban.vn."),
        error_messages={"invalid": _("Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.")},
    )
    email_public = _shown(
        _("Hiện thư điện tử trên trang công khai"),
        _("Bỏ chọn nếu không muốn người xem thấy địa chỉ này."),
    )
    website = forms.URLField(
        label=_("Trang web"),
        required=False,
        assume_scheme="https",
        help_text=_("Trang web hoặc trang mạng xã hội của bạn, ví dụ https://htxcuaban.vn."),
        error_messages={"invalid": _("Đường dẫn chưa đúng, ví dụ https://htxcuaban.vn.")},
    )
    website_public = _shown(
        _("Hiện trang web trên trang công khai"),
        _("Bỏ chọn nếu không muốn người xem thấy đường dẫn này."),
    )

    def __init__(self, *args, producer: Producer, **kwargs):
        kwargs.setdefault(
            "initial", {**services.published_values(producer), "version": producer.version}
        )
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.PRODUCER_FIELDS}


class PointOfSaleForm(forms.Form):
    """One point of sale of the product."""

    kind = forms.ChoiceField(
        label=_("Loại điểm bán"),
        choices=[("", "—"), *PointOfSale.Kind.choices],
        help_text=_("Cửa hàng, siêu thị, chợ, điểm du lịch, hay gian hàng trên mạng."),
        error_messages={"required": _("Hãy chọn loại điểm bán.")},
    )
    name = forms.CharField(
        label=_("Tên điểm bán"),
        max_length=200,
        validators=[single_line],
        help_text=_("Ví dụ: Cửa hàng đặc sản Ninh Kiều, Siêu thị Co.opmart Cần Thơ."),
        error_messages={"required": _("Hãy ghi tên điểm bán.")},
    )
    address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=255,
        required=False,
        validators=[single_line],
        help_text=_("Số nhà, đường, phường, xã. Gian hàng trên mạng thì để trống."),
    )
    url = forms.URLField(
        label=_("Đường dẫn"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Bắt buộc với gian hàng trên mạng: dán đường dẫn đến gian hàng của bạn."),
        error_messages={"invalid": _("Đường dẫn chưa đúng, ví dụ https://shopee.vn/ten-shop.")},
    )
    phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        required=False,
        validators=[phone_validator],
        help_text=_("Số của điểm bán, nếu có."),
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == PointOfSale.Kind.ONLINE and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", _("Gian hàng trên mạng cần đường dẫn."))
        if kind and kind != PointOfSale.Kind.ONLINE and not cleaned.get("address"):
            self.add_error("address", _("Hãy ghi địa chỉ của điểm bán."))
        return cleaned


class BasePointOfSaleFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Bỏ điểm bán này")
            form.fields["DELETE"].help_text = _("Đánh dấu nếu sản phẩm không còn bán ở đây nữa.")

    def values(self) -> list[dict]:
        return [
            {name: form.cleaned_data.get(name) or "" for name in services.POINT_FIELDS}
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


PointOfSaleFormSet = forms.formset_factory(
    PointOfSaleForm,
    formset=BasePointOfSaleFormSet,
    extra=3,
    can_delete=True,
    max_num=services.MAX_POINTS_OF_SALE,
    validate_max=True,
)


class ProductPageForm(VersionedFormMixin, CheckedUploadsMixin, forms.Form):
    """A product's story and photos; its points of sale are a formset beside it. ``version``:
    the product's."""

    upload_fields = tuple(f"photo_{n}" for n in range(1, services.MAX_NEW_PHOTOS + 1))

    story = _text(
        _("Câu chuyện sản phẩm"),
        rows=8,
        max_length=STORY_LENGTH,
        help_text=_(
            "Kể về nguồn gốc, con người và cách làm ra sản phẩm: vì sao sản phẩm đặc biệt. Đây "
            "là một tiêu chí của phiếu đánh giá OCOP. Tối đa 4.000 ký tự."
        ),
    )
    photo_alt = _text(
        _("Mô tả ảnh chính"),
        max_length=ALT_TEXT_LENGTH,
        help_text=_(
            "Một câu tả ảnh chính để phần mềm đọc cho người khiếm thị, ví dụ “Hộp trà mãng cầu "
            "100 g, mặt trước”. Để trống thì dùng tên sản phẩm."
        ),
    )
    remove_photos = forms.MultipleChoiceField(
        label=_("Gỡ ảnh"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu ảnh không muốn hiện nữa."),
    )
    main_photo = forms.ChoiceField(
        label=_("Ảnh chính"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Ảnh hiện đầu tiên và trong danh mục. Gỡ ảnh chính mà không chọn ảnh khác thì ảnh "
            "đầu tiên còn lại thành ảnh chính."
        ),
    )

    def __init__(self, *args, product: Product, **kwargs):
        initial = {
            **services.published_values(product),
            "version": product.version,
            MAIN_PHOTO: "main" if product.photo else "",
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.product = product
        self.gallery = list(product.gallery.all())
        existing = ([("main", _("Ảnh chính hiện tại"))] if product.photo else []) + [
            (str(photo.pk), photo.alt_text) for photo in self.gallery
        ]
        self.fields[REMOVE_PHOTOS].choices = existing
        main = [("main", _("Giữ ảnh chính hiện tại"))] if product.photo else []
        main += [(f"photo:{photo.pk}", photo.alt_text) for photo in self.gallery]
        for n in range(1, services.MAX_NEW_PHOTOS + 1):
            self.fields[f"photo_{n}"] = PhotoFormField(
                label=_("Ảnh mới %(n)s") % {"n": n},
                required=False,
                validators=[validate_photo],
                widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
                help_text=_(
                    "Ảnh JPEG, PNG hoặc WebP chụp sản phẩm, tối đa 5 MB. Ảnh chỉ hiện sau khi "
                    "cán bộ xã duyệt."
                ),
                error_messages={"invalid_image": _("Tệp này không phải ảnh JPEG, PNG hoặc WebP.")},
            )
            self.fields[f"alt_{n}"] = _text(
                _("Mô tả ảnh mới %(n)s") % {"n": n},
                max_length=ALT_TEXT_LENGTH,
                help_text=_("Bắt buộc khi thêm ảnh: một câu tả ảnh cho người khiếm thị."),
            )
            main.append((f"new:{n - 1}", _("Ảnh mới %(n)s") % {"n": n}))
        self.fields[MAIN_PHOTO].choices = main

    @property
    def photo_cards(self) -> list[tuple]:
        """(address, description, its "remove" box, its "main" choice) of each published
        photo, the main one first, for the template."""
        product = self.product
        shown = [(photo.photo.url, photo.alt_text) for photo in self.gallery]
        if product.photo:
            shown.insert(0, (product.photo.url, product.photo_alt or product.name))
        removes = list(self[REMOVE_PHOTOS].subwidgets)
        mains = list(self[MAIN_PHOTO].subwidgets)
        return [(url, alt, removes[index], mains[index]) for index, (url, alt) in enumerate(shown)]

    @property
    def photo_rows(self) -> list[tuple]:
        """(photo field, description field, its "main" choice) of each new photo."""
        mains = list(self[MAIN_PHOTO].subwidgets)[-services.MAX_NEW_PHOTOS :]
        return [
            (self[f"photo_{n}"], self[f"alt_{n}"], mains[n - 1])
            for n in range(1, services.MAX_NEW_PHOTOS + 1)
        ]

    @property
    def edited_fields(self) -> list[str]:
        return list(services.PRODUCT_FIELDS)

    def clean(self):
        cleaned = super().clean()
        for n in range(1, services.MAX_NEW_PHOTOS + 1):
            if cleaned.get(f"photo_{n}") and not cleaned.get(f"alt_{n}", "").strip():
                self.add_error(f"alt_{n}", _("Hãy tả ngắn ảnh này cho người khiếm thị."))
        main = cleaned.get(MAIN_PHOTO, "")
        if main.startswith("new:") and not cleaned.get(f"photo_{int(main[4:]) + 1}"):
            self.add_error(MAIN_PHOTO, _("Ảnh được chọn làm ảnh chính chưa được tải lên."))
        if main == "main" and "main" in cleaned.get(REMOVE_PHOTOS, []):
            self.add_error(MAIN_PHOTO, _("Ảnh chính đang bị gỡ: hãy chọn ảnh chính khác."))
        return cleaned

    def values(self, points: list[dict]) -> tuple[dict, list[services.NewPhoto]]:
        """The service's values and new photos; "new:<n>" points into the photos uploaded."""
        data = self.cleaned_data
        photos, index = [], {}
        for n in range(1, services.MAX_NEW_PHOTOS + 1):
            if data.get(f"photo_{n}"):
                index[n - 1] = len(photos)
                photos.append(
                    services.NewPhoto(data[f"photo_{n}"], data.get(f"alt_{n}", ""), number=n)
                )
        main = data.get(MAIN_PHOTO, "")
        if main.startswith("new:"):
            main = f"new:{index[int(main[4:])]}"
        elif main == "main":
            main = ""
        values = {name: data.get(name, "") for name in services.PRODUCT_FIELDS}
        values.update(
            {POINTS_OF_SALE: points, REMOVE_PHOTOS: data.get(REMOVE_PHOTOS), MAIN_PHOTO: main}
        )
        return values, photos


class ReviewForm(VersionedFormMixin, forms.Form):
    """The officer's decision; ``version``: the proposal's."""

    note = forms.CharField(
        label=_("Ý kiến gửi chủ thể"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
        help_text=_("Bắt buộc khi không duyệt: ghi rõ chủ thể cần sửa gì."),
    )

    def clean_note(self):
        return self.cleaned_data.get("note", "").strip()
