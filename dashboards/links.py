"""Links from a figure to the records behind it: ``records_url("products:list", area=7,
year=2022)`` gives ``/products/?area=7&year=2022``, leaving out the parameters without a value.

A dashboard links each of its figures (a table of a province's communes holds hundreds): the
path of a list is reversed once per name and kept, the query string added to it."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode


@lru_cache(maxsize=256)
def _path(url_name: str, args: tuple, prefix: str, urlconf) -> str:
    return reverse(url_name, args=args, urlconf=urlconf)


def records_url(url_name: str, *args, **params) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    url = _path(url_name, args, get_script_prefix(), urlconf)
    query = {name: value for name, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url
