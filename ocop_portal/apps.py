from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Pieces every app shares: access rule, formats, base templates' context."""

    name = "ocop_portal"
    verbose_name = _("Cổng thông tin OCOP")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ocop_portal.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.mark_fresh, dispatch_uid="session-fresh")
