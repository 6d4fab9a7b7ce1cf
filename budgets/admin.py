"""Plans in the admin go through the same services as the plan pages (``budgets.services``):
a plan is created and its document corrected, a target added or changed (in an approved plan
only its value, with a reason, keeping the approved value), a budget line, a disbursement (past
its line's plan only when confirmed) and a published figure added. What no service changes is
read-only here, and nothing is deleted or reverted: the history of a plan is its record.

Everyone in the province reads a plan (``visible_to``); the policy's "plan.change" (city
reviewers and administrators) writes, and "plan.edit" with the record."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from areas.models import Area
from budgets import services
from budgets.models import BudgetLine, Disbursement, Plan, PublishedFigure, Target
from core.admin import VisibleToAdminMixin


class PlanRecordAdmin(VisibleToAdminMixin, SimpleHistoryAdmin):
    """Added by the city; changed only where a service changes it; never deleted or reverted."""

    model_rule = add_rule = "plan.change"
    history_revert = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "province":
            kwargs["queryset"] = (
                Area.objects.visible_to(request.user)
                .current()
                .of_level(Area.Level.PROVINCE)
                .order_by("path")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(PlanRecordAdmin):
    """Approval is the plan page's button (it checks the plan has targets)."""

    change_rule = "plan.edit"

    list_display = ["year", "province", "document_number", "document_date", "status"]
    list_filter = ["status", "province"]
    search_fields = ["document_number", "note"]
    list_select_related = ["province"]
    fields = [
        "province",
        "year",
        "document_number",
        "document_date",
        "note",
        "status",
        "approved_at",
        "approved_by",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "approved_at", "approved_by", "created_at", "updated_at"]
        # As the page's form: once created, only the document is corrected.
        return ["province", "year", *fixed] if obj is not None else fixed

    def save_model(self, request, obj, form, change):
        if change:
            services.plan_update(plan=obj, by=request.user)
        else:
            services.plan_create(plan=obj, by=request.user)


class TargetAdminForm(forms.ModelForm):
    """The plan page's target form: in an approved plan only the value changes, with a reason."""

    change_reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Bắt buộc khi kế hoạch đã phê duyệt: lịch sử giữ cả giá trị cũ và lý do."),
    )

    class Meta:
        model = Target
        fields = ["plan", "indicator", "custom_name", "custom_unit", "area", "value", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["change_reason"] = ""  # each change gives its own reason
        if self.instance.pk is None:
            return
        fixed = ["plan"]
        if self.instance.plan.is_approved:
            fixed += ["indicator", "custom_name", "custom_unit", "area"]
        for name in fixed:
            if name in self.fields:  # not when the page is read-only
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        plan = self.instance.plan if self.instance.pk else cleaned.get("plan")
        if plan is not None and plan.is_approved:
            if not cleaned.get("change_reason", "").strip():
                self.add_error(
                    "change_reason", _("Kế hoạch đã phê duyệt: hãy ghi lý do điều chỉnh.")
                )
        else:
            # A draft's target changes freely: its last reason stays as it was.
            cleaned["change_reason"] = self.instance.change_reason
        return cleaned


@admin.register(Target)
class TargetAdmin(PlanRecordAdmin):
    change_rule = "plan.edit"

    form = TargetAdminForm
    list_display = ["plan", "indicator", "custom_name", "area", "value", "original_value"]
    list_filter = ["plan__year", "indicator"]
    search_fields = ["custom_name", "note", "change_reason"]
    list_select_related = ["plan", "area"]
    autocomplete_fields = ["area"]
    readonly_fields = [
        "original_value",
        "reported_value",
        "reported_source",
        "reported_on",
        "created_at",
        "updated_at",
    ]

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        services.target_save(target=obj, by=request.user, reason=reason)


@admin.register(BudgetLine)
class BudgetLineAdmin(PlanRecordAdmin):
    list_display = ["plan", "source", "activity", "area", "amount", "is_illustrative"]
    list_filter = ["plan__year", "source", "activity", "is_illustrative"]
    search_fields = ["description"]
    list_select_related = ["plan", "area"]
    autocomplete_fields = ["area"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        services.budget_line_create(line=obj, by=request.user)


class DisbursementAdminForm(forms.ModelForm):
    """The plan page's disbursement form: past its line's plan only when confirmed."""

    confirm_over_plan = forms.BooleanField(
        label=_("Tôi đã kiểm tra: khoản này giải ngân vượt kế hoạch của dòng kinh phí."),
        required=False,
    )

    class Meta:
        model = Disbursement
        fields = ["line", "paid_on", "amount", "document", "note", "is_illustrative"]

    def clean(self):
        cleaned = super().clean()
        line, amount = cleaned.get("line"), cleaned.get("amount")
        if line is not None and amount and amount > 0 and not cleaned.get("confirm_over_plan"):
            message = services.over_plan_message(line, amount)
            if message:
                self.add_error("amount", message)
        return cleaned


@admin.register(Disbursement)
class DisbursementAdmin(PlanRecordAdmin):
    form = DisbursementAdminForm
    list_display = ["paid_on", "line", "amount", "document", "over_plan_confirmed"]
    list_filter = ["line__plan__year", "line__source", "over_plan_confirmed"]
    search_fields = ["document", "note"]
    list_select_related = ["line__plan", "line__area"]
    date_hierarchy = "paid_on"
    readonly_fields = ["over_plan_confirmed", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        services.disbursement_create(
            disbursement=obj,
            by=request.user,
            confirm_over_plan=form.cleaned_data.get("confirm_over_plan", False),
        )


@admin.register(PublishedFigure)
class PublishedFigureAdmin(PlanRecordAdmin):
    list_display = ["year", "measure", "value", "unit", "document", "published_on"]
    list_filter = ["year", "measure"]
    search_fields = ["document", "note"]
    list_select_related = ["province"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        services.published_figure_create(figure=obj, by=request.user)
