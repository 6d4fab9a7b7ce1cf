from django.urls import path

from budgets import views

app_name = "budgets"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:year>/", views.plan_detail, name="detail"),
    path("<int:year>/edit/", views.plan_edit, name="edit"),
    path("<int:year>/approve/", views.plan_approve, name="approve"),
    path("<int:year>/targets/new/", views.target_create, name="target_create"),
    path("<int:year>/targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("<int:year>/targets/<int:pk>/result/", views.target_result, name="target_result"),
    path("<int:year>/budget/new/", views.budget_line_create, name="budget_line_create"),
    path("<int:year>/disbursements/new/", views.disbursement_create, name="disbursement_create"),
    path("<int:year>/figures/new/", views.figure_create, name="figure_create"),
]
