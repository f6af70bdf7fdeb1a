"""Pages of the Excel import and export: upload → preview → confirm, history, templates, exports."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.access import SCHOOL_DATA_WRITERS, get_scoped_or_404, require_role, scope
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download
from balance_inspect.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from schools.columns import TEMPLATES
from schools.exports import export_file_name, export_sheet, export_years, template_xlsx
from schools.forms import ImportUploadForm
from schools.importing import import_confirm, import_file, importable_kinds, preview_rows
from schools.models import ImportRecord

RECORD_SCOPE = {"county": "county", "township": None, "school": "school"}


def _template_or_404(kind):
    if kind not in TEMPLATES:
        raise Http404("未知的数据类型")
    return TEMPLATES[kind]


def _records_for(user):
    return scope(user, ImportRecord.objects.select_related("user"), **RECORD_SCOPE)


@login_required
def import_start(request):
    require_role(request.user, *SCHOOL_DATA_WRITERS)
    kinds = importable_kinds(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = import_file(
            kind=form.cleaned_data["kind"],
            file_obj=upload,
            file_name=upload.name,
            user=request.user,
            dry_run=True,
            keep_file=True,
        )
        return redirect("schools:import_preview", pk=outcome.record.pk)
    exports = [(TEMPLATES[k], export_years(k, request.user)) for k in kinds]
    return render(request, "schools/import_start.html", {"form": form, "exports": exports})


@login_required
@require_GET
def import_preview(request, pk):
    require_role(request.user, *SCHOOL_DATA_WRITERS)
    record = get_scoped_or_404(
        request.user, ImportRecord.objects.select_related("user"), scope_kwargs=RECORD_SCOPE, pk=pk
    )
    headers, rows = preview_rows(record) if record.status == ImportRecord.Status.PREVIEWED else ([], [])
    return render(
        request,
        "schools/import_preview.html",
        {
            "record": record,
            "headers": headers,
            "rows": rows,
            "label": TEMPLATES[record.kind].label,
            "can_confirm": record.status == ImportRecord.Status.PREVIEWED
            and record.user_id == request.user.pk,
        },
    )


@login_required
@require_POST
def import_apply(request, pk):
    require_role(request.user, *SCHOOL_DATA_WRITERS)
    record = get_scoped_or_404(request.user, ImportRecord.objects.all(), scope_kwargs=RECORD_SCOPE, pk=pk)
    try:
        outcome = import_confirm(record=record, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("schools:import_preview", pk=record.pk)
    if not outcome.ok:
        messages.error(request, f"导入被拒绝：发现 {len(outcome.errors)} 处错误，未写入任何数据。")
        return redirect("schools:import_preview", pk=record.pk)
    messages.success(request, f"导入完成。{outcome.summary}。")
    return redirect("schools:list")


@login_required
@require_GET
def import_history(request):
    require_role(request.user, *SCHOOL_DATA_WRITERS)
    page = Paginator(_records_for(request.user).order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "schools/import_history.html", {"page_obj": page, "records": page.object_list})


@login_required
@require_GET
@private_download
def import_template(request, kind):
    require_role(request.user, *SCHOOL_DATA_WRITERS)
    template = _template_or_404(kind)
    response = HttpResponse(template_xlsx(kind), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(template.label + '导入模板.xlsx')}"
    )
    return response


@login_required
@require_GET
@private_download
def export(request, kind):
    template = _template_or_404(kind)
    year = None
    if template.yearly:
        years = export_years(kind, request.user)
        year = _year_param(request.GET.get("year"), default=years[0] if years else None)
    sheet = export_sheet(kind, request.user, year=year)
    audit_record(
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type=f"schools.{kind}",
        object_repr=f"导出{template.label}" + (f" {year}学年" if year else ""),
        county=request.user.county,
        note=f"{len(sheet.rows)} 条",
    )
    return xlsx_response(export_file_name(kind, request.user, year), [sheet])


def _year_param(raw, *, default):
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise Http404("学年无效") from None
