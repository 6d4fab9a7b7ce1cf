from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The shell: settings, URLs, the home page, the demo and the synthetic data."""

    name = "ocop_portal"
    verbose_name = _("Cổng thông tin OCOP")
