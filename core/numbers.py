"""Numbers, money and percentages written the way the active language writes them.

Vietnamese: 1.900.000.000 ₫ in tables, "3,6 tỷ đồng" in summaries, 52,8%.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

Number = int | float | Decimal

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)


def _round(value: Number, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value: Number | None, decimals: int = 0, *, trim: bool = False) -> str:
    """Group thousands and round half up; with trim, drop a fraction that is all zeros."""
    if value is None:
        return "–"
    rounded = _round(value, decimals)
    if trim and rounded == rounded.to_integral_value():
        decimals = 0
        rounded = rounded.to_integral_value()
    return formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def format_vnd(amount: Number | None) -> str:
    """A whole amount of đồng for tables: 1.900.000.000 ₫."""
    if amount is None:
        return "–"
    return f"{format_number(amount)} ₫"


def format_vnd_short(amount: Number | None) -> str:
    """An amount for summaries: 3,6 tỷ đồng; 250 triệu đồng."""
    if amount is None:
        return "–"
    value = Decimal(str(amount))
    if abs(value) >= BILLION:
        return _("%(amount)s tỷ đồng") % {"amount": format_number(value / BILLION, 1, trim=True)}
    if abs(value) >= MILLION:
        return _("%(amount)s triệu đồng") % {"amount": format_number(value / MILLION, 1, trim=True)}
    return _("%(amount)s đồng") % {"amount": format_number(value)}


def format_percent(value: Number | None, decimals: int = 1) -> str:
    """A percentage given in percent: 52.777… → 52,8%."""
    if value is None:
        return "–"
    return f"{format_number(value, decimals, trim=True)}%"


def share_percent(part: Number, whole: Number, decimals: int = 1) -> str:
    """part / whole as a percentage (1,9 of 3,6 → 52,8%); a dash when the whole is zero."""
    if not whole:
        return "–"
    return format_percent(Decimal(str(part)) * 100 / Decimal(str(whole)), decimals)
