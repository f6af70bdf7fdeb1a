"""Reads of the dashboards: the county's figures gathered from the other apps' selectors.

The dashboard only reads, and only through the other apps' selectors (schools, indicators,
workforce, dropout_control, rectification, surveys), plus the schools models for the per-year
trends. One small read that no app offers lives here: the latest change to the school conditions
(:func:`_conditions_changed_at`). The finished assessments come as plain rows from
indicators.selectors.assessment_refs, and which one is current from current_assessment.

Two caches keep the pages fast whatever the number of schools:

- a finished assessment never changes, so what is derived from its result (the CV charts, 表Ⅱ
  rows, unit verdicts) is cached for a week under a key naming the assessment and its finish
  time (:func:`assessment_digests`, :func:`assessment_table`);
- the county figures (counts from every app) are shared by all readers of a county for
  ``DASHBOARD_CACHE_SECONDS`` (:func:`county_figures`; 0 turns this off).

Every function that takes ``user`` expects a reader (bureau staff, inspector, admin) already
checked by the view, except :func:`home_figures`, which serves every role.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Sum

from accounts.access import user_county
from accounts.models import Role
from domain import numbers
from domain.vocabulary import FULL_TIME
from dropout_control.selectors import case_summary, county_retention
from indicators.charts import cv_chart_svg
from indicators.engine import RULESETS, STAGE_LABELS, STAGES, get_ruleset
from indicators.selectors import STALE_TEXT, assessment_refs, assessments_visible_to, current_assessment
from indicators.tables import table2
from indicators.verdict import missing_labels, verdict_css, verdict_key, verdict_text
from rectification.selectors import archive_completeness, ledger_summary
from schools.models import SchoolClass, SchoolConditions, Teacher, school_year_label
from schools.selectors import (
    LARGE,
    OVER_STANDARD,
    SUPER_LARGE,
    county_school_summary,
    schools_visible_to,
    teacher_kind_filter,
)
from surveys.selectors import county_recognition
from workforce.selectors import available_years, staffing_summary

from . import figures as calc
from .charts import line_chart_svg

# quality-2017 first: its per-school standards make it the scheme the schools table colours by.
SCHEME_ORDER = ("quality-2017", "basic-2012")
_CACHE_VERSION = "v5"  # v2: domain.numbers; v3: current / comparison roles, honest verdict; v4: township order; v5: retention
# What is derived from a finished assessment never goes stale; the expiry only bounds the memory
# that old assessments hold in the cache.
DIGEST_SECONDS = 7 * 24 * 3600


# --- finished assessments -----------------------------------------------------------------------


def shown_refs(refs: list[dict], current) -> list[dict]:
    """The assessments the overview shows: the county's current one (``role`` "current", with
    ``stale``), then the latest run of the other scheme (``role`` "comparison", 对比评估), which
    never takes the current one's place."""
    out = []
    if current.assessment is not None:
        ref = next((r for r in refs if r["id"] == current.assessment.pk), None)
        if ref is not None:
            out.append({**ref, "role": "current", "stale": current.stale})
    other = next((r for r in refs if r["scheme"] != current.scheme), None)
    if other is not None:
        out.append({**other, "role": "comparison", "stale": False})
    return out


def _key(kind: str, ref: dict) -> str:
    finished = ref["finished_at"].timestamp() if ref.get("finished_at") else 0
    # The finish time is part of the key: ids are reused when a test database rolls back.
    return f"dashboard:{kind}:{_CACHE_VERSION}:{ref['id']}:{finished:.6f}"


def _cached_per_assessment(user, refs: list[dict], kind: str, build) -> dict[int, dict]:
    """{assessment id: build(result)} for ``refs``, from the cache where present; the missing
    results are loaded in one query and their builds cached (DIGEST_SECONDS)."""
    keys = {_key(kind, r): r for r in refs}
    found = cache.get_many(list(keys)) if keys else {}
    out = {keys[k]["id"]: v for k, v in found.items()}
    missing = [r for k, r in keys.items() if k not in found]
    if missing:
        results = dict(
            assessments_visible_to(user).filter(pk__in=[r["id"] for r in missing]).values_list("pk", "result")
        )
        built = {}
        for ref in missing:
            result = results.get(ref["id"])
            if result is None:
                continue
            built[_key(kind, ref)] = out[ref["id"]] = build(result, ref)
        cache.set_many(built, timeout=DIGEST_SECONDS)
    return out


