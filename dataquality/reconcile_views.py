"""The 对账 pages (issue 16 item 2): the national systems' 学籍 and teacher lists against our figures.

Bureau staff and admins upload, pick the columns and cancel; inspectors read the results and
download them (read-only: no upload, no mapping); township officials and school reporters are
refused (403); a run of another county is a 404. Only counts are stored, yet every read of a
run is audited like the workbench's.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import county_for_reader, county_for_writer, get_scoped_or_404
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download
from balance_inspect.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from dataquality import reconcile, reconcile_services, reconcile_xlsx, selectors
from dataquality.forms import ReconcileUploadForm
from dataquality.models import ColumnMapping, ReconcileRun

RUN_SCOPE = {"county": "county", "township": None, "school": None}


def _run(request, pk) -> ReconcileRun:
    return get_scoped_or_404(
        request.user,
        ReconcileRun.objects.select_related("county", "created_by"),
        scope_kwargs=RUN_SCOPE,
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    county = county_for_reader(request.user)
    years = selectors.available_years(county)
    form = ReconcileUploadForm(initial={"kind": reconcile.REGISTER, "year": years[0] if years else None})
    if request.method == "POST":
        county = county_for_writer(request.user)
        form = ReconcileUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = reconcile_services.upload_list(
                    user=request.user,
                    county=county,
                    kind_key=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                for message in exc.messages[:20]:
                    messages.error(request, message)
            else:
                messages.success(request, "已上传，正在后台读取名单")
                return redirect("dataquality:reconcile_run", pk=run.pk)
    runs = ReconcileRun.objects.filter(county=county).select_related("created_by")[:50]
    mappings = ColumnMapping.objects.filter(county=county).select_related("updated_by")
    return render(
        request,
        "dataquality/reconcile.html",
        {
            "county": county,
            "form": form,
            "runs": runs,
            "mappings": mappings,
            "kinds": reconcile.LIST_KINDS.values(),
            "statuses": sorted(reconcile.COUNTED_REGISTER_STATUSES),
        },
    )


def _mapping_rows(kind: reconcile.ListKind, headers: list, chosen: dict) -> list[dict]:
    return [
        {
            "field": f,
            "name": f"col{i}",
            "options": [(j, h) for j, h in enumerate(headers) if h],
            "selected": chosen.get(f.header),
        }
        for i, f in enumerate(kind.fields)
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mapping(request, pk):
    county_for_writer(request.user)
    run = _run(request, pk)
    if run.status != ReconcileRun.Status.PENDING:
        return redirect("dataquality:reconcile_run", pk=run.pk)
    kind = run.list_kind
    chosen = reconcile.guess_mapping(kind, run.headers)
    if request.method == "POST":
        chosen = {}
        for i, f in enumerate(kind.fields):
            value = request.POST.get(f"col{i}", "")
            chosen[f.header] = int(value) if value.isdigit() else None
        try:
            reconcile_services.apply_mapping(user=request.user, run=run, chosen=chosen)
        except ValidationError as exc:
            for message in exc.messages[:20]:
                messages.error(request, message)
        else:
            messages.success(request, "已保存列对应关系，正在后台比对；本县下次上传相同表头的文件时自动沿用")
            return redirect("dataquality:reconcile_run", pk=run.pk)
    return render(
        request,
        "dataquality/reconcile_mapping.html",
        {"run": run, "kind": kind, "rows": _mapping_rows(kind, run.headers, chosen)},
    )


@login_required
@require_POST
def forget_mapping(request, kind):
    county = county_for_writer(request.user)
    if kind not in reconcile.LIST_KINDS:
        raise Http404("没有该名单")
    if reconcile_services.forget_mapping(user=request.user, county=county, kind_key=kind):
        messages.success(request, "已清除列对应关系，下次上传时重新选择")
    return redirect("dataquality:reconcile")


@login_required
@require_POST
def cancel(request, pk):
    county_for_writer(request.user)
    run = _run(request, pk)
    try:
        reconcile_services.cancel(user=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已取消，上传的名单文件已删除")
    return redirect("dataquality:reconcile")


@login_required
@require_GET
def run_detail(request, pk):
    county_for_reader(request.user)
    run = _run(request, pk)
    if run.status == ReconcileRun.Status.PENDING and request.user.writes_county:
        return redirect("dataquality:reconcile_mapping", pk=run.pk)
    job = run.last_read if run.status == ReconcileRun.Status.READING else None
    result = counts = None
    if run.status == ReconcileRun.Status.DONE:
        audit_record(user=request.user, action=AuditEntry.Action.VIEW, obj=run, note="查看对账结果")
        result = selectors.reconciliation(run)
        counts = reconcile.ListCounts.from_dict(run.counts)
    return render(
        request,
        "dataquality/reconcile_run.html",
        {"run": run, "job": job, "result": result, "counts": counts, "statuses": _statuses(run, counts)},
    )


def _statuses(run, counts) -> list[tuple[str, int, bool]]:
    if counts is None:
        return []
    if run.kind == reconcile.REGISTER:
        counted = reconcile.COUNTED_REGISTER_STATUSES
    else:
        counted = reconcile.FULL_TIME_VALUES
    return sorted(((s, n, s in counted) for s, n in counts.statuses.items()), key=lambda r: (not r[2], -r[1]))


@login_required
@require_GET
@private_download
def export(request, pk):
    county_for_reader(request.user)
    run = _run(request, pk)
    if run.status != ReconcileRun.Status.DONE:
        raise Http404("该名单尚未比对")
    result = selectors.reconciliation(run)
    counts = reconcile.ListCounts.from_dict(run.counts)
    audit_record(user=request.user, action=AuditEntry.Action.EXPORT, obj=run, note="下载对账结果")
    return xlsx_response(
        f"{run.county.name}{run.year}学年{result.kind.label}对账结果.xlsx",
        reconcile_xlsx.result_sheets(run, result, counts),
    )


@login_required
@require_GET
@private_download
def template(request, kind):
    county_for_reader(request.user)
    list_kind = reconcile.LIST_KINDS.get(kind)
    if list_kind is None:
        raise Http404("没有该名单模板")
    body = reconcile_xlsx.template(list_kind)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(list_kind.label + '对账模板.xlsx')}"
    )
    return response
