"""Read-only admin: every change of dropout data must go through services (audit, timeline)."""

from django.contrib import admin

from dropout_control.models import (
    CaseEvent,
    CohortFigure,
    DropoutCase,
    PersuasionLog,
    RegisterCheck,
    ResponsibilityLetter,
    ReturnNotice,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DropoutCase)
class DropoutCaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "township", "school", "status", "overdue", "reported_on")
    list_filter = ("status", "overdue", "reason", "county")
    search_fields = ("number",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "at", "kind", "from_status", "to_status", "user")
    list_filter = ("kind",)


@admin.register(PersuasionLog)
class PersuasionLogAdmin(ReadOnlyAdmin):
    list_display = ("case", "visited_on", "method", "result")


@admin.register(ReturnNotice)
class ReturnNoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "case", "issued_on", "deadline", "delivered_on")


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(ReadOnlyAdmin):
    list_display = ("year", "township", "school", "line", "signed_on")
    list_filter = ("year", "line")


@admin.register(RegisterCheck)
class RegisterCheckAdmin(ReadOnlyAdmin):
    list_display = ("school", "year", "term", "done_on", "on_register", "at_school", "suspected_found")


@admin.register(CohortFigure)
class CohortFigureAdmin(ReadOnlyAdmin):
    list_display = ("school", "year", "grade1_entrants", "grade7_entrants", "junior_graduates")