def _digest(result: dict, ref: dict) -> dict:
    """What the overview and the trends need from one result document (small: no 表Ⅱ cells)."""
    rs = get_ruleset(result["scheme"])
    stages = []
    for stage in STAGES:
        s = result["stages"].get(stage)
        if not s:
            continue
        indicators = []
        for ind in rs.indicators:
            entry = s["indicators"][ind.key]
            indicators.append(
                {
                    "key": ind.key,
                    "label": ind.label,
                    "cv": entry["cv"],
                    "cv_text": numbers.cv(entry["cv"]),
                    "threshold": entry.get("cv_threshold"),
                    "passed": entry.get("cv_passed"),
                }
            )
        stages.append(
            {
                "stage": stage,
                "label": STAGE_LABELS[stage],
                "units": s["units"],
                "students": s["students"],
                "composite_cv": s.get("composite_cv"),
                "composite_text": numbers.cv(s.get("composite_cv")),
                "threshold": s.get("cv_threshold", rs.cv_thresholds[stage]),
                "rule": rs.cv_rule,
                "passed": s.get("passed"),
                "classes": s.get("classes", {}),
                "indicators": indicators,
                "failing": sum(1 for i in indicators if i["passed"] is False),
                # Generated by pygal from our own numbers and escaped labels (see indicators.charts).
                "chart": cv_chart_svg(s, result["scheme"], stage=stage) if s["units"] else "",
            }
        )
    return {
        "id": ref["id"],
        "scheme": result["scheme"],
        "scheme_label": rs.label,
        "year": result["year"],
        "year_label": school_year_label(result["year"]),
        "passed": result["passed"],
        "verdict": verdict_key(result),
        "verdict_text": verdict_text(result),
        "verdict_css": verdict_css(result),
        "missing": missing_labels(result),
        "reasons": result.get("reasons", []),
        "finished_at": ref.get("finished_at"),
        "per_school_rule": rs.per_school_rule,
        "stages": stages,
        "units": [
            {
                "code": u["school_code"],
                "stage": u["stage"],
                "township": u.get("township", ""),
                "passed": u.get("passed"),
            }
            for u in result["units"]
        ],
        "large_classes": [
            {"code": c["code"], "stage": c["stage"], "band": c["band"]}
            for c in result.get("checks", {}).get("large_classes", [])
        ],
    }


def assessment_digests(user, refs: list[dict]) -> dict[int, dict]:
    """Digests (see :func:`_digest`) of the given finished assessments by id."""
    return _cached_per_assessment(user, refs, "digest", _digest)


def _table(result: dict, ref: dict) -> dict:
    t2 = table2(result)
    for row in t2["rows"]:
        for cell in row["cells"]:
            # table2 marks only shortfalls; a cell with a standard and no mark meets it.
            cell["css"] = cell["state"] or ("ok" if cell["standard"] is not None else "")
    return t2


def assessment_table(user, ref: dict) -> dict:
    """表Ⅱ of one finished assessment (indicators.tables.table2, the rows the assessment page
    and the xlsx export show), each cell with ``css`` ok / warn / fail ('' without a standard)."""
    return _cached_per_assessment(user, [ref], "table", _table)[ref["id"]]


# --- county figures -----------------------------------------------------------------------------


def _conditions_changed_at(user, county):
    return SchoolConditions.objects.filter(
        school__in=schools_visible_to(user), school__county=county
    ).aggregate(at=Max("updated_at"))["at"]


