"""Pages of dropout control. Each view calls the access helper or a scoped selector first, then
one service; wrong area → 404, wrong role → 403, inspectors never reach a write or a case's
personal data."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import user_county
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download, stored_file_response
from balance_inspect.pdf import MissingCJKFont, render_pdf
from balance_inspect.xlsx import as_report, xlsx_response
from dropout_control import exports, rules, selectors, services
from dropout_control.forms import (
    CaseFilterForm,
    CaseForm,
    CloseRequestForm,
    CohortForm,
    LetterForm,
    NoticeIssueForm,
    NoticeServeForm,
    OptionalNoteForm,
    RegisterCheckForm,
    RequiredNoteForm,
    ResponsibleForm,
    UploadForm,
    VisitForm,
)
from dropout_control.importing import read_cohorts, read_ledger
from dropout_control.models import CaseStatus, Line, Term
from schools.models import SCHOOL_ORDER, TOWNSHIP_ORDER, SchoolType
from schools.selectors import schools_visible_to, townships_visible_to


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    # isascii: str.isdigit() also accepts "²" or "٣", which int() refuses.
    return int(raw) if raw.isascii() and raw.isdigit() and low <= int(raw) <= high else default


def _audit_view(request, case, note: str) -> None:
    audit_record(user=request.user, action=AuditEntry.Action.VIEW, obj=case, note=note)


def _file_response(path: str, name: str):
    if not path or not default_storage.exists(path):
        raise Http404("文件不存在")
    return stored_file_response(default_storage.open(path, "rb"), name or path.rsplit("/", 1)[-1])


# --- list, create, detail, edit --------------------------------------------------------------


@login_required
@require_GET
def case_list(request):
    user = request.user
    filters = {k: request.GET.get(k, "") for k in ("status", "township", "school", "overdue", "q")}
    cases = selectors.case_list(user, **filters)
    page = Paginator(cases, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    form = CaseFilterForm(
        request.GET or None,
        townships=townships_visible_to(user).order_by(*TOWNSHIP_ORDER),
        schools=schools_visible_to(user)
        .exclude(school_type=SchoolType.TEACHING_POINT)
        .order_by(*SCHOOL_ORDER),
    )
    if user.sees_personal_data and page.object_list:
        # The list shows children's names: who looked at which page of which filter is audited too.
        audit_record(
            user=user,
            action=AuditEntry.Action.VIEW,
            object_type="dropout_control.DropoutCase",
            object_repr=f"个案列表 第 {page.number} 页（{len(page.object_list)} 条）",
            county=user_county(user),
            note="筛选："
            + "，".join(
                f"{k}={rules.mask_search_term(v) if k == 'q' else v}" for k, v in filters.items() if v
            )[:480],
        )
    return render(
        request,
        "dropout_control/list.html",
        {
            "page_obj": page,
            "cases": selectors.mark_overdue(page.object_list),
            "filter_form": form,
            "masked": not user.sees_personal_data,
            "can_create": selectors.can(user, "create"),
            "can_export": selectors.can(user, "export"),
        },
    )


@login_required
def case_create(request):
    selectors.require_action(request.user, "create")
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(user=request.user, data=dict(form.cleaned_data))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已登记个案 {case.number}（疑似辍学）")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(request, "dropout_control/case_form.html", {"form": form, "title": "登记疑似辍学个案"})


@login_required
@require_GET
def case_detail(request, pk):
    case = selectors.get_case_for_user(request.user, pk)
    _audit_view(request, case, "查看个案详情")
    user = request.user
    status = case.status
    pending = case.close_pending
    actions = []

    def offer(action, url_name, label, when, *, obj_pk=None):
        if when and selectors.can(user, action):
            actions.append({"url": f"dropout_control:{url_name}", "pk": obj_pk or case.pk, "label": label})

    notices = selectors.case_notices(case)
    unserved = next((n for n in notices if not n.is_served), None)
    visits = selectors.case_visits(case)
    offer("update", "edit", "修改台账", case.is_open)
    offer("confirm", "confirm", "认定辍学", status == CaseStatus.SUSPECTED and not pending)
    offer("start_persuasion", "start_persuasion", "启动劝返", status == CaseStatus.CONFIRMED and not pending)
    offer("visit", "visit_create", "添加劝返记录", case.is_open)
    offer("assign", "responsible", "落实责任人", case.is_open)
    offer(
        "issue_notice",
        "notice_issue",
        "开具复学通知书",
        status == CaseStatus.PERSUADING and not pending and unserved is None and bool(visits),
    )
    if unserved is not None:
        offer(
            "serve_notice",
            "notice_serve",
            f"登记送达 {unserved.number}",
            status == CaseStatus.PERSUADING,
            obj_pk=unserved.pk,
        )
    offer("start_legal", "start_legal", "启动依法处置", status == CaseStatus.NOTICE_SERVED and not pending)
    offer("request_close", "close_request", "申请销号", case.is_open and not pending)
    offer("close", "close", "审核销号", pending and case.close_requested_by_id != user.pk)
    offer("reject_close", "reject_close", "退回销号申请", pending)
    offer("reopen", "reopen", "重新启动", status == CaseStatus.CLOSED)
    return render(
        request,
        "dropout_control/detail.html",
        {
            "case": case,
            "events": selectors.case_timeline(case),
            "visits": visits,
            "notices": notices,
            "responsibles": list(case.responsibles.select_related("user")),
            "actions": actions,
        },
    )


@login_required
def case_edit(request, pk):
    case = selectors.get_case_for_user(request.user, pk, action="update")
    form = CaseForm(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(user=request.user, case=case, data=dict(form.cleaned_data))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "台账已保存")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(
        request,
        "dropout_control/case_form.html",
        {"form": form, "title": f"修改台账 {case.number}", "case": case},
    )


# --- transitions with a note ------------------------------------------------------------------


def _note_action(request, pk, *, action, title, label, help_text="", required=True, run, confirm=""):
    case = selectors.get_case_for_user(request.user, pk, action=action)
    form_class = RequiredNoteForm if required else OptionalNoteForm
    form = form_class(request.POST or None, label=label, help_text=help_text)
    if request.method == "POST" and form.is_valid():
        try:
            run(case, form.cleaned_data["note"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{title}：已完成")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(
        request,
        "dropout_control/action_form.html",
        {"case": case, "form": form, "title": title, "confirm": confirm},
    )


@login_required
def case_confirm(request, pk):
    return _note_action(
        request,
        pk,
        action="confirm",
        title="认定辍学",
        label="认定依据",
        help_text="例如：连续缺课超过 30 天，经入户核实确认辍学",
        run=lambda case, note: services.case_confirm(user=request.user, case=case, note=note),
    )


@login_required
def case_start_persuasion(request, pk):
    return _note_action(
        request,
        pk,
        action="start_persuasion",
        title="启动劝返",
        label="劝返安排",
        required=False,
        run=lambda case, note: services.case_start_persuasion(user=request.user, case=case, note=note),
    )


@login_required
def case_start_legal(request, pk):
    return _note_action(
        request,
        pk,
        action="start_legal",
        title="启动依法处置",
        label="措施与依据",
        help_text="例如：经批评教育仍拒不送子女返校，由乡镇政府书面责令限期改正",
        run=lambda case, note: services.case_start_legal(user=request.user, case=case, note=note),
    )


@login_required
def case_close(request, pk):
    return _note_action(
        request,
        pk,
        action="close",
        title="审核销号",
        label="审核意见",
        required=False,
        confirm="确认审核通过并销号？",
        run=lambda case, note: services.case_close(user=request.user, case=case, note=note),
    )


@login_required
def case_reject_close(request, pk):
    return _note_action(
        request,
        pk,
        action="reject_close",
        title="退回销号申请",
        label="退回理由",
        run=lambda case, note: services.case_reject_close(user=request.user, case=case, note=note),
    )


@login_required
def case_reopen(request, pk):
    return _note_action(
        request,
        pk,
        action="reopen",
        title="重新启动个案",
        label="重新启动的原因",
        run=lambda case, note: services.case_reopen(user=request.user, case=case, note=note),
    )


# --- close request, persuasion log, responsible persons ----------------------------------------


@login_required
def case_close_request(request, pk):
    case = selectors.get_case_for_user(request.user, pk, action="request_close")
    form = CloseRequestForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_request_close(
                user=request.user,
                case=case,
                outcome=data["outcome"],
                outcome_school=data["outcome_school"],
                outcome_date=data["outcome_date"],
                outcome_note=data["outcome_note"],
                proof=data["proof"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "销号申请已提交，等待教育局或乡镇其他工作人员审核")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(
        request,
        "dropout_control/action_form.html",
        {"case": case, "form": form, "title": "申请销号", "multipart": True},
    )


@login_required
@require_GET
@private_download
def case_proof(request, pk):
    case = selectors.get_case_for_user(request.user, pk)
    _audit_view(request, case, "下载销号证明材料")
    return _file_response(case.proof_file, case.proof_name)


@login_required
def visit_create(request, pk):
    case = selectors.get_case_for_user(request.user, pk, action="visit")
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.persuasion_log_add(
                user=request.user,
                case=case,
                data=form.cleaned_data,
                attachment=form.cleaned_data["attachment_file"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "劝返记录已保存")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(
        request,
        "dropout_control/action_form.html",
        {"case": case, "form": form, "title": "添加劝返记录", "multipart": True},
    )


@login_required
@require_GET
@private_download
def visit_attachment(request, pk):
    visit = selectors.get_visit_for_user(request.user, pk)
    _audit_view(request, visit.case, f"下载劝返记录附件（{visit.visited_on:%Y-%m-%d}）")
    return _file_response(visit.attachment, visit.attachment_name)


@login_required
def case_responsible(request, pk):
    case = selectors.get_case_for_user(request.user, pk, action="assign")
    form = ResponsibleForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.responsibles_assign(user=request.user, case=case, assignments=form.assignments())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "责任人已保存")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(request, "dropout_control/responsible_form.html", {"case": case, "form": form})


# --- notices ------------------------------------------------------------------------------------


@login_required
def notice_issue(request, pk):
    case = selectors.get_case_for_user(request.user, pk, action="issue_notice")
    form = NoticeIssueForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_issue(user=request.user, case=case, school=form.cleaned_data["school"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已开具 {notice.number}，请下载打印并送达监护人后登记送达")
            return redirect("dropout_control:detail", pk=case.pk)
    return render(
        request,
        "dropout_control/action_form.html",
        {"case": case, "form": form, "title": "开具复学入学通知书"},
    )


@login_required
@require_GET
@private_download
def notice_pdf(request, pk):
    notice = selectors.get_notice_for_user(request.user, pk)
    case = notice.case
    try:
        pdf = render_pdf(
            "dropout_control/pdf/notice.html",
            {"notice": notice, "case": case, "township": case.township, "county": notice.county},
        )
    except MissingCJKFont as exc:
        messages.error(request, str(exc))
        return redirect("dropout_control:detail", pk=case.pk)
    _audit_view(request, case, f"下载复学入学通知书 {notice.number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'复学入学通知书-{case.number}.pdf')}"
    )
    return response


@login_required
def notice_serve(request, pk):
    notice = selectors.get_notice_for_user(request.user, pk, action="serve_notice")
    form = NoticeServeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_serve_notice(
                user=request.user,
                notice=notice,
                delivered_on=data["delivered_on"],
                method=data["delivery_method"],
                receiver=data["receiver"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{notice.number} 已登记送达，个案进入“已发复学通知”")
            return redirect("dropout_control:detail", pk=notice.case_id)
    return render(
        request,
        "dropout_control/action_form.html",
        {"case": notice.case, "form": form, "title": f"登记送达 {notice.number}"},
    )


# --- overdue, letters, register checks --------------------------------------------------------


@login_required
@require_GET
def overdue(request):
    groups = selectors.overdue_by_township(request.user)
    return render(
        request,
        "dropout_control/overdue.html",
        {
            "groups": groups,
            "masked": not request.user.sees_personal_data,
            "total": sum(len(g["cases"]) for g in groups),
        },
    )


@login_required
@require_GET
def letters(request):
    county = user_county(request.user)
    year = _int_param(request, "year", timezone.localdate().year, 2000, 2100)
    status = (
        selectors.letter_status(request.user, county, year)
        if county
        else {"rows": [], "missing": 0, "expected": 0}
    )
    return render(
        request,
        "dropout_control/letters.html",
        {
            "status": status,
            "year": year,
            "can_add": selectors.can(request.user, "letters"),
            "lines": Line.choices,
        },
    )


@login_required
def letter_create(request):
    selectors.require_action(request.user, "letters")
    form = LetterForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={k: request.GET[k] for k in ("year", "line", "township", "school") if request.GET.get(k)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.letter_save(
                user=request.user,
                township=data["township"],
                school=data["school"],
                year=data["year"],
                line=data["line"],
                signed_on=data["signed_on"],
                party_a=data["party_a"],
                party_b=data["party_b"],
                scan=data["scan"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "责任书已登记")
            return redirect(f"{_url('letters')}?year={data['year']}")
    return render(
        request,
        "dropout_control/form_page.html",
        {"form": form, "title": "登记控辍保学责任书", "multipart": True, "back": _url("letters")},
    )


@login_required
@require_GET
@private_download
def letter_scan(request, pk):
    letter = selectors.get_letter_for_user(request.user, pk)
    return _file_response(letter.scan, letter.scan_name)


@login_required
@require_GET
def register_checks(request):
    county = user_county(request.user)
    default_year, default_term = rules.term_of(timezone.localdate())
    year = _int_param(request, "year", default_year, 2000, 2100)
    term = _int_param(request, "term", default_term, 1, 2)
    status = (
        selectors.register_check_status(request.user, county, year, term)
        if county
        else {"rows": [], "missing": 0, "expected": 0}
    )
    return render(
        request,
        "dropout_control/register_checks.html",
        {
            "status": status,
            "year": year,
            "term": term,
            "term_label": rules.term_label(year, term),
            "terms": Term.choices,
            "can_add": selectors.can(request.user, "register_check"),
        },
    )


@login_required
def register_check_create(request):
    selectors.require_action(request.user, "register_check")
    form = RegisterCheckForm(
        request.POST or None,
        user=request.user,
        initial={k: request.GET[k] for k in ("school", "year", "term") if request.GET.get(k)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_check_save(user=request.user, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "学籍清查结果已保存")
            return redirect(f"{_url('register_checks')}?year={data['year']}&term={data['term']}")
    return render(
        request,
        "dropout_control/form_page.html",
        {"form": form, "title": "填报学期初学籍清查", "back": _url("register_checks")},
    )


# --- retention -----------------------------------------------------------------------------------


@login_required
@require_GET
def retention(request):
    county = user_county(request.user)
    year = _int_param(request, "year", timezone.localdate().year, 2000, 2100)
    table = selectors.retention_table(request.user, county, year) if county else None
    rows = list(selectors.cohort_rows(request.user, county, year)) if county else []
    return render(
        request,
        "dropout_control/retention.html",
        {
            "table": table,
            "year": year,
            "rows": rows,
            "can_edit": selectors.can(request.user, "cohort"),
        },
    )


@login_required
def cohort_create(request):
    selectors.require_action(request.user, "cohort")
    form = CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        school, year = data.pop("school"), data.pop("year")
        try:
            services.cohort_save(user=request.user, school=school, year=year, figures=data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{school.name} {year} 年数据已保存")
            return redirect(f"{_url('retention')}?year={year}")
    return render(
        request,
        "dropout_control/form_page.html",
        {"form": form, "title": "填报巩固率基础数据", "back": _url("retention")},
    )


@login_required
def cohort_import(request):
    selectors.require_action(request.user, "cohort")
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = read_cohorts(upload, request.user)
        if not errors:
            created, updated = services.cohorts_import(user=request.user, rows=rows, file_name=upload.name)
            messages.success(request, f"巩固率基础数据：新增 {created} 行，更新 {updated} 行")
            return redirect("dropout_control:retention")
    return render(
        request,
        "dropout_control/import.html",
        {
            "form": form,
            "errors": errors,
            "title": "导入巩固率基础数据",
            "template_url": _url("cohort_template"),
            "back": _url("retention"),
        },
    )


@login_required
@require_GET
@private_download
def cohort_template(request):
    selectors.require_action(request.user, "cohort")
    return xlsx_response("巩固率基础数据模板.xlsx", exports.cohort_template_sheets())


# --- reports --------------------------------------------------------------------------------------


def _month_params(request):
    today = timezone.localdate()
    return (
        _int_param(request, "year", today.year, 2000, 2100),
        _int_param(request, "month", today.month, 1, 12),
    )


def _quarter_params(request):
    today = timezone.localdate()
    return (
        _int_param(request, "year", today.year, 2000, 2100),
        _int_param(request, "quarter", rules.quarter_of(today), 1, 4),
    )


@login_required
@require_GET
def report_monthly(request):
    county = user_county(request.user)
    year, month = _month_params(request)
    report = selectors.monthly_school_report(request.user, county, year, month) if county else None
    return render(
        request,
        "dropout_control/report_monthly.html",
        {"report": report, "year": year, "month": month, "months": range(1, 13)},
    )


@login_required
@require_GET
@private_download
def report_monthly_xlsx(request):
    county = user_county(request.user)
    if county is None:
        raise Http404("没有可用的区县")
    year, month = _month_params(request)
    report = selectors.monthly_school_report(request.user, county, year, month)
    return xlsx_response(
        f"控辍保学学校月报-{year}年{month}月.xlsx",
        as_report(exports.monthly_sheets(report), "控辍保学学校月报"),
    )


@login_required
@require_GET
def report_quarterly(request):
    county = user_county(request.user)
    year, quarter = _quarter_params(request)
    report = selectors.quarterly_county_summary(request.user, county, year, quarter) if county else None
    return render(
        request,
        "dropout_control/report_quarterly.html",
        {"report": report, "year": year, "quarter": quarter, "quarters": range(1, 5)},
    )


@login_required
@require_GET
@private_download
def report_quarterly_xlsx(request):
    county = user_county(request.user)
    if county is None:
        raise Http404("没有可用的区县")
    year, quarter = _quarter_params(request)
    report = selectors.quarterly_county_summary(request.user, county, year, quarter)
    return xlsx_response(
        f"控辍保学季度汇总-{year}年第{quarter}季度.xlsx",
        as_report(exports.quarterly_sheets(report), "控辍保学季度汇总"),
    )


# --- ledger import and export --------------------------------------------------------------------


@login_required
@require_GET
@private_download
def ledger_export(request):
    selectors.require_action(request.user, "export")
    cases = selectors.cases_visible_to(request.user).order_by("township__position", "township_id", "number")
    sheet = exports.ledger_sheet(cases)
    audit_record(
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="dropout_control.DropoutCase",
        object_repr="控辍保学台账导出",
        county=request.user.county,
        note="导出本辖区全部个案（含个人信息）",
    )
    return xlsx_response(f"控辍保学台账-{timezone.localdate():%Y%m%d}.xlsx", [sheet])


@login_required
def ledger_import(request):
    selectors.require_action(request.user, "import")
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = read_ledger(upload, request.user)
        if not errors:
            try:
                cases = services.cases_import(user=request.user, rows=rows, file_name=upload.name)
            except ValidationError as exc:
                errors = [(None, "整个文件", m) for m in exc.messages]
            else:
                messages.success(request, f"台账导入成功：新增个案 {len(cases)} 个（疑似辍学）")
                return redirect("dropout_control:list")
    return render(
        request,
        "dropout_control/import.html",
        {
            "form": form,
            "errors": errors,
            "title": "导入控辍保学台账",
            "template_url": _url("ledger_template"),
            "back": _url("list"),
        },
    )


@login_required
@require_GET
@private_download
def ledger_template(request):
    selectors.require_action(request.user, "import")
    return xlsx_response("控辍保学台账模板.xlsx", exports.ledger_template_sheets())


def _url(name: str) -> str:
    return reverse(f"dropout_control:{name}")
