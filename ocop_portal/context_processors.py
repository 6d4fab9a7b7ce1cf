from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ocop_portal import todo


def todo_counts(request: HttpRequest) -> dict:
    """``todo_counts``: the signed-in user's work, counted for the menu, from the cache only
    (``todo.kept_counts``: never a query; ``known`` is false when they must be counted again).
    Lazy: a page that does not show them asks nothing, not even who the user is."""
    return {
        "todo_counts": SimpleLazyObject(lambda: todo.kept_counts(getattr(request, "user", None)))
    }
