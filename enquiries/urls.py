from django.urls import path

from enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.enquiry_list, name="list"),
    path("summary/", views.enquiry_summary, name="summary"),
    path("summary.csv", views.enquiry_summary_csv, name="summary_csv"),
    path("<int:pk>/", views.enquiry_detail, name="detail"),
    path("<int:pk>/answer/", views.enquiry_answer, name="answer"),
    path("<int:pk>/close/", views.enquiry_close, name="close"),
]
