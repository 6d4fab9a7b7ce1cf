"""The admin shows evaluations for reading and correcting reference data; the workflow (status,
decisions, certificates, score sheets, their transitions) changes only through the pages and
their services, so it is read-only here, history included. Rounds and evaluations are scoped by
``visible_to`` like every page; rounds are managed by those the policy lets manage them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    AttachedFileAdminMixin,
    FoldedSearchMixin,
    PolicyAdminMixin,
    ReadOnlyInline,
    VisibleToAdminMixin,
)
from evaluations import services
from evaluations.models import (
    CouncilMember,
    CriteriaSet,
    DossierDocument,
    Evaluation,
    Round,
    ScoreSheet,
    Transition,
)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Criteria sets are loaded from evaluations/data/sheets/ (load_criteria_sets); the admin
    shows them and lets administrators fix their wording, not their sheet."""

    model_rule = change_rule = "reference.change"  # no add or delete: loaded from files

    list_display = ["code", "legal_basis", "is_illustrative"]
    list_filter = ["legal_basis"]
    readonly_fields = ["code", "legal_basis", "updated_at"]


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 1


@admin.register(Round)
class RoundAdmin(VisibleToAdminMixin, SimpleHistoryAdmin):
    model_rule = add_rule = change_rule = delete_rule = "round.manage"

    list_display = ["__str__", "level", "area", "opens_on", "closes_on", "is_illustrative"]
    list_filter = ["year", "level", "is_illustrative"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    inlines = [CouncilMemberInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # As the round page does: a member added to the council gets a sheet in each evaluation.
        services.round_add_missing_sheets(round=form.instance)


class ScoreSheetInline(ReadOnlyInline):
    model = ScoreSheet
    fields = ["member", "total", "answered", "is_complete", "version", "updated_by", "updated_at"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ["at", "action", "from_status", "to_status", "by", "comment", "decision_number"]
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Read-only (no rule: nobody adds, changes, deletes or reverts one here)."""

    history_revert = False

    list_display = ["product", "round", "kind", "status", "score", "stars"]
    list_filter = ["status", "kind", "round__year", "criteria_set"]
    list_select_related = ["product", "round__area"]
    search_fields = ["product__search_name", "product__producer__search_name"]
    inlines = [ScoreSheetInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(DossierDocument)
class DossierDocumentAdmin(AttachedFileAdminMixin, VisibleToAdminMixin, admin.ModelAdmin):
    """The documents of the electronic dossiers, for reading: they are added and removed on the
    dossier's page (evaluations.documents), a removal recorded, never a deletion."""

    list_display = ["title", "evaluation", "checklist_code", "content_type", "added_at"]
    list_filter = ["content_type"]
    list_select_related = ["evaluation__product", "evaluation__round__area"]
    search_fields = ["title", "evaluation__product__search_name"]
    fields = readonly_fields = [
        "evaluation",
        "checklist_code",
        "criterion",
        *AttachedFileAdminMixin.file_fields,
        "removed_by",
        "removed_at",
        "carried_from",
    ]
