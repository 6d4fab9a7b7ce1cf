"""The filters of the re-rating page: an area and a re-rating state.

A plain form rather than a FilterSet: the state is an annotation (``products.rerating``), and
the area narrows by where a certificate was recognised or where its producer is today.
"""

from datetime import date

from django import forms
from django.db.models import Exists, F, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from areas.filters import searched_areas_widget
from areas.models import Area
from core import policy
from products.models import Certificate, CertificateQuerySet
from products.rerating import ORDER, TO_ACT_ON


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area: Area) -> str:
        if area.valid_until:
            # Former districts and today's communes can share a name; the date tells them apart.
            return _("%(name)s (đến %(day)s)") % {
                "name": area.name,
                "day": date_format(area.valid_until, "SHORT_DATE_FORMAT"),
            }
        return area.name


class ExpiryFilterForm(forms.Form):
    area = AreaChoiceField(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Tất cả địa bàn"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    state = forms.ChoiceField(
        label=_("Tình trạng đánh giá lại"),
        required=False,
        choices=[("", _("Cần theo dõi"))] + [(state.value, state.label) for state in ORDER],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    #: The certificates due in a year (core.counting: a re-rating counts in the year of the
    #: expiry), as the dashboard counts them.
    year = forms.IntegerField(
        label=_("Năm hết hạn"),
        required=False,
        min_value=2018,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, data, *, user, today: date):
        super().__init__(data)
        self.fields["area"].queryset = area_choices(user, today)
        widget = searched_areas_widget(user)
        if widget is not None:
            self.fields["area"].widget = widget
            widget.choices = self.fields["area"].choices

    def full_clean(self) -> None:
        super().full_clean()
        # Bootstrap's red outline, and the error read out with the field by screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def cache_facts(self) -> tuple:
        """What the filters chose, for a cache key (an area by its key)."""
        self.is_valid()
        return tuple(
            (name, getattr(value, "pk", value)) for name, value in sorted(self.cleaned_data.items())
        )

    @property
    def states(self) -> tuple[str, ...]:
        """The states listed: the one chosen, or those to act on (a wrong value, its error
        shown next to the field, lists those too)."""
        self.is_valid()
        chosen = self.cleaned_data.get("state")
        return (chosen,) if chosen else tuple(state.value for state in TO_ACT_ON)

    def narrow(self, certificates: CertificateQuerySet) -> CertificateQuerySet:
        """Certificates expiring in the chosen year, recognised in the chosen area or whose
        producer is there today: after the 2025 reorganisation one is a former district, the
        other a new commune."""
        self.is_valid()
        if year := self.cleaned_data.get("year"):
            certificates = certificates.filter(valid_until__year=year)
        area = self.cleaned_data.get("area")
        if area is None:
            return certificates
        return certificates.filter(
            area.q_within("area__path") | area.q_within("product__producer__area__path")
        )


def area_choices(user, today: date):
    """The areas the user may pick, in one query.

    Whoever reads a whole province (the city, administrators) picks any district or commune.
    An officer picks among their visible areas holding a certificate that is its product's
    latest and not revoked (so that the options do not change with the state chosen).
    """
    areas = Area.objects.visible_to(user).below_province()
    if not policy.oversees_a_province(user):
        listed = Certificate.objects.visible_to(user).filter(revoked_on__isnull=True).not_renewed()
        inside = listed.filter(
            policy.under("area__path", OuterRef("path"))
            | policy.under("product__producer__area__path", OuterRef("path"))
        )
        areas = areas.filter(Exists(inside))
    # Former districts first, then today's communes, each alphabetically.
    return areas.order_by(F("valid_until").asc(nulls_last=True), "search_name")
