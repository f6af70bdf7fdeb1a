"""Read-only admin: every change of dropout data must go through services (audit, timeline).

A case holds a minor's personal data: the admin shows name and ID number masked, leaves out the
contact fields, and audits every look at a case's objects (change page, history) like the case
page does, so the admin is no unaudited back door.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote

from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.admin import ReadOnlyAdmin
from dropout_control import rules
from dropout_control.models import (
    CaseEvent,
    CohortFigure,
    DropoutCase,
    PersuasionLog,
    RegisterCheck,
    ResponsibilityLetter,
    ReturnNotice,
)
from schools.idcard import mask_id_number


class AuditedCaseAdmin(ReadOnlyAdmin):
    """Opening one object of a case (its page or its history) writes a VIEW audit entry on the case."""

    def case_of(self, obj) -> DropoutCase:
        return obj.case

    def _audit(self, request, object_id, what: str) -> None:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        audit_record(
            user=request.user,
            action=AuditEntry.Action.VIEW,
            obj=self.case_of(obj),
            note=f"管理后台{what}：{self.model._meta.verbose_name} {obj.pk}",
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._audit(request, object_id, "查看")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit(request, object_id, "查看修改历史")
        return response


@admin.register(DropoutCase)
class DropoutCaseAdmin(AuditedCaseAdmin):
    list_display = ("number", "township", "school", "status", "overdue", "reported_on")
    list_filter = ("status", "overdue", "reason", "county")
    search_fields = ("number",)
    # The child's identity masked, contact details left out: the case pages are where they are kept.
    exclude = (
        "name",
        "id_number",
        "guardian_name",
        "guardian_phone",
        "household_address",
        "current_address",
        "student_number",
    )
    readonly_fields = ("masked_name", "masked_id", "masked_guardian")

    def case_of(self, obj):
        return obj

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return rules.mask_name(obj.name)

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="监护人")
    def masked_guardian(self, obj):
        return rules.mask_name(obj.guardian_name)


@admin.register(CaseEvent)
class CaseEventAdmin(AuditedCaseAdmin):
    list_display = ("case", "at", "kind", "from_status", "to_status", "user")
    list_filter = ("kind",)


@admin.register(PersuasionLog)
class PersuasionLogAdmin(AuditedCaseAdmin):
    list_display = ("case", "visited_on", "method", "result")


@admin.register(ReturnNotice)
class ReturnNoticeAdmin(AuditedCaseAdmin):
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
