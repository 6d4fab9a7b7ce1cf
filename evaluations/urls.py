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
    path("<int:pk>/remark/", views.evaluation_remark, name="remark"),
    path("<int:pk>/advisory/", views.evaluation_advisory, name="advisory"),
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
    # The commune's step of a two-level dossier (26/2026/QĐ-TTg): Mẫu 01, 02, 03.
    path("<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/preassessment/", views.preassessment, name="preassessment"),
    path("<int:pk>/print/form-01/", views.print_form_01, name="print_form_01"),
    path("<int:pk>/print/form-02/", views.print_form_02, name="print_form_02"),
    path("<int:pk>/print/form-03/", views.print_form_03, name="print_form_03"),
]
urlpatterns += [
    path("<int:pk>/documents/", views.document_list, name="documents"),
    path("<int:pk>/documents/upload/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:document_pk>/remove/",
        views.document_remove,
        name="document_remove",
    ),
]
