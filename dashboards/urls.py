from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.city, name="city"),
    path("years/", views.years, name="years"),
    path("export.xlsx", views.export, name="export"),
    path("export/start/", views.export_start, name="export_start"),
]
