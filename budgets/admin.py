from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budgets.models import BudgetLine, Disbursement, Plan, PublishedFigure, Target
from core.admin import VisibleToAdminMixin


class CityWritesMixin:
    """Plans are read by everyone in the province; only city reviewers and administrators
    correct them here."""

    def has_add_permission(self, request, *args):
        return request.user.is_city_reviewer and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_city_reviewer and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_city_reviewer and super().has_delete_permission(request, obj)


@admin.register(Plan)
class PlanAdmin(CityWritesMixin, VisibleToAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "province", "document_number", "document_date", "status"]
    list_filter = ["status", "province"]
    search_fields = ["document_number", "note"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]
    readonly_fields = ["approved_at", "approved_by", "created_at", "updated_at"]


@admin.register(Target)
class TargetAdmin(CityWritesMixin, VisibleToAdminMixin, SimpleHistoryAdmin):
    list_display = ["plan", "indicator", "custom_name", "area", "value", "original_value"]
    list_filter = ["plan__year", "indicator"]
    search_fields = ["custom_name", "note", "change_reason"]
    list_select_related = ["plan", "area"]
    autocomplete_fields = ["area"]
    readonly_fields = ["original_value", "created_at", "updated_at"]


@admin.register(BudgetLine)
class BudgetLineAdmin(CityWritesMixin, VisibleToAdminMixin, SimpleHistoryAdmin):
    list_display = ["plan", "source", "activity", "area", "amount", "is_illustrative"]
    list_filter = ["plan__year", "source", "activity", "is_illustrative"]
    search_fields = ["description"]
    list_select_related = ["plan", "area"]
    autocomplete_fields = ["area"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Disbursement)
class DisbursementAdmin(CityWritesMixin, VisibleToAdminMixin, SimpleHistoryAdmin):
    list_display = ["paid_on", "line", "amount", "document", "over_plan_confirmed"]
    list_filter = ["line__plan__year", "line__source", "over_plan_confirmed"]
    search_fields = ["document", "note"]
    list_select_related = ["line__plan", "line__area"]
    date_hierarchy = "paid_on"
    readonly_fields = ["over_plan_confirmed", "created_at", "updated_at"]


@admin.register(PublishedFigure)
class PublishedFigureAdmin(CityWritesMixin, VisibleToAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "measure", "value", "unit", "document", "published_on"]
    list_filter = ["year", "measure"]
    search_fields = ["document", "note"]
    list_select_related = ["province"]
    autocomplete_fields = ["province"]
    readonly_fields = ["created_at", "updated_at"]
