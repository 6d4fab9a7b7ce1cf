"""The producer's account: its public page, under /producer/page/."""

from django.urls import path

from listings import views

app_name = "listings"
urlpatterns = [
    path("", views.index, name="index"),
    path("producer/", views.producer_edit, name="producer_edit"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
    path("<int:pk>/", views.change_detail, name="change"),
    path("<int:pk>/withdraw/", views.change_withdraw, name="withdraw"),
    path("<int:pk>/photos/<int:photo_pk>/", views.own_photo, name="photo"),
]
