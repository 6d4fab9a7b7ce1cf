"""The buyers' side of the enquiries, beside the catalogue it is opened from (/catalogue/)."""

from django.urls import path

from enquiries import views

app_name = "public_enquiries"
urlpatterns = [
    path("<int:pk>/lien-he/", views.enquiry_create, name="create"),
    path("lien-he/cam-on/<str:signed>/", views.enquiry_thanks, name="thanks"),
]
