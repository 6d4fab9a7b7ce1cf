from django.urls import path

from evaluations import views
from evaluations.views.evaluation import ACTIONS

app_name = "evaluations"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("all/", views.evaluation_list, name="list"),
    path("new/", views.evaluation_create, name="create"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/sheets/<int:sheet_pk>/", views.sheet_edit, name="sheet"),
    path("<int:pk>/sheets/<int:sheet_pk>/print/", views.sheet_print, name="sheet_print"),
    path("<int:pk>/print/", views.summary_print, name="summary_print"),
    path("<int:pk>/correct/", views.evaluation_correct, name="correct"),
    path("<int:pk>/divergence/", views.evaluation_divergence, name="divergence"),
    *[
        path(f"<int:pk>/{name}/", views.evaluation_action, {"action": name}, name=name)
        for name in ACTIONS
    ],
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/recognise/", views.round_recognise, name="round_recognise"),
    path("rounds/<int:pk>/decision.docx", views.round_decision_docx, name="round_decision_docx"),
    path("rounds/<int:pk>/decision.xlsx", views.round_decision_xlsx, name="round_decision_xlsx"),
]
