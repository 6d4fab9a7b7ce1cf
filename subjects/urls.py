from django.urls import path

from subjects import views

app_name = "subjects"
urlpatterns = [
    path("", views.producer_list, name="list"),
    path("new/", views.producer_create, name="create"),
    path("<int:pk>/", views.producer_detail, name="detail"),
    path("<int:pk>/edit/", views.producer_edit, name="edit"),
]
