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
        self.user = user
        # Producers with the same name: those the user may see are named (with a link), the
        # others only said to exist "in another area": an officer learns nothing about a
        # record outside their areas beyond the fact that the name is taken.
        self.duplicates: list[Producer] = []
        self.duplicates_elsewhere = False

    @property
    def has_duplicates(self) -> bool:
        return bool(self.duplicates) or self.duplicates_elsewhere

    def clean_tax_code(self) -> str:
        tax_code = self.cleaned_data["tax_code"].strip()
        if not tax_code:
            return tax_code
        taken = (
            Producer.objects.filter(tax_code=tax_code)
            .exclude(pk=self.instance.pk)
            .select_related("area")
            .first()
        )
        if taken is None:
            return tax_code
        if not Producer.objects.visible_to(self.user).filter(pk=taken.pk).exists():
            raise forms.ValidationError(
                _("Mã số thuế này đã có ở một địa bàn khác."), code="duplicate_tax_code"
            )
        raise forms.ValidationError(
            _("Mã số thuế này đã được đăng ký cho chủ thể “%(name)s” (%(area)s).")
            % {"name": taken.name, "area": taken.area.name},
            code="duplicate_tax_code",
        )

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
            )
            visible = same_name.visible_to(self.user)
            self.duplicates = list(visible.select_related("area").order_by("pk")[:5])
            self.duplicates_elsewhere = same_name.exclude(pk__in=visible.values("pk")).exists()
            if self.has_duplicates:
                raise forms.ValidationError(
                    _(
                        "Trong tỉnh đã có chủ thể trùng tên. Kiểm tra danh sách bên dưới; nếu "
                        "đây đúng là một chủ thể khác, đánh dấu ô xác nhận rồi lưu lại."
                    ),
                    code="duplicate_name",
                )
        return cleaned
