"""Links from a figure to the records behind it: {% records_url "products:list" area=pk year=2022 %}
gives /products/?area=7&year=2022, leaving out the parameters without a value."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def records_url(url_name, *args, **params):
    url = reverse(url_name, args=args)
    query = {name: value for name, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url
