"""Filters of the public catalogue: a search, the area, the stars and the sector.

The catalogue is public, so nothing here depends on a user. The areas and sectors offered are
those the catalogue holds on the day, so that no choice leads to an empty list.
"""

from datetime import date

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from areas.provinces import words_for_code
from core import policy
from core.filters import PortalFilterSet
from core.text import fold
from products.filters import STAR_CHOICES
from products.models import Certificate, Product, ProductCategory


def catalogue_areas(today: date) -> list[Area]:
    """Districts and communes where a certified product's producer is registered or where its
    valid certificate was recognised: today's communes first, then the former districts."""
    certified = Product.objects.certified_on(today)
    valid = Certificate.objects.valid_on(today)
    return list(
        Area.objects.filter(
            Exists(certified.filter(producer__area=OuterRef("pk")))
            | Exists(valid.filter(area=OuterRef("pk")))
        )
        .exclude(kind__in=[Area.Kind.PROVINCE, Area.Kind.CENTRAL_CITY])
        .order_by(F("valid_until").asc(nulls_first=True), "search_name")
    )


def catalogue_sectors(today: date) -> dict[str, tuple[str, list[int]]]:
    """Sectors holding a certified product, by a readable key ("thuc-pham"): both
    classifications (1048/QĐ-TTg and 148/QĐ-TTg) name some sectors alike, and a visitor wants
    one "Thực phẩm"."""
    certified = Product.objects.certified_on(today)
    under = certified.filter(
        Q(category__parent=OuterRef("pk")) | Q(category__parent__parent=OuterRef("pk"))
    )
    sectors = ProductCategory.objects.filter(
        Exists(under), level=ProductCategory.Level.SECTOR
    ).order_by("name", "pk")
    choices: dict[str, tuple[str, list[int]]] = {}
    for sector in sectors:
        choices.setdefault(slugify(fold(sector.name)), (sector.name, []))[1].append(sector.pk)
    return choices


class CatalogueFilter(PortalFilterSet):
    """Filters the public products (``catalogue_views.public_products``), which come in
    annotated with their status on the day (``ProductQuerySet.with_status``)."""

    q = django_filters.CharFilter(label=_("Tìm sản phẩm, chủ thể"), method="filter_q")
    # Offered only when the catalogue holds products of several provinces.
    province = django_filters.ChoiceFilter(
        label=_("Đơn vị cấp tỉnh"), method="filter_province", empty_label=_("Tất cả")
    )
    area = django_filters.ChoiceFilter(
        label=_("Địa bàn"), method="filter_area", empty_label=_("Tất cả")
    )
    stars = django_filters.ChoiceFilter(
        label=_("Hạng sao"), choices=STAR_CHOICES, method="filter_stars", empty_label=_("Tất cả")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Ngành"), method="filter_sector", empty_label=_("Tất cả")
    )

    class Meta:
        model = Product
        fields = ["q", "province", "area", "stars", "sector"]

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        areas = catalogue_areas(today)
        self.areas = {str(area.pk): area for area in areas}
        codes = sorted({area.path.split("/", 1)[0] for area in areas})
        self.several_provinces = len(codes) > 1
        if self.several_provinces:
            self.filters["province"].extra["choices"] = [
                (code, words_for_code(code).name) for code in codes
            ]
        else:
            del self.filters["province"]
        groups = [
            (_("Xã, phường hiện nay"), [(str(a.pk), a.name) for a in areas if a.is_current]),
            (
                _("Quận, huyện trước 01/07/2025"),
                [(str(a.pk), a.name) for a in areas if not a.is_current],
            ),
        ]
        self.filters["area"].extra["choices"] = [group for group in groups if group[1]]
        self.sectors = catalogue_sectors(today)
        self.filters["sector"].extra["choices"] = [
            (key, name) for key, (name, _ids) in self.sectors.items()
        ]

    def filter_q(self, queryset, name, value):
        """Words found in the product's or the producer's name, diacritics ignored."""
        return queryset.search(value)

    def filter_area(self, queryset, name, value):
        """Products whose producer is registered in the area or whose valid certificate was
        recognised there. A former district also covers the communes that took over its
        territory, where its products have been recognised again since 01/07/2025."""
        area = self.areas[value]
        within = area.q_within()
        if not area.is_current:
            within |= Q(predecessors=area)
        areas = Area.objects.filter(within)
        recognised = Certificate.objects.valid_on(self.today).filter(
            product=OuterRef("pk"), area__in=areas
        )
        return queryset.filter(Q(producer__area__in=areas) | Exists(recognised))

    def filter_province(self, queryset, name, value):
        return queryset.filter(policy.under("producer__area__path", f"{value}/"))

    @property
    def chosen_province(self) -> str:
        """The code of the province asked for, when it is one the catalogue holds."""
        if not self.several_provinces:
            return ""
        value = self.data.get("province", "")
        return value if value in dict(self.filters["province"].extra["choices"]) else ""

    def filter_stars(self, queryset, name, value):
        return queryset.filter(current_stars=int(value))

    def filter_sector(self, queryset, name, value):
        _name, ids = self.sectors[value]
        return queryset.filter(Q(category__parent__in=ids) | Q(category__parent__parent__in=ids))
