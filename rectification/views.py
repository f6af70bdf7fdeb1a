"""Pages of the rectification app. Every view checks the role first (bureau staff and admins write,
inspectors read, township and school users get 403), then looks rows up through the scoped
selectors (another county's row is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import county_for_reader, county_for_writer, require_reader, require_writer
from balance_inspect.downloads import private_download, stored_file_response
from balance_inspect.xlsx import as_report, xlsx_response
from rectification import archive_tree, exports, schedule, selectors, services
from rectification.forms import (
    CloseForm,
    DiscardForm,
    ImportForm,
    InspectionDateForm,
    ItemForm,
    LedgerFilter,
    LongTermForm,
    ProgressForm,
    ProposalAcceptForm,
    ReopenForm,
    TaskForm,
    UploadForm,
)
from rectification.models import ArchivePoint, ItemStatus, TaskStatus

PAGE_SIZE = 50


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- ledger ---------------------------------------------------------------------------------


@login_required
@require_safe
def item_list(request):
    county = county_for_reader(request.user)
    today = timezone.localdate()
    filters = LedgerFilter(request.GET, queryset=selectors.ledger_list(request.user), request=request)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_evidence_counts(page.object_list)
    for item in page.object_list:
        item.due_state = selectors.item_due_state(item, today)
    return render(
        request,
        "rectification/item_list.html",
        {
            "filter": filters,
            "page_obj": page,
            "summary": selectors.ledger_summary(county, today),
            "county": county,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def item_create(request):
    county = county_for_writer(request.user)
    form = ItemForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                user=request.user, county=county, data=form.item_data(), schools=form.cleaned_data["schools"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记第 {item.number} 项整改事项。")
            return redirect("rectification:detail", pk=item.pk)
    return render(request, "rectification/item_form.html", {"form": form, "title": "登记整改事项"})


@login_required
def item_edit(request, pk):
    require_writer(request.user)
    item = selectors.get_item_for_user(request.user, pk)
    form = ItemForm(request.POST or None, instance=item, county=item.county)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                user=request.user, item=item, data=form.item_data(), schools=form.cleaned_data["schools"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("rectification:detail", pk=item.pk)
    return render(
        request,
        "rectification/item_form.html",
        {"form": form, "item": item, "title": f"修改第 {item.number} 项"},
    )


@login_required
@require_safe
def item_detail(request, pk):
    require_reader(request.user)
    item = selectors.get_item_for_user(request.user, pk)
    return render(
        request,
        "rectification/item_detail.html",
        {
            "item": item,
            "schools": item.schools.all(),
            "progress": item.progress.select_related("author"),
            "evidence": item.evidence.select_related("uploaded_by"),
            "standing": selectors.item_indicator_standing(item),
            "indicator_label": selectors.indicator_label(item.indicator) if item.indicator else "",
            "due_state": selectors.item_due_state(item, timezone.localdate()),
            "progress_form": ProgressForm(),
            "upload_form": UploadForm(),
            "close_form": CloseForm(),
            "long_term_form": LongTermForm(),
            "reopen_form": ReopenForm(),
            "Status": ItemStatus,
        },
    )


def _item_for_write(request, pk):
    require_writer(request.user)
    return selectors.get_item_for_user(request.user, pk)


@login_required
@require_POST
def item_start(request, pk):
    item = _item_for_write(request, pk)
    try:
        services.item_start(user=request.user, item=item)
        messages.success(request, "已开始推进。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_POST
def item_complete(request, pk):
    item = _item_for_write(request, pk)
    try:
        services.item_complete(user=request.user, item=item)
        messages.success(request, "已标记为完成，待核查销号。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_POST
def item_close(request, pk):
    item = _item_for_write(request, pk)
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("销号须填写核查意见。")
        services.item_close(user=request.user, item=item, verification=form.cleaned_data["verification"])
        messages.success(request, "已销号。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_POST
def item_mark_long_term(request, pk):
    item = _item_for_write(request, pk)
    form = LongTermForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("标记为长期坚持须说明长效机制。")
        services.item_mark_long_term(user=request.user, item=item, note=form.cleaned_data["note"])
        messages.success(request, "已标记为长期坚持。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_POST
def item_reopen(request, pk):
    item = _item_for_write(request, pk)
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("重新打开须说明原因。")
        services.item_reopen(user=request.user, item=item, reason=form.cleaned_data["reason"])
        messages.success(request, "已重新打开，状态为推进中。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_POST
def progress_add(request, pk):
    item = _item_for_write(request, pk)
    form = ProgressForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请填写进展日期和内容。")
        services.progress_add(
            user=request.user, item=item, date=form.cleaned_data["date"], text=form.cleaned_data["text"]
        )
        messages.success(request, "已记录进展。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_POST
def evidence_upload(request, pk):
    item = _item_for_write(request, pk)
    form = UploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.evidence_add(
            user=request.user,
            item=item,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, "佐证材料已上传。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:detail", pk=item.pk)


@login_required
@require_safe
@private_download
def evidence_download(request, pk):
    require_reader(request.user)
    evidence = selectors.get_evidence_for_user(request.user, pk)
    return stored_file_response(evidence.file.open("rb"), evidence.original_name)


# --- files ----------------------------------------------------------------------------------


@login_required
def feedback_import(request):
    county = county_for_writer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.feedback_import(
                user=request.user, county=county, upload=form.cleaned_data["file"]
            )
        except services.ImportRefused as exc:
            errors = exc.errors
        else:
            messages.success(request, f"导入完成：新增 {summary.created} 项，更新 {summary.updated} 项。")
            return redirect("rectification:list")
    return render(request, "rectification/import.html", {"form": form, "errors": errors})


@login_required
@private_download
def feedback_template(request):
    county_for_writer(request.user)
    return xlsx_response("反馈问题清单导入模板.xlsx", exports.feedback_template_sheets())


@login_required
@require_safe
@private_download
def ledger_export(request):
    county = county_for_reader(request.user)
    filters = LedgerFilter(request.GET, queryset=selectors.ledger_list(request.user), request=request)
    name = county.name if county else "全部"
    return xlsx_response(
        f"{name}整改台账.xlsx", as_report([exports.ledger_sheet(filters.qs, name)], "整改台账")
    )


# --- countdown and plan ---------------------------------------------------------------------


@login_required
@require_safe
def plan(request):
    county = county_for_reader(request.user)
    today = timezone.localdate()
    mine = request.GET.get("mine") == "1"
    tasks = list(selectors.tasks_of(county))
    for task in tasks:
        task.due_state = schedule.due_state(
            task.deadline,
            done=task.status == TaskStatus.DONE,
            today=today,
            due_soon_days=selectors.due_soon_days(),
        )
    return render(
        request,
        "rectification/plan.html",
        {
            "county": county,
            "tasks": tasks,
            "today": today,
            "days_left": schedule.days_left(county.inspection_date, today),
            "lists": selectors.deadline_lists(county, today=today, user=request.user if mine else None),
            "mine": mine,
            "due_soon_days": selectors.due_soon_days(),
            "date_form": InspectionDateForm(initial={"inspection_date": county.inspection_date}),
        },
    )


@login_required
@require_POST
def inspection_date_set(request):
    county = county_for_writer(request.user)
    form = InspectionDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的国检日期。")
        return redirect("rectification:plan")
    moved = services.county_set_inspection_date(
        user=request.user, county=county, inspection_date=form.cleaned_data["inspection_date"]
    )
    messages.success(
        request,
        f"国检日期已设为 {form.cleaned_data['inspection_date']:%Y-%m-%d}，"
        f"{moved} 项未完成任务已按倒排工期调整。",
    )
    return redirect("rectification:plan")


@login_required
@require_POST
def plan_create(request):
    county = county_for_writer(request.user)
    try:
        created = services.plan_create(user=request.user, county=county)
        messages.success(request, f"已按倒排工期生成 {created} 项迎检任务。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:plan")


@login_required
def task_create(request):
    county = county_for_writer(request.user)
    form = TaskForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_create(user=request.user, county=county, data=form.task_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已添加迎检任务。")
            return redirect("rectification:plan")
    return render(request, "rectification/task_form.html", {"form": form, "title": "添加迎检任务"})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_edit(request, pk):
    require_reader(request.user)
    task = selectors.get_task_for_user(request.user, pk)
    if request.method == "POST":
        require_writer(request.user)
    form = TaskForm(request.POST or None, instance=task, county=task.county)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(user=request.user, task=task, data=form.task_data())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("rectification:plan")
    return render(
        request,
        "rectification/task_form.html",
        {"form": form, "task": task, "title": f"迎检任务：{task.title}"},
    )


def _task_for_write(request, pk):
    require_writer(request.user)
    return selectors.get_task_for_user(request.user, pk)


@login_required
@require_POST
def task_start(request, pk):
    task = _task_for_write(request, pk)
    try:
        services.task_start(user=request.user, task=task)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:plan")


@login_required
@require_POST
def task_complete(request, pk):
    task = _task_for_write(request, pk)
    try:
        services.task_complete(user=request.user, task=task)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:plan")


@login_required
@require_POST
def task_reopen(request, pk):
    task = _task_for_write(request, pk)
    try:
        services.task_reopen(user=request.user, task=task)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:plan")


# --- archive --------------------------------------------------------------------------------


@login_required
@require_safe
def archive(request):
    county = county_for_reader(request.user)
    points = list(selectors.archive_points(county))
    files = {}
    for f in selectors.archive_files_of(county):
        files.setdefault(f.point_id, []).append(f)
    for p in points:
        p.county_files = files.get(p.pk, [])
    return render(
        request,
        "rectification/archive.html",
        {
            "county": county,
            "points": points,
            "completeness": selectors.archive_completeness(county),
            "folders": archive_tree.FOLDERS,
            "upload_form": UploadForm(),
        },
    )


@login_required
@require_POST
def archive_upload(request, pk):
    county = county_for_writer(request.user)
    point = get_object_or_404(ArchivePoint, pk=pk)  # the checklist is the same for every county
    form = UploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.archive_file_add(
            user=request.user,
            county=county,
            point=point,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, f"已上传到 {point.code} {point.name}。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"{reverse('rectification:archive')}#p{point.pk}")


@login_required
@require_safe
@private_download
def archive_download(request, pk):
    require_reader(request.user)
    stored = selectors.get_archive_file_for_user(request.user, pk)
    return stored_file_response(stored.file.open("rb"), stored.original_name)


# --- readiness ------------------------------------------------------------------------------


@login_required
@require_safe
def readiness_board(request):
    county = county_for_reader(request.user)
    board = selectors.readiness_board(county, today=timezone.localdate())
    return render(request, "rectification/readiness.html", {"county": county, "board": board})


# --- proposals from assessments -------------------------------------------------------------


@login_required
@require_safe
def proposal_list(request):
    county = county_for_reader(request.user)
    return render(
        request,
        "rectification/proposals.html",
        {
            "county": county,
            "lists": selectors.proposal_lists(request.user),
            "current": selectors.current_assessment(county),
            "discard_form": DiscardForm(),
        },
    )


@login_required
@require_POST
def proposals_generate(request):
    county = county_for_writer(request.user)
    current = selectors.current_assessment(county)
    assessment = current.assessment
    if assessment is None:
        messages.error(request, f"尚无{current.target_name}方案已完成的指标评估，无法生成整改建议。")
        return redirect("rectification:proposals")
    if current.stale:
        # Proposals from a run of older data would ask for work that may already be done.
        messages.error(request, "数据已变更，请重新评估后再生成整改建议。")
        return redirect("rectification:proposals")
    try:
        touched = services.proposals_from_assessment(assessment, user=request.user)
        messages.success(request, f"已根据{assessment}生成或更新 {len(touched)} 条整改建议。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:proposals")


@login_required
def proposal_accept(request, pk):
    require_writer(request.user)
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = ProposalAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.proposal_accept(user=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已采纳为第 {item.number} 项整改事项。")
            return redirect("rectification:detail", pk=item.pk)
    return render(request, "rectification/proposal_accept.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def proposal_discard(request, pk):
    require_writer(request.user)
    proposal = selectors.get_proposal_for_user(request.user, pk)
    form = DiscardForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("忽略整改建议须说明原因。")
        services.proposal_discard(user=request.user, proposal=proposal, reason=form.cleaned_data["reason"])
        messages.success(request, "已忽略该建议。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rectification:proposals")
