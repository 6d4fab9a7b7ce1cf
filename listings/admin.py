"""Proposals of the producers' public pages in the admin: workflow records, read here and
written only through their pages (``listings.services``: the account proposes, the commune's
officer decides). Nothing is deleted or reverted: the history is the record."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    AttachedFileAdminMixin,
    FoldedSearchMixin,
    ReadOnlyInline,
    VisibleToAdminMixin,
)
from listings.models import PageChange, StagedPhoto


class StagedPhotoInline(ReadOnlyInline):
    model = StagedPhoto
    fields = readonly_fields = ["title", "content_type", "size", "added_by", "added_at"]


@admin.register(PageChange)
class PageChangeAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Read-only (no rule: proposed, withdrawn and decided on the pages)."""

    history_revert = False

    list_display = ["producer", "product", "status", "proposed_by", "proposed_at", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["producer", "product", "proposed_by", "reviewed_by"]
    search_fields = ["producer__search_name", "product__search_name"]
    inlines = [StagedPhotoInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(StagedPhoto)
class StagedPhotoAdmin(AttachedFileAdminMixin, VisibleToAdminMixin, admin.ModelAdmin):
    """For reading: new photos are added with a proposal."""

    list_display = ["title", "change", "content_type", "added_at"]
    list_filter = ["content_type"]
    list_select_related = ["change__producer", "change__product"]
    fields = readonly_fields = ["change", *AttachedFileAdminMixin.file_fields]

    @admin.display(description=_("tệp"))
    def download(self, record):
        # The officers' view of a proposal's photo (the producer's is its account's only).
        return format_html('<a href="{}">{}</a>', record.get_review_url(), record.filename)
