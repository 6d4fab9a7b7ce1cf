"""Invitations and the changes of producers' accounts in the admin, read only: invitations are
sent, re-sent and revoked, accounts turned off and on, from the producer's page
(``producer_space.services``, the policy's ``producer.invite`` and ``producer.account_manage``),
where the officer of the area is told whether the e-mail left. No token is ever shown: only its
hash is kept."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import VisibleToAdminMixin
from producer_space.models import AccountChange, Invitation


@admin.register(Invitation)
class InvitationAdmin(VisibleToAdminMixin, admin.ModelAdmin):
    list_display = ["email", "full_name", "producer", "invited_by", "created_at", "state_shown"]
    list_select_related = ["producer", "invited_by"]
    search_fields = ["email", "full_name", "producer__search_name"]
    exclude = ["token_hash"]

    @admin.display(description=_("trạng thái"))
    def state_shown(self, obj: Invitation) -> str:
        return obj.state().label

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "token_hash"]


@admin.register(AccountChange)
class AccountChangeAdmin(VisibleToAdminMixin, admin.ModelAdmin):
    """Accounts are turned off and on from the producer's page; here the record of it."""

    list_display = ["account", "active", "changed_by", "changed_at"]
    list_select_related = ["account", "changed_by"]
    list_filter = ["active"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
