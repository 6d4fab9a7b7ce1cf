"""The public catalogue, under /catalogue/ (open data, sitemap and robots.txt are at the root:
see ocop_portal/urls.py)."""

from django.urls import path

from products import catalogue_views as views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<int:pk>-<slug:slug>/", views.product_page, name="product"),
    path("<int:pk>/", views.product_page, name="product_short"),
    path("<int:pk>/qr.svg", views.product_qr, {"kind": "svg"}, name="qr_svg"),
    path("<int:pk>/qr.png", views.product_qr, {"kind": "png"}, name="qr_png"),
    path("producers/<int:pk>/labels/", views.producer_labels, name="labels"),
]
