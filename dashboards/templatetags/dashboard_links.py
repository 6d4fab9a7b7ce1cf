"""Links from a figure to the records behind it: {% records_url "products:list" area=pk year=2022 %}
gives /products/?area=7&year=2022, leaving out the parameters without a value."""

from django import template

from dashboards import links

register = template.Library()
register.simple_tag(links.records_url, name="records_url")
