from datetime import datetime, time

from django.utils import timezone

from accounts.models import AuditEntry, Role, User


def audit_entries_visible_to(user):
    """Admins without a county see everything; bureau staff see their county's trail."""
    qs = AuditEntry.objects.select_related("county")
    if user.is_unscoped:
        return qs
    return qs.filter(county_id=user.county_id)


def filter_audit(qs, data: dict):
    if data.get("username"):
        qs = qs.filter(username__icontains=data["username"])
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("object_type"):
        qs = qs.filter(object_type__icontains=data["object_type"])
    if data.get("q"):
        qs = qs.filter(object_repr__icontains=data["q"])
    tz = timezone.get_current_timezone()
    if data.get("since"):
        qs = qs.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
    if data.get("until"):
        qs = qs.filter(at__lte=datetime.combine(data["until"], time.max, tzinfo=tz))
    return qs


def users_managed_by(actor):
    """The accounts `actor` may list, edit, set a password for and unlock.

    An admin without a county manages everyone. An admin of one county manages the non-admin
    accounts of that county only: admins are created and changed by an unscoped admin, so no
    county admin can hand itself (or a colleague) a wider area. City and province reviewers have
    no county, so only an unscoped admin manages them.
    """
    qs = User.objects.select_related("county", "township", "school", "region").order_by("role", "username")
    if not actor.is_authenticated or not actor.manages_users:
        return qs.none()
    if actor.is_unscoped:
        return qs
    return qs.filter(county_id=actor.county_id).exclude(role=Role.ADMIN)
