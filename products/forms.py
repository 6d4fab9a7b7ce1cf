from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.text import fold
from products.models import LegalBasis, Product, ProductCategory
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
