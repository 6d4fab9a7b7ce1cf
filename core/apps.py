from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app stands on: the policy, the base model, formats, lists, imports."""

    name = "core"
    verbose_name = _("Nền tảng cổng thông tin")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.mark_fresh, dispatch_uid="session-fresh")
