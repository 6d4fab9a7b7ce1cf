"""The filters of the expiry page: an area and how many days ahead to look.

A plain form rather than a FilterSet: the page has two lists, and ``days`` shapes only the first
(what expires soon), while the area narrows both.
"""

from datetime import date

from django import forms
from django.db.models import Exists, F, OuterRef
from django.urls import reverse_lazy
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from core import policy
from core.forms import AutocompleteSelect
from products.models import EXPIRING_WITHIN_DAYS, Certificate, CertificateQuerySet

MIN_DAYS, MAX_DAYS = 1, 365
DAYS_ERROR = _("Số ngày phải là một số nguyên từ 1 đến 365.")


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
    days = forms.IntegerField(
        label=_("Hết hạn trong (ngày)"),
        required=False,
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        error_messages={"invalid": DAYS_ERROR, "min_value": DAYS_ERROR, "max_value": DAYS_ERROR},
        widget=forms.NumberInput(
            attrs={"class": "form-control form-control-sm", "placeholder": EXPIRING_WITHIN_DAYS}
        ),
    )

    def __init__(self, data, *, user, today: date):
        super().__init__(data)
        self.fields["area"].queryset = area_choices(user, today)
        if policy.can(user, "everything.view"):
            # The whole country: thousands of areas, searched rather than listed.
            self.fields["area"].widget = AutocompleteSelect(
                reverse_lazy("areas:choices"), attrs={"class": "form-select form-select-sm"}
            )
            self.fields["area"].widget.choices = self.fields["area"].choices

    def full_clean(self) -> None:
        super().full_clean()
        # Bootstrap's red outline, and the error read out with the field by screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    @property
    def days_ahead(self) -> int:
        """The days asked for, or the default when the field is empty or wrong: a wrong value
        is left out of cleaned_data, its error shown next to the field."""
        self.is_valid()
        return self.cleaned_data.get("days") or EXPIRING_WITHIN_DAYS

    def narrow(self, certificates: CertificateQuerySet) -> CertificateQuerySet:
        """Certificates recognised in the chosen area, or whose producer is there today: after
        the 2025 reorganisation one is a former district, the other a new commune."""
        self.is_valid()
        area = self.cleaned_data.get("area")
        if area is None:
            return certificates
        return certificates.filter(
            area.q_within("area__path") | area.q_within("product__producer__area__path")
        )


def area_choices(user, today: date):
    """The areas the user may pick, in one query.

    Whoever reads a whole province (the city, administrators) picks any district or commune.
    An officer picks among their visible areas holding a certificate on the page: expiring
    within the longest window (so the options do not change with ``days``) or expired without
    renewal.
    """
    areas = Area.objects.visible_to(user).below_province()
    if not policy.oversees_a_province(user):
        visible = Certificate.objects.visible_to(user)
        on_the_page = visible.expiring_within(MAX_DAYS, today).not_renewed() | (
            visible.expired_not_renewed(today)
        )
        inside = on_the_page.filter(
            policy.under("area__path", OuterRef("path"))
            | policy.under("product__producer__area__path", OuterRef("path"))
        )
        areas = areas.filter(Exists(inside))
    # Former districts first, then today's communes, each alphabetically.
    return areas.order_by(F("valid_until").asc(nulls_last=True), "search_name")
