"""The admin shows evaluations for reading and correcting reference data; the workflow (status,
decisions, certificates) changes only through the pages and their services, so it is read-only
here. Rounds and evaluations are scoped by ``visible_to`` like every page."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import FoldedSearchMixin, VisibleToAdminMixin
from evaluations.models import (
    CouncilMember,
    CriteriaSet,
    Evaluation,
    Round,
    ScoreSheet,
    Transition,
)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    """Criteria sets are loaded from evaluations/data/sheets/ (load_criteria_sets); the admin
    shows them and lets administrators fix their wording, not their sheet."""

    list_display = ["code", "legal_basis", "is_illustrative"]
    list_filter = ["legal_basis"]
    readonly_fields = ["code", "legal_basis", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.sees_everything and super().has_change_permission(request, obj)


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 1


@admin.register(Round)
class RoundAdmin(VisibleToAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "level", "area", "opens_on", "closes_on", "is_illustrative"]
    list_filter = ["year", "level", "is_illustrative"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    inlines = [CouncilMemberInline]


class ScoreSheetInline(admin.TabularInline):
    model = ScoreSheet
    extra = 0
    fields = ["member", "total", "answered", "is_complete", "version", "updated_by", "updated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "by", "comment", "decision_number"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["product", "round", "kind", "status", "score", "stars"]
    list_filter = ["status", "kind", "round__year", "criteria_set"]
    list_select_related = ["product", "round__area"]
    search_fields = ["product__search_name", "product__producer__search_name"]
    inlines = [ScoreSheetInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
