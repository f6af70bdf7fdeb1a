from django.contrib import admin

from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord


@admin.register(ApprovedPosts)
class ApprovedPostsAdmin(admin.ModelAdmin):
    list_display = ("school", "year", "posts", "note", "updated_at")
    list_filter = ("year", "school__county")
    search_fields = ("school__name", "school__code")
    raw_id_fields = ("school",)


@admin.register(ExchangeRecord)
class ExchangeRecordAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "teacher_name",
        "staff_no",
        "from_school",
        "to_school",
        "start_date",
        "end_date",
        "backbone",
    )
    list_filter = ("year", "backbone", "from_school__county")
    search_fields = ("teacher_name", "staff_no", "from_school__name", "to_school__name")
    raw_id_fields = ("from_school", "to_school")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("school", "staff_no", "year", "hours", "has_certificate")
    list_filter = ("year", "has_certificate", "school__county")
    search_fields = ("staff_no", "school__name", "school__code")
    raw_id_fields = ("school",)
