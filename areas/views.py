from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from areas.filters import AreaFilter
from areas.models import Area

PAGE_SIZE = 50


@require_safe
@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    areas = (
        Area.objects.visible_to(request.user)
        .annotate(child_count=Count("children"))
        .order_by("path")
    )
    area_filter = AreaFilter(request.GET, queryset=areas)
    page = Paginator(area_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "areas/area_list.html", {"filter": area_filter, "page": page})


@require_safe
@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Area.objects.visible_to(request.user)
    area = get_object_or_404(visible.select_related("parent"), pk=pk)
    predecessors = list(area.predecessors.all())
    successors = list(area.successors.all())
    ancestors = _ancestors(area)
    related_ids = [a.pk for a in [*ancestors, *predecessors, *successors]]
    context = {
        "area": area,
        "ancestors": ancestors,
        "children": visible.filter(parent=area).order_by("path"),
        "predecessors": predecessors,
        "successors": successors,
        "linkable": set(visible.filter(pk__in=related_ids).values_list("pk", flat=True)),
        "officers": area.officers.visible_to(request.user)
        .filter(is_active=True)
        .order_by("role", "full_name"),
    }
    return render(request, "areas/area_detail.html", context)


def _ancestors(area: Area) -> list[Area]:
    """The units above this one, province first, in one query."""
    return list(Area.objects.filter(path__in=area.containing_paths[:-1]).order_by("path"))


#: Options an area search answers with: enough to pick from, never the whole country.
CHOICES_LIMIT = 20


@require_safe
@login_required
def area_choices(request: HttpRequest) -> JsonResponse:
    """The districts and communes the user sees whose name holds the words typed (diacritics
    ignored), today's first: the options of an area filter too long to send whole
    (core.forms.AutocompleteSelect)."""
    query = request.GET.get("q", "").strip()[:100]
    areas = Area.objects.none()
    if query:
        areas = (
            Area.objects.visible_to(request.user)
            .below_province()
            .search(query)
            .order_by(F("valid_until").desc(nulls_first=True), "search_name")[:CHOICES_LIMIT]
        )
    return JsonResponse({"results": [{"id": area.pk, "text": str(area)} for area in areas]})