def _workforce(county) -> dict | None:
    years = available_years(county)
    if not years:
        return None
    summary = staffing_summary(county, years[0])
    return {
        "year": summary["year"],
        "year_label": summary["year_label"],
        "posts": summary["posts"],
        "stages": summary["stages"],
        "gaps": calc.top_subject_gaps(summary["subjects"]),
        "pe_arts_gaps": {subject: len(names) for subject, names in summary["pe_arts_gaps"].items()},
    }


def _archive(county) -> dict:
    c = archive_completeness(county)
    return {
        # No checklist at all is "not set up", not "complete".
        "percent": c.percent if c.points else None,
        "counted": c.counted,
        "required": c.required,
        "complete_points": c.complete_points,
        "points": c.points,
        "folders": [
            {"name": f.name, "percent": f.percent, "complete_points": f.complete_points, "points": f.points}
            for f in c.folders
        ],
    }


def _compute_county_figures(user, county, today: date) -> dict:
    refs = assessment_refs(user, county)
    current = current_assessment(county)
    schools = {
        code: {
            "name": name,
            "township": township,
            "urban_rural": urban_rural,
            "township_order": (position, tid),
        }
        for code, name, township, urban_rural, position, tid in schools_visible_to(user)
        .filter(county=county)
        .values_list("code", "name", "township__name", "urban_rural", "township__position", "township_id")
    }
    changed = [
        at for at in (_conditions_changed_at(user, county), *(r["finished_at"] for r in refs[:1])) if at
    ]
    # The school year of the current assessment (indicators.selectors.current_assessment), whose
    # 社会认可度 and 巩固率 items the figures below must equal.
    year = current.year
    return {
        "refs": refs,
        "latest": shown_refs(refs, current),
        "target": {"scheme": current.scheme, "name": current.target_name, "label": current.scheme_label},
        "schools": schools,
        # in the county's own order of townships, not by Unicode order of their names
        "townships": [
            name for _order, name in sorted({(s["township_order"], s["township"]) for s in schools.values()})
        ],
        "summary": county_school_summary(user),
        "workforce": _workforce(county),
        "dropout": case_summary(user, county),
        "ledger": ledger_summary(county, today),
        "archive": _archive(county),
        # The functions that fill the assessment's county items, for the same year: the dashboard
        # prints the figure the assessment judged (社会认可度, 初中三年巩固率).
        "recognition": None if year is None else county_recognition(county, year),
        "retention": None if year is None else county_retention(county, year),
        "data_as_of": max(changed) if changed else None,
    }


def county_figures(user, county, *, today: date) -> dict:
    """Every count the dashboards show for ``county``, cached for DASHBOARD_CACHE_SECONDS.

    Keys: refs (all finished assessments, see indicators.selectors.assessment_refs), latest (the current assessment
    and the latest comparison run, see shown_refs), target (the county's target scheme), schools
    {code: {name, township, urban_rural}}, townships (names), summary
    (schools.selectors.county_school_summary), workforce (staffing of the latest year, None
    without data), dropout (dropout_control.selectors.case_summary), ledger
    (rectification.selectors.ledger_summary), archive (completeness as plain values),
    recognition (surveys.selectors.county_recognition) and retention
    (dropout_control.selectors.county_retention) of the current assessment's school year (None
    without any data), data_as_of (latest change of the school conditions or the latest assessment).
    Readers of a county all see the whole county, so the figures are shared between them.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"dashboard:county:{_CACHE_VERSION}:{county.pk}:{user.role}:{today.isoformat()}"
    if seconds:
        cached = cache.get(key)
        if cached is not None:
            return cached
    out = _compute_county_figures(user, county, today)
    if seconds:
        cache.set(key, out, seconds)
    return out


def county_townships(user, county) -> list[str]:
    """Names of the county's townships the user sees (the filter choices), cached like the
    county figures but on their own: every request needs them, the figures only on a miss."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"dashboard:townships:{_CACHE_VERSION}:{county.pk}:{user.role}"
    names = cache.get(key) if seconds else None
    if names is None:
        rows = (
            schools_visible_to(user)
            .filter(county=county)
            .values_list("township__position", "township_id", "township__name")
        )
        names = [name for _p, _id, name in sorted(set(rows))]  # the county's own order of townships
        if seconds:
            cache.set(key, names, seconds)
    return names


