from django.contrib import admin

from balance_inspect.admin import ReadOnlyAdmin
from dataquality.models import Check, Finding


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    """Read-only: findings change through the rules and dataquality.services (audited) only."""

    list_display = ("county", "year", "school", "rule", "severity", "status", "active", "last_seen")
    list_filter = ("severity", "status", "active", "rule", "year")
    search_fields = ("school__name", "school__code", "message")


@admin.register(Check)
class CheckAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "checked_at", "blocking", "warning")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
