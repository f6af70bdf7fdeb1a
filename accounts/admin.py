from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AuditEntry, User
from balance_inspect.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "county", "township", "school", "region", "is_active")
    list_filter = ("role", "county", "region", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "角色与管辖范围",
            {"fields": ("role", "display_name", "phone", "unit", "county", "township", "school", "region")},
        ),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id")
