from django import template
from django.utils.html import format_html

from core.submissions import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def form_token() -> str:
    """The hidden token that makes a form's sending count once (core.submissions)."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
