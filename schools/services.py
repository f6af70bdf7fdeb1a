"""Writes of school data that must leave an audit trail."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import AuditEntry
from accounts.services import audit_record, diff, model_snapshot
from schools.models import SchoolConditions
from schools.selectors import can_edit_school

# The conditions a person may correct by hand; school and year identify the row.
EDITABLE_CONDITION_FIELDS = (
    "primary_students",
    "junior_students",
    "senior_students",
    "building_area",
    "sports_area",
    "equipment_value",
    "computers",
    "books",
    "multimedia_rooms",
    "music_rooms",
    "art_rooms",
    "music_room_areas",
    "art_room_areas",
    "full_time_teachers",
)


def _check_editor(user, school) -> None:
    if not user.is_authenticated or user.is_read_only or not can_edit_school(user, school):
        raise PermissionDenied("您无权修改该校数据")


def conditions_update(*, user, conditions: SchoolConditions, data: dict) -> SchoolConditions:
    """Apply `data` (cleaned form values; other keys are ignored) to a school's yearly conditions.

    Records one AuditEntry (修改) with {field: [old, new]} of the fields that changed; nothing
    is recorded when nothing changed. The old values are read from the database under a row
    lock, so an instance already modified by a bound ModelForm does not hide the real old values.
    Raises PermissionDenied unless `user` may edit the school, ValidationError on invalid values.
    """
    with transaction.atomic():
        current = (
            SchoolConditions.objects.select_for_update()
            .select_related("school__county")
            .get(pk=conditions.pk)
        )
        _check_editor(user, current.school)
        old = model_snapshot(current, EDITABLE_CONDITION_FIELDS)
        for name in EDITABLE_CONDITION_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.full_clean()
        current.save()
        current.refresh_from_db()  # decimals as stored, so "2200" and "2200.00" are no change
        changes = diff(old, model_snapshot(current, EDITABLE_CONDITION_FIELDS))
        if changes:
            audit_record(
                user=user,
                action=AuditEntry.Action.UPDATE,
                obj=current,
                county=current.school.county,
                changes=changes,
                note="手工修改办学条件",
            )
    return current


def conditions_create(*, user, school, year: int, data: dict) -> SchoolConditions:
    """Create a school's conditions for a year that has none; audited as 新增 with [None, value]."""
    _check_editor(user, school)
    with transaction.atomic():
        conditions = SchoolConditions(school=school, year=year)
        for name in EDITABLE_CONDITION_FIELDS:
            if name in data:
                setattr(conditions, name, data[name])
        conditions.full_clean()
        conditions.save()
        conditions.refresh_from_db()
        new = model_snapshot(conditions, ("year", *EDITABLE_CONDITION_FIELDS))
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            obj=conditions,
            county=school.county,
            changes={k: [None, v] for k, v in new.items()},
            note="手工新增办学条件",
        )
    return conditions
