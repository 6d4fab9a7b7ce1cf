import django_filters
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core import policy
from core.filters import PortalFilterSet
from core.forms import AutocompleteSelect


def searched_areas_widget(user) -> AutocompleteSelect | None:
    """For a reader of the whole country, an area choice searched as it is typed
    (``areas:choices``) rather than a list of thousands of options; None for the others."""
    if not policy.can(user, "everything.view"):
        return None
    return AutocompleteSelect(
        reverse_lazy("areas:choices"), attrs={"class": "form-select form-select-sm"}
    )


def limit_area_filter(area_filter: django_filters.Filter, user, by_name: bool = False) -> None:
    """An area filter offers the districts and communes the user sees (``by_name``: labelled
    by their names alone); searched for a reader of the whole country."""
    area_filter.queryset = Area.objects.visible_to(user).below_province()
    widget = searched_areas_widget(user)
    if widget is not None:
        # Before the field is first read: the filter builds its field once, with this widget.
        area_filter.extra["widget"] = widget
    if by_name:
        area_filter.field.label_from_instance = lambda area: area.name


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
