from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin, text_field
from core.public_forms import PublicFormMixin, checked_phone, email_field
from enquiries.models import Enquiry

ONE_CONTACT = _("Hãy để lại số điện thoại hoặc thư điện tử để chủ thể liên hệ lại.")


class EnquiryForm(PublicFormMixin, forms.Form):
    """What a buyer sends about a product of the catalogue, without an account (with the trap
    for robots of every public form)."""

    CONTACT_FIELDS = ("contact_name", "phone", "email")

    organisation = text_field(
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
    quantity = text_field(
        _("Số lượng cần mua"),
        required=False,
        max_length=200,
        help_text=_("Không bắt buộc. Ví dụ: 200 hộp/tháng, 5 tấn/quý, dùng thử 50 gói."),
    )
    message = text_field(
        _("Nội dung yêu cầu"),
        rows=4,
        max_length=4000,
        help_text=_(
            "Quy cách, thời gian giao hàng, nơi nhận, yêu cầu về giấy tờ (hóa đơn, chứng nhận)…"
        ),
        required_message=_("Hãy ghi nội dung yêu cầu gửi chủ thể."),
    )
    contact_name = text_field(
        _("Người liên hệ"),
        max_length=150,
        help_text=_("Họ tên, chức vụ của người chủ thể sẽ liên hệ lại."),
        required_message=_("Hãy ghi họ tên người liên hệ."),
    )
    phone = text_field(_("Điện thoại"), required=False, max_length=20)
    email = email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("Điện thoại hoặc thư điện tử: ít nhất một trong hai.")
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    def clean_phone(self):
        return checked_phone(self.cleaned_data.get("phone", ""))

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
    answer = text_field(
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
    note = text_field(
        _("Kết quả kết nối"),
        required=False,
        rows=3,
        max_length=4000,
        help_text=_(
            "Ví dụ: hai bên đã ký hợp đồng thử, người mua không liên lạc được. Bắt buộc khi chủ "
            "thể chưa trả lời trên cổng."
        ),
    )
