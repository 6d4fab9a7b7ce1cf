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
