from django.contrib import admin

from balance_inspect.admin import ReadOnlyAdmin
from reviews.models import DrawnSchool, SiteVisitDraw, VisitCheck, VisitPhoto, VisitRecord


@admin.register(SiteVisitDraw)
class SiteVisitDrawAdmin(ReadOnlyAdmin):
    list_display = ("county", "year", "seed", "created_by", "created_at")


@admin.register(DrawnSchool)
class DrawnSchoolAdmin(ReadOnlyAdmin):
    list_display = ("draw", "position", "school", "kind", "stratum")


@admin.register(VisitRecord)
class VisitRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "drawn",
        "interviewed",
        "satisfied",
        "parents_interviewed",
        "parents_satisfied",
        "updated_at",
    )


@admin.register(VisitCheck)
class VisitCheckAdmin(ReadOnlyAdmin):
    list_display = ("record", "key", "verdict", "ledger_item")


@admin.register(VisitPhoto)
class VisitPhotoAdmin(ReadOnlyAdmin):
    list_display = ("record", "original_name", "kind", "size", "uploaded_at")
