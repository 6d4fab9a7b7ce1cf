from datetime import timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.filters import limit_area_filter
from areas.models import Area
from core.counting import CERTIFICATE, in_year
from core.filters import PortalFilterSet
from products.models import Certificate, Product, ProductCategory, Revocation
from subjects.models import Producer

STAR_CHOICES = [(3, _("3 sao")), (4, _("4 sao")), (5, _("5 sao"))]


class ProductFilter(PortalFilterSet):
    """Filters of the product list; the queryset comes in limited by visible_to and annotated
    with its status on the day (ProductQuerySet.with_status)."""

    q = django_filters.CharFilter(label=_("Tìm theo tên sản phẩm, chủ thể"), method="filter_q")
    area = django_filters.ModelChoiceFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_area",
        empty_label=_("Tất cả"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại hình chủ thể"),
        choices=Producer.Kind.choices,
        field_name="producer__kind",
        empty_label=_("Tất cả"),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Ngành"),
        queryset=ProductCategory.objects.filter(level=ProductCategory.Level.SECTOR),
        method="filter_sector",
        empty_label=_("Tất cả"),
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Nhóm"),
        queryset=ProductCategory.objects.filter(level=ProductCategory.Level.GROUP),
        method="filter_group",
        empty_label=_("Tất cả"),
    )
    stars = django_filters.ChoiceFilter(
        label=_("Số sao hiện tại"),
        choices=STAR_CHOICES,
        method="filter_stars",
        empty_label=_("Tất cả"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Product.Status.choices, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(
        label=_("Năm công nhận"), method="filter_year", min_value=2018, max_value=2100
    )
    expiring_within = django_filters.NumberFilter(
        label=_("Hết hạn trong (ngày)"), method="filter_expiring", min_value=1, max_value=3650
    )

    class Meta:
        model = Product
        fields = [
            "q",
            "area",
            "kind",
            "sector",
            "group",
            "stars",
            "status",
            "year",
            "expiring_within",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_area_filter(self.filters["area"], user)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_area(self, queryset, name, area):
        # The producer's area today, or where any of its certificates was recognised.
        recognised_there = Certificate.objects.filter(
            area.q_within("area__path"), product=OuterRef("pk")
        )
        return queryset.filter(area.q_within("producer__area__path") | Exists(recognised_there))

    def filter_stars(self, queryset, name, stars):
        return queryset.filter(current_stars=int(stars))

    def filter_sector(self, queryset, name, sector):
        # The sector of every classification that is this one (1048/QĐ-TTg, 148/QĐ-TTg and
        # 26/2026/QĐ-TTg each have a "Thực phẩm"): one sector, as the dashboard counts it.
        sectors = sector.same_sector()
        return queryset.filter(
            Q(category__parent__in=sectors) | Q(category__parent__parent__in=sectors)
        )

    def filter_group(self, queryset, name, group):
        return queryset.filter(Q(category=group) | Q(category__parent=group))

    def filter_year(self, queryset, name, year):
        decided = Certificate.objects.filter(in_year(CERTIFICATE, year), product=OuterRef("pk"))
        return queryset.filter(Exists(decided))

    def filter_expiring(self, queryset, name, days):
        today = timezone.localdate()
        return queryset.filter(
            current_valid_until__gte=today,
            current_valid_until__lte=today + timedelta(days=int(days)),
        )


class RevocationFilter(PortalFilterSet):
    """Filters of the revocations' list; the queryset comes in limited by visible_to."""

    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Revocation.Status.choices, empty_label=_("Tất cả")
    )
    ground = django_filters.ChoiceFilter(
        label=_("Căn cứ"), choices=Revocation.Ground.choices, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(
        label=_("Năm"), method="filter_year", min_value=2018, max_value=2100
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_area",
        empty_label=_("Tất cả"),
    )
    late = django_filters.ChoiceFilter(
        label=_("Thời hạn 15 ngày"),
        choices=[("yes", _("Quá hạn")), ("no", _("Trong hạn"))],
        method="filter_late",
        empty_label=_("Tất cả"),
    )

    class Meta:
        model = Revocation
        fields = ["status", "ground", "year", "area", "late"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_area_filter(self.filters["area"], user)

    def filter_year(self, queryset, name, year):
        return queryset.in_year(int(year))

    def filter_area(self, queryset, name, area):
        # The producer's area today, or where the certificate was recognised.
        return queryset.filter(
            area.q_within("certificate__product__producer__area__path")
            | area.q_within("certificate__area__path")
        )

    def filter_late(self, queryset, name, value):
        late = Revocation.objects.late(timezone.localdate()).values("pk")
        if value == "yes":
            return queryset.filter(pk__in=late)
        return queryset.exclude(pk__in=late)
