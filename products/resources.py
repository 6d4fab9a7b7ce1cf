"""Products and certificates in a spreadsheet."""

from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from areas.imports import AreaWidget
from core.imports import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    PortalResource,
    TextWidget,
)
from core.text import fold
from products.models import Certificate, LegalBasis, Product, ProductCategory
from subjects.resources import NAME as PRODUCER_NAME
from subjects.resources import PRODUCER_TAX_CODE, ProducerWidget, find_producer

# Headers are the file format, the same whatever the interface language: not translated.
PRODUCT_NAME = "Tên sản phẩm"
SCHEME = "Văn bản phân loại"
CATEGORY_CODE = "Mã bộ sản phẩm"


class CategoryWidget(widgets.Widget):
    """A product set by its code, in the classification named in the row (148/QĐ-TTg if none)."""

    schemes = ChoiceWidget(ProductCategory.Scheme.choices)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        code = str(value)
        scheme = self.schemes.clean((row or {}).get(SCHEME)) or ProductCategory.Scheme.QD_148
        category = ProductCategory.objects.filter(scheme=scheme, code=code).first()
        if category is None:
            raise ValueError(
                _("Không tìm thấy bộ sản phẩm có mã %(code)s theo %(scheme)s.")
                % {"code": code, "scheme": scheme}
            )
        if not category.is_leaf:
            raise ValueError(
                _("Mã %(code)s là một ngành hoặc nhóm; hãy ghi mã của bộ sản phẩm.")
                % {"code": code}
            )
        return category

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class LegalBasisWidget(widgets.Widget):
    """A legal basis by its number ("148/QĐ-TTg"), case and diacritics ignored."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        bases = {fold(basis.code): basis for basis in LegalBasis.objects.all()}
        basis = bases.get(fold(str(value)))
        if basis is None:
            raise ValueError(
                _("“%(value)s” không có trong danh sách: %(choices)s.")
                % {"value": value, "choices": "; ".join(b.code for b in bases.values())}
            )
        return basis

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class ProductWidget(widgets.Widget):
    """A product by its name, of the producer named in the same row."""

    def clean(self, value, row=None, user=None, **kwargs):
        row = row or {}
        producer = find_producer(
            user, str(row.get(PRODUCER_NAME) or ""), str(row.get(PRODUCER_TAX_CODE) or "")
        )
        if producer is None or not value:
            return None
        product = producer.products.filter(search_name=fold(str(value))).first()
        if product is None:
            raise ValueError(
                _("Chủ thể “%(producer)s” không có sản phẩm “%(product)s”.")
                % {"producer": producer.name, "product": value}
            )
        return product

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ProductResource(PortalResource):
    """One product a row, named by its producer and its name (updated if it exists)."""

    producer = Field("producer", PRODUCER_NAME, ProducerWidget())
    producer_tax_code = Field("producer__tax_code", PRODUCER_TAX_CODE, readonly=True)
    name = Field("name", PRODUCT_NAME, TextWidget())
    scheme = Field("category__scheme", SCHEME, readonly=True)
    category = Field("category", CATEGORY_CODE, CategoryWidget())
    category_name = Field("category__name", "Tên bộ sản phẩm", readonly=True)
    description = Field("description", "Mô tả", TextWidget())

    required_columns = (PRODUCER_NAME, PRODUCT_NAME, CATEGORY_CODE)
    multiline_columns = ("Mô tả",)

    class Meta:
        model = Product
        name = _("Sản phẩm OCOP")
        fields = (
            "producer",
            "producer_tax_code",
            "name",
            "scheme",
            "category",
            "category_name",
            "description",
        )

    def instance_lookup(self, row):
        producer = self.fields["producer"].clean(row, user=self.user)
        return producer and {
            "producer": producer,
            "search_name": fold(self.fields["name"].clean(row)),
        }

    def prepare_instance(self, instance):
        # Derived on save; the one-name-per-producer constraint is checked on it.
        instance.search_name = fold(instance.name)


class CertificateResource(PortalResource):
    """One certificate a row, named by its product, decision number and decision date."""

    producer = Field("product__producer__name", PRODUCER_NAME, readonly=True)
    producer_tax_code = Field("product__producer__tax_code", PRODUCER_TAX_CODE, readonly=True)
    product = Field("product", PRODUCT_NAME, ProductWidget())
    stars = Field("stars", "Số sao", IntegerWidget())
    score = Field("score", "Điểm", DecimalWidget())
    legal_basis = Field("legal_basis", "Căn cứ", LegalBasisWidget())
    level = Field("level", "Cấp công nhận", ChoiceWidget(Certificate.Level.choices))
    kind = Field(
        "kind", "Hình thức", ChoiceWidget(Certificate.Kind.choices), default=Certificate.Kind.NEW
    )
    decision_number = Field("decision_number", "Số quyết định", TextWidget())
    decision_date = Field("decision_date", "Ngày quyết định", DateWidget())
    valid_until = Field("valid_until", "Hiệu lực đến", DateWidget(), readonly=True)
    area = Field("area", "Mã địa bàn khi công nhận", AreaWidget())
    revoked_on = Field("revoked_on", "Ngày thu hồi", DateWidget())
    revoked_reason = Field("revoked_reason", "Lý do thu hồi", TextWidget())

    required_columns = (
        PRODUCER_NAME,
        PRODUCT_NAME,
        "Số sao",
        "Căn cứ",
        "Cấp công nhận",
        "Số quyết định",
        "Ngày quyết định",
    )
    multiline_columns = ("Lý do thu hồi",)

    class Meta:
        model = Certificate
        name = _("Giấy chứng nhận OCOP")
        fields = (
            "producer",
            "producer_tax_code",
            "product",
            "stars",
            "score",
            "legal_basis",
            "level",
            "kind",
            "decision_number",
            "decision_date",
            "valid_until",
            "area",
            "revoked_on",
            "revoked_reason",
        )

    def instance_lookup(self, row):
        product = self.fields["product"].clean(row, user=self.user)
        return product and {
            "product": product,
            "decision_number": self.fields["decision_number"].clean(row),
            "decision_date": self.fields["decision_date"].clean(row),
        }

    def dehydrate_legal_basis(self, certificate) -> str:
        # The basis's number is the key the certificate stores: no query a row.
        return certificate.legal_basis_id or ""

    def prepare_instance(self, instance):
        # Without an area in the sheet, the certificate lies where its producer does. The
        # validity is derived on save; the model's checks need it now.
        if instance.area_id is None and instance.product_id is not None:
            instance.area = instance.product.producer.area
        if instance.decision_date and instance.legal_basis_id is not None:
            instance.valid_until = instance.compute_valid_until()
