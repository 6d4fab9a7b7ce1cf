from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VersionedFormMixin
from core.text import fold
from products.models import Product, ProductCategory
from subjects.models import Producer


class ProductForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["producer", "name", "category", "description", "photo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        producers = Producer.objects.visible_to(user).filter(is_active=True)
        categories = ProductCategory.objects.filter(
            scheme=ProductCategory.Scheme.QD_148, is_leaf=True
        )
        if self.instance.pk:
            # An inactive producer or an old (1048) classification stays on existing records.
            producers = producers | Producer.objects.filter(pk=self.instance.producer_id)
            categories = categories | ProductCategory.objects.filter(pk=self.instance.category_id)
        self.fields["producer"].queryset = producers.select_related("area").order_by("search_name")
        self.fields["producer"].label_from_instance = lambda p: f"{p.name} — {p.area.full_name}"
        self.fields["category"].queryset = categories.order_by("scheme", "code")
        self.fields["category"].help_text = _(
            "Theo danh mục bộ sản phẩm của Quyết định 148/QĐ-TTg."
        )

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
