import django_filters
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core.filters import PortalFilterSet


class AreaFilter(PortalFilterSet):
    """Filters of the area list; every choice narrows a queryset already limited by visible_to."""

    ERA_CHOICES = [
        ("current", _("Hiện hành (từ 01/07/2025)")),
        ("former", _("Trước 01/07/2025")),
    ]

    q = django_filters.CharFilter(label=_("Tìm theo tên"), method="filter_q")
    level = django_filters.ChoiceFilter(
        label=_("Cấp"), choices=Area.Level.choices, method="filter_level", empty_label=_("Tất cả")
    )
    era = django_filters.ChoiceFilter(
        label=_("Thời kỳ"), choices=ERA_CHOICES, method="filter_era", empty_label=_("Tất cả")
    )

    class Meta:
        model = Area
        fields = ["q", "level", "era"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_level(self, queryset, name, value):
        return queryset.of_level(int(value))

    def filter_era(self, queryset, name, value):
        return queryset.current() if value == "current" else queryset.former()
