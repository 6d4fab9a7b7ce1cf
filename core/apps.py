from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app stands on: the policy, the base model, formats, lists, imports."""

    name = "core"
    verbose_name = _("Nền tảng cổng thông tin")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.mark_fresh, dispatch_uid="session-fresh")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the portal's site (``core.admin.PortalAdminSite``), which asks the
    policy. Listed in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False  # not the configuration of the core app itself
    default_site = "core.admin.PortalAdminSite"
