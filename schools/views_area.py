"""The area page of a city or province reviewer: the counties of their region, one to choose.

A reviewer reads a county's pages (read-only, personal data masked) after choosing it here; the
choice lives in the session and is re-checked on every request (accounts.access.apply_acting_county).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import (
    AREA_PAGE_READERS,
    area_page,
    enterable_counties,
    require_role,
    set_acting_county,
)
from schools import selectors


@area_page
def area_index(request):
    require_role(request.user, *AREA_PAGE_READERS)
    user = request.user
    return render(
        request,
        "schools/area.html",
        {
            "counties": selectors.counties_visible_to(user).order_by("code"),
            "may_enter": user.is_area_reviewer or user.is_unscoped,
            "region": user.region if user.is_area_reviewer else None,
        },
    )


@area_page
@require_POST
def area_enter(request, code):
    require_role(request.user, *AREA_PAGE_READERS)
    county = enterable_counties(request.user).filter(code=code).first()
    if county is None:
        raise Http404("未找到该区县，或不在您的管辖范围内")
    set_acting_county(request, county)
    messages.success(request, f"正在查看：{county.name}")
    return redirect("dashboard:overview")


@area_page
@require_POST
def area_leave(request):
    require_role(request.user, *AREA_PAGE_READERS)
    set_acting_county(request, None)
    return redirect("area:index")
