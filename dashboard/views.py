"""Read-only dashboards for inspectors and bureau staff (township officials and school reporters: 403).

Each view checks the role and resolves the reader's county first (dashboard.selectors.reader_county);
the selectors read only the user's county.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

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
    county = selectors.reader_county(request.user)
    today = timezone.localdate()
    townships = selectors.county_figures(request.user, county, today=today)["townships"]
    form = AreaFilterForm(request.GET or None, townships=townships)
    data = selectors.overview(request.user, county, today=today, **form.values())
    return render(request, "dashboard/overview.html", {**data, "form": form})


@login_required
@require_GET
def schools(request):
    county = selectors.reader_county(request.user)
    today = timezone.localdate()
    townships = selectors.county_figures(request.user, county, today=today)["townships"]
    form = SchoolsTableForm(request.GET or None, townships=townships, sort_keys=SORT_KEYS)
    f = form.values()
    sort, descending = f["sort"] or "school_code", f["dir"] == "desc"
    data = selectors.schools_table(request.user, county, today=today, scheme=f["scheme"], stage=f["stage"],
                                   township=f["township"], urban_rural=f["urban_rural"], sort=sort,
                                   descending=descending)
    page = Paginator(data["rows"], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboard/schools.html", {
        **data, "form": form, "page_obj": page, "sort": sort, "descending": descending,
        "headers": _headers(request, data["indicators"], sort, descending),
    })


def _headers(request, indicators, sort, descending) -> list[dict]:
    """Column headers that sort the whole table on the server (it is paged, so sorting in the
    browser would only reorder one page)."""
    columns = [("school_code", "学校", "", "按学校标识码排序"), ("township", "乡镇", "", ""),
               ("urban_rural", "城乡", "", ""), ("stage", "学段", "", ""), ("students", "在校生", "num", "")]
    columns += [(i["key"], SHORT_LABELS.get(i["key"], i["label"]), "num", f"{i['label']}（{i['unit']}）")
                for i in indicators]
    columns += [("met", "达标项数", "num", ""), ("passed", "结论", "", "")]
    params = request.GET.copy()
    params.pop("page", None)
    out = []
    for key, label, css, title in columns:
        current = key == sort
        params["sort"] = key
        params["dir"] = "asc" if current and descending else ("desc" if current else "asc")
        out.append({"key": key, "label": label, "css": css, "title": title, "url": "?" + params.urlencode(),
                    "dir": ("desc" if descending else "asc") if current else ""})
    return out


@login_required
@require_GET
def trends(request):
    county = selectors.reader_county(request.user)
    today = timezone.localdate()
    townships = selectors.county_figures(request.user, county, today=today)["townships"]
    form = AreaFilterForm(request.GET or None, townships=townships)
    data = selectors.trends(request.user, county, today=today, **form.values())
    return render(request, "dashboard/trends.html", {**data, "county": county, "form": form})
