from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.text import fold

admin.site.site_header = _("Quản trị Cổng thông tin OCOP")
admin.site.site_title = _("Quản trị OCOP")
admin.site.index_title = _("Sửa dữ liệu")


class VisibleToAdminMixin:
    """The admin reads through the same rule as the pages: ``visible_to(request.user)``.

    Lists, searches, change pages and the choices offered in foreign keys all start from it,
    so a staff officer sees only their own areas here too.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    # simple-history's history list and revert page open any id, even one outside the user's
    # areas (administrators may also look at deleted records there).
    def history_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _ensure_visible(self, request, object_id) -> None:
        if (
            not request.user.sees_everything
            and self.get_object(request, unquote(object_id)) is None
        ):
            raise Http404

    def _limit(self, db_field, request, kwargs):
        manager = db_field.related_model._default_manager
        if "queryset" not in kwargs and hasattr(manager, "visible_to"):
            kwargs["queryset"] = manager.visible_to(request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._limit(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._limit(db_field, request, kwargs)
        )


class ReferenceDataAdminMixin:
    """Reference data (administrative units, classifications): staff with admin access may
    read it, only administrators change it."""

    def has_add_permission(self, request):
        return request.user.sees_everything and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.sees_everything and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.sees_everything and super().has_delete_permission(request, obj)


class FoldedSearchMixin:
    """Admin search that ignores case and diacritics: its search fields hold folded text."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
