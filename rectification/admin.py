"""Admin: the checklist and the plan templates are edited here; ledger rows are read-only
because every change of an item must go through the audited services."""

from django.contrib import admin

from balance_inspect.admin import ReadOnlyAdmin
from rectification.models import ArchivePoint, PrepTaskTemplate, RectificationItem


@admin.register(PrepTaskTemplate)
class PrepTaskTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "days_before", "owner_unit", "active")
    list_editable = ("days_before", "active")


@admin.register(ArchivePoint)
class ArchivePointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "folder", "required_count", "order")
    list_editable = ("required_count",)


@admin.register(RectificationItem)
class RectificationItemAdmin(ReadOnlyAdmin):
    list_display = ("county", "number", "source", "lead_unit", "deadline", "status")
    list_filter = ("county", "status", "source")
    search_fields = ("problem", "lead_unit")
