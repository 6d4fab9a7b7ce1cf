from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core.forms import AutocompleteSelect, VersionedFormMixin, text_field
from core.public_forms import PublicFormMixin, checked_phone, email_field
from core.uploads import (
    ACCEPT_ATTRIBUTE,
    CheckedUploadsMixin,
    MultipleFileField,
    format_size,
    max_bytes,
)
from inspections.models import Inspection, InspectionPlan, InspectionPoint, PublicReport, points
from inspections.services import certified_products, plan_products
from products import revocations

MONTHS = [(month, _("Tháng %(month)s") % {"month": month}) for month in range(1, 13)]


class CalendarDateField(forms.DateField):
    """A date picked in the browser's calendar (sent as 2026-05-16)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _product_field(field: forms.ModelChoiceField, queryset, url: str) -> None:
    field.queryset = queryset.select_related("producer")
    field.label_from_instance = lambda product: f"{product.name} — {product.producer.name}"
    # A province holds hundreds of certified products: searched, not listed.
    field.widget = AutocompleteSelect(url, attrs={"class": "form-select"})


def _files_help() -> str:
    return _("PDF hoặc ảnh (PNG, JPEG, WebP), tối đa %(limit)s mỗi tệp.") % {
        "limit": format_size(max_bytes())
    }


# --- Plans -------------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        model = InspectionPlan
        fields = ["province", "year", "title", "approval_number", "approval_date", "note"]
        field_classes = {"approval_date": CalendarDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = Area.objects.visible_to(user).current_provinces()
        field.label_from_instance = lambda area: area.name
        field.label = _("Đơn vị cấp tỉnh")
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            field.initial, field.disabled = choices[0], True
        year = timezone.localdate().year
        self.fields["year"].initial = year
        self.fields["title"].initial = _(
            "Kế hoạch kiểm tra sản phẩm OCOP sau công nhận năm %(y)s"
        ) % {"y": year}


class PlanEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = InspectionPlan
        fields = ["title", "approval_number", "approval_date", "note"]
        field_classes = {"approval_date": CalendarDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class LineForm(forms.Form):
    """A product of the plan, when and by whom it is to be inspected."""

    product = forms.ModelChoiceField(
        label=_("Sản phẩm"),
        queryset=None,
        help_text=_(
            "Sản phẩm có giấy chứng nhận OCOP còn hiệu lực trong năm kế hoạch. Gõ tên sản phẩm "
            "hoặc chủ thể để tìm."
        ),
        error_messages={
            "required": _("Hãy chọn sản phẩm."),
            "invalid_choice": _(
                "Sản phẩm này không có giấy chứng nhận còn hiệu lực trong năm kế hoạch, hoặc "
                "không thuộc địa bàn của kế hoạch."
            ),
        },
    )
    planned_month = forms.TypedChoiceField(
        label=_("Tháng dự kiến"),
        choices=[("", "—"), *MONTHS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    planned_on = CalendarDateField(label=_("Ngày dự kiến"), required=False)
    team = text_field(_("Đoàn kiểm tra dự kiến"), required=False, max_length=500)

    def __init__(self, *args, plan: InspectionPlan, user, **kwargs):
        super().__init__(*args, **kwargs)
        url = f"{reverse_lazy('inspections:product_choices')}?plan={plan.pk}"
        _product_field(self.fields["product"], plan_products(plan, user), url)


class LineEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["planned_month", "planned_on", "team"]
        field_classes = {"planned_on": CalendarDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_month"].widget = forms.Select(choices=[("", "—"), *MONTHS])


class AdhocForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Sản phẩm"),
        queryset=None,
        help_text=_("Sản phẩm có giấy chứng nhận OCOP còn hiệu lực. Gõ tên để tìm."),
        error_messages={
            "required": _("Hãy chọn sản phẩm."),
            "invalid_choice": _("Sản phẩm này không có giấy chứng nhận OCOP còn hiệu lực."),
        },
    )
    reason = text_field(
        _("Lý do kiểm tra đột xuất"),
        rows=3,
        help_text=_("Phản ánh, dấu hiệu vi phạm, đề nghị của cơ quan có thẩm quyền…"),
    )
    planned_on = CalendarDateField(label=_("Ngày dự kiến kiểm tra"))
    team = text_field(_("Đoàn kiểm tra dự kiến"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        url = reverse_lazy("inspections:product_choices")
        _product_field(self.fields["product"], certified_products(user), url)
        self.fields["planned_on"].initial = timezone.localdate()


# --- The record --------------------------------------------------------------------------------


class RecordForm(VersionedFormMixin, CheckedUploadsMixin, forms.Form):
    """The record of an inspection: the day, the team, each point's result and note, the
    findings and the files. Point fields are ``point_<code>`` and ``point_<code>_note``."""

    upload_fields = ("files",)

    done_on = CalendarDateField(label=_("Ngày kiểm tra"))
    inspectors = text_field(
        _("Thành phần đoàn kiểm tra"),
        rows=2,
        help_text=_("Họ tên, chức vụ, đơn vị của những người đã kiểm tra."),
    )
    findings = text_field(_("Kết luận, nhận xét của đoàn"), required=False, rows=3)
    files = MultipleFileField(
        label=_("Ảnh, biên bản, tài liệu kèm theo"),
        required=False,
        error_messages={"invalid": _("Không đọc được tệp: hãy chọn lại tệp.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()
        for point in points():
            self.fields[f"point_{point.code}"] = forms.ChoiceField(
                label=point.title,
                choices=InspectionPoint.Result.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Hãy chọn kết quả của điểm này.")},
            )
            note = text_field(
                _("Ghi chú: %(point)s") % {"point": point.title}, required=False, rows=1
            )
            note.widget.attrs["class"] = "form-control form-control-sm"
            self.fields[f"point_{point.code}_note"] = note

    @classmethod
    def initial_for(cls, inspection: Inspection) -> dict:
        initial = {
            "version": inspection.version,
            "done_on": inspection.done_on or timezone.localdate(),
            "inspectors": inspection.inspectors or inspection.team,
            "findings": inspection.findings,
        }
        for row in inspection.points.all():
            initial[f"point_{row.code}"] = row.result
            initial[f"point_{row.code}_note"] = row.note
        return initial

    @property
    def point_rows(self) -> list[tuple]:
        """(point, result field, note field) for the template, in the points' order."""
        return [
            (point, self[f"point_{point.code}"], self[f"point_{point.code}_note"])
            for point in points()
        ]

    @property
    def edited_fields(self) -> list[str]:
        return ["done_on", "inspectors", "findings"]

    def arguments(self) -> dict:
        """The service's arguments (``inspections.services.record``)."""
        data = self.cleaned_data
        return {
            "done_on": data["done_on"],
            "inspectors": data["inspectors"],
            "findings": data.get("findings", ""),
            "results": {
                point.code: (data[f"point_{point.code}"], data.get(f"point_{point.code}_note", ""))
                for point in points()
            },
            "files": data.get("files") or [],
            "version": data["version"],
        }


