"""The review board of a city or province (复核看板): every county of the reader's region in one
sortable, filterable table, and the same table as xlsx.

City reviewers see their city's counties, province reviewers their province's, an admin without
a county every county (or one region's, chosen on the page), a county's admin their county (as on
the area page); everyone else gets 403. A county's own pages open through the area page's enter
button (the county becomes the reviewer's acting county and its overview opens).

The table is the same for every reader of a region with the same filters, so like the dashboard
(dashboard.views._cached_body) it is rendered once per DASHBOARD_CACHE_SECONDS: rendering 150
rows costs more than reading them. Its enter buttons post through one form outside the cached
part, which holds the reader's CSRF token.
"""

import hashlib
import json
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.access import AREA_PAGE_READERS, acting_county, area_page, require_role
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download
from balance_inspect.xlsx import Sheet, xlsx_response
from schools.models import Region
from schools.selectors import counties_in_region, counties_visible_to

from . import board
from .transitions import STATE_LABELS

ANY_STATE = ""
NOT_SUBMITTED = "-"  # the filter value of 未报送 ("" is every state)
SORT_KEYS = board.sort_keys()


class BoardFilterForm(forms.Form):
    """GET filters of the board; an invalid value is dropped (a stale link never breaks the page)."""

    region = forms.ChoiceField(label="省市", required=False)
    city = forms.ChoiceField(label="所属市", required=False)
    verdict = forms.ChoiceField(
        label="结论", required=False, choices=[("", "全部结论"), *board.VERDICT_CHOICES]
    )
    state = forms.ChoiceField(
        label="报送状态",
        required=False,
        choices=[(ANY_STATE, "全部状态"), (NOT_SUBMITTED, board.NOT_SUBMITTED_TEXT), *STATE_LABELS.items()],
    )
    q = forms.CharField(label="区县名称", required=False, max_length=50)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    dir = forms.ChoiceField(
        choices=[("asc", "升序"), ("desc", "降序")], required=False, widget=forms.HiddenInput
    )
    cvs = forms.ChoiceField(
        choices=[("", "按学段"), ("all", "各项")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, data, *, regions, cities):
        super().__init__(data)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [("", "全部区县")] + [
                (r.code, f"{r.name}（{r.get_level_display()}）") for r in regions
            ]
        if cities is None:
            del self.fields["city"]
        else:
            self.fields["city"].choices = [("", "全部市")] + sorted(cities.items())
        for name in ("region", "city", "verdict", "state"):
            if name in self.fields:
                self.fields[name].widget.attrs["data-autosubmit"] = ""

    def clean_sort(self):
        value = self.cleaned_data.get("sort") or ""
        return value if value in SORT_KEYS else ""

    def values(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("region", "city", *self.fields)}


def _readable_region(request):
    """The counties the reader's board covers (the area page's: schools.selectors.
    counties_visible_to), its region (None: every county), the regions an admin without a
    county may choose from, and a key naming that set of counties. City and province reviewers:
    their region; an admin without a county: every county, or the region chosen with ``region``;
    a county's admin: their county; everyone else: 403."""
    user = request.user
    require_role(user, *AREA_PAGE_READERS)
    counties = counties_visible_to(user)
    region = user.region if user.is_area_reviewer else None
    regions = None
    if user.is_unscoped:
        regions = list(Region.objects.order_by("code"))
        region = next((r for r in regions if r.code == request.GET.get("region")), None)
        if region is not None:
            counties = counties.filter(pk__in=counties_in_region(region).values("pk"))
    if region is not None:
        key = f"region:{region.code}"
    else:
        key = "all" if user.is_unscoped else f"county:{user.county_id}"
    return counties, region, regions, key


def _city_names(region) -> dict[str, str]:
    """board.city_names, kept like the table for DASHBOARD_CACHE_SECONDS (every request needs the
    choices; cities change rarely)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"reviews:board:cities:v1:{region.code if region else 'all'}"
    names = cache.get(key) if seconds else None
    if names is None:
        names = board.city_names(region)
        if seconds:
            cache.set(key, names, seconds)
    return names


def _scope(request):
    counties, region, regions, key = _readable_region(request)
    with_city = region is None or region.level == Region.Level.PROVINCE
    cities = _city_names(region) if with_city else None
    form = BoardFilterForm(request.GET, regions=regions, cities=cities)
    return {
        "counties": counties,
        "region": region,
        "key": key,
        "with_city": with_city,
        "cities": cities or {},
        "form": form,
        "filters": form.values(),
    }


def _rows(scope) -> tuple[list[dict], list[dict]]:
    """(every row of the region, the filtered and sorted rows shown)."""
    f = scope["filters"]
    rows = board.board_rows(
        list(scope["counties"].order_by("code")), today=timezone.localdate(), cities=scope["cities"]
    )
    state = None if f["state"] == ANY_STATE else "" if f["state"] == NOT_SUBMITTED else f["state"]
    shown = board.filter_rows(rows, city=f["city"], verdict=f["verdict"], state=state, q=f["q"])
    return rows, board.sort_rows(shown, f["sort"] or "county", f["dir"] == "desc")


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return urlencode(sorted((k, v) for k, v in params.items() if v))


def _table(request, scope, may_enter: bool) -> dict:
    """The rendered table (``html``) and its counts."""
    f = scope["filters"]
    rows, shown = _rows(scope)
    cols = board.columns(rows, with_city=scope["with_city"], every_cv=f["cvs"] == "all")
    sort, descending = f["sort"] or "county", f["dir"] == "desc"
    headers = []
    for c in [board.Column("county", "区县", "按区县代码排序"), *cols]:
        current = c.key == sort
        direction = "asc" if current and descending else ("desc" if current else "asc")
        headers.append(
            {
                "label": c.label,
                "title": c.title,
                "css": "num" if c.num else "",
                "url": "?" + _query(request, sort=c.key, dir=direction),
                "dir": ("desc" if descending else "asc") if current else "",
            }
        )
    kinds = [(c.key, "num" if c.num else "") for c in cols]
    enter = reverse("area:enter", args=["000000"])
    for row in shown:
        cells = []
        for key, num in kinds:
            text, css = board.cell(row, key)
            cells.append((text, f"{num} {css}" if num and css else num or css))
        row["cells"] = cells
        row["enter_url"] = enter.replace("000000", row["code"])
    html = render_to_string(
        "reviews/_board_table.html", {"headers": headers, "rows": shown, "may_enter": may_enter}
    )
    return {"html": html, "total": len(rows), "shown": len(shown)}


def _cached_table(request, scope, may_enter: bool) -> dict:
    """:func:`_table`, shared for DASHBOARD_CACHE_SECONDS by the readers of the same counties
    with the same filters (0: built on every request)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return _table(request, scope, may_enter)
    params = json.dumps(sorted(request.GET.items()), ensure_ascii=False)
    digest = hashlib.sha256(f"{scope['filters']}|{params}".encode()).hexdigest()[:16]
    key = f"reviews:board:page:v1:{scope['key']}:{int(may_enter)}:{timezone.localdate().isoformat()}:{digest}"
    table = cache.get(key)
    if table is None:
        table = _table(request, scope, may_enter)
        cache.set(key, table, seconds)
    return table


@area_page
@login_required
@require_safe
def board_page(request):
    scope = _scope(request)
    may_enter = request.user.is_area_reviewer or request.user.is_unscoped
    table = _cached_table(request, scope, may_enter)
    every_cv = scope["filters"]["cvs"] == "all"
    return render(
        request,
        "reviews/board.html",
        {
            "region": scope["region"],
            "form": scope["form"],
            "table": table,
            "may_enter": may_enter,
            "acting": acting_county(request.user) if may_enter else None,
            "every_cv": every_cv,
            "toggle_url": "?" + _query(request, cvs="" if every_cv else "all"),
            "xlsx_url": reverse("reviews:board_xlsx") + "?" + _query(request),
        },
    )


@area_page
@login_required
@require_safe
@private_download
def board_xlsx(request):
    """The filtered and sorted table of the page, with every CV."""
    scope = _scope(request)
    rows, shown = _rows(scope)
    cols = board.columns(rows, with_city=scope["with_city"], every_cv=True)
    header, cells = board.sheet_rows(shown, cols)
    name = scope["region"].name if scope["region"] else "全部区县"
    audit_record(
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="reviews.board",
        object_repr=f"复核看板：{name}",
        note=f"导出复核看板（{len(shown)} 个区县）",
    )
    return xlsx_response(
        f"复核看板_{name}_{timezone.localdate():%Y%m%d}.xlsx",
        [
            Sheet(
                "复核看板",
                header,
                cells,
                # Chinese labels are about two width units a character; the date column is the widest.
                widths=[32 if h == "评估日期" else max(10, min(30, 2 * len(h) + 2)) for h in header],
                caption=f"{name} 复核看板",
                data_time=timezone.now(),
            )
        ],
    )
