"""The public's side of the reports, beside the catalogue it is opened from (/catalogue/)."""

from django.urls import path

from inspections.views import reports

app_name = "public_reports"
urlpatterns = [
    path("<int:pk>/bao-cao/", reports.report_create, name="create"),
    path("bao-cao/cam-on/<str:signed>/", reports.report_thanks, name="thanks"),
]
