"""The producer's space and its accounts, under /producer/ (namespace ``producer_space``). The
online dossiers (``online``, /producer/dossiers/) and the public page's changes (``listings``,
/producer/page/) hang in the same space."""

from django.urls import path

from producer_space import views

app_name = "producer_space"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.products, name="products"),
    path("certificates/", views.certificates, name="certificates"),
    path("labels/", views.labels, name="labels"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    # The officer's side, from the producer's page of the registry.
    path("producers/<int:producer_pk>/invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("accounts/<int:pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("accounts/<int:pk>/reactivate/", views.account_reactivate, name="account_reactivate"),
]