# --- pages --------------------------------------------------------------------------------------


def _unit_rows(digest: dict, schools: dict) -> list[dict]:
    return [{**u, "urban_rural": schools.get(u["code"], {}).get("urban_rural", "")} for u in digest["units"]]


def _class_rows(digest: dict, schools: dict) -> list[dict]:
    return [
        {
            **c,
            "township": schools.get(c["code"], {}).get("township", ""),
            "urban_rural": schools.get(c["code"], {}).get("urban_rural", ""),
        }
        for c in digest["large_classes"]
    ]


def overview(
    user, county, *, today: date, stage: str = "", township: str = "", urban_rural: str = ""
) -> dict:
    """The county overview: verdicts, CVs and charts per stage, units meeting the per-school
    rule, large classes, staffing gaps, dropout, rectification, archive, satisfaction, countdown.

    ``stage`` ("primary"/"junior") limits the per-stage parts; ``township`` (a name) and
    ``urban_rural`` limit the per-school counts (units, classes) and the dropout row; CVs are
    county-wide and do not change with them.
    """
    fig = county_figures(user, county, today=today)
    digests = assessment_digests(user, fig["latest"])
    schools = fig["schools"]
    area = {"township": township, "urban_rural": urban_rural}
    by_area = bool(township or urban_rural)
    assessments = []
    for ref in fig["latest"]:
        d = digests.get(ref["id"])
        if d is None:
            continue
        stages = []
        for s in d["stages"]:
            if stage and s["stage"] != stage:
                continue
            units = [u for u in _unit_rows(d, schools) if calc.keep_row(u, stage=s["stage"], **area)]
            classes = [c for c in _class_rows(d, schools) if calc.keep_row(c, stage=s["stage"], **area)]
            bands = calc.class_band_counts(classes)
            stages.append(
                {
                    **s,
                    "rule_counts": calc.unit_rule_counts(units),
                    "class_counts": {**bands, "total": None if by_area else s["classes"].get("total")},
                }
            )
        assessments.append(
            {
                **d,
                "role": ref["role"],
                "stale": ref["stale"],
                "stages": stages,
                "rule_counts": calc.unit_rule_counts(
                    u for u in _unit_rows(d, schools) if calc.keep_row(u, stage=stage, **area)
                ),
            }
        )
    dropout = fig["dropout"]
    dropout_row = None
    if township:
        dropout_row = next(
            (t for t in dropout["by_township"] if t["township"] == township),
            {"township": township, "total": 0, "open": 0, "returned": 0, "overdue": 0},
        )
    ledger = fig["ledger"]
    return {
        "county": county,
        "today": today,
        "days_to_inspection": calc.days_until(county.inspection_date, today),
        "data_as_of": fig["data_as_of"],
        "summary": fig["summary"],
        "assessments": assessments,
        "primary": next((a for a in assessments if a["role"] == "current"), None),
        "target": fig["target"],
        "workforce": fig["workforce"],
        "dropout": dropout,
        "dropout_row": dropout_row,
        "ledger": ledger,
        "ledger_statuses": [
            {"value": v, "label": label, "n": n} for v, (label, n) in ledger["by_status"].items()
        ],
        "archive": fig["archive"],
        "recognition": fig["recognition"],
        "retention": fig["retention"],
        "townships": fig["townships"],
        "filtered_by_area": by_area,
    }


