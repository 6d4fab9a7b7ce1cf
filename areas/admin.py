from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from areas.models import Area
from ocop_portal.admin import FoldedSearchMixin, VisibleToAdminMixin


@admin.register(Area)
class AreaAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "code", "kind", "valid_from", "valid_until"]
    list_filter = ["kind", ("valid_until", admin.EmptyFieldListFilter)]
    search_fields = ["code", "search_name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    readonly_fields = ["full_name", "path", "updated_at"]
    fields = [
        "code",
        "name",
        "kind",
        "parent",
        "valid_from",
        "valid_until",
        "predecessors",
        "full_name",
        "path",
        "updated_at",
    ]
    list_per_page = 50

    # Administrative units are reference data: officers with admin access may read them,
    # only administrators change them.
    def has_add_permission(self, request):
        return request.user.sees_everything and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.sees_everything and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.sees_everything and super().has_delete_permission(request, obj)
