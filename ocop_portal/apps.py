from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Pieces every app shares: access rule, formats, base templates' context."""

    name = "ocop_portal"
    verbose_name = _("Cổng thông tin OCOP")
