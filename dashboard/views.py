"""Read-only dashboards for inspectors and bureau staff (township officials and school reporters: 403).

Each view checks the role and resolves the reader's county first (accounts.access.county_for_reader);
the selectors read only the user's county.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from accounts.access import county_for_reader
from accounts.menu import home_tiles
from indicators.engine import RULESETS

from . import selectors
from .figures import SORT_FIELDS
from .forms import AreaFilterForm, SchoolsTableForm

PAGE_SIZE = 50
SORT_KEYS = set(SORT_FIELDS) | {i.key for rs in RULESETS.values() for i in rs.indicators}
SHORT_LABELS = {i.key: i.short_label for rs in RULESETS.values() for i in rs.indicators}


@login_required
@require_GET
def overview(request):
    county = county_for_reader(request.user)
    today = timezone.localdate()
    townships = selectors.county_townships(request.user, county)
    form = AreaFilterForm(request.GET or None, townships=townships)
    filters = form.values()

    def body():
        data = selectors.overview(request.user, county, today=today, **filters)
        return render_to_string("dashboard/_overview_body.html", {**data, "user": request.user})

    return render(
        request,
        "dashboard/overview.html",
        {
            "county": county,
            "form": form,
            "body": _cached_body("overview", request.user, county, today, filters, body),
        },
    )


def _cached_body(page: str, user, county, today, filters: dict, build) -> str:
    """The rendered figures of a page, shared for DASHBOARD_CACHE_SECONDS by the readers of a
    county with the same role and filters (they hold no per-user data and no form tokens):
    rendering them costs more than everything else in a request."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return build()
    digest = hashlib.sha256(json.dumps(filters, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    key = f"dashboard:page:v1:{page}:{county.pk}:{user.role}:{today.isoformat()}:{digest}"
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, seconds)
    return html


@login_required
@require_GET
def schools(request):
    county = county_for_reader(request.user)
    today = timezone.localdate()
    townships = selectors.county_townships(request.user, county)
    form = SchoolsTableForm(request.GET or None, townships=townships, sort_keys=SORT_KEYS)
    f = form.values()
    sort, descending = f["sort"] or "school_code", f["dir"] == "desc"

    def body():
        data = selectors.schools_table(
            request.user,
            county,
            today=today,
            scheme=f["scheme"],
            stage=f["stage"],
            township=f["township"],
            urban_rural=f["urban_rural"],
            sort=sort,
            descending=descending,
        )
        page = Paginator(data["rows"], PAGE_SIZE).get_page(request.GET.get("page"))
        return render_to_string(
            "dashboard/_schools_body.html",
            {
                **data,
                "page_obj": page,
                "request": request,
                "headers": _headers(request, data["indicators"], sort, descending),
            },
        )

    key = {**f, "page": request.GET.get("page", "")}
    return render(
        request,
        "dashboard/schools.html",
        {
            "form": form,
            "body": _cached_body("schools", request.user, county, today, key, body),
        },
    )


def _headers(request, indicators, sort, descending) -> list[dict]:
    """Column headers that sort the whole table on the server (it is paged, so sorting in the
    browser would only reorder one page)."""
    columns = [
        ("school_code", "学校", "", "按学校标识码排序"),
        ("township", "乡镇", "", ""),
        ("urban_rural", "城乡", "", ""),
        ("stage", "学段", "", ""),
        ("students", "在校生", "num", ""),
    ]
    columns += [
        (i["key"], SHORT_LABELS.get(i["key"], i["label"]), "num", f"{i['label']}（{i['unit']}）")
        for i in indicators
    ]
    columns += [("met", "达标项数", "num", ""), ("passed", "结论", "", "")]
    params = request.GET.copy()
    params.pop("page", None)
    out = []
    for key, label, css, title in columns:
        current = key == sort
        params["sort"] = key
        params["dir"] = "asc" if current and descending else ("desc" if current else "asc")
        out.append(
            {
                "key": key,
                "label": label,
                "css": css,
                "title": title,
                "url": "?" + params.urlencode(),
                "dir": ("desc" if descending else "asc") if current else "",
            }
        )
    return out


@login_required
@require_GET
def trends(request):
    county = county_for_reader(request.user)
    today = timezone.localdate()
    townships = selectors.county_townships(request.user, county)
    form = AreaFilterForm(request.GET or None, townships=townships)
    filters = form.values()

    def body():
        data = selectors.trends(request.user, county, today=today, **filters)
        return render_to_string("dashboard/_trends_body.html", data)

    return render(
        request,
        "dashboard/trends.html",
        {
            "county": county,
            "form": form,
            "body": _cached_body("trends", request.user, county, today, filters, body),
        },
    )


@login_required
@require_safe
def home(request):
    """Every role's start page: its key figures (dashboard_tags.home_figures) and its tiles."""
    return render(request, "home.html", {"tiles": home_tiles(request.user)})
