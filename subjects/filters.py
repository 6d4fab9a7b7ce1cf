import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from areas.filters import limit_area_filter
from areas.models import Area
from core.filters import PortalFilterSet
from subjects.models import Producer


class ProducerFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên, mã số thuế"), method="filter_q")
    area = django_filters.ModelChoiceFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_area",
        empty_label=_("Tất cả"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại hình"), choices=Producer.Kind.choices, empty_label=_("Tất cả")
    )
    is_active = django_filters.BooleanFilter(
        label=_("Hoạt động"),
        widget=forms.Select(
            choices=[
                ("", _("Tất cả")),
                ("true", _("Đang hoạt động")),
                ("false", _("Ngừng hoạt động")),
            ]
        ),
    )

    class Meta:
        model = Producer
        fields = ["q", "area", "kind", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the areas the user works in can be chosen.
        limit_area_filter(self.filters["area"], user)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_area(self, queryset, name, area):
        return queryset.filter(area.q_within("area__path"))
