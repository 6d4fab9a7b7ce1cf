from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from areas.models import Area
from products.models import Product
from subjects.models import Producer


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public welcome page, or the signed-in user's overview of their areas."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
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
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the pages link: the portal's icon, permanently."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
