"""Admin: read-only views of assessments and county items.

Writes go through the services (which audit); a finished assessment never changes.
"""

from django.contrib import admin

from balance_inspect.admin import ReadOnlyAdmin

from .models import (
    Assessment,
    CountyItemEvidence,
    CountyItemValue,
    ProvinceAssessmentCounty,
    ProvinceAssessmentRun,
)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "county",
        "year",
        "scheme",
        "status",
        "passed",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("scheme", "status", "passed", "year")
    search_fields = ("county__name", "county__code", "fingerprint")
    exclude = ("inputs",)  # large and only for the what-if


class EvidenceInline(admin.TabularInline):
    model = CountyItemEvidence
    fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CountyItemValue)
class CountyItemValueAdmin(ReadOnlyAdmin):
    list_display = ("county", "year", "key", "value", "passed", "entered_by", "updated_at")
    list_filter = ("year", "key", "passed")
    inlines = [EvidenceInline]


class RegionCountyInline(admin.TabularInline):
    model = ProvinceAssessmentCounty
    fields = ("county", "status", "passed", "assessment", "seconds", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProvinceAssessmentRun)
class ProvinceAssessmentRunAdmin(ReadOnlyAdmin):
    """Runs are started with `manage.py assess_province` (administrators); here they are watched."""

    list_display = ("id", "region", "year", "scheme", "status", "progress_note", "created_at", "finished_at")
    list_filter = ("status", "scheme", "year")
    inlines = [RegionCountyInline]
