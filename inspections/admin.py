"""Inspections in the admin: the yearly plans are created and their document corrected through
the same services as the plan pages (``inspections.services``, the policy's
``inspection.plan``); inspections, their records, attachments and the public's reports are
workflow records, read here and written only on their pages. Nothing is deleted or reverted:
the history is the record."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from areas.models import Area
from core.admin import (
    AttachedFileAdminMixin,
    FoldedSearchMixin,
    ReadOnlyInline,
    VisibleToAdminMixin,
)
from inspections import services
from inspections.models import (
    Inspection,
    InspectionAttachment,
    InspectionPlan,
    InspectionPoint,
    PublicReport,
)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(VisibleToAdminMixin, SimpleHistoryAdmin):
    """Approval is the plan page's button (with its confirmation); its lines are added there."""

    model_rule = add_rule = change_rule = "inspection.plan"
    history_revert = False

    list_display = ["year", "title", "province", "approval_number", "status"]
    list_filter = ["status", "year"]
    search_fields = ["title", "approval_number", "note"]
    list_select_related = ["province"]
    fields = [
        "province",
        "year",
        "title",
        "approval_number",
        "approval_date",
        "note",
        "status",
        "approved_at",
        "approved_by",
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "approved_at", "approved_by"]
        # As the page's form: once created, the province and year stay.
        return ["province", "year", *fixed] if obj is not None else fixed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "province":
            kwargs["queryset"] = Area.objects.visible_to(request.user).current_provinces()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.plan_update(plan=obj, by=request.user)
        else:
            services.plan_create(plan=obj, by=request.user)


class PointInline(ReadOnlyInline):
    model = InspectionPoint
    fields = readonly_fields = ["title", "result", "note"]

    @admin.display(description=_("điểm kiểm tra"))
    def title(self, point):
        return point.title


class AttachmentInline(ReadOnlyInline):
    model = InspectionAttachment
    fields = readonly_fields = ["title", "content_type", "size", "added_by", "added_at"]


@admin.register(Inspection)
class InspectionAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Read-only (no rule: planned, recorded and followed up on the inspection's pages)."""

    history_revert = False

    list_display = ["product", "kind", "year", "planned_on", "status", "result"]
    list_filter = ["kind", "status", "result", "year"]
    list_select_related = ["product__producer"]
    search_fields = ["product__search_name", "product__producer__search_name"]
    inlines = [PointInline, AttachmentInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(InspectionAttachment)
class InspectionAttachmentAdmin(AttachedFileAdminMixin, VisibleToAdminMixin, admin.ModelAdmin):
    """For reading: attachments are added on the inspection's page."""

    list_display = ["title", "inspection", "content_type", "added_at"]
    list_filter = ["content_type"]
    list_select_related = ["inspection__product"]
    fields = readonly_fields = ["inspection", *AttachedFileAdminMixin.file_fields]


@admin.register(PublicReport)
class PublicReportAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Read-only: reports are sent from the catalogue and handled on their pages."""

    history_revert = False

    list_display = ["reference", "product", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["product"]
    search_fields = ["reference", "product__search_name"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
