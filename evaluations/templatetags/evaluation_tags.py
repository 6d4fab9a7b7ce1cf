"""Tags of the evaluation pages: {{ evaluation.status|status_class }}, {% points value %}."""

import json
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from core import numbers
from evaluations.models import Evaluation

register = template.Library()

S = Evaluation.Status
STATUS_CLASSES = {
    S.PREPARING: "text-bg-light border",
    S.FILED: "text-bg-info",
    S.DRAFT: "text-bg-secondary",
    S.SUBMITTED: "text-bg-primary",
    S.RESUBMITTED: "text-bg-primary",
    S.RETURNED: "text-bg-warning",
    S.RECOGNISED: "text-bg-success",
    S.NOT_RECOGNISED: "text-bg-danger",
    S.PROPOSED_CENTRAL: "text-bg-warning",
    S.CENTRAL_RECOGNISED: "text-bg-success",
    S.CENTRAL_DECLINED: "text-bg-success",
    S.DISQUALIFIED: "text-bg-danger",
    S.RECEIVED: "text-bg-secondary",
    S.FORWARDED: "text-bg-primary",
    S.ADVISORY: "text-bg-info",
    S.COUNCIL: "text-bg-info",
    S.SCORED: "text-bg-primary",
    S.MINISTRY: "text-bg-warning",
    S.MINISTRY_DECLINED: "text-bg-warning",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.filter
def points(value) -> str:
    """Points as the sheet writes them: 3, 2,5, 75,25 (no trailing zeros)."""
    if value is None:
        return "–"
    value = Decimal(value).quantize(Decimal("0.01")).normalize()
    return numbers.format_number(value, max(0, -value.as_tuple().exponent))


@register.filter
def points_label(value) -> str:
    """Points with their unit, as an option shows them: "2,5 đ" (a filter, not a
    ``blocktranslate`` per option: a 26/2026 sheet draws some 170)."""
    return _("%(p)s đ") % {"p": points(value)}


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def stars_mark(stars: int | None) -> str:
    """The mark printed on an option that is the minimum for a star level: *** → ★★★."""
    return "★" * int(stars) if stars else ""


@register.filter
def minimums_json(minimums: dict) -> str:
    """A criterion's minimum points by star level, for the sheet's script: {"4": "3"}."""
    return json.dumps({str(stars): str(points) for stars, points in (minimums or {}).items()})
