"""The 数据质量 page of a county.

Bureau staff and admins read, run the checks and explain (注明原因) findings; inspectors read;
township officials and school reporters are refused (403). A finding of another county is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import county_for_reader, county_for_writer, get_scoped_or_404
from dataquality import rules, selectors, services
from dataquality.forms import AcceptForm, RunForm
from dataquality.models import Finding

FINDING_SCOPE = {"county": "county", "township": None, "school": None}


def _page_url(year) -> str:
    return f"{reverse('dataquality:page')}?year={year}" if year else reverse("dataquality:page")


@login_required
@require_GET
def page(request):
    county = county_for_reader(request.user)
    years = selectors.available_years(county)
    year = selectors.pick_year(request.GET.get("year"), years)
    filters = selectors.Filters.from_query(request.GET)
    context = {
        "county": county,
        "years": years,
        "year": year,
        "filters": filters,
        "rules": rules.RULES.values(),
        "severities": rules.SEVERITY_LABELS.items(),
        "statuses": Finding.Status.choices,
        "accept_form": AcceptForm(),
        "q": selectors.county_quality(county, year, filters) if year else None,
    }
    return render(request, "dataquality/page.html", context)


@login_required
@require_POST
def run(request):
    county = county_for_writer(request.user)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "学年无效")
        return redirect(_page_url(None))
    year = form.cleaned_data["year"]
    result = services.run_checks(county, year, user=request.user)
    messages.success(request, f"已完成 {year}—{year + 1} 学年数据质量核查：{result.summary}")
    return redirect(_page_url(year))


def _finding(request, pk) -> Finding:
    county_for_writer(request.user)
    return get_scoped_or_404(
        request.user, Finding.objects.select_related("school", "county"), scope_kwargs=FINDING_SCOPE, pk=pk
    )


@login_required
@require_POST
def accept(request, pk):
    finding = _finding(request, pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.finding_accept(finding, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已注明原因：{finding.school.name} · {finding.get_rule_display()}")
    else:
        messages.error(request, "请填写原因说明（500 字以内）")
    return redirect(_page_url(finding.year))


@login_required
@require_POST
def reopen(request, pk):
    finding = _finding(request, pk)
    try:
        services.finding_reopen(finding, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤销原因说明：{finding.school.name} · {finding.get_rule_display()}")
    return redirect(_page_url(finding.year))
