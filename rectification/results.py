"""Reading stored assessment documents (data-contract §3 plus ``gaps``, ``checks``,
``county_items``), without Django.

The indicators app stores each finished assessment's result as JSON; rectification reads only
the documented keys, through these functions, and tolerates keys that are absent (an older
document, or the basic-2012 scheme without per-school standards).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain import numbers
from domain.vocabulary import STAGE_LABELS
from indicators.engine.rules import RULESETS
from indicators.tables import addition_text, value_digits
from rectification.readiness import AT_RISK, FAIL, PASS

INDICATOR_LABELS = {ind.key: ind.label for rs in RULESETS.values() for ind in rs.indicators}


def indicator_standing(
    result: Mapping | None, key: str, *, stage: str = "", school_codes: Iterable[str] = ()
) -> dict:
    """Where indicator ``key`` stands in an assessment document.

    Returns ``{found, still_failing, stages: [{stage, cv, threshold, cv_passed, *_text}], schools:
    [{school_code, school_name, stage, value, meets, value_text}]}``. ``stage`` ("primary"/"junior" or "")
    limits to one stage, ``school_codes`` limits the school rows (all units when empty).
    ``still_failing`` is True when a stage's CV (or, under basic-2012, the composite) fails, or
    a listed school is below its standard for this indicator; None when the document does not
    contain the indicator.
    """
    out: dict[str, Any] = {"found": False, "still_failing": None, "stages": [], "schools": []}
    if not result:
        return out
    stages = [stage] if stage else ["primary", "junior"]
    wanted = set(school_codes)
    failing = False
    for s in stages:
        data = (result.get("stages") or {}).get(s) or {}
        entry = (data.get("indicators") or {}).get(key)
        if not entry:
            continue
        out["found"] = True
        cv_passed = entry.get("cv_passed")
        threshold = entry.get("cv_threshold")
        if cv_passed is None and result.get("scheme") == "basic-2012":
            # 2012: the line applies to the composite; the indicator shares its verdict.
            cv_passed = data.get("passed")
        out["stages"].append(
            {
                "stage": s,
                "stage_label": STAGE_LABELS.get(s, s),
                "cv": entry.get("cv"),
                "threshold": threshold,
                "cv_passed": cv_passed,
                "cv_text": _cv(entry.get("cv"), threshold, entry.get("cv_passed")),
                "threshold_text": numbers.cv_limit(threshold) if threshold else "",
            }
        )
        failing = failing or cv_passed is False
    for unit in result.get("units") or []:
        if unit.get("stage") not in stages or (wanted and unit.get("school_code") not in wanted):
            continue
        values = unit.get("values") or {}
        if key not in values:
            continue
        out["found"] = True
        meets = (unit.get("meets") or {}).get(key)
        out["schools"].append(
            {
                "school_code": unit.get("school_code"),
                "school_name": unit.get("school_name", ""),
                "stage": unit.get("stage"),
                "stage_label": STAGE_LABELS.get(unit.get("stage"), ""),
                "value": values.get(key),
                "meets": meets,
                "value_text": numbers.num(values.get(key), value_digits(key)),
            }
        )
        failing = failing or meets is False
    if out["found"]:
        out["still_failing"] = failing
    return out


def resource_rows(result: Mapping | None) -> list[dict]:
    """Board rows for the coefficients and the per-school rule of one assessment document.

    One row per stage and indicator (CV against its line), one per stage for the composite under
    basic-2012, one per stage for schools failing the per-school rule, and rows for class size,
    school size and music/art rooms when the document has them.
    """
    if not result:
        return []
    rows = []
    basic = result.get("scheme") == "basic-2012"
    for stage, data in (result.get("stages") or {}).items():
        if not data or not data.get("units"):
            continue
        label = STAGE_LABELS.get(stage, stage)
        for key, entry in (data.get("indicators") or {}).items():
            cv, threshold, passed = entry.get("cv"), entry.get("cv_threshold"), entry.get("cv_passed")
            if basic:
                continue  # 2012: only the composite is judged (row below)
            name = f"{label} {INDICATOR_LABELS.get(key, key)}"
            if cv is None:
                rows.append(_row("差异系数", name, FAIL, "差异系数无法计算（全县该项资源为 0）", key=key))
            else:
                rows.append(
                    _row(
                        "差异系数",
                        name,
                        PASS if passed else FAIL,
                        f"差异系数 {_cv(cv, threshold, passed)}，要求 ≤ {numbers.cv_limit(threshold)}",
                        key=key,
                    )
                )
        if basic:
            comp = data.get("composite_cv")
            threshold = RULESETS["basic-2012"].cv_thresholds.get(stage)
            rows.append(
                _row(
                    "差异系数",
                    f"{label} 综合差异系数",
                    PASS if data.get("passed") else FAIL,
                    f"综合差异系数 {_cv(comp, threshold, data.get('passed'))}"
                    + (f"，要求 ≤ {numbers.cv_limit(threshold)}" if threshold else ""),
                )
            )
        classes = data.get("classes") or {}
        if classes.get("total"):
            over = classes.get("over_standard", 0)
            rows.append(
                _row(
                    "政府保障",
                    f"{label} 班额",
                    PASS if not over else FAIL,
                    f"共 {classes['total']} 个班，超标准班额 {over} 个（其中大班额 {classes.get('large', 0)}，"
                    f"超大班额 {classes.get('super_large', 0)}）",
                )
            )
    units = [u for u in result.get("units") or [] if u.get("passed") is not None]
    by_stage: dict[str, list] = {}
    for u in units:
        by_stage.setdefault(u.get("stage"), []).append(u)
    for stage, members in by_stage.items():
        failing = [u for u in members if u.get("passed") is False]
        names = "、".join(u.get("school_name") or u.get("school_code", "") for u in failing[:6])
        more = f" 等 {len(failing)} 所" if len(failing) > 6 else ""
        rows.append(
            _row(
                "资源配置",
                f"{STAGE_LABELS.get(stage, stage)} 逐校达标（7 项中至少 6 项达标）",
                PASS if not failing else FAIL,
                f"{len(members) - len(failing)}/{len(members)} 所学校达标"
                + (f"；未达标：{names}{more}" if failing else ""),
            )
        )
    checks = result.get("checks") or {}
    if "school_size" in checks:
        over = checks.get("school_size") or []
        rows.append(
            _row(
                "政府保障",
                "学校规模",
                PASS if not over else FAIL,
                "所有学校规模不超标"
                if not over
                else "超规模：" + "、".join(o.get("name", "") for o in over[:6]),
            )
        )
    rooms = checks.get("rooms")
    if rooms:
        short = [r for r in rooms if r.get("passed") is False]
        rows.append(
            _row(
                "政府保障",
                "音乐、美术专用教室",
                PASS if not short else FAIL,
                f"{len(rooms) - len(short)}/{len(rooms)} 所学校按每 12 个班 1 间配齐",
            )
        )
    return rows


def county_item_rows(result: Mapping | None) -> list[dict]:
    """Board rows for the county-level items (政府保障, 教育质量, 社会认可度 …) of a document."""
    rows = []
    for item in (result or {}).get("county_items") or []:
        passed = item.get("passed")
        status = PASS if passed is True else FAIL if passed is False else AT_RISK
        detail = item.get("detail") or ("尚未录入" if passed is None else "")
        rows.append(
            _row(
                item.get("part_label") or "县级项目",
                item.get("label") or item.get("key", ""),
                status,
                detail,
                key=item.get("key", ""),
            )
        )
    return rows


def _row(area: str, item: str, status: str | None, detail: str, key: str = "") -> dict:
    return {"area": area, "item": item, "status": status, "detail": detail, "key": key}


# --- proposals ------------------------------------------------------------------------------


def proposals_from_gaps(result: Mapping | None) -> list[dict]:
    """Rectification proposals from the gap plan of a document.

    One proposal per unit gap (a school part below a per-school standard) and one per CV plan
    (a coefficient over its line). Each: ``key`` (stable within a county: the same gap in a later
    assessment has the same key), ``indicator``, ``stage``, ``school_code`` ("" for CV plans),
    ``school_codes`` (schools the plan touches), ``problem`` and ``target`` in Chinese.
    """
    gaps = (result or {}).get("gaps") or {}
    out = []
    for g in gaps.get("units") or []:
        stage_label = STAGE_LABELS.get(g.get("stage"), "")
        label = g.get("label") or g.get("indicator", "")
        unit = g.get("unit") or ""
        out.append(
            {
                "key": f"unit:{g.get('school_code')}:{g.get('stage')}:{g.get('indicator')}",
                "indicator": g.get("indicator", ""),
                "stage": g.get("stage", ""),
                "school_code": g.get("school_code", ""),
                "school_codes": [g.get("school_code", "")],
                "problem": f"{g.get('school_name', '')}（{stage_label}）{label}为 "
                f"{_value(g.get('current_value'), g.get('indicator'), g.get('standard'))}，"
                f"低于标准 {numbers.line(g.get('standard'))}",
                "target": _unit_target(g, stage_label, label, unit),
            }
        )
    for p in gaps.get("cv_plans") or []:
        stage_label = STAGE_LABELS.get(p.get("stage"), "")
        label = p.get("label") or p.get("indicator", "")
        schools = p.get("schools") or []
        listed = "；".join(
            f"{s.get('school_name', s.get('school_code', ''))} {'全校' if s.get('school_level') else ''}"
            f"增加 {addition_text(s.get('addition'), p.get('kind', ''))} {p.get('unit', '')}"
            for s in schools[:10]
        )
        more = f" 等 {len(schools)} 所学校" if len(schools) > 10 else ""
        out.append(
            {
                "key": f"cv:{p.get('stage')}:{p.get('indicator')}",
                "indicator": p.get("indicator", ""),
                "stage": p.get("stage", ""),
                "school_code": "",
                "school_codes": [s.get("school_code", "") for s in schools],
                "problem": f"{stage_label}{label}差异系数 {_cv(p.get('current_cv'), p.get('threshold'), False)}，"
                f"超过 {numbers.cv_limit(p.get('threshold'))}",
                "target": f"差异系数降至 {numbers.cv_limit(p.get('threshold'))} 以下"
                f"（按计划可达 {_cv(p.get('new_cv'), p.get('threshold'), p.get('passes'))}）："
                f"{listed}{more}",
            }
        )
    return out


def _unit_target(g: Mapping, stage_label: str, label: str, unit: str) -> str:
    """What to add for one unit gap. A shared resource of a multi-stage school is added to the
    whole school, of which the part receives its share: the target names both."""
    resource = _resource_name(label)
    reach = (
        f"{label}达到 {_value(g.get('new_value'), g.get('indicator'), g.get('standard'))}"
        f"（标准 {numbers.line(g.get('standard'))}）"
    )
    addition = addition_text(g.get("addition"), g.get("kind", ""))
    if not g.get("school_level"):
        return f"增加{resource} {addition} {unit}，使{reach}"
    others = [STAGE_LABELS.get(s, "") for s in g.get("lifts") or [] if s != g.get("stage")]
    also = f"，同时使{'、'.join(others)}部分达标" if others else ""
    return (
        f"全校增加{resource} {addition} {unit}（按折算学生数分摊，{stage_label}部分分得 "
        f"{numbers.num(g.get('part_addition'))} {unit}），使{stage_label}部分{reach}{also}"
    )


def _cv(cv, threshold, passed) -> str:
    """A coefficient as 表Ⅲ prints it, with places enough not to read as its threshold."""
    if threshold is None or passed is None:
        return numbers.cv(cv)
    return numbers.against(cv, threshold, numbers.CV, at_least=False, passed=bool(passed))


def _value(value, indicator, standard) -> str:
    """An indicator value at its places, never reading as the standard it is judged against."""
    return numbers.against(value, standard, value_digits(indicator or ""))


def _resource_name(label: str) -> str:
    for prefix in ("每百名学生拥有", "生均"):
        if label.startswith(prefix):
            return label[len(prefix) :]
    return label
