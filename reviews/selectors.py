"""Reads of the reviews app, always scoped to the user's county (another county's row is a 404)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery, Sum

from accounts.access import get_scoped_or_404, scope
from applications.selectors import visits_of
from domain import numbers
from domain import vocabulary as vocab
from dossiers.services import brief_result, school_brief_context
from rectification.models import OPEN_STATUSES
from rectification.selectors import items_visible_to
from reviews import checklist, draw
from reviews import transitions as flow
from reviews.models import DrawnSchool, SiteVisitDraw, Submission, Verdict, VisitPhoto, VisitRecord
from schools.models import SchoolClass

_COUNTY = {"county": "county", "township": None, "school": None}
_DRAW_COUNTY = {"county": "draw__county", "township": None, "school": None}
_PHOTO_COUNTY = {"county": "record__drawn__draw__county", "township": None, "school": None}


def draws_visible_to(user):
    return scope(user, SiteVisitDraw.objects.select_related("county", "created_by"), **_COUNTY)


def get_draw_for_user(user, pk: int) -> SiteVisitDraw:
    return get_scoped_or_404(
        user, SiteVisitDraw.objects.select_related("county", "created_by"), scope_kwargs=_COUNTY, pk=pk
    )


def get_drawn_for_user(user, pk: int) -> DrawnSchool:
    return get_scoped_or_404(
        user,
        DrawnSchool.objects.select_related(
            "draw", "draw__county", "school", "school__township", "school__county"
        ),
        scope_kwargs=_DRAW_COUNTY,
        pk=pk,
    )


def get_photo_for_user(user, pk: int) -> VisitPhoto:
    return get_scoped_or_404(user, VisitPhoto.objects.all(), scope_kwargs=_PHOTO_COUNTY, pk=pk)


def drawn_schools(record: SiteVisitDraw):
    """The schools of a draw in drawn order, each with its checklist record when there is one."""
    rows = list(record.schools.select_related("school", "school__township").order_by("position"))
    records = {
        r.drawn_id: r for r in VisitRecord.objects.filter(drawn__draw=record).prefetch_related("checks")
    }
    for row in rows:
        rec = records.get(row.pk)
        checks = list(rec.checks.all()) if rec else []
        row.kind_label = draw.KIND_LABELS.get(row.kind, row.kind)
        row.checked = sum(c.verdict != Verdict.UNCHECKED for c in checks)
        row.failing = sum(c.verdict == Verdict.FAILS for c in checks)
        row.visited_on = rec.visited_on if rec else None
    return rows


def interview_sums(record: SiteVisitDraw) -> dict[str, int]:
    """People interviewed and satisfied over a draw's visits, in all and of them parents."""
    sums = VisitRecord.objects.filter(drawn__draw=record).aggregate(
        interviewed=Sum("interviewed"),
        satisfied=Sum("satisfied"),
        parents_interviewed=Sum("parents_interviewed"),
        parents_satisfied=Sum("parents_satisfied"),
    )
    return {k: v or 0 for k, v in sums.items()}


def interview_totals(record: SiteVisitDraw) -> list[dict]:
    """表Ⅵ 实地走访 columns of a draw's visits: rows 计 and 其中：家长, each {label, interviewed,
    satisfied, rate_text} (L5, L6, L7; the rate is undefined without anyone interviewed)."""
    sums = interview_sums(record)
    rows = []
    for label, prefix in (("计", ""), ("其中：家长", "parents_")):
        n, ok = sums[f"{prefix}interviewed"], sums[f"{prefix}satisfied"]
        rows.append(
            {
                "label": label,
                "interviewed": n,
                "satisfied": ok,
                "rate_text": numbers.pct(ok / n) if n else numbers.UNDEFINED,
            }
        )
    return rows


def table_six_now(record: SiteVisitDraw):
    """What 表Ⅵ's 实地走访 columns hold for the draw's school year (applications' one row)."""
    return visits_of(record.county, record.year)


def settings_rows(record: SiteVisitDraw) -> list[tuple[str, str]]:
    p = record.parameters
    return [
        ("随机种子", str(record.seed)),
        (
            "抽取学校数",
            f"{p.get('total')} 所（实际抽取 {record.schools.count()} 所，候选 {len(record.inputs)} 所）",
        ),
        ("薄弱单位必查数", f"{p.get('weakest')} 所"),
        (
            "依据评估",
            (
                f"指标评估 #{p['assessment_id']}"
                + ("（数据已变更，请重新评估）" if p.get("assessment_stale") else "")
            )
            if p.get("assessment_id")
            else "尚无已完成的评估：未按薄弱程度抽取",
        ),
        ("分层", "学段（小学 / 初中 / 一贯制）× 城乡（城区 / 镇区 / 乡村）× 规模"),
        ("规模分层", p.get("size_bands", "")),
        ("候选数据指纹", record.input_digest[:16]),
    ]


# --- what to check at a school ------------------------------------------------------------------


def _class_findings(school, year: int) -> list[str]:
    over = {}
    for c in SchoolClass.objects.filter(school=school, year=year):
        if c.over_standard:
            over.setdefault(c.stage, []).append(c)
    return [
        f"{stage}有 {len(rows)} 个班超过 {vocab.CLASS_SIZE_STANDARD[vocab.stage_key(stage)]} 人"
        f"（最大 {max(r.students for r in rows)} 人）"
        for stage, rows in over.items()
    ]


