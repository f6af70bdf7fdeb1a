"""Pages of the assessment: bureau staff and inspectors read; only bureau staff (and admins) write.

Every view checks the role first (township officials and school reporters: 403), then loads
through a scoped selector (another county: 404).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from accounts.access import county_for_reader, county_for_writer, require_reader, require_writer
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download, stored_file_response
from balance_inspect.jobs import JobStatus
from balance_inspect.xlsx import xlsx_response
from domain.vocabulary import CLASS_BAND_NOTE, ROOM_MIN_AREAS

from . import selectors, services
from .charts import cv_chart_svg
from .county_items import BY_KEY, PART_LABELS, fill_sentence, items_for, value_text
from .engine import RULESETS, SCHOOL, STAGE_LABELS, STAGES, get_ruleset
from .exports import table2_sheet, table3_sheet
from .forms import (
    WHAT_IF_FIELD_LABELS,
    AssessmentRequestForm,
    CountyItemForm,
    TargetSchemeForm,
    WhatIfForm,
    YearForm,
    initial_for,
)
from .tables import addition_text, drilldown, fmt, table2, table3, value_digits, what_if_diff


def _read(request, pk):
    require_reader(request.user)
    return selectors.get_assessment_for_user(request.user, pk)


def _read_done(request, pk):
    assessment = _read(request, pk)
    if assessment.status != JobStatus.DONE:
        raise Http404("该评估尚未完成")
    return assessment


def _default_year(county) -> int:
    year = selectors.data_year(county)
    if year is None:
        today = timezone.localdate()
        year = today.year if today.month >= 9 else today.year - 1
    return year


@login_required
@require_GET
def assessment_list(request):
    county = county_for_reader(request.user)
    current = selectors.current_assessment(county)
    assessments = list(selectors.assessment_list_for(request.user, county)[:100])
    for a in assessments:
        a.role = selectors.assessment_role(a, current)
    form = AssessmentRequestForm(initial={"year": _default_year(county), "scheme": county.target_scheme})
    return render(
        request,
        "indicators/assessment_list.html",
        {
            "county": county,
            "assessments": assessments,
            "form": form,
            "current": current,
            "target_form": TargetSchemeForm(initial={"scheme": county.target_scheme}, prefix="target"),
        },
    )


@login_required
@require_POST
def target_scheme_set(request):
    county = county_for_writer(request.user)
    form = TargetSchemeForm(request.POST, prefix="target")
    if not form.is_valid():
        messages.error(request, "请选择有效的目标评估方案。")
        return redirect("indicators:list")
    scheme = form.cleaned_data["scheme"]
    if services.county_set_target_scheme(user=request.user, county=county, scheme=scheme):
        messages.success(
            request,
            f"目标评估方案已改为{RULESETS[scheme].label}；迎检看板、整改建议与首页按该方案的评估显示。",
        )
    else:
        messages.info(request, "目标评估方案没有变化。")
    return redirect("indicators:list")


@login_required
@require_POST
def assessment_request(request):
    county = county_for_writer(request.user)
    form = AssessmentRequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "请检查学年与评估方案：" + "；".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("indicators:list")
    try:
        assessment = services.assessment_request(
            county=county,
            year=form.cleaned_data["year"],
            scheme=form.cleaned_data["scheme"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("indicators:list")
    except ValueError as exc:  # a county-item provider of another app broke its contract
        messages.error(request, f"无法开始评估：{exc}")
        return redirect("indicators:list")
    if assessment.reused and assessment.status == JobStatus.DONE:
        messages.info(request, "数据与县级项目自上次评估以来没有变化，直接显示已有结果。")
    elif assessment.reused:
        messages.info(request, "相同数据的评估正在计算中。")
    else:
        messages.success(request, "已提交评估，计算完成后本页自动显示结果。")
    return redirect("indicators:detail", pk=assessment.pk)


@login_required
@require_GET
def assessment_status(request, pk):
    assessment = _read(request, pk)
    reload = request.GET.get("reload") == "1"
    status_url = reverse("indicators:status", args=[pk]) + ("?reload=1" if reload else "")
    response = render(request, "includes/job_status.html", {"job": assessment, "status_url": status_url})
    if request.htmx and assessment.is_finished and reload:
        # The detail page polls with reload=1: show the result as soon as it is there.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def assessment_detail(request, pk):
    assessment = _read(request, pk)
    context = {"a": assessment, "status_url": reverse("indicators:status", args=[pk]) + "?reload=1"}
    if assessment.status == JobStatus.DONE:
        current = selectors.current_assessment(assessment.county)
        context.update(current=current, role=selectors.assessment_role(assessment, current))
        result = assessment.result
        blocks = table3(result)
        for block in blocks:
            if block["units"]:
                # Generated by pygal from our own numbers and escaped labels: the one |safe insert.
                svg = cv_chart_svg(result["stages"][block["stage"]], result["scheme"], stage=block["stage"])
                block["chart"] = mark_safe(svg)  # noqa: S308
        context.update(
            result=result,
            ruleset=get_ruleset(result["scheme"]),
            stages=blocks,
            t2=table2(result),
            items=result.get("county_items", []),
        )
    return render(request, "indicators/assessment_detail.html", context)


@login_required
@require_GET
def assessment_drilldown(request, pk, stage, key):
    assessment = _read_done(request, pk)
    result = assessment.result
    if stage not in STAGES or key not in {i.key for i in get_ruleset(result["scheme"]).indicators}:
        raise Http404("没有该学段或指标")
    if not result["stages"][stage]["units"]:
        raise Http404("该学段没有学校单元")
    return render(request, "indicators/drilldown.html", {"a": assessment, "d": drilldown(result, stage, key)})


@login_required
@require_GET
def assessment_gaps(request, pk):
    assessment = _read_done(request, pk)
    gaps = assessment.result["gaps"]
    totals: dict[tuple, float] = {}
    for row in gaps["units"]:
        k = (STAGES.index(row["stage"]), row["stage"], row["label"], row["unit"], row["kind"])
        # One school-level addition can lift two parts; it is counted once, in the part it binds.
        if row.get("counted", True):
            totals[k] = totals.get(k, 0) + row["addition"]
        digits = value_digits(row["indicator"])
        row["current_text"] = fmt(row["current_value"], digits)
        row["new_text"] = fmt(row["new_value"], digits)
        row["addition_text"] = _amount(row["addition"], row["kind"])
        row["stage_label"] = STAGE_LABELS[row["stage"]]
        row["split_note"] = _split_note(row)
        if "change" in row:
            # The part's own stage: the what-if form turns a shared resource into the whole school's.
            row["what_if_query"] = urlencode(
                {
                    "unit_0": f"{row['school_code']}:{row['stage']}",
                    "field_0": row["change"]["field"],
                    "delta_0": row["addition"],
                }
            )
    for plan in gaps["cv_plans"]:
        plan["stage_label"] = STAGE_LABELS[plan["stage"]]
        plan["total_text"] = _amount(plan["total_addition"], plan["kind"])
        digits = value_digits(plan["indicator"])
        plan["floor_text"] = fmt(plan["floor_value"], digits)
        for school in plan["schools"]:
            school["addition_text"] = _amount(school["addition"], plan["kind"])
            school["split_note"] = (
                f"全校增加，{STAGE_LABELS[plan['stage']]}部分分得 {fmt(school['part_addition'], 2)}"
                if school.get("school_level")
                else ""
            )
            school["current_text"] = fmt(school["current_value"], digits)
            school["new_text"] = fmt(school["new_value"], digits)
    total_rows = [
        {"stage_label": STAGE_LABELS[stage], "label": label, "unit": unit, "total": _amount(total, kind)}
        for (_, stage, label, unit, kind), total in sorted(totals.items())
    ]
    return render(request, "indicators/gaps.html", {"a": assessment, "gaps": gaps, "totals": total_rows})


def _split_note(row: dict) -> str:
    """How a school-level addition reaches the failing part of a multi-stage school."""
    if not row.get("school_level"):
        return ""
    note = f"全校增加，{row['stage_label']}部分按折算比例分得 {fmt(row['part_addition'], 2)}"
    others = [STAGE_LABELS[s] for s in row.get("lifts", []) if s != row["stage"]]
    if others:
        note += (
            f"；同一增量也使{'、'.join(others)}部分达标"
            if row.get("counted")
            else f"；与{'、'.join(others)}部分共用同一增量（合计只计一次）"
        )
    return note


_amount = addition_text


@login_required
@require_GET
def assessment_sizes(request, pk):
    assessment = _read_done(request, pk)
    checks = assessment.result["checks"]
    for row in checks.get("large_classes", []):
        row["stage_label"] = STAGE_LABELS[row["stage"]]
    return render(
        request,
        "indicators/sizes.html",
        {
            "a": assessment,
            "checks": checks,
            "classes": assessment.result["stages"],
            "class_band_note": CLASS_BAND_NOTE,
            "room_lines": ROOM_MIN_AREAS,
        },
    )


@login_required
@require_GET
def assessment_what_if(request, pk):
    assessment = _read_done(request, pk)
    units = (assessment.inputs or {}).get("units", [])
    form = WhatIfForm(request.GET or None, units=units)
    comparison = changes_shown = None
    if form.is_bound and form.is_valid() and form.cleaned_data["changes"]:
        try:
            new = selectors.what_if_for(assessment, form.cleaned_data["changes"])
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            comparison = what_if_diff(assessment.result, new)
            names = {(u["school_code"], u["stage"]): u["school_name"] for u in units}
            school_names = {u["school_code"]: u["school_name"] for u in units}
            changes_shown = [
                {
                    "unit": f"{school_names.get(c, c)}（全校，按折算比例分摊到各学段）"
                    if s == SCHOOL
                    else f"{names.get((c, s), c)}（{STAGE_LABELS.get(s, s)}）",
                    "field": WHAT_IF_FIELD_LABELS[f],
                    "delta": d,
                }
                for c, s, f, d in form.cleaned_data["changes"]
            ]
    return render(
        request,
        "indicators/what_if.html",
        {
            "a": assessment,
            "form": form,
            "comparison": comparison,
            "changes": changes_shown,
        },
    )


@login_required
@require_GET
@private_download
def export_table2(request, pk):
    assessment = _read_done(request, pk)
    audit_record(user=request.user, action=AuditEntry.Action.EXPORT, obj=assessment, note="导出表Ⅱ")
    return xlsx_response(
        _export_name("表Ⅱ", assessment),
        [
            table2_sheet(
                assessment.result, county_name=assessment.county.name, data_time=assessment.finished_at
            )
        ],
    )


@login_required
@require_GET
@private_download
def export_table3(request, pk):
    assessment = _read_done(request, pk)
    audit_record(user=request.user, action=AuditEntry.Action.EXPORT, obj=assessment, note="导出表Ⅲ")
    return xlsx_response(
        _export_name("表Ⅲ", assessment),
        [
            table3_sheet(
                assessment.result, county_name=assessment.county.name, data_time=assessment.finished_at
            )
        ],
    )


def _export_name(table: str, assessment) -> str:
    return f"{table}_{assessment.county.name}_{assessment.year}学年_{assessment.get_scheme_display()}.xlsx"


# --- county items -------------------------------------------------------------------------------


def _items_year(request, county) -> int:
    form = YearForm(request.GET or None)
    return form.cleaned_data["year"] if form.is_bound and form.is_valid() else _default_year(county)


@login_required
@require_GET
def county_items(request):
    county = county_for_reader(request.user)
    year = _items_year(request, county)
    entered = selectors.county_item_values(county, year)
    can_write = request.user.writes_county
    rows = {}
    for scheme in RULESETS:
        computed = services.county_item_rows(county, year, scheme)
        for spec, row in zip(items_for(scheme), computed, strict=True):
            if spec.key in rows:
                continue
            value = entered.get(spec.key)
            sentence, blanks = fill_sentence(spec, row) if spec.sentence else ("", [])
            rows[spec.key] = {
                "spec": spec,
                "row": row,
                "entered": value,
                "schemes": spec.schemes,
                "sentence": sentence,
                "blanks": blanks,
                "entered_text": _entered_text(spec, value),
                "form": CountyItemForm(spec=spec, initial=initial_for(spec, value), prefix=spec.key)
                if can_write and spec.entry
                else None,
            }
    parts = []
    for part, label in PART_LABELS.items():
        members = [r for r in rows.values() if r["spec"].part == part]
        if members:
            members.sort(key=lambda r: (r["spec"].table == "veto", r["spec"].table, r["spec"].no))
            parts.append({"label": label, "rows": members})
    return render(
        request,
        "indicators/county_items.html",
        {
            "county": county,
            "year": year,
            "parts": parts,
            "year_form": YearForm(initial={"year": year}),
        },
    )


def _entered_text(spec, value) -> str:
    if value is None:
        return ""
    if value.value is None:
        return "部分填写（未完成）" if value.inputs or value.conclusion else "未录入"
    return value_text(spec, value.value, services.item_limits())


@login_required
@require_POST
def county_item_save(request, year, key):
    county = county_for_writer(request.user)
    spec = BY_KEY.get(key)
    if spec is None or not 2000 <= year <= 2100:
        raise Http404("没有该项目或学年")
    form = CountyItemForm(request.POST, request.FILES, spec=spec, prefix=key)
    target = reverse("indicators:items") + f"?year={year}#item-{key}"
    if not form.is_valid():
        messages.error(
            request, f"{spec.label}：" + "；".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect(target)
    try:
        services.county_item_save(
            county=county,
            year=year,
            key=key,
            inputs=form.cleaned_data["inputs"],
            conclusion=form.cleaned_data.get("conclusion", ""),
            note=form.cleaned_data["note"],
            files=form.cleaned_data["files"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"{spec.label}：" + "；".join(exc.messages))
        return redirect(target)
    messages.success(request, f"已保存：{spec.label}。重新评估后生效。")
    return redirect(target)


@login_required
@require_GET
@private_download
def evidence_download(request, pk):
    require_reader(request.user)
    evidence = selectors.get_evidence_for_user(request.user, pk)
    return stored_file_response(evidence.file.open("rb"), evidence.original_name)


@login_required
@require_POST
def evidence_delete(request, pk):
    require_writer(request.user)
    evidence = selectors.get_evidence_for_user(request.user, pk)
    year, key = evidence.item.year, evidence.item.key
    services.county_item_evidence_delete(evidence=evidence, user=request.user)
    messages.success(request, "已删除佐证材料。")
    return redirect(reverse("indicators:items") + f"?year={year}#item-{key}")
