import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from accounts.access import apply_acting_county, guard_requests, unguard_requests


class IdleSessionTimeoutMiddleware:
    """Log a user out after SESSION_IDLE_TIMEOUT_MINUTES without a request."""

    KEY = "last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(request, "长时间未操作，已自动退出，请重新登录。")
                return redirect(settings.LOGIN_URL)
            # Writing the session costs an UPDATE on every request; minute precision is plenty
            # for a timeout measured in minutes.
            if last is None or now - last >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)


class RequireOTPMiddleware:
    """Users who enrolled a TOTP device must verify it once per session before anything else."""

    ALLOWED = ("/accounts/otp/verify/", "/accounts/logout/", "/accounts/login/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED)
            and not user.is_verified()
            and _has_confirmed_device(request)
        ):
            return redirect(f"/accounts/otp/verify/?next={request.path}")
        return self.get_response(request)


def _has_confirmed_device(request) -> bool:
    """Asked once per session: a device enrolled during the session verifies it at once."""
    key = "otp_device_checked"
    if key not in request.session:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        request.session[key] = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return request.session[key]


class ScopeGuardMiddleware:
    """While a page is served, area-scoped models must be read through accounts.access.scope().

    The Django admin (superusers' own tool, audited separately) is left out.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        token = guard_requests(not request.path.startswith(self._admin_prefix))
        try:
            return self.get_response(request)
        finally:
            unguard_requests(token)


class ActingCountyMiddleware:
    """A city or province reviewer reads one county of their region at a time: the one chosen on
    the area page, kept in the session and re-checked against the region on every request.

    A reviewer who opens a county page before choosing a county is sent to the area page (with a
    message) instead of meeting an empty page or a bare 404. Pages that are not a county's: the
    accounts pages, the area pages, home, and views marked with accounts.access.area_page.
    """

    AREA_NAMESPACES = ("accounts", "area", "admin", "ops")
    AREA_URL_NAMES = ("home", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_acting_county(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_area_reviewer or user.acting_county_id:
            return None
        match = request.resolver_match
        if (
            getattr(view_func, "area_page", False)
            or match.namespace in self.AREA_NAMESPACES
            or match.url_name in self.AREA_URL_NAMES
        ):
            return None
        messages.info(request, "请先在区域列表中选择要查看的区县。")
        return redirect("area:index")