class AttachmentForm(CheckedUploadsMixin, forms.Form):
    title = text_field(
        _("Tên tài liệu"),
        required=False,
        max_length=255,
        help_text=_("Để trống thì dùng tên tệp."),
    )
    file = forms.FileField(
        label=_("Tệp"),
        error_messages={
            "required": _("Hãy chọn tệp để tải lên."),
            "empty": _("Tệp rỗng: hãy chọn lại tệp."),
            "invalid": _("Không đọc được tệp: hãy chọn lại tệp."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _files_help()
        self.fields["file"].widget.attrs["accept"] = ACCEPT_ATTRIBUTE


class FollowUpForm(VersionedFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Xử lý sau kiểm tra"),
        choices=Inspection.FollowUp.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn cách xử lý sau kiểm tra.")},
    )
    note = text_field(_("Ghi chú, căn cứ"), required=False, rows=2)
    deadline = CalendarDateField(label=_("Thời hạn khắc phục"), required=False)
    actions = text_field(_("Nội dung phải khắc phục"), required=False, rows=2)
    planned_on = CalendarDateField(label=_("Ngày dự kiến tái kiểm tra"), required=False)
    team = text_field(_("Đoàn tái kiểm tra dự kiến"), required=False, max_length=500)
    ground = forms.ChoiceField(
        label=_("Căn cứ thu hồi (Điều 8 khoản 1)"),
        choices=[("", "—"), *revocations.GROUNDS.choices],
        required=False,
    )
    concluded_on = CalendarDateField(
        label=_("Ngày có kết luận"),
        required=False,
        help_text=_("Để trống thì là ngày kiểm tra. Thời hạn quyết định thu hồi: 15 ngày từ đây."),
    )
    concluded_by = text_field(
        _("Cơ quan kết luận"),
        required=False,
        max_length=255,
        help_text=_("Để trống thì là đoàn kiểm tra của lượt này."),
    )
    findings = text_field(
        _("Nội dung kết luận, vi phạm"),
        required=False,
        rows=2,
        help_text=_("Để trống thì dùng kết luận và các điểm không đạt của biên bản."),
    )


# --- Reports from the public -----------------------------------------------------------------


class PublicReportForm(PublicFormMixin, forms.Form):
    """What anyone may report about a product of the catalogue, without an account (with the
    trap for robots of every public form)."""

    kind = forms.ChoiceField(
        label=_("Vấn đề bạn gặp"),
        choices=PublicReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn vấn đề bạn gặp.")},
    )
    description = text_field(
        _("Nội dung phản ánh"),
        rows=5,
        max_length=4000,
        help_text=_("Bạn thấy gì, ở đâu, khi nào (ví dụ: nơi bán, ngày mua, số lô trên bao bì)."),
        required_message=_("Hãy ghi nội dung phản ánh."),
    )
    contact_name = text_field(_("Họ tên"), required=False, max_length=150)
    contact_phone = text_field(_("Điện thoại"), required=False, max_length=20)
    contact_email = email_field()

    def clean_contact_phone(self):
        return checked_phone(self.cleaned_data.get("contact_phone", ""))


class ReportCloseForm(forms.Form):
    note = text_field(_("Kết quả xử lý"), rows=3)


class ReportInspectionForm(forms.Form):
    reason = text_field(_("Lý do kiểm tra đột xuất"), rows=2)
    planned_on = CalendarDateField(label=_("Ngày dự kiến kiểm tra"))
    team = text_field(_("Đoàn kiểm tra dự kiến"), required=False, max_length=500)
