"""Template filters over core.numbers: {{ amount|vnd }}, {{ amount|vnd_short }}, …"""

from django import template

from core import numbers

register = template.Library()


@register.filter
def num(value, decimals=0):
    return numbers.format_number(value, int(decimals))


@register.filter
def vnd(value):
    return numbers.format_vnd(value)


@register.filter
def vnd_short(value):
    return numbers.format_vnd_short(value)


@register.filter
def percent(value, decimals=1):
    return numbers.format_percent(value, int(decimals))


@register.filter
def share_of(part, whole):
    return numbers.share_percent(part, whole)


@register.filter
def minutes(value):
    """A timedelta in whole minutes (rounded up): 15."""
    if value is None:
        return ""
    return -(-int(value.total_seconds()) // 60)


@register.inclusion_tag("_stars.html")
def stars(count):
    """★★★★ with the number for screen readers: {% stars product.current_stars %}."""
    return {"count": count, "range": range(int(count or 0))}


@register.filter
def nav_active(item, path):
    """Whether a menu entry (or one of its children) leads to the page at ``path``."""
    return item.is_active(path)
