from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.access import county_for_writer, require_reader, user_county
from balance_inspect.downloads import private_download
from balance_inspect.jobs import JobStatus
from balance_inspect.pdf import render_pdf
from dossiers.forms import DossierRequestForm
from dossiers.selectors import dossiers_visible_to, get_dossier_for_user
from dossiers.services import dossier_request, dossier_retry, renders_in_one_process, school_brief_context
from schools.models import SchoolConditions
from schools.selectors import get_school_for_user


@login_required
@require_safe
def dossier_list(request):
    dossiers = dossiers_visible_to(request.user)
    county = user_county(request.user)
    latest_year = (
        SchoolConditions.objects.filter(school__county=county)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    # The county's target scheme by default: the dossier then shows its current assessment.
    form = DossierRequestForm(
        initial={
            "year": latest_year or timezone.localdate().year,
            "scheme": county.target_scheme if county else "quality-2017",
        }
    )
    return render(
        request,
        "dossiers/dossier_list.html",
        {
            "dossiers": dossiers[:100],
            "form": form,
            "one_process": renders_in_one_process(),
            "part_schools": settings.DOSSIER_PART_SCHOOLS,
        },
    )


@require_POST
@login_required
def dossier_create(request):
    county = county_for_writer(request.user)
    form = DossierRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("dossiers:list")
    dossier = dossier_request(
        county=county, year=form.cleaned_data["year"], scheme=form.cleaned_data["scheme"], user=request.user
    )
    messages.success(request, f"已提交生成请求（第 {dossier.version} 版），完成后可下载。")
    return redirect("dossiers:list")


@login_required
@require_safe
def dossier_status(request, pk):
    dossier = get_dossier_for_user(request.user, pk)
    return render(request, "dossiers/_status.html", {"d": dossier})


@login_required
@require_safe
@private_download
def dossier_download(request, pk):
    dossier = get_dossier_for_user(request.user, pk)
    if dossier.status != JobStatus.DONE or not dossier.file:
        raise Http404("档案尚未生成完成")
    return FileResponse(
        dossier.file.open("rb"),
        as_attachment=True,
        filename=dossier.download_name,
        content_type="application/pdf",
    )


@require_POST
@login_required
def dossier_retry_view(request, pk):
    dossier = get_dossier_for_user(request.user, pk, write=True)
    try:
        dossier_retry(dossier=dossier, user=request.user)
        messages.success(request, "已重新提交生成。")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("dossiers:list")


@login_required
@require_safe
@private_download
def school_brief(request, code):
    """A one-page brief of a school for field visits (bureau staff and inspectors)."""
    require_reader(request.user)
    school = get_school_for_user(request.user, code)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
    if raw and (year is None or not school.conditions.filter(year=year).exists()):
        # Only a year with data: any other would compute (and store) an empty assessment.
        raise Http404("该校没有该学年的数据")
    context = school_brief_context(school, year)
    pdf = render_pdf("dossiers/pdf/school_brief.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{school.code}-brief.pdf"
    return response