def brief_contexts(user, record: SiteVisitDraw) -> list[dict]:
    """The briefs of every school of a draw, in drawn order, from one assessment document."""
    result = brief_result(
        record.county, record.year, record.parameters.get("scheme") or record.county.target_scheme
    )
    rows = record.schools.select_related(
        "draw", "draw__county", "school", "school__township", "school__county"
    )
    return [brief_context(user, d, result=result) for d in rows.order_by("position")]


def brief_context(user, drawn: DrawnSchool, *, result: dict | None = None) -> dict:
    """The visit brief of a drawn school: the school page of the dossier (dossiers'
    school_brief_context, under the scheme and year the draw used) and what to check there —
    its failing indicators and checks in that same assessment document, its oversized classes
    and its open ledger items."""
    record, school = drawn.draw, drawn.school
    context = school_brief_context(school, record.year, record.parameters.get("scheme"), result=result)
    result = context["result"]
    failing = [
        f"{unit['stage']}：{v['label']} 本校 {v['value']}{v['unit']}，标准 {v['standard']}{v['unit']}"
        for unit in context["page"]["units"]
        for v in unit["values"]
        if v["meets"] is False
    ]
    checks = []
    for row in result.get("checks", {}).get("school_size", []):
        if row["code"] == school.code:
            checks.append(
                f"学校规模 {numbers.count(row['students'])} 人，超过 {numbers.count(row['limit'])} 人"
            )
    for row in result.get("checks", {}).get("rooms", []):
        if row["code"] == school.code and not row["passed"]:
            have = "、".join(
                f"{label}未填" if n is None else f"{label} {n} 间"
                for label, n in (("音乐", row["music_rooms"]), ("美术", row["art_rooms"]))
            )
            checks.append(f"{row['classes']} 个班，音乐、美术专用教室各需 {row['required']} 间，现有{have}")
    checks.extend(_class_findings(school, record.year))
    ledger = list(
        items_visible_to(user).filter(schools=school, status__in=OPEN_STATUSES).order_by("number").distinct()
    )
    context.update(
        drawn=drawn,
        draw=record,
        kind_label=draw.KIND_LABELS.get(drawn.kind, drawn.kind),
        failing=failing,
        checks=checks,
        ledger=ledger,
        items=checklist.ITEMS,
    )
    return context


# --- the phone checklist ----------------------------------------------------------------------


def checklist_rows(drawn: DrawnSchool, context: dict) -> list[dict]:
    """One row per checklist item: what the data say (from the brief's page) and what the team
    recorded so far."""
    record = VisitRecord.objects.filter(drawn=drawn).first()
    saved = {c.key: c for c in record.checks.select_related("ledger_item")} if record else {}
    values = {}
    for unit in context["page"]["units"]:
        for v in unit["values"]:
            values.setdefault(v["label"], []).append(
                f"{unit['stage']} {v['value']}{v['unit']}"
                + (f"（标准 {v['standard']}）" if v["standard"] else "")
                + ("，未达标" if v["meets"] is False else "")
            )
    conditions = context["page"]["conditions"]
    students = (
        f"在校生：小学 {conditions.primary_students} 人，初中 {conditions.junior_students} 人"
        if conditions
        else ""
    )
    rooms = (
        f"{context['page']['classes']} 个班；音乐教室 {numbers.num(conditions.music_rooms, 0)} 间，"
        f"美术教室 {numbers.num(conditions.art_rooms, 0)} 间"
        if conditions
        else ""
    )
    data = {
        checklist.ROOMS: rooms,
        checklist.SCHOOL_SIZE: students,
        checklist.CLASS_SIZE: "；".join(_class_findings(drawn.school, drawn.draw.year))
        or "数据中无超标准班额",
    }
    rows = []
    for item in checklist.ITEMS:
        check = saved.get(item.key)
        rows.append(
            {
                "item": item,
                "data": "；".join(values.get(item.label, [])) or data.get(item.key, "") or "—",
                "verdict": check.verdict if check else Verdict.UNCHECKED,
                "note": check.note if check else "",
                "ledger_item": check.ledger_item if check else None,
            }
        )
    return rows


def record_of(drawn: DrawnSchool) -> VisitRecord | None:
    return VisitRecord.objects.filter(drawn=drawn).prefetch_related("photos").first()


# --- submissions (reviews.submission_selectors holds the rest) -------------------------------


def submission_states(county_ids) -> dict:
    """The latest submission of each county, in one query:
    ``{county_id: (state_code, state_label, version, submitted_at)}`` (counties that never
    submitted are absent). For dashboards that already scoped ``county_ids`` to the user."""
    latest = Submission.objects.filter(county_id=OuterRef("county_id")).order_by("-version").values("pk")[:1]
    rows = Submission.objects.filter(county_id__in=list(county_ids), pk=Subquery(latest)).values_list(
        "county_id", "state", "version", "submitted_at"
    )
    return {cid: (state, flow.STATE_LABELS[state], version, at) for cid, state, version, at in rows}
