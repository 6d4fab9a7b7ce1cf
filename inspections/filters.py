import django_filters
from django.utils.translation import gettext_lazy as _

from areas.filters import limit_area_filter
from areas.models import Area
from core.filters import PortalFilterSet
from inspections.models import Inspection, PublicReport
from products.models import Product

S = Inspection.Status
ALL = _("Tất cả")

#: The states a list is filtered by, each a group of statuses.
STATES = {
    "planned": (_("Chưa kiểm tra"), (S.PLANNED,)),
    "follow_up": (_("Chờ xử lý sau kiểm tra"), Inspection.FOLLOW_UP_DUE),
    "done": (_("Đã kết thúc"), Inspection.DONE),
}


class ProductRecordFilter(PortalFilterSet):
    """Filters by the product a record is about: its name or its producer's (diacritics
    ignored), and the area it lies in. The queryset comes in limited by visible_to."""

    q = django_filters.CharFilter(label=_("Tìm theo tên sản phẩm, chủ thể"), method="filter_q")
    area = django_filters.ModelChoiceFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_area",
        empty_label=ALL,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_area_filter(self.filters["area"], user, by_name=True)

    def filter_q(self, queryset, name, value):
        # The registry's own search: product and producer names, diacritics ignored.
        return queryset.filter(product__in=Product.objects.search(value))

    def filter_area(self, queryset, name, area):
        return queryset.filter(area.q_within("product__producer__area__path"))


class InspectionFilter(ProductRecordFilter):
    year = django_filters.NumberFilter(label=_("Năm"), min_value=2018, max_value=2100)
    #: The year of the record, whatever the year planned for (core.counting: an inspection is
    #: done in its record's year), as the dashboard counts inspections done.
    done_year = django_filters.NumberFilter(
        label=_("Năm đã kiểm tra"),
        field_name="done_on",
        lookup_expr="year",
        min_value=2018,
        max_value=2100,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Hình thức"), choices=Inspection.Kind.choices, empty_label=ALL
    )
    state = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=[(key, label) for key, (label, _statuses) in STATES.items()],
        method="filter_state",
        empty_label=ALL,
    )
    result = django_filters.ChoiceFilter(
        label=_("Kết quả"), choices=Inspection.Result.choices, empty_label=ALL
    )

    class Meta:
        model = Inspection
        fields = ["q", "year", "done_year", "area", "kind", "state", "result"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(status__in=STATES[value][1])


class ReportFilter(ProductRecordFilter):
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=PublicReport.Status.choices, empty_label=ALL
    )
    kind = django_filters.ChoiceFilter(
        label=_("Vấn đề"), choices=PublicReport.Kind.choices, empty_label=ALL
    )
    #: The year received (local time), as the dashboard counts reports.
    year = django_filters.NumberFilter(
        label=_("Năm nhận"),
        field_name="created_at",
        lookup_expr="year",
        min_value=2018,
        max_value=2100,
    )

    class Meta:
        model = PublicReport
        fields = ["q", "status", "kind", "year", "area"]
