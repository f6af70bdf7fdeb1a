"""Admin of areas and schools.

Yearly data (conditions, teachers, classes) are read-only here: they change through the
import and the conditions form, which validate and write the audit trail.
"""

from django.contrib import admin

from balance_inspect.admin import ReadOnlyAdmin
from schools.idcard import mask_id_number
from schools.models import (
    County,
    ImportRecord,
    Region,
    School,
    SchoolClass,
    SchoolConditions,
    Teacher,
    Township,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "inspection_date", "target_scheme")
    search_fields = ("code", "name")
    # Changed only on the assessment page (indicators.services.county_set_target_scheme, audited).
    readonly_fields = ("target_scheme",)


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ("name", "county")
    list_filter = ("county",)
    search_fields = ("name",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "county", "township", "school_type", "urban_rural", "sponsor", "parent")
    list_filter = ("county", "school_type", "urban_rural", "sponsor")
    search_fields = ("code", "name")
    list_select_related = ("county", "township", "parent")
    raw_id_fields = ("parent",)


@admin.register(SchoolConditions)
class SchoolConditionsAdmin(ReadOnlyAdmin):
    list_display = ("school", "year", "primary_students", "junior_students", "senior_students", "updated_at")
    list_filter = ("year", "school__county")
    search_fields = ("school__code", "school__name")
    list_select_related = ("school",)


@admin.register(Teacher)
class TeacherAdmin(ReadOnlyAdmin):
    list_display = (
        "school",
        "year",
        "staff_no",
        "name",
        "masked_id",
        "stage",
        "subject",
        "title",
        "backbone",
    )
    list_filter = ("year", "stage", "subject", "school__county")
    search_fields = ("school__code", "school__name", "staff_no", "name")
    list_select_related = ("school",)
    exclude = ("id_number",)
    readonly_fields = ("masked_id",)

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(SchoolClass)
class SchoolClassAdmin(ReadOnlyAdmin):
    list_display = ("school", "year", "stage", "grade", "name", "students")
    list_filter = ("year", "stage", "school__county")
    search_fields = ("school__code", "school__name", "name")
    list_select_related = ("school",)


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "file_name", "status", "user", "county", "rows")
    list_filter = ("kind", "status", "county")
    search_fields = ("file_name", "sha256")
