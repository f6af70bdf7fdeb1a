"""The one access layer.

Every view calls a helper from here (or a selector built on `scope`) before it touches
scoped data. Nothing else filters by area. "Not visible" is a 404, so ids of other areas
are not even confirmed to exist; "visible but not yours to change" is a 403.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import (  # noqa: F401  (re-exported: apps import the vocabulary from here)
    AREA_PAGE_READERS,
    AREA_REVIEWERS,
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
    REVIEW_WRITERS,
    SCHOOL_DATA_WRITERS,
    STAFFING_READERS,
    TWO_FACTOR_USERS,
    USER_MANAGERS,
    Role,
)


def scope(
    user,
    qs: QuerySet,
    *,
    county: str | None = "county",
    township: str | None = "township",
    school: str | None = "school",
) -> QuerySet:
    """Filter a queryset to the area of `user`.

    The keyword arguments name the lookup paths from the queryset's model to its county,
    township and school; pass None where the model has no such link (then roles that are
    scoped by that level see nothing).
    """
    return _mark_scoped(_scoped(user, qs, county=county, township=township, school=school))


def _scoped(user, qs: QuerySet, *, county, township, school) -> QuerySet:
    if not user.is_authenticated:
        return qs.none()
    if user.is_unscoped:
        return qs
    if user.role in COUNTY_LEVEL:
        return qs.filter(**{county: user.county_id}) if county and user.county_id else qs.none()
    if user.role in AREA_REVIEWERS:
        # One county of the region at a time: the one the reviewer chose (none chosen: nothing).
        acting = getattr(user, "acting_county_id", None)
        return qs.filter(**{county: acting}) if county and acting else qs.none()
    if user.role == Role.TOWNSHIP:
        return qs.filter(**{township: user.township_id}) if township and user.township_id else qs.none()
    if user.role == Role.SCHOOL:
        return qs.filter(**{school: user.school_id}) if school and user.school_id else qs.none()
    return qs.none()


# --- loud failure for unscoped reads (the idea of django-scopes in pretix) ---------------------

_in_request = ContextVar("accounts_access_in_request", default=False)


class ScopeError(RuntimeError):
    """An area-scoped model was read during a request without going through `scope()`."""


class ScopedQuerySet(QuerySet):
    """The queryset of a model holding personal data of an area (e.g. dropout cases).

    Inside a request (accounts.middleware.ScopeGuardMiddleware) it may be read only after
    `scope(user, qs)` narrowed it, or after `.unscoped("why")` said why the area does not apply
    (a case the caller already resolved through scope, a check that spans every area). Anything
    else raises ScopeError instead of quietly showing another area's rows. Outside requests
    (worker, commands, tests' own setup) nothing is checked: those resolve the area themselves.
    """

    _scope_checked = False

    def _clone(self):
        clone = super()._clone()
        clone._scope_checked = self._scope_checked
        return clone

    def unscoped(self, reason: str):
        """This read need not be narrowed to the user's area; `reason` says why (for the reader)."""
        clone = self._chain()
        clone._scope_checked = True
        return clone

    def _check_scope(self):
        if not self._scope_checked and _in_request.get():
            raise ScopeError(
                f"{self.model.__name__} 在请求中未经 accounts.access.scope() 限定范围就被读取；"
                '确需跨区域读取时请写 .unscoped("原因")，或在 accounts.access.scopes_disabled() 中读取'
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._check_scope()
        return super().count()

    def exists(self):
        self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def delete(self):
        self._check_scope()
        return super().delete()


def _mark_scoped(qs: QuerySet) -> QuerySet:
    if isinstance(qs, ScopedQuerySet):
        qs = qs._chain()  # never flag the caller's own queryset object
        qs._scope_checked = True
    return qs


def guard_requests(active: bool):
    """Switch the check on for the current request (the middleware); returns a token for reset."""
    return _in_request.set(active)


def unguard_requests(token) -> None:
    _in_request.reset(token)


@contextmanager
def scopes_disabled():
    """Reads that span every area on purpose (uniqueness checks), like django-scopes' helper."""
    token = _in_request.set(False)
    try:
        yield
    finally:
        _in_request.reset(token)


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
        raise PermissionDenied("只读账号不能修改数据")


# --- the county a user acts in ---------------------------------------------------------------


def user_county(user):
    """The county a user acts in (an admin without a county: the first county, None when none exist;
    a city or province reviewer: the county of their region they chose, None before choosing)."""
    if user.county_id:
        return user.county
    if user.is_authenticated and user.is_area_reviewer:
        return acting_county(user)
    if user.is_authenticated and user.is_unscoped:
        if getattr(user, "acting_county_id", None):
            return acting_county(user)
        # By name, not by import: accounts is the base layer and imports nothing from schools.
        return apps.get_model("schools", "County").objects.order_by("code").first()
    return None


def counties_of_region(region) -> QuerySet:
    """The counties of a province or city: their code starts with the region's prefix.

    (schools.selectors.counties_in_region is the name apps use; accounts reads County by name
    because it imports nothing from schools.)"""
    return apps.get_model("schools", "County").objects.filter(code__startswith=region.prefix)


def enterable_counties(user) -> QuerySet:
    """The counties `user` may choose to look at: a reviewer's region, every county for an
    unscoped admin, none for anyone else (they act in their own county only)."""
    County = apps.get_model("schools", "County")
    if not user.is_authenticated:
        return County.objects.none()
    if user.is_area_reviewer:
        return counties_of_region(user.region) if user.region_id else County.objects.none()
    if user.is_unscoped:
        return County.objects.all()
    return County.objects.none()


def enterable_county(user, county_id):
    """The county `county_id` if `user` may choose it (enterable_counties), else None."""
    try:
        pk = int(county_id)
    except (TypeError, ValueError):
        return None
    return enterable_counties(user).filter(pk=pk).first()


def acting_county(user):
    """The county a reviewer (or an unscoped admin) chose to look at, or None."""
    if not getattr(user, "acting_county_id", None):
        return None
    cached = getattr(user, "_acting_county", None)
    if cached is None or cached.pk != user.acting_county_id:
        cached = enterable_county(user, user.acting_county_id)
        user._acting_county = cached
    return cached


ACTING_COUNTY_SESSION_KEY = "acting_county_id"


def set_acting_county(request, county) -> None:
    """Remember in the session which county `request.user` looks at (None: leave it). The caller
    found `county` through enterable_counties; the middleware re-checks it on every request."""
    if county is None:
        request.session.pop(ACTING_COUNTY_SESSION_KEY, None)
    else:
        request.session[ACTING_COUNTY_SESSION_KEY] = county.pk
    apply_acting_county(request)


def apply_acting_county(request) -> None:
    """Set `request.user.acting_county_id` from the session if the user may still choose that
    county (a value of another region, a deleted county or a changed region gives nothing)."""
    user = request.user
    if not user.is_authenticated or not (user.is_area_reviewer or user.is_unscoped):
        return
    chosen = request.session.get(ACTING_COUNTY_SESSION_KEY)
    county = enterable_county(user, chosen) if chosen is not None else None
    user.acting_county_id = county.pk if county else None
    user._acting_county = county


def area_page(view):
    """Mark a view that a city or province reviewer may open before choosing a county (their area
    page, review pages). Every other page of theirs is a county page: without a chosen county the
    middleware sends them to the area page."""
    view.area_page = True
    return view


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
