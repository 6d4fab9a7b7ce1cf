"""``{% can "product.change" product as decision %}``: show a button only when its action is
allowed, and say why when it is not (``decision.reason``)."""

from django import template

from core import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> policy.Decision:
    # No request (an error page rendered bare): nobody is signed in, nothing is allowed.
    request = context.get("request")
    return policy.can(getattr(request, "user", None), action, obj)
