"""Buyers' enquiries in the admin: read, with their history. They are sent from the catalogue,
answered and closed on their pages (``enquiries.services``, the policy's ``enquiry.answer`` and
``enquiry.close``); nothing is changed, deleted or reverted here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import FoldedSearchMixin, VisibleToAdminMixin
from enquiries.models import Enquiry


@admin.register(Enquiry)
class EnquiryAdmin(VisibleToAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """Read-only: a workflow record."""

    history_revert = False

    list_display = ["reference", "organisation", "kind", "product", "status", "received_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["product"]
    search_fields = ["reference", "product__search_name"]
    date_hierarchy = "received_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
