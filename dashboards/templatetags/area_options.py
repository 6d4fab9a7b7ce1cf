"""The options of the dashboards' area list: {% area_options areas selected %}. A province has a
few hundred areas; drawn by a template loop, they were a fifth of the dashboard's time."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

#: The groups of ``dashboards.scope.area_choices``, in the list's order.
GROUPS = (
    ("districts", _("Quận, huyện (đến 30/06/2025)")),
    ("communes", _("Xã, phường (từ 01/07/2025)")),
    ("former_communes", _("Xã, phường, thị trấn (trước 01/07/2025)")),
)
SELECTED = mark_safe(" selected")


@register.simple_tag
def area_options(areas: dict, selected: int | None):
    """Each group that has areas, as an ``<optgroup>`` of ``<option>``s; ``selected``: the key
    of the area chosen."""
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        (
            (
                label,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((pk, SELECTED if pk == selected else "", name) for pk, name in areas[key]),
                ),
            )
            for key, label in GROUPS
            if areas[key]
        ),
    )
