import posixpath

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views.static import serve

from evaluations.models import DOSSIERS_DIR
from ocop_portal import views
from products import open_data_views
from products.sitemaps import sitemap_xml

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/counts.json", views.todo_counts, name="todo_counts"),
    path("todo/<slug:section>/", views.todo_section, name="todo_section"),
    path("accounts/", include("accounts.urls")),
    path("areas/", include("areas.urls")),
    path("producers/", include("subjects.urls")),
    path("products/", include("products.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("producer/dossiers/", include("evaluations.online_urls")),
    path("plans/", include("budgets.urls")),
    path("inspections/", include("inspections.urls")),
    path("producer/page/", include("listings.urls")),
    path("listings/", include("listings.review_urls")),
    path("enquiries/", include("enquiries.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("notices/", include("notices.urls")),
    path("producer/", include("producer_space.urls")),
    path("jobs/", include("core.job_urls")),
    path("catalogue/", include("products.catalogue_urls")),
    path("catalogue/", include("inspections.public_urls")),
    path("catalogue/", include("enquiries.public_urls")),
    path("catalogue.csv", open_data_views.catalogue_csv, name="catalogue_csv"),
    path("catalogue.json", open_data_views.catalogue_json, name="catalogue_json"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
    path("robots.txt", open_data_views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]


def public_media(request, path, **kwargs):
    """Uploaded photos, served by Django only on a developer's machine; in production by the
    web server in front, from MEDIA_ROOT (see the README). The dossiers' documents
    (``dossiers/``) are never served from here: only through their evaluation's pages, to
    those who see it (deploy/nginx.conf refuses them likewise)."""
    if posixpath.normpath(path).lstrip("/").split("/")[0].lower() == DOSSIERS_DIR:
        raise Http404
    return serve(request, path, **kwargs)


urlpatterns += static(settings.MEDIA_URL, view=public_media, document_root=settings.MEDIA_ROOT)
