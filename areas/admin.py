from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from areas.models import Area
from core.admin import FoldedSearchMixin, ReferenceDataAdminMixin, VisibleToAdminMixin


@admin.register(Area)
class AreaAdmin(
    ReferenceDataAdminMixin, VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin
):
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
