"""Pages of the workforce app.

Bureau staff and admins read and write; inspectors read (counts, no teacher names); a school
reporter reads the page of their own school; township officials are refused (403): teacher
staffing is county business, not township business.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import (
    STAFFING_READERS,
    county_for_reader,
    county_for_writer,
    ensure_not_read_only,
    is_unscoped,
    require_role,
    require_writer,
)
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download
from balance_inspect.xlsx import as_report, xlsx_response
from schools.importing import read_upload
from schools.selectors import get_school_for_user
from workforce import exports, selectors
from workforce.forms import ApprovedPostsForm, ImportForm
from workforce.importing import TEMPLATES
from workforce.services import approved_posts_set, workforce_import


def _county_page(request, template: str, **extra):
    county = county_for_reader(request.user)
    years = selectors.available_years(county)
    year = selectors.pick_year(request.GET.get("year"), years)
    wf = selectors.county_workforce(county, year)
    context = {
        "county": county,
        "wf": wf,
        "year": year,
        "years": years,
        "show_names": request.user.sees_personal_data,
        **extra,
    }
    return render(request, template, context)


@login_required
@require_GET
def overview(request):
    return _county_page(request, "workforce/overview.html", tab="overview")


@login_required
@require_GET
def coverage(request):
    return _county_page(request, "workforce/coverage.html", tab="coverage")


@login_required
@require_GET
def plan(request):
    return _county_page(request, "workforce/plan.html", tab="plan")


@login_required
@require_GET
def exchange(request):
    return _county_page(request, "workforce/exchange.html", tab="exchange")


@login_required
@require_GET
def training(request):
    return _county_page(request, "workforce/training.html", tab="training")


@login_required
@require_GET
def school_detail(request, code):
    require_role(request.user, *STAFFING_READERS)
    school = get_school_for_user(request.user, code)
    years = selectors.available_years(school.county)
    year = selectors.pick_year(request.GET.get("year"), years)
    wf = selectors.school_workforce(school, year)
    posts_form = None
    if request.user.writes_county:
        current = wf.posts.schools[0].approved if wf.posts.schools else None
        posts_form = ApprovedPostsForm(initial={"year": year, "posts": current})
    return render(
        request,
        "workforce/school_detail.html",
        {
            "school": school,
            "wf": wf,
            "year": year,
            "years": years,
            "posts": wf.posts.schools[0] if wf.posts.schools else None,
            "coverage": wf.coverages[0] if wf.coverages else None,
            "exchange": wf.exchange.schools[0] if wf.exchange.schools else None,
            "training": wf.training.schools[0] if wf.training.schools else None,
            "exchanges_in": selectors.exchanges_into(school, year),
            "show_names": request.user.sees_personal_data,
            "posts_form": posts_form,
        },
    )


@login_required
@require_POST
def posts_set(request, code):
    require_writer(request.user)
    school = get_school_for_user(request.user, code, write=True)
    form = ApprovedPostsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("workforce:school", args=[school.code]))
    year = form.cleaned_data["year"]
    try:
        approved_posts_set(
            user=request.user,
            school=school,
            year=year,
            posts=form.cleaned_data["posts"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已保存 {school.name} 的核定编制数")
    return redirect(reverse("workforce:school", args=[school.code]) + f"?year={year}")


@login_required
@require_GET
@private_download
def export(request):
    county = county_for_reader(request.user)
    years = selectors.available_years(county)
    year = selectors.pick_year(request.GET.get("year"), years)
    wf = selectors.county_workforce(county, year)
    audit_record(
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="workforce.export",
        object_repr=f"师资测算 {county.name} {wf.year_label}",
        county=county,
    )
    return xlsx_response(
        f"师资测算_{county.name}_{year}.xlsx",
        as_report(exports.workforce_sheets(wf), f"师资测算 · {county.name} · {year}—{year + 1}学年"),
    )


@login_required
@require_GET
def import_start(request):
    county = county_for_writer(request.user)
    forms_by_kind = [(kind, template, ImportForm(kind=kind)) for kind, template in TEMPLATES.items()]
    return render(
        request,
        "workforce/import.html",
        {"county": county, "forms": forms_by_kind, "tab": "import", "result": None},
    )


@login_required
@require_POST
def import_upload(request, kind):
    ensure_not_read_only(request.user)
    county = county_for_writer(request.user)
    if kind not in TEMPLATES:
        raise Http404("未知的导入模板")
    form = ImportForm(request.POST, request.FILES, kind=kind)
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            scope = None if is_unscoped(request.user) else county
            result = workforce_import(
                kind=kind, data=data, file_name=upload.name, user=request.user, county=scope
            )
            if result.ok:
                messages.success(request, result.summary)
                return redirect("workforce:import_start")
    forms_by_kind = [(k, t, form if k == kind else ImportForm(kind=k)) for k, t in TEMPLATES.items()]
    return render(
        request,
        "workforce/import.html",
        {"county": county, "forms": forms_by_kind, "tab": "import", "result": result, "kind": kind},
    )


@login_required
@require_GET
@private_download
def import_template(request, kind):
    require_writer(request.user)
    if kind not in TEMPLATES:
        raise Http404("未知的导入模板")
    template = TEMPLATES[kind]
    return xlsx_response(f"{template.label}导入模板.xlsx", exports.template_sheets(template))
