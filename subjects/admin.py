from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import FoldedSearchMixin, VisibleToAdminMixin
from core.imports import ImportExportAdminMixin
from subjects.models import Producer
from subjects.resources import ProducerResource


@admin.register(Producer)
class ProducerAdmin(
    VisibleToAdminMixin, FoldedSearchMixin, ImportExportAdminMixin, SimpleHistoryAdmin
):
    model_rule = add_rule = "producer.add"
    change_rule = delete_rule = "producer.change"

    resource_classes = [ProducerResource]
    list_display = ["name", "kind", "area_name", "tax_code", "is_active"]
    list_filter = ["kind", "is_active", "is_illustrative"]
    search_fields = ["search_name", "tax_code"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    readonly_fields = ["created_at", "updated_at"]
    # A website typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_per_page = 50

    @admin.display(description=_("địa bàn"), ordering="area__path")
    def area_name(self, producer: Producer) -> str:
        return producer.area.full_name