def schools_table(
    user,
    county,
    *,
    today: date,
    scheme: str = "",
    stage: str = "",
    township: str = "",
    urban_rural: str = "",
    sort: str = "school_code",
    descending: bool = False,
) -> dict:
    """One row per unit of the latest finished assessment of ``scheme`` (default: quality-2017 if
    there is one): each indicator's value with its css against the per-school standard, filtered
    and sorted. ``assessment`` is None when the county has no finished assessment."""
    fig = county_figures(user, county, today=today)
    latest = {r["scheme"]: r for r in fig["latest"]}
    ref = latest.get(scheme) or (fig["latest"][0] if fig["latest"] else None)
    out = {
        "assessment": None,
        "schemes": [(r["scheme"], RULESETS[r["scheme"]].label) for r in fig["latest"]],
        "townships": fig["townships"],
        "indicators": [],
        "rows": [],
        "per_school_rule": False,
        "margin": None,
    }
    if ref is None:
        return out
    table = assessment_table(user, ref)
    schools = fig["schools"]
    rows = []
    for row in table["rows"]:
        row = {**row, "urban_rural": schools.get(row["school_code"], {}).get("urban_rural", "")}
        if calc.keep_row(row, stage=stage, township=township, urban_rural=urban_rural):
            rows.append(row)
    out.update(
        assessment={
            **ref,
            "scheme_label": RULESETS[ref["scheme"]].label,
            "year_label": school_year_label(ref["year"]),
        },
        indicators=table["indicators"],
        rows=calc.sort_rows(rows, sort, descending),
        per_school_rule=table["per_school_rule"],
        margin=table["margin"],
    )
    return out


# --- trends -------------------------------------------------------------------------------------

TREND_INDICATORS = (
    # (key, label, unit, total field, per): county totals ÷ all students of the schools.
    ("building_area_pp", "生均教学及辅助用房面积", "㎡", "building_area", 1),
    ("sports_area_pp", "生均体育运动场馆面积", "㎡", "sports_area", 1),
    ("equipment_value_pp", "生均教学仪器设备值", "元", "equipment_value", 1),
    ("computers_per100", "每百名学生拥有计算机台数", "台", "computers", 100),
    ("books_pp", "生均图书册数", "册", "books", 1),
    ("multimedia_rooms_per100", "每百名学生拥有网络多媒体教室数", "间", "multimedia_rooms", 100),
)


def _float(value) -> float | None:
    return None if value is None else float(value)


def _trend_schools(user, county, township: str, urban_rural: str):
    qs = schools_visible_to(user).filter(county=county)
    if township:
        qs = qs.filter(township__name=township)
    if urban_rural:
        qs = qs.filter(urban_rural=urban_rural)
    return qs


def trend_rows(user, county, *, township: str = "", urban_rural: str = "") -> list[dict]:
    """Per school year (oldest first): students, full-time compulsory teachers, classes and
    county-wide per-student figures of the schools the user sees (three queries)."""
    schools = _trend_schools(user, county, township, urban_rural)
    sums = {
        "primary": Sum("primary_students"),
        "junior": Sum("junior_students"),
        "senior": Sum("senior_students"),
        **{f"sum_{field}": Sum(field) for _, _, _, field, _ in TREND_INDICATORS},
    }
    conditions = {
        r["year"]: r
        for r in SchoolConditions.objects.filter(school__in=schools)
        .order_by()
        .values("year")
        .annotate(**sums)
    }
    teachers = {
        r["year"]: r
        for r in Teacher.objects.filter(school__in=schools)
        .order_by()
        .values("year")
        .annotate(full_time=Count("pk", filter=teacher_kind_filter(FULL_TIME.key)))
    }
    classes = {
        r["year"]: r
        for r in SchoolClass.objects.filter(school__in=schools)
        .order_by()
        .values("year")
        .annotate(
            total=Count("pk"),
            over_standard=Count("pk", filter=OVER_STANDARD),
            large=Count("pk", filter=LARGE),
            super_large=Count("pk", filter=SUPER_LARGE),
        )
    }
    rows = []
    for year in sorted(set(conditions) | set(teachers) | set(classes)):
        c = conditions.get(year, {})
        primary, junior, senior = c.get("primary") or 0, c.get("junior") or 0, c.get("senior") or 0
        everyone = primary + junior + senior
        t = teachers.get(year, {})
        k = classes.get(year, {})
        rows.append(
            {
                "year": year,
                "year_label": school_year_label(year),
                "primary": primary,
                "junior": junior,
                "compulsory": primary + junior,
                "teachers": t.get("full_time", 0),
                "classes": k.get("total", 0),
                "over_standard": k.get("over_standard", 0),
                "large": k.get("large", 0),
                "super_large": k.get("super_large", 0),
                "students_per_teacher": calc.ratio(primary + junior, t.get("full_time")),
                # In the order of TREND_INDICATORS.
                "indicators": [
                    calc.per_student(_float(c.get(f"sum_{field}")), everyone, per)
                    for _, _, _, field, per in TREND_INDICATORS
                ],
            }
        )
    return rows


