"""The producer's own pages of its dossiers filed online (namespace ``online``, under
``/producer/dossiers/``)."""

from django.urls import path

from evaluations.views import online

app_name = "online"
urlpatterns = [
    path("", online.dossier_list, name="list"),
    path("new/", online.dossier_start, name="start"),
    path("<int:pk>/", online.dossier_detail, name="detail"),
    path("<int:pk>/registration/", online.registration, name="registration"),
    path("<int:pk>/self-assessment/", online.self_assessment, name="self_assessment"),
    path("<int:pk>/print/form-01/", online.print_form, {"form": "01"}, name="print_form_01"),
    path("<int:pk>/print/form-02/", online.print_form, {"form": "02"}, name="print_form_02"),
    path("<int:pk>/documents/", online.document_list, name="documents"),
    path("<int:pk>/documents/upload/", online.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", online.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:document_pk>/remove/",
        online.document_remove,
        name="document_remove",
    ),
    path("<int:pk>/file/", online.dossier_move, {"move": "file"}, name="file"),
    path("<int:pk>/resubmit/", online.dossier_move, {"move": "resubmit"}, name="resubmit"),
]
