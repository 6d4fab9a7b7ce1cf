from django.urls import path

from inspections.views import inspections, plans, reports

app_name = "inspections"
urlpatterns = [
    path("", inspections.inspection_list, name="list"),
    path("new/", inspections.adhoc_create, name="create"),
    path("products/", plans.product_choices, name="product_choices"),
    path("<int:pk>/", inspections.inspection_detail, name="detail"),
    path("<int:pk>/record/", inspections.inspection_record, name="record"),
    path("<int:pk>/follow-up/", inspections.inspection_follow_up, name="follow_up"),
    path("<int:pk>/schedule/", plans.line_edit, name="line_edit"),
    path("<int:pk>/remove/", plans.line_remove, name="line_remove"),
    path("<int:pk>/attachments/", inspections.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        inspections.attachment_download,
        name="attachment",
    ),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/approve/", plans.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/lines/new/", plans.line_add, name="line_add"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/take/", reports.report_take, name="report_take"),
    path("reports/<int:pk>/close/", reports.report_close, name="report_close"),
    path("reports/<int:pk>/inspect/", reports.report_inspect, name="report_inspect"),
]
