import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.filters import limit_area_filter
from areas.models import Area
from core import policy
from core.counting import ENQUIRY, in_year
from core.filters import PortalFilterSet
from enquiries.models import Enquiry
from products.models import Product, ProductCategory

ALL = _("Tất cả")


class EnquiryFilter(PortalFilterSet):
    """Filters of the enquiries' list; the queryset comes in limited by ``visible_to`` (or
    ``owned_by`` for a producer's account, which is offered no area: it has one producer)."""

    q = django_filters.CharFilter(
        label=_("Tìm theo sản phẩm, chủ thể, người mua"), method="filter_q"
    )
    year = django_filters.NumberFilter(
        label=_("Năm nhận"), method="filter_year", min_value=2018, max_value=2100
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Ngành"),
        queryset=ProductCategory.objects.filter(level=ProductCategory.Level.SECTOR),
        method="filter_sector",
        empty_label=ALL,
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_area",
        empty_label=ALL,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại hình người mua"), choices=Enquiry.Kind.choices, empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Enquiry.Status.choices, empty_label=ALL
    )

    class Meta:
        model = Enquiry
        fields = ["q", "year", "sector", "area", "kind", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if policy.is_producer_account(user):
            del self.filters["area"]
            return
        limit_area_filter(self.filters["area"], user, by_name=True)

    def filter_q(self, queryset, name, value):
        # The registry's own search (product and producer names, diacritics ignored), or the
        # buyer's name as typed.
        return queryset.filter(
            Q(product__in=Product.objects.search(value)) | Q(organisation__icontains=value)
        )

    def filter_year(self, queryset, name, year):
        return queryset.filter(in_year(ENQUIRY, int(year)))

    def filter_sector(self, queryset, name, sector):
        # Every classification's sector of that name: one "Thực phẩm", as the dashboards count.
        sectors = sector.same_sector()
        return queryset.filter(
            Q(product__category__in=sectors)
            | Q(product__category__parent__in=sectors)
            | Q(product__category__parent__parent__in=sectors)
        )

    def filter_area(self, queryset, name, area):
        # A former district lives on in the communes that took over its territory.
        within = area.q_within("product__producer__area__path")
        for successor in area.successors.all():
            within |= successor.q_within("product__producer__area__path")
        return queryset.filter(within)
