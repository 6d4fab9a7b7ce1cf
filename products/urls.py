from django.urls import path

from products import expiry_views, views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("expiring/", expiry_views.expiring, name="expiring"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
]