def _short_year(year: int) -> str:
    """ "2025—26" on a chart axis (the tables use the full 学年 label)."""
    return f"{year}—{(year + 1) % 100:02d}"


def trends(user, county, *, today: date, township: str = "", urban_rural: str = "", stage: str = "") -> dict:
    """Trends across school years: the rows of :func:`trend_rows`, line charts of students,
    teachers and classes, and the CVs per year from the latest finished assessment of each year
    and scheme (charts per scheme and stage once two or more years are assessed)."""
    rows = trend_rows(user, county, township=township, urban_rural=urban_rural)
    labels = [_short_year(r["year"]) for r in rows]
    charts = []
    if len(rows) >= 2:
        charts.append(
            line_chart_svg(
                "义务教育在校生（人）",
                labels,
                [
                    ("小学", [r["primary"] for r in rows]),
                    ("初中", [r["junior"] for r in rows]),
                    ("合计", [r["compulsory"] for r in rows]),
                ],
            )
        )
        charts.append(
            line_chart_svg(
                "专任教师与班级",
                labels,
                [
                    ("专任教师（人）", [r["teachers"] for r in rows]),
                    ("班级（个）", [r["classes"] for r in rows]),
                    ("超标准班额（个）", [r["over_standard"] for r in rows]),
                ],
            )
        )
    fig = county_figures(user, county, today=today)
    per_year = calc.latest_per(fig["refs"], "year", "scheme")
    for ref in fig["latest"]:
        if ref["role"] == "current":  # its year shows the county's current run, as every page does
            per_year[(ref["year"], ref["scheme"])] = ref
    digests = assessment_digests(user, list(per_year.values()))
    cv_blocks = []
    for scheme in SCHEME_ORDER:
        refs = sorted((r for (_, s), r in per_year.items() if s == scheme), key=lambda r: r["year"])
        if not refs:
            continue
        rs = get_ruleset(scheme)
        years = [school_year_label(r["year"]) for r in refs]
        chart_years = [_short_year(r["year"]) for r in refs]
        for st in STAGES:
            if stage and st != stage:
                continue
            per = [
                next((s for s in digests[r["id"]]["stages"] if s["stage"] == st), None)
                if r["id"] in digests
                else None
                for r in refs
            ]
            if not any(p and p["units"] for p in per):
                continue
            lines = []
            for i, ind in enumerate(rs.indicators):
                lines.append(
                    {
                        "label": ind.label,
                        "values": [p["indicators"][i]["cv"] if p else None for p in per],
                        "texts": [p["indicators"][i]["cv_text"] if p else "—" for p in per],
                    }
                )
            composite = {
                "label": "综合差异系数",
                "values": [p["composite_cv"] if p else None for p in per],
                "texts": [p["composite_text"] if p else "—" for p in per],
            }
            chart = ""
            if len(refs) >= 2:
                series = [
                    (ind.short_label, ln["values"]) for ind, ln in zip(rs.indicators, lines, strict=True)
                ]
                if rs.cv_rule == "composite":
                    series.append((composite["label"], composite["values"]))
                chart = line_chart_svg(
                    f"{STAGE_LABELS[st]} 差异系数（{rs.label}）",
                    chart_years,
                    series,
                    digits=3,
                    print_values=False,
                    limit=("标准（不超过）", rs.cv_thresholds[st]),
                )
            cv_blocks.append(
                {
                    "scheme": scheme,
                    "scheme_label": rs.label,
                    "stage": st,
                    "stage_label": STAGE_LABELS[st],
                    "years": years,
                    "lines": lines,
                    "composite": composite,
                    "threshold": rs.cv_thresholds[st],
                    "rule": rs.cv_rule,
                    "chart": chart,
                }
            )
    return {
        "rows": rows,
        "charts": charts,
        "cv_blocks": cv_blocks,
        "indicators": TREND_INDICATORS,
        "townships": fig["townships"],
    }


