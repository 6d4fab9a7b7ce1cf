from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Thông báo")

    def ready(self):
        from notices import services

        # Every step of the workflow is recorded as a Transition: the step that hands the
        # evaluation to someone tells them, whichever service recorded it.
        post_save.connect(
            services.on_transition_saved,
            sender="evaluations.Transition",
            dispatch_uid="notices.on_transition_saved",
        )
        # A revocation proposed waits for a decision; decided, it concerns the commune and the
        # producer (products.revocations records both; products cannot import notices).
        post_save.connect(
            services.on_revocation_saved,
            sender="products.Revocation",
            dispatch_uid="notices.on_revocation_saved",
        )
        # A change of a producer's public page proposed waits for its commune officer;
        # decided, it concerns the producer's accounts (listings cannot import notices).
        post_save.connect(
            services.on_page_change_saved,
            sender="listings.PageChange",
            dispatch_uid="notices.on_page_change_saved",
        )
        # A buyer's enquiry from the catalogue concerns the producer and its commune; its
        # answer, the commune (enquiries.services writes both; enquiries cannot import notices).
        post_save.connect(
            services.on_enquiry_saved,
            sender="enquiries.Enquiry",
            dispatch_uid="notices.on_enquiry_saved",
        )
