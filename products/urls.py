from django.urls import path

from products import expiry_views, revocation_views, views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("expiring/", expiry_views.expiring, name="expiring"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    # Revocation (26/2026/QĐ-TTg Điều 8)
    path("revocations/", revocation_views.revocation_list, name="revocations"),
    path("revocations/<int:pk>/", revocation_views.revocation_detail, name="revocation"),
    path(
        "revocations/<int:pk>/decide/",
        revocation_views.revocation_decide,
        name="revocation_decide",
    ),
    path("revocations/<int:pk>/drop/", revocation_views.revocation_drop, name="revocation_drop"),
    path(
        "certificates/<int:pk>/revoke/",
        revocation_views.revocation_propose,
        name="revocation_propose",
    ),
]
