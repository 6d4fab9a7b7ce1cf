import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from budgets.models import BudgetLine, Disbursement, Measure, Plan, PublishedFigure, Target
from core.forms import VersionedFormMixin
from core.numbers import format_vnd
from core.text import multi_line


def parse_number(text: str) -> Decimal:
    """A number typed the way the active language writes it: "1.900.000.000" or "52,7" in
    Vietnamese; a plain "52.7" is read as a decimal too. Raises InvalidOperation."""
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    thousand_separator = formats.get_format("THOUSAND_SEPARATOR")
    text = re.sub(r"\s|₫|đồng|đ", "", str(text), flags=re.IGNORECASE)
    grouped = rf"\d{{1,3}}({re.escape(thousand_separator)}\d{{3}})+"
    if re.fullmatch(rf"{grouped}({re.escape(decimal_separator)}\d+)?", text):
        text = text.replace(thousand_separator, "")
    number = Decimal(text.replace(decimal_separator, "."))
    if not number.is_finite():
        raise InvalidOperation(text)
    return number


class NumberField(forms.DecimalField):
    """A decimal typed with Vietnamese separators (52,7; 1.900)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except InvalidOperation:
            raise ValidationError(
                _("Hãy nhập một số, ví dụ 20 hoặc 52,7."), code="invalid"
            ) from None


class VndField(forms.IntegerField):
    """Whole đồng, typed with or without the thousands dots: 1.900.000.000."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(value)
        except InvalidOperation:
            raise ValidationError(
                _("Hãy nhập số tiền bằng chữ số, ví dụ 1.900.000.000."), code="invalid"
            ) from None
        if number != number.to_integral_value():
            raise ValidationError(_("Số tiền tính bằng đồng, không có phần lẻ."), code="not_whole")
        return int(number)


class CalendarDateField(forms.DateField):
    """A date picked in the browser's calendar (sent as 2023-05-16)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _area_field(field: forms.ModelChoiceField, plan: Plan, user, what: str) -> None:
    """The plan's districts and communes of its year that the user reads."""
    start, end = date(plan.year, 1, 1), plan.year_end
    field.queryset = (
        Area.objects.visible_to(user)
        .filter(plan.province.q_within())
        .exclude(pk=plan.province_id)
        .exclude(valid_from__gt=end)
        .exclude(valid_until__lt=start)
        .order_by("path")
    )
    field.label_from_instance = lambda area: area.full_name
    # "Toàn tỉnh" or "Toàn thành phố": the plan's province says which.
    words = plan.province.province_words
    field.empty_label = capfirst(words.whole)
    field.help_text = _("Để trống: %(what)s chung của %(whole)s.") % {
        "what": what,
        "whole": words.whole,
    }


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["province", "year", "document_number", "document_date", "note"]
        field_classes = {"document_date": CalendarDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = (
            Area.objects.visible_to(user).current().of_level(Area.Level.PROVINCE).order_by("path")
        )
        field = self.fields["province"]
        field.queryset = provinces
        field.label_from_instance = lambda area: area.name
        field.label = _("Đơn vị cấp tỉnh")
        if len(provinces) == 1:
            field.initial = provinces[0]
            field.disabled = True
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        province, year = cleaned.get("province"), cleaned.get("year")
        if province and year:
            taken = Plan.objects.filter(province=province, year=year).first()
            if taken:
                self.add_error(
                    "year",
                    _("Năm %(year)s đã có kế hoạch: %(plan)s. Mỗi năm chỉ có một kế hoạch.")
                    % {"year": year, "plan": taken},
                )
        return cleaned


class PlanDocumentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["document_number", "document_date", "note"]
        field_classes = {"document_date": CalendarDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class TargetForm(VersionedFormMixin, forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc: kế hoạch đã phê duyệt, lịch sử giữ cả giá trị cũ và lý do."),
        validators=[multi_line],
    )

    class Meta:
        model = Target
        fields = ["indicator", "custom_name", "custom_unit", "area", "value", "note"]
        field_classes = {"value": NumberField}

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["indicator"].error_messages["invalid_choice"] = _(
            "Không có chỉ tiêu “%(value)s” trong danh mục chỉ tiêu OCOP."
        )
        _area_field(self.fields["area"], plan, user, _("chỉ tiêu"))
        if not plan.is_approved:
            del self.fields["change_reason"]
        elif self.instance.pk:
            for name in ("indicator", "custom_name", "custom_unit", "area"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        indicator, area = cleaned.get("indicator"), cleaned.get("area")
        if indicator:
            same = Target.objects.filter(
                plan=self.instance.plan,
                indicator=indicator,
                custom_name=cleaned.get("custom_name", ""),
                area=area,
            ).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error(
                    "indicator",
                    _("Kế hoạch đã có chỉ tiêu này cho %(where)s: hãy sửa chỉ tiêu đó.")
                    % {
                        "where": area.full_name
                        if area
                        else self.instance.plan.province.province_words.whole
                    },
                )
        return cleaned


class TargetResultForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["reported_value", "reported_source", "reported_on"]
        field_classes = {"reported_value": NumberField, "reported_on": CalendarDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The source and the date are required by the model, with its own messages.
        self.fields["reported_value"].required = True
        self.fields["reported_value"].label = _("Kết quả (%(unit)s)") % {"unit": self.instance.unit}


class BudgetLineForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["source", "activity", "area", "description", "amount"]
        field_classes = {"amount": VndField}

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        _area_field(self.fields["area"], plan, user, _("kinh phí"))


class DisbursementForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Disbursement
        fields = ["line", "paid_on", "amount", "document", "note"]
        field_classes = {"amount": VndField, "paid_on": CalendarDateField}

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = self.line_label
        # The confirmation is offered only after the warning (see ask_confirmation); a form
        # sent back with the box ticked keeps it.
        if self.data.get("confirm_over_plan"):
            self.ask_confirmation()

    @staticmethod
    def line_label(line: BudgetLine) -> str:
        where = f" — {line.area.name}" if line.area_id else ""
        return (
            f"{line.get_activity_display()} — {line.get_source_display()}{where}"
            f" · {format_vnd(line.amount)}"
        )

    def ask_confirmation(self) -> None:
        self.fields["confirm_over_plan"] = forms.BooleanField(
            label=_("Tôi đã kiểm tra: khoản này giải ngân vượt kế hoạch của dòng kinh phí."),
            required=False,
        )
        self.order_fields(["line", "paid_on", "amount", "confirm_over_plan"])

    @property
    def confirms_over_plan(self) -> bool:
        return bool(self.cleaned_data.get("confirm_over_plan"))


class PublishedFigureForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PublishedFigure
        fields = ["measure", "value", "unit", "document", "published_on", "note"]
        field_classes = {"value": NumberField, "published_on": CalendarDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        # A figure is recorded on the page of the year it is about.
        self.instance.province = plan.province
        self.instance.year = plan.year
        self.fields["measure"].error_messages["invalid_choice"] = _(
            "Không có loại số liệu “%(value)s” trong danh mục."
        )
        self.fields["measure"].help_text = _(
            "Chọn “%(custom)s” khi hệ thống không có bản ghi để đối chiếu."
        ) % {"custom": Measure.CUSTOM.label}
