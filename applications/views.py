from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import county_for_reader, county_for_writer
from balance_inspect.downloads import private_download
from balance_inspect.jobs import JobStatus
from indicators.selectors import data_year
from schools.models import school_year_label

from . import selectors, services
from .forms import CountyFactsForm, EligibilityForm, FieldVisitsForm, PackageRequestForm
from .models import CountyFacts, Eligibility, FieldVisits, PackageFile


def _year(request, county) -> int | None:
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and len(raw) == 4:
        return int(raw)
    return data_year(county)


@login_required
@require_safe
def package_page(request):
    """The versions, the eligibility and vetoes, and every blank the forms still need."""
    county = county_for_reader(request.user)
    year = _year(request, county)
    packages = selectors.packages_visible_to(request.user).filter(county=county)[:50]
    data, problem = None, ""
    if year is not None:
        try:
            data = services.application_data(county, year)
        except ValidationError as exc:
            problem = exc.messages[0]
    return render(
        request,
        "applications/package.html",
        {
            "county": county,
            "year": year,
            "year_label": school_year_label(year) if year else "",
            "data": data,
            "problem": problem,
            "packages": packages,
            "form": PackageRequestForm(initial={"year": year}),
        },
    )


@require_POST
@login_required
def package_create(request):
    county = county_for_writer(request.user)
    form = PackageRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("applications:package")
    try:
        package = services.package_request(county=county, year=form.cleaned_data["year"], user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("applications:package")
    messages.success(request, f"已提交生成请求（第 {package.version} 版），完成后可下载。")
    return redirect(f"{reverse('applications:package')}?year={package.year}")


@login_required
@require_safe
def package_status(request, pk):
    package = selectors.get_package_for_user(request.user, pk)
    return render(request, "applications/_status.html", {"p": package})


@require_POST
@login_required
def package_retry_view(request, pk):
    package = selectors.get_package_for_user(request.user, pk, write=True)
    try:
        services.package_retry(package=package, user=request.user)
        messages.success(request, "已重新提交生成。")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("applications:package")


@login_required
@require_safe
@private_download
def package_download(request, pk, kind):
    if kind not in PackageFile.Kind.values:
        raise Http404("没有这一部分")
    part = selectors.get_file_for_user(request.user, pk, kind)
    if part.package.status != JobStatus.DONE:
        raise Http404("申报材料尚未生成完成")
    return FileResponse(part.file.open("rb"), as_attachment=True, filename=part.download_name)


def _edit(request, *, form_class, instance, title, save, back_year):
    if request.method == "POST":
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            try:
                save({k: form.cleaned_data[k] for k in form_class.Meta.fields})
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{title}已保存。")
                return redirect(f"{reverse('applications:package')}?year={back_year}")
    else:
        form = form_class(instance=instance)
    return render(request, "applications/edit.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def facts_edit(request, year):
    county = county_for_writer(request.user)
    return _edit(
        request,
        form_class=CountyFactsForm,
        instance=CountyFacts.objects.filter(county=county, year=year).first(),
        title=f"县域基本情况（表Ⅰ，{school_year_label(year)}）",
        save=lambda values: services.facts_save(county=county, year=year, values=values, user=request.user),
        back_year=year,
    )


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_edit(request):
    county = county_for_writer(request.user)
    return _edit(
        request,
        form_class=EligibilityForm,
        instance=Eligibility.objects.filter(county=county).first(),
        title="申报资格（基本均衡认定年份）",
        save=lambda values: services.eligibility_save(county=county, values=values, user=request.user),
        back_year=_year(request, county) or "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def visits_edit(request, year):
    county = county_for_writer(request.user)
    return _edit(
        request,
        form_class=FieldVisitsForm,
        instance=FieldVisits.objects.filter(county=county, year=year).first(),
        title=f"实地走访（表Ⅵ，{school_year_label(year)}）",
        save=lambda values: services.visits_save(county=county, year=year, values=values, user=request.user),
        back_year=year,
    )
