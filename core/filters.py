import django_filters
from django import forms


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose form fields carry Bootstrap's classes, for templates/_filter_form.html."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")
        return form
