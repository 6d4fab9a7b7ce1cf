from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app stands on: the policy, the base model, formats, lists, imports."""

    name = "core"
    verbose_name = _("Nền tảng cổng thông tin")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from core.caching import begin_request, end_request, record_changed
        from core.context_processors import record_models
        from core.middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.mark_fresh, dispatch_uid="session-fresh")
        # Cached pages and files are made new per province and kind of record (core/caching.py).
        for model in record_models():
            for signal in (post_save, post_delete):
                signal.connect(record_changed, sender=model, dispatch_uid=f"cache-{model._meta}")
        request_started.connect(begin_request, dispatch_uid="cache-request-begin")
        request_finished.connect(end_request, dispatch_uid="cache-request-end")
        refuse_control_characters()


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the portal's site (``core.admin.PortalAdminSite``), which asks the
    policy. Listed in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False  # not the configuration of the core app itself
    default_site = "core.admin.PortalAdminSite"


def portal_app_configs() -> list[AppConfig]:
    """The portal's own apps: those whose package sits in the project folder, not a library."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        config for config in apps.get_app_configs() if Path(config.path).resolve().parent == base
    ]


def refuse_control_characters() -> None:
    """Every CharField and TextField of the portal's models refuses control characters.

    Done here, once, rather than with ``validators=[...]`` on each field: no field can be
    forgotten (new ones included), and no migration per field. The validator is added to the
    field's ``validators`` list, which model validation (``full_clean``: model forms, the admin,
    imports) reads, and not to the arguments that migrations record.
    """
    from django.db import models

    from core.text import multi_line, single_line

    for config in portal_app_configs():
        for model in config.get_models():
            for field in model._meta.fields:
                if isinstance(field, models.TextField):
                    validator = multi_line
                elif isinstance(field, models.CharField):
                    validator = single_line
                else:
                    continue
                if validator not in field.validators:
                    field.validators.append(validator)
