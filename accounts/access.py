"""The one access layer.

Every view calls a helper from here (or a selector built on `scope`) before it touches
scoped data. Nothing else filters by area. "Not visible" is a 404, so ids of other areas
are not even confirmed to exist; "visible but not yours to change" is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role

WRITER_ROLES = (Role.ADMIN, Role.BUREAU)


def scope(user, qs: QuerySet, *, county: str | None = "county", township: str | None = "township",
          school: str | None = "school") -> QuerySet:
    """Filter a queryset to the area of `user`.

    The keyword arguments name the lookup paths from the queryset's model to its county,
    township and school; pass None where the model has no such link (then roles that are
    scoped by that level see nothing).
    """
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.ADMIN and user.county_id is None:
        return qs
    if user.role in (Role.ADMIN, Role.BUREAU, Role.INSPECTOR):
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


def require_writer(user) -> None:
    """County-level changes: bureau staff and admins."""
    require_role(user, *WRITER_ROLES)


def is_unscoped(user) -> bool:
    """An admin without a county: the only account that acts for every county."""
    return user.is_authenticated and user.role == Role.ADMIN and user.county_id is None


def require_user_manager(user) -> None:
    """User management: admins, each within its own area (see accounts.selectors.users_managed_by)."""
    require_role(user, Role.ADMIN)


def ensure_not_read_only(user) -> None:
    if not user.is_authenticated or user.is_read_only:
        raise PermissionDenied("督学账号为只读账号")


# --- schools --------------------------------------------------------------------------------

def schools_visible_to(user) -> QuerySet:
    from schools.models import School

    return scope(user, School.objects.all(), county="county", township="township", school="pk")


def get_school_for_user(user, code: str, *, write: bool = False):
    """A school the user may see; with write=True one whose data the user may also change.

    Bureau staff change any school of their county; school reporters their own school;
    township officials and inspectors only read.
    """
    school = get_scoped_or_404(
        user, _schools_with_area(), scope_kwargs={"county": "county", "township": "township", "school": "pk"},
        code=code,
    )
    if write and not can_edit_school(user, school):
        raise PermissionDenied("您无权修改该校数据")
    return school


def can_edit_school(user, school) -> bool:
    if user.role in WRITER_ROLES:
        return True
    return user.role == Role.SCHOOL and user.school_id == school.pk


def _schools_with_area():
    from schools.models import School

    return School.objects.select_related("county", "township", "parent")


def counties_visible_to(user) -> QuerySet:
    from schools.models import County

    if user.role == Role.ADMIN and user.county_id is None:
        return County.objects.all()
    return County.objects.filter(pk=user.county_id) if user.county_id else County.objects.none()


def townships_visible_to(user) -> QuerySet:
    from schools.models import Township

    return scope(user, Township.objects.all(), county="county", township="pk", school="schools")


def user_county(user):
    """The county a user acts in (admins without a county: the first county)."""
    if user.county_id:
        return user.county
    return counties_visible_to(user).first()


def county_reader(county):
    """An unsaved bureau-role user of `county`, for county-wide documents built without a request.

    The dossier CLI and worker read other apps through their user-scoped selectors; this actor
    sees exactly what the county's bureau staff see (access was checked when the job was asked for).
    """
    from accounts.models import User

    return User(username="system", display_name="系统", role=Role.BUREAU, county=county)
