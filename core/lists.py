"""What every list page shares: sorting by a column and a page of results."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def sort(
    queryset: QuerySet, request: HttpRequest, columns: dict[str, tuple[str, ...]], default: str
):
    """Order by the column named in ?sort= ("name", or "-name" for descending).

    `columns` maps a column's name to the fields it orders by; anything else falls back to the
    default, so a hand-edited address cannot order by an arbitrary field.
    """
    requested = request.GET.get("sort", default)
    key = requested.lstrip("-")
    if key not in columns:
        requested, key = default, default.lstrip("-")
    descending = requested.startswith("-")
    fields = [f"-{f}" if descending else f for f in columns[key]]
    return queryset.order_by(*fields, "pk"), requested


def page_of(queryset: QuerySet, request: HttpRequest, size: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))
