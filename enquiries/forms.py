import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.text import multi_line, single_line
from enquiries.models import Enquiry

_PHONE = re.compile(r"\+?[0-9 .()-]{8,20}")
ONE_CONTACT = _("Hãy để lại số điện thoại hoặc thư điện tử để chủ thể liên hệ lại.")


def _text(label, *, required=True, rows=None, max_length=None, help_text="", required_message=""):
    """A text field that refuses control characters (line breaks too, on one line)."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        validators=[multi_line if rows else single_line],
    )
    if required_message:
        field.error_messages["required"] = required_message
    return field


class EnquiryForm(forms.Form):
    """What a buyer sends about a product of the catalogue, without an account.

    ``website`` is a trap for robots: hidden from people (and from screen readers), it is left
    empty by them and filled in by robots that fill in every field."""

    HONEYPOT = "website"

    organisation = _text(
        _("Tên đơn vị mua hàng"),
        max_length=200,
        help_text=_("Khách sạn, nhà hàng, siêu thị, doanh nghiệp, cửa hàng… mà bạn đại diện."),
        required_message=_("Hãy ghi tên đơn vị mua hàng."),
    )
    kind = forms.ChoiceField(
        label=_("Loại hình"),
        choices=Enquiry.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn loại hình đơn vị mua hàng.")},
    )
    quantity = _text(
        _("Số lượng cần mua"),
        required=False,
        max_length=200,
        help_text=_("Không bắt buộc. Ví dụ: 200 hộp/tháng, 5 tấn/quý, dùng thử 50 gói."),
    )
    message = _text(
        _("Nội dung yêu cầu"),
        rows=4,
        max_length=4000,
        help_text=_(
            "Quy cách, thời gian giao hàng, nơi nhận, yêu cầu về giấy tờ (hóa đơn, chứng nhận)…"
        ),
        required_message=_("Hãy ghi nội dung yêu cầu gửi chủ thể."),
    )
    contact_name = _text(
        _("Người liên hệ"),
        max_length=150,
        help_text=_("Họ tên, chức vụ của người chủ thể sẽ liên hệ lại."),
        required_message=_("Hãy ghi họ tên người liên hệ."),
    )
    phone = _text(_("Điện thoại"), required=False, max_length=20)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.")},
    )
    website = forms.CharField(label=_("Để trống ô này"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["phone"].help_text = _("Điện thoại hoặc thư điện tử: ít nhất một trong hai.")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    @property
    def is_trap_filled(self) -> bool:
        return bool(self.data.get(self.HONEYPOT, "").strip())

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not _PHONE.fullmatch(phone):
            raise ValidationError(_("Số điện thoại chỉ gồm chữ số, ví dụ 0292 3820 123."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("phone")
            and not cleaned.get("email")
            and "phone" not in self.errors
            and "email" not in self.errors
        ):
            self.add_error("phone", ONE_CONTACT)
            self.add_error("email", ONE_CONTACT)
        return cleaned


class AnswerForm(VersionedFormMixin, forms.Form):
    answer = _text(
        _("Trả lời người mua"),
        rows=5,
        max_length=4000,
        help_text=_(
            "Giá, quy cách, khả năng cung ứng, cách giao hàng và người phụ trách. Hãy liên hệ "
            "người mua qua điện thoại hoặc thư điện tử họ để lại; nội dung ghi ở đây để cán bộ "
            "phụ trách địa bàn theo dõi việc kết nối."
        ),
        required_message=_("Hãy ghi nội dung trả lời người mua."),
    )


class CloseForm(VersionedFormMixin, forms.Form):
    note = _text(
        _("Kết quả kết nối"),
        required=False,
        rows=3,
        max_length=4000,
        help_text=_(
            "Ví dụ: hai bên đã ký hợp đồng thử, người mua không liên lạc được. Bắt buộc khi chủ "
            "thể chưa trả lời trên cổng."
        ),
    )
