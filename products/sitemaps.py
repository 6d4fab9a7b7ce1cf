"""sitemap.xml for search engines: the catalogue and the page of every product certified today."""

from datetime import date

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from products.catalogue_views import cached, catalogue_url, public_products, public_read
from products.models import Certificate


class CatalogueSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["catalogue:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def __init__(self, today: date | None = None):
        self.today = today

    def items(self):
        certificate = Certificate.objects.filter(pk=OuterRef("current_certificate_id"))
        return (
            public_products(self.today or timezone.localdate())
            .annotate(
                changed_at=Greatest(
                    "updated_at",
                    "producer__updated_at",
                    Subquery(certificate.values("updated_at")[:1]),
                )
            )
            .order_by("pk")
        )

    def location(self, product) -> str:
        return catalogue_url(product)

    def lastmod(self, product):
        return product.changed_at


@public_read
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    def build(today: date) -> bytes:
        sitemaps = {"catalogue": CatalogueSitemap(), "products": ProductSitemap(today)}
        return sitemap(request, sitemaps=sitemaps).render().content

    content, _as_of = cached(request, "sitemap", build)
    return HttpResponse(content, content_type="application/xml")
