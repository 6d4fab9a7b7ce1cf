import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.filters import limit_area_filter
from areas.models import Area
from core.counting import EVALUATION, year_lookup
from core.filters import PortalFilterSet
from core.text import fold
from evaluations.models import Evaluation, Round
from products.models import Certificate

STAR_CHOICES = [(n, _("%(n)s sao") % {"n": n}) for n in range(5, 0, -1)]


class EvaluationFilter(PortalFilterSet):
    """Filters of the evaluation list; the queryset comes in limited by visible_to."""

    q = django_filters.CharFilter(label=_("Tìm theo tên sản phẩm, chủ thể"), method="filter_q")
    year = django_filters.NumberFilter(
        label=_("Năm"), field_name=year_lookup(EVALUATION), min_value=2018, max_value=2100
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Đợt"), queryset=Round.objects.none(), empty_label=_("Tất cả")
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=Evaluation.Status.choices, empty_label=_("Tất cả")
    )
    stars = django_filters.ChoiceFilter(
        label=_("Hạng sao"), choices=STAR_CHOICES, empty_label=_("Tất cả")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Hình thức"), choices=Certificate.Kind.choices, empty_label=_("Tất cả")
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_area",
        empty_label=_("Tất cả"),
    )

    class Meta:
        model = Evaluation
        fields = ["q", "year", "round", "status", "stars", "kind", "area"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = Round.objects.visible_to(user).select_related("area")
        self.filters["round"].queryset = rounds
        self.filters["round"].field.label_from_instance = lambda round: round.title
        limit_area_filter(self.filters["area"], user, by_name=True)

    def filter_q(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(
                Q(product__search_name__contains=word)
                | Q(product__producer__search_name__contains=word)
            )
        return queryset

    def filter_area(self, queryset, name, area):
        return queryset.filter(area.q_within("product__producer__area__path"))
