"""The area page of a city or province reviewer: the counties of their region, one to choose
(shown by the review board, reviews.views_board).

A reviewer reads a county's pages (read-only, personal data masked) after choosing it here; the
choice lives in the session and is re-checked on every request (accounts.access.apply_acting_county).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from accounts.access import (
    AREA_PAGE_READERS,
    area_page,
    enterable_counties,
    require_role,
    set_acting_county,
)


@area_page
@require_GET
def area_index(request):
    """The area page is the review board (reviews.views_board, /reviews/board/): every county of
    the region with its standing, each with the enter button below. By URL name: schools sits
    below reviews and imports nothing from it."""
    require_role(request.user, *AREA_PAGE_READERS)
    return redirect("reviews:board")


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
