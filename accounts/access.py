"""The one access layer.

Every view calls a helper from here (or a selector built on `scope`) before it touches
scoped data. Nothing else filters by area. "Not visible" is a 404, so ids of other areas
are not even confirmed to exist; "visible but not yours to change" is a 403.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import (  # noqa: F401  (re-exported: apps import the vocabulary from here)
    AREA_WRITERS,
    AUDIT_READERS,
    BELOW_COUNTY,
    CASE_WORKERS,
    COUNTY_LEVEL,
    COUNTY_READERS,
    COUNTY_WRITERS,
    EVERYONE,
    LEDGER_CLOSERS,
    READ_ONLY,
    SCHOOL_DATA_WRITERS,
    STAFFING_READERS,
    TWO_FACTOR_USERS,
    USER_MANAGERS,
    Role,
)


def scope(user, qs: QuerySet, *, county: str | None = "county", township: str | None = "township",
          school: str | None = "school") -> QuerySet:
    """Filter a queryset to the area of `user`.

    The keyword arguments name the lookup paths from the queryset's model to its county,
    township and school; pass None where the model has no such link (then roles that are
    scoped by that level see nothing).
    """
    if not user.is_authenticated:
        return qs.none()
    if user.is_unscoped:
        return qs
    if user.role in COUNTY_LEVEL:
        return qs.filter(**{county: user.county_id}) if county and user.county_id else qs.none()
    if user.role == Role.TOWNSHIP:
        return qs.filter(**{township: user.township_id}) if township and user.township_id else qs.none()
    if user.role == Role.SCHOOL:
        return qs.filter(**{school: user.school_id}) if school and user.school_id else qs.none()
    return qs.none()


def get_scoped_or_404(user, qs: QuerySet, *, scope_kwargs: dict | None = None, **lookup):
    obj = scope(user, qs, **(scope_kwargs or {})).filter(**lookup).first()
    if obj is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return obj


def require_role(user, *roles) -> None:
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied("您的角色无权进行此操作")


def require_reader(user) -> None:
    """County-wide pages: bureau staff, inspectors and admins (403 for other roles)."""
    require_role(user, *COUNTY_READERS)


def require_writer(user) -> None:
    """County-level changes: bureau staff and admins."""
    require_role(user, *COUNTY_WRITERS)


def is_unscoped(user) -> bool:
    """An admin without a county: the only account that acts for every county."""
    return user.is_authenticated and user.is_unscoped


def require_user_manager(user) -> None:
    """User management: admins, each within its own area (see accounts.selectors.users_managed_by)."""
    require_role(user, *USER_MANAGERS)


def ensure_not_read_only(user) -> None:
    if not user.is_authenticated or user.is_read_only:
        raise PermissionDenied("督学账号为只读账号")


# --- the county a user acts in ---------------------------------------------------------------

def user_county(user):
    """The county a user acts in (an admin without a county: the first county, None when none exist)."""
    if user.county_id:
        return user.county
    if user.is_authenticated and user.is_unscoped:
        # By name, not by import: accounts is the base layer and imports nothing from schools.
        return apps.get_model("schools", "County").objects.order_by("code").first()
    return None


def _county_or_404(user):
    county = user_county(user)
    if county is None:
        raise Http404("没有可用的区县")
    return county


def county_for_reader(user):
    """The county whose county-wide pages `user` reads: 403 for other roles, 404 without a county."""
    require_reader(user)
    return _county_or_404(user)


def county_for_writer(user):
    """The county whose county-level data `user` changes: 403 for other roles, 404 without a county."""
    require_writer(user)
    return _county_or_404(user)


def county_reader(county):
    """An unsaved bureau-role user of `county`, for county-wide documents built without a request.

    The dossier CLI and worker read other apps through their user-scoped selectors; this actor
    sees exactly what the county's bureau staff see (access was checked when the job was asked for).
    """
    return User(username="system", display_name="系统", role=Role.BUREAU, county=county)
