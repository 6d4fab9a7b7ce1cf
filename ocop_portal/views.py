from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from areas.models import Area
from core import policy
from ocop_portal import todo
from products.models import Product
from subjects.models import Producer


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public welcome page, or the signed-in user's work (``ocop_portal.todo``) and an
    overview of their areas."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    if policy.is_producer_account(request.user):
        # A producer's account works in its own space, not on the staff's overview.
        return redirect("producer_space:home")
    work = todo.todo_list(request.user)
    areas = Area.objects.visible_to(request.user)
    products = (
        Product.objects.visible_to(request.user)
        .with_status()
        .aggregate(
            products=Count("pk"),
            # A certificate kept valid while its late re-rating is decided still certifies.
            certified=Count(
                "pk",
                filter=Q(
                    status__in=[
                        Product.Status.CERTIFIED,
                        Product.Status.EXPIRING,
                        Product.Status.RERATING,
                    ]
                ),
            ),
            expiring=Count("pk", filter=Q(status=Product.Status.EXPIRING)),
        )
    )
    context = {
        "todo": work,
        # The menu shows the same counts as the sections, counted once.
        "todo_counts": work.counts,
        "assigned_areas": request.user.assigned_areas,
        "counts": {
            "producers": Producer.objects.visible_to(request.user).count(),
            **products,
            "former_districts": areas.former().of_level(Area.Level.DISTRICT).count(),
            "current_communes": areas.current().of_level(Area.Level.COMMUNE).count(),
        },
    }
    return render(request, "home.html", context)


@require_safe
@login_required
def todo_section(request: HttpRequest, section: str) -> HttpResponse:
    """Every item of one section of the user's work ("see all" from the home page)."""
    kinds = {kind.slug: kind for kind in todo.kinds_for(request.user)}
    if section not in kinds:
        raise Http404
    page = todo.section_page(request.user, section, request.GET.get("page"))
    return render(request, "todo/section.html", {"kind": kinds[section], "page": page})


@require_safe
@login_required
def todo_counts(request: HttpRequest) -> JsonResponse:
    """The counts of the menu, for a page built while they were stale (static/js/todo.js):
    counted again here, and kept for the next pages."""
    counts = todo.todo_counts(request.user)
    total = counts.total
    return JsonResponse(
        {
            "total": total,
            "shown": "99+" if total > 99 else str(total),
            "sections": {kind.slug: counts.of(kind.slug) for kind in todo.KINDS_OF_WORK},
        }
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the pages link: the portal's icon, permanently."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
