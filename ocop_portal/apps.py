from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The shell: settings, URLs, the home page, the demo and the synthetic data."""

    name = "ocop_portal"
    verbose_name = _("Cổng thông tin OCOP")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed

        from ocop_portal import todo

        # The to-do counts of the menu are kept per user (ocop_portal.todo): a user whose areas
        # change has them counted again; one who signs in has them counted then, not on the
        # first page.
        m2m_changed.connect(
            todo.areas_changed,
            sender=get_user_model().areas.through,
            dispatch_uid="todo.areas_changed",
        )
        user_logged_in.connect(todo.signed_in, dispatch_uid="todo.signed_in")