# --- home page ----------------------------------------------------------------------------------


def _stat(label: str, value, *, note: str = "", css: str = "", url: str = "") -> dict:
    # Counts print grouped, as on the dashboard and in the dossier (12,345).
    if isinstance(value, int) and not isinstance(value, bool):
        value = numbers.count(value)
    return {"label": label, "value": value, "note": note, "css": css, "url": url}


def home_figures(user, *, today: date) -> list[dict]:
    """A few key figures for the home page of ``user``'s role (plain stats: label, value, note,
    css, url-name). Readers get county figures, township officials their township's schools
    and cases, school reporters their school's."""
    county = user_county(user)
    if county is None:
        return []
    if user.reads_county:
        fig = county_figures(user, county, today=today)
        summary = fig["summary"]
        days = calc.days_until(county.inspection_date, today)
        stats = []
        if days is not None:
            stats.append(
                _stat(
                    "距国检",
                    f"{days} 天" if days >= 0 else "已过",
                    note=f"{county.inspection_date:%Y-%m-%d}",
                    css="warn" if 0 <= days <= 30 else "",
                )
            )
        stats += [
            _stat("学校", summary["schools"], url="schools:list"),
            _stat("义务教育在校生", summary["students"]["compulsory"]),
            _stat(FULL_TIME.label, summary["teachers"]["full_time"]),
        ]
        target = fig["target"]
        current = next((r for r in fig["latest"] if r["role"] == "current"), None)
        if current is None:
            stats.append(
                _stat(
                    f"{target['name']}评估",
                    "未评估",
                    note="尚无目标方案的评估",
                    css="warn",
                    url="indicators:list",
                )
            )
        else:
            note = school_year_label(current["year"]) + (f" · {STALE_TEXT}" if current["stale"] else "")
            stats.append(
                _stat(
                    f"{target['name']}评估",
                    verdict_text(current["passed"]),
                    note=note,
                    css=verdict_css(current["passed"]),
                    url="dashboard:overview",
                )
            )
        stats.append(
            _stat(
                "控辍在办个案",
                fig["dropout"]["open"],
                note=f"逾期 {fig['dropout']['overdue']} 件",
                css="bad" if fig["dropout"]["overdue"] else "",
                url="dropout_control:list",
            )
        )
        stats.append(
            _stat(
                "整改未完成",
                fig["ledger"]["open"],
                note=f"逾期 {fig['ledger']['overdue']} 项",
                css="bad" if fig["ledger"]["overdue"] else "",
                url="rectification:list",
            )
        )
        return stats
    summary = county_school_summary(user)
    cases = case_summary(user, county)
    stats = []
    if user.role == Role.TOWNSHIP:
        stats.append(_stat("本乡镇学校", summary["schools"], url="schools:list"))
    stats += [
        _stat(
            "义务教育在校生",
            summary["students"]["compulsory"],
            note=school_year_label(summary["year"]) if summary["year"] else "",
        ),
        _stat(FULL_TIME.label, summary["teachers"]["full_time"]),
        _stat(
            "超标准班额",
            summary["classes"]["over_standard"],
            css="warn" if summary["classes"]["over_standard"] else "",
        ),
        _stat(
            "在办辍学个案",
            cases["open"],
            note=f"逾期 {cases['overdue']} 件",
            css="bad" if cases["overdue"] else "",
            url="dropout_control:list",
        ),
        _stat("已劝返复学", cases["returned"], css="ok" if cases["returned"] else ""),
    ]
    return stats
