"""Producers in a spreadsheet, and how other sheets name a producer."""

from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from areas.imports import AreaWidget
from core.imports import (
    BooleanWidget,
    ChoiceWidget,
    IntegerWidget,
    PortalResource,
    TextWidget,
)
from core.text import fold
from subjects.models import Producer

# Headers are the file format, the same whatever the interface language: not translated.
NAME = "Tên chủ thể"
TAX_CODE = "Mã số thuế"
PRODUCER_TAX_CODE = "Mã số thuế chủ thể"
AREA_CODE = "Mã địa bàn"


def find_producer(user, name: str, tax_code: str = "") -> Producer | None:
    """The producer a row names: by tax code when it has one, otherwise by name."""
    if not name and not tax_code:
        return None
    producers = Producer.objects.visible_to(user)
    if tax_code:
        producer = producers.filter(tax_code=tax_code).first()
        if producer is None:
            raise ValueError(
                _("Không tìm thấy chủ thể có mã số thuế %(code)s.") % {"code": tax_code}
            )
        return producer
    found = list(producers.filter(search_name=fold(name))[:2])
    if not found:
        raise ValueError(_("Không tìm thấy chủ thể “%(name)s”.") % {"name": name})
    if len(found) > 1:
        raise ValueError(
            _("Có nhiều chủ thể tên “%(name)s”; hãy ghi thêm mã số thuế để phân biệt.")
            % {"name": name}
        )
    return found[0]


class ProducerWidget(widgets.Widget):
    """A producer by the name in its cell, or by the tax code in the row's ``tax_code_column``."""

    def __init__(self, tax_code_column: str = PRODUCER_TAX_CODE):
        super().__init__()
        self.tax_code_column = tax_code_column

    def clean(self, value, row=None, user=None, **kwargs):
        tax_code = (row or {}).get(self.tax_code_column)
        return find_producer(user, str(value or ""), str(tax_code or ""))

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ProducerResource(PortalResource):
    """One producer a row. A row updates the producer with its tax code, or, without one, the
    producer of the same name in the same area; otherwise it adds a producer."""

    tax_code = Field("tax_code", TAX_CODE, TextWidget())
    name = Field("name", NAME, TextWidget())
    kind = Field("kind", "Loại hình", ChoiceWidget(Producer.Kind.choices))
    legal_representative = Field("legal_representative", "Người đại diện", TextWidget())
    area = Field("area", AREA_CODE, AreaWidget())
    area_name = Field("area__full_name", "Tên địa bàn", readonly=True)
    address = Field("address", "Địa chỉ", TextWidget())
    phone = Field("phone", "Điện thoại", TextWidget())
    email = Field("email", "Email", TextWidget())
    website = Field("website", "Website", TextWidget())
    workers_total = Field("workers_total", "Tổng số lao động", IntegerWidget())
    workers_women = Field("workers_women", "Lao động nữ", IntegerWidget())
    workers_ethnic_minority = Field(
        "workers_ethnic_minority", "Lao động dân tộc thiểu số", IntegerWidget()
    )
    workers_local = Field("workers_local", "Lao động địa phương", IntegerWidget())
    is_active = Field("is_active", "Đang hoạt động", BooleanWidget(), default=True)

    required_columns = (NAME, "Loại hình", "Người đại diện", AREA_CODE)

    class Meta:
        model = Producer
        name = _("Chủ thể OCOP")
        fields = (
            "tax_code",
            "name",
            "kind",
            "legal_representative",
            "area",
            "area_name",
            "address",
            "phone",
            "email",
            "website",
            "workers_total",
            "workers_women",
            "workers_ethnic_minority",
            "workers_local",
            "is_active",
        )

    def instance_lookup(self, row):
        tax_code = self.fields["tax_code"].clean(row)
        if tax_code:
            return {"tax_code": tax_code}
        return {
            "tax_code": "",
            "search_name": fold(self.fields["name"].clean(row)),
            "area": self.fields["area"].clean(row, user=self.user),
        }
