from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core.forms import VersionedFormMixin
from core.text import fold
from subjects.models import Producer


def producer_area_choices(user):
    """Districts and communes the user works in, as they exist today."""
    return (
        Area.objects.visible_to(user)
        .valid_on(timezone.localdate())
        .below_province()
        .order_by("full_name")
    )


class ProducerForm(VersionedFormMixin, forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là một chủ thể khác, vẫn lưu."), required=False
    )

    class Meta:
        model = Producer
        fields = [
            "kind",
            "name",
            "tax_code",
            "legal_representative",
            "area",
            "address",
            "phone",
            "phone_public",
            "email",
            "email_public",
            "website",
            "website_public",
            "workers_total",
            "workers_women",
            "workers_ethnic_minority",
            "workers_local",
            "is_active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = producer_area_choices(user)
        if self.instance.pk:
            # Keep a former district on records made before the reform.
            areas = areas | Area.objects.filter(pk=self.instance.area_id)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda area: area.full_name
        self.duplicates: list[Producer] = []

    def clean_tax_code(self) -> str:
        tax_code = self.cleaned_data["tax_code"].strip()
        taken = Producer.objects.filter(tax_code=tax_code).exclude(pk=self.instance.pk)
        if tax_code and taken.exists():
            raise forms.ValidationError(
                _("Mã số thuế này đã được đăng ký cho chủ thể khác."), code="duplicate_tax_code"
            )
        return tax_code

    def clean(self):
        cleaned = super().clean()
        total = cleaned.get("workers_total")
        for part in ("workers_women", "workers_ethnic_minority", "workers_local"):
            value = cleaned.get(part)
            if total is not None and value is not None and value > total:
                self.add_error(
                    part, _("Không được lớn hơn tổng số lao động (%(total)s).") % {"total": total}
                )
        name, area = cleaned.get("name"), cleaned.get("area")
        if name and area and not cleaned.get("confirm_duplicate"):
            same_name = (
                Producer.objects.in_province_of(area)
                .filter(search_name=fold(name))
                .exclude(pk=self.instance.pk)
                .select_related("area")
            )
            self.duplicates = list(same_name[:5])
            if self.duplicates:
                raise forms.ValidationError(
                    _(
                        "Trong tỉnh đã có chủ thể trùng tên. Kiểm tra danh sách bên dưới; nếu "
                        "đây đúng là một chủ thể khác, đánh dấu ô xác nhận rồi lưu lại."
                    ),
                    code="duplicate_name",
                )
        return cleaned
