"""Figures of plans in their unit: {{ value|in_unit:"percent" }} → 52,7%; 3.600.000.000 ₫; 92."""

from decimal import Decimal

from django import template

from budgets.models import Unit
from core import numbers

register = template.Library()


@register.filter
def in_unit(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == Unit.VND:
        return numbers.format_vnd(value)
    if unit == Unit.PERCENT:
        return numbers.format_percent(value)
    return numbers.format_number(value, 2, trim=True)


@register.filter
def signed_in_unit(value, unit: str) -> str:
    """A difference with its sign: +7, −2, +200.000.000 ₫, −0,1 (percentage points)."""
    if value is None:
        return "–"
    value = Decimal(value)
    if unit == Unit.PERCENT:
        text = numbers.format_number(abs(value), 1, trim=True)
    else:
        text = in_unit(abs(value), unit)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text
