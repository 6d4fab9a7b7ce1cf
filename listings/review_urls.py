"""The officers' review of the producers' public pages, under /listings/."""

from django.urls import path

from listings import views

app_name = "listing_reviews"
urlpatterns = [
    path("reviews/", views.review_list, name="list"),
    path("reviews/<int:pk>/", views.review_detail, name="detail"),
    path("reviews/<int:pk>/approve/", views.review_approve, name="approve"),
    path("reviews/<int:pk>/reject/", views.review_reject, name="reject"),
    path("reviews/<int:pk>/photos/<int:photo_pk>/", views.review_photo, name="photo"),
]
