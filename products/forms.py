from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.text import fold, multi_line, single_line
from products.models import REVOCATION_RULES, LegalBasis, Product, ProductCategory, Revocation
from subjects.models import Producer


class ProductForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["producer", "name", "category", "description", "photo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        producers = Producer.objects.visible_to(user).filter(is_active=True)
        # The product sets of the classification in force today (Phụ lục I of 26/2026).
        basis = LegalBasis.objects.in_force_on(timezone.localdate()).first()
        scheme = basis.classification if basis else ProductCategory.Scheme.QD_26_2026
        categories = ProductCategory.objects.filter(scheme=scheme, is_leaf=True)
        if self.instance.pk:
            # An inactive producer or an old (1048, 148) classification stays on existing
            # records until someone classifies the product again.
            producers = producers | Producer.objects.filter(pk=self.instance.producer_id)
            categories = categories | ProductCategory.objects.filter(pk=self.instance.category_id)
        self.fields["producer"].queryset = producers.select_related("area").order_by("search_name")
        self.fields["producer"].label_from_instance = lambda p: f"{p.name} — {p.area.full_name}"
        self.fields["category"].queryset = categories.order_by("scheme", "code")
        self.fields["category"].help_text = _(
            "Theo danh mục phân loại sản phẩm đang áp dụng (%(scheme)s); phiếu chấm điểm của "
            "sản phẩm là phiếu của bộ sản phẩm này."
        ) % {"scheme": scheme}

    def clean(self):
        cleaned = super().clean()
        producer, name = cleaned.get("producer"), cleaned.get("name")
        if producer and name:
            same_name = producer.products.filter(search_name=fold(name)).exclude(
                pk=self.instance.pk
            )
            if same_name.exists():
                self.add_error("name", _("Chủ thể này đã có một sản phẩm cùng tên."))
        return cleaned


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RevocationProposeForm(forms.Form):
    """The proposal of a revocation (Điều 8): the ground, and the authority's conclusion it
    rests on. The service checks the dates against the certificate."""

    ground = forms.ChoiceField(
        label=_("Căn cứ thu hồi (khoản 1 Điều 8 Quyết định 26/2026/QĐ-TTg)"),
        choices=Revocation.Ground.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một căn cứ thu hồi của Điều 8."),
            "invalid_choice": _("Hãy chọn một căn cứ thu hồi của Điều 8."),
        },
    )
    concluded_on = DateField(
        label=_("Ngày có kết luận"),
        help_text=Revocation._meta.get_field("concluded_on").help_text,
        error_messages={
            "required": _("Hãy nhập ngày có kết luận."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )
    concluded_by = forms.CharField(
        label=_("Cơ quan kết luận"),
        max_length=255,
        help_text=_("Ví dụ: Đoàn kiểm tra liên ngành, Thanh tra Sở, UBND xã (xác nhận)."),
        error_messages={"required": _("Hãy ghi cơ quan kết luận.")},
        validators=[single_line],
    )
    findings = forms.CharField(
        label=_("Nội dung kết luận, vi phạm"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Số, ngày văn bản kết luận và vi phạm đã xác định."),
        error_messages={"required": _("Hãy ghi nội dung kết luận, vi phạm.")},
        validators=[multi_line],
    )

    def grounds(self) -> list[dict]:
        """The radio buttons with each ground's words in the law, for the template."""
        texts = {ground["code"]: ground["text"] for ground in REVOCATION_RULES["grounds"]}
        return [{"radio": radio, "text": texts[radio.data["value"]]} for radio in self["ground"]]


class RevocationDecideForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định thu hồi"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "125/QĐ-UBND"}),
        error_messages={"required": _("Hãy nhập số quyết định thu hồi.")},
        validators=[single_line],
    )
    decision_date = DateField(
        label=_("Ngày quyết định thu hồi"),
        error_messages={
            "required": _("Hãy nhập ngày quyết định thu hồi."),
            "invalid": _("Ngày không hợp lệ."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("decision_date", timezone.localdate())
        super().__init__(*args, **kwargs)


class RevocationDropForm(forms.Form):
    closing_note = forms.CharField(
        label=_("Lý do không thu hồi"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: cơ quan có thẩm quyền không quyết định thu hồi; vi phạm đã khắc phục."),
        error_messages={"required": _("Hãy ghi lý do không thu hồi.")},
        validators=[multi_line],
    )
