"""``{% producer_accounts producer %}``: the section "Tài khoản của chủ thể" of a producer's page
of the registry (templates/subjects/producer_detail.html): its accounts and invitations, with the
buttons the policy allows the reader (``producer.invite``, ``producer.account_manage``)."""

from django import template
from django.db.models import Prefetch

from accounts.models import User
from producer_space.models import AccountChange, Invitation

register = template.Library()


@register.inclusion_tag("producer_space/_accounts.html", takes_context=True)
def producer_accounts(context, producer) -> dict:
    request = context["request"]
    user = request.user
    changes = AccountChange.objects.select_related("changed_by")
    accounts = list(
        User.objects.visible_to(user)
        .filter(producer=producer)
        .prefetch_related(Prefetch("account_changes", queryset=changes, to_attr="changes"))
        .select_related("invitation__invited_by")
        .order_by("-is_active", "username")
    )
    invitations = list(
        Invitation.objects.visible_to(user)
        .filter(producer=producer)
        .select_related("invited_by", "revoked_by", "account")
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "producer": producer,
        "accounts": accounts,
        "invitations": invitations,
    }
