"""The 四查三比对 workbench (issue 16 item 3).

Bureau staff and admins upload, read the lists, confirm and file cases; every read of a batch's
lists is audited. Inspectors see per-township counts only (no names, no ID numbers); township
officials and school reporters are refused (403). A batch of another county is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import county_for_reader, county_for_writer, get_scoped_or_404
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.jobs import JobStatus
from dataquality import match_services, matching
from dataquality.forms import MatchUploadForm
from dataquality.models import MatchBatch
from schools.idcard import mask_id_number

BATCH_SCOPE = {"county": "county", "township": None, "school": None}


def _batch(request, pk) -> MatchBatch:
    return get_scoped_or_404(
        request.user, MatchBatch.objects.select_related("county"), scope_kwargs=BATCH_SCOPE, pk=pk
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workbench(request):
    county = county_for_reader(request.user)
    form = MatchUploadForm()
    if request.method == "POST":
        county = county_for_writer(request.user)
        form = MatchUploadForm(request.POST, request.FILES)
        if form.is_valid():
            uploads = {k: form.cleaned_data.get(k) for k in matching.LISTS}
            try:
                batch = match_services.batch_request(
                    user=request.user,
                    county=county,
                    school_year=form.cleaned_data["school_year"],
                    uploads=uploads,
                )
            except ValidationError as exc:
                for message in exc.messages[:20]:
                    messages.error(request, message)
            else:
                messages.success(request, "名单已上传，正在后台比对；完成后本页显示比对名单")
                return redirect("dataquality:match_batch", pk=batch.pk)
    batches = MatchBatch.objects.filter(county=county).only(
        "pk", "school_year", "status", "list_status", "counts", "created_at", "expires_at", "county_id"
    )[:50]
    return render(
        request,
        "dataquality/match.html",
        {
            "county": county,
            "form": form,
            "batches": batches,
            "labels": matching.RESULT_LABELS,
            "retention_days": settings.DATAQUALITY_LIST_RETENTION_DAYS,
            "absence_days": settings.DATAQUALITY_ABSENCE_DAYS,
        },
    )


@login_required
@require_GET
def batch(request, pk):
    county_for_reader(request.user)
    item = _batch(request, pk)
    full = request.user.writes_county
    towns = {}
    if full and item.status == JobStatus.DONE and item.result:
        # The lists name minors: every read by bureau staff is recorded.
        audit_record(user=request.user, action=AuditEntry.Action.VIEW, obj=item, note="查看四查三比对名单")
        for index, hit in enumerate(item.result.get("hits", [])):
            towns.setdefault(hit["township"], {k: [] for k in matching.RESULT_LABELS})[hit["kind"]].append(
                {**hit, "index": index, "fileable": not hit["open_case"] and not hit.get("filed_case")}
            )
    counts = [
        (town, [(matching.RESULT_LABELS[k], kinds.get(k, 0)) for k in matching.RESULT_LABELS])
        for town, kinds in (item.counts or {}).items()
    ]
    return render(
        request,
        "dataquality/match_batch.html",
        {
            "batch": item,
            "full": full,
            # A failed job (or one that never started or lost its worker) with its files still kept.
            "retryable": full
            and bool(item.files)
            and (item.status == JobStatus.FAILED or item.looks_dead or item.looks_delayed),
            "counts": counts,
            "labels": matching.RESULT_LABELS,
            "towns": [
                (town, [(k, matching.RESULT_LABELS[k], hits) for k, hits in kinds.items()])
                for town, kinds in towns.items()
            ],
            "name_mismatches": [
                {**m, "id_number": mask_id_number(m["id_number"])}
                for m in item.result.get("name_mismatches", [])
            ]
            if full
            else [],
            "invalid_ids": [
                (matching.LISTS[k].label, rows) for k, rows in item.result.get("invalid_ids", {}).items()
            ]
            if full
            else [],
            "errors": item.result.get("errors", [])[:200] if full else [],
            "error_count": item.result.get("error_count", 0),
        },
    )


@login_required
@require_GET
def batch_status(request, pk):
    """The job's progress, polled by the batch page (htmx); once finished the page reloads to show
    the lists or the reason. Counts and progress only: nothing personal, nothing to audit."""
    county_for_reader(request.user)
    item = _batch(request, pk)
    response = render(request, "dataquality/_match_status.html", {"batch": item})
    if item.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def retry(request, pk):
    county_for_writer(request.user)
    item = _batch(request, pk)
    try:
        match_services.batch_retry(user=request.user, batch=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已重新提交比对")
    return redirect("dataquality:match_batch", pk=item.pk)


@login_required
@require_POST
def confirm(request, pk):
    county_for_writer(request.user)
    item = _batch(request, pk)
    try:
        match_services.batch_confirm(user=request.user, batch=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已确认比对结果，上传的原始名单文件已删除")
    return redirect("dataquality:match_batch", pk=item.pk)


@login_required
@require_POST
def file_cases(request, pk):
    county_for_writer(request.user)
    item = _batch(request, pk)
    indices = [int(v) for v in request.POST.getlist("rows") if v.isdigit()]
    if not indices:
        messages.error(request, "请先勾选要登记的儿童")
        return redirect("dataquality:match_batch", pk=item.pk)
    try:
        created, refused = match_services.file_cases(user=request.user, batch=item, indices=indices)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("dataquality:match_batch", pk=item.pk)
    if created:
        messages.success(
            request, f"已登记疑似辍学个案 {len(created)} 个：" + "、".join(c.number for c in created)
        )
    for message in refused:
        messages.error(request, message)
    return redirect("dataquality:match_batch", pk=item.pk)
