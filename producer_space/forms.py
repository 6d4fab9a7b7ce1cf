from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from subjects.models import phone_validator

#: A4 portrait, 3 labels across and 6 down (catalogue.css: 38 mm high).
LABELS_PER_PAGE = 18
#: At most this many labels of one product on a sheet.
MAX_COPIES = 90


class InvitationForm(forms.Form):
    """Who the commune officer invites to open the producer's account."""

    full_name = forms.CharField(
        label=_("Họ và tên người được mời"),
        max_length=150,
        help_text=_("Người của chủ thể sẽ dùng tài khoản, ví dụ giám đốc hợp tác xã."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_(
            "Thư mời có đường dẫn dùng một lần được gửi đến địa chỉ này; người nhận tự đặt tên "
            "đăng nhập và mật khẩu."
        ),
    )


class AcceptForm(forms.Form):
    """What the invited person chooses to open the producer's account."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_(
            "Dùng để đăng nhập. Chỉ chữ, số và các ký tự @ . + - _; không có khoảng trắng."
        ),
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        help_text=_("Tên của bạn, hiện cho cán bộ xã khi họ xem tài khoản của chủ thể."),
    )
    phone = forms.CharField(
        label=_("Điện thoại"),
        max_length=20,
        validators=[phone_validator],
        help_text=_("Số để cán bộ xã liên hệ khi cần, ví dụ 0292 3821 234."),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Ít nhất 8 ký tự, không quá giống tên đăng nhập hay họ tên, không phải mật khẩu phổ "
            "biến, không chỉ gồm chữ số."
        ),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Gõ lại đúng mật khẩu trên để tránh gõ nhầm."),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp nhau."))
        return cleaned


class LabelsForm(forms.Form):
    """Which labels to print: every certified product once, or one product many times."""

    product = forms.TypedChoiceField(
        label=_("Sản phẩm"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Chọn một sản phẩm để in nhiều tem của sản phẩm đó trên một trang."),
    )
    copies = forms.IntegerField(
        label=_("Số tem"),
        min_value=1,
        max_value=MAX_COPIES,
        required=False,
        # The numbers are MAX_COPIES and LABELS_PER_PAGE.
        help_text=_("Số tem của mỗi sản phẩm, từ 1 đến 90. Một trang A4 in được 18 tem."),
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._products = {product.pk: product for product in products}
        self.fields["product"].choices = [
            ("", _("Tất cả sản phẩm đang có chứng nhận (mỗi sản phẩm một tem)")),
            *((product.pk, product.name) for product in products),
        ]

    def clean_product(self):
        chosen = self.cleaned_data.get("product")
        # The page's row of the product (with its stars).
        return self._products[chosen] if chosen is not None else None
