"""What every list page shares: sorting by a column and a page of results."""

from collections.abc import Callable

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


def page_of(
    queryset: QuerySet,
    request: HttpRequest,
    size: int = PAGE_SIZE,
    rows: Callable[[QuerySet], QuerySet] | None = None,
    param: str = "page",
) -> Page:
    """One page of the queryset. With ``rows``, the page is chosen on the primary keys alone
    and ``rows(ids)`` (``ids`` a subquery of the page's keys) fetches what the page shows, in
    the same order: costly annotations (a product's status) are then computed for the page's
    rows only, never for the rows an OFFSET skips, and the count leaves them out too (Django
    strips annotations a count does not need). Still one query for the page."""
    if rows is None:
        return Paginator(queryset, size).get_page(request.GET.get(param))
    order = queryset.query.order_by or queryset.model._meta.ordering
    keys = queryset.values_list("pk", flat=True).order_by(*order)
    page = Paginator(keys, size).get_page(request.GET.get(param))
    count, bottom = page.paginator.count, (page.number - 1) * size
    top = min(bottom + size, count)
    if bottom > count // 2:
        # Past the middle, the same rows counted from the end: the database then skips fewer
        # (the last page of 100,000 products skips 24, not 99,975).
        page.object_list = keys.reverse()[count - top : count - bottom]
    page.object_list = list(rows(page.object_list).order_by(*order))
    return page
