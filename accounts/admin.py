from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import VisibleToAdminMixin


@admin.register(User)
class UserAdmin(VisibleToAdminMixin, DjangoUserAdmin):
    """Staff read the accounts of their areas; only administrators change them (role, areas and
    the admin rights decide what everyone else may do)."""

    model_rule = add_rule = change_rule = delete_rule = "user.manage"

    list_display = ["username", "full_name", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    filter_horizontal = ["areas", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Thông tin cá nhân"),
            {"fields": ["full_name", "email", "phone", "job_title", "email_notices"]},
        ),
        (_("Vai trò và địa bàn"), {"fields": ["role", "areas"]}),
        (
            _("Quyền trong trang quản trị"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Thời điểm"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "role", "areas", "password1", "password2"],
            },
        )
    ]
