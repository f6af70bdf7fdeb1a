"""Rows of the published tables, built from a stored assessment document (pure, no Django).

表Ⅱ (per-unit compliance), 表Ⅲ (coefficients), the drill-down of one coefficient into each
unit's contribution, and the what-if comparison. Pages and xlsx exports use the same rows, so
a number reads the same on screen and in the spreadsheet. Values stay unrounded here; ``*_text``
fields are the display strings (rounded half up).
"""

from __future__ import annotations

import math

from .engine import STAGE_LABELS, STAGES, format_number, get_ruleset
from .engine.rules import reaches

# Per-student teacher counts are small numbers (0.05 teachers per student): more digits.
_FOUR_DIGITS = {"teacher_ratio", "qualified_teachers_pp", "senior_title_teachers_pp"}


def value_digits(key: str) -> int:
    return 4 if key in _FOUR_DIGITS else 2


def fmt(value, digits: int = 2) -> str:
    return format_number(value, digits) if value is not None else "—"


def table3(result: dict) -> list[dict]:
    """表Ⅲ per stage: ``{stage, label, units, students, threshold, rule, rows, composite_cv,
    composite_text, passed}``; row: ``{key, label, unit, mean, std, cv, *_text, cv_threshold,
    cv_passed}``. Stages without units are included with ``units`` 0."""
    rs = get_ruleset(result["scheme"])
    out = []
    for stage in STAGES:
        s = result["stages"][stage]
        rows = []
        for ind in rs.indicators:
            r = s["indicators"][ind.key]
            digits = value_digits(ind.key)
            rows.append({
                "key": ind.key, "label": ind.label, "unit": ind.unit,
                "mean": r["mean"], "std": r["std"], "cv": r["cv"],
                "mean_text": fmt(r["mean"], digits), "std_text": fmt(r["std"], digits),
                "cv_text": format_number(r["cv"], 3) if s["units"] else "—",
                "cv_threshold": r["cv_threshold"], "cv_passed": r["cv_passed"],
                "threshold_text": fmt(r["cv_threshold"], 2) if r["cv_threshold"] is not None else "—",
            })
        out.append({
            "stage": stage, "label": STAGE_LABELS[stage], "units": s["units"], "students": s["students"],
            "threshold": rs.cv_thresholds[stage], "threshold_text": fmt(rs.cv_thresholds[stage], 2),
            "rule": rs.cv_rule, "rows": rows,
            "composite_cv": s["composite_cv"],
            "composite_text": format_number(s["composite_cv"], 3) if s["units"] else "—",
            "passed": s["passed"], "classes": s["classes"],
        })
    return out


def table2(result: dict) -> dict:
    """表Ⅱ: ``{indicators: [{key, label, unit, standard_primary, standard_junior}], rows}``; row:
    ``{school_code, school_name, township, stage, stage_label, students, cells, met, passed}``;
    cell: ``{key, value, value_text, standard, standard_text, state}`` with state "fail" (below
    the margin × standard), "warn" (below the standard but within the margin: the per-school
    rule tolerates one such indicator) or "" (meets). Without per-school standards (basic-2012)
    every state is "" and standards are None."""
    rs = get_ruleset(result["scheme"])
    margin = result.get("settings", {}).get("unit_rule_margin", 0.85)
    indicators = [
        {"key": i.key, "label": i.label, "unit": i.unit,
         "standard_primary": i.standard["primary"] if i.standard else None,
         "standard_junior": i.standard["junior"] if i.standard else None}
        for i in rs.indicators
    ]
    rows = []
    for u in result["units"]:
        cells = []
        met = 0
        for ind in rs.indicators:
            value = u["values"][ind.key]
            standard = ind.standard[u["stage"]] if ind.standard else None
            state = ""
            if standard is not None:
                if value is not None and reaches(value, standard):
                    met += 1
                elif value is not None and reaches(value, margin * standard):
                    state = "warn"
                else:
                    state = "fail"
            cells.append({
                "key": ind.key, "value": value, "value_text": fmt(value, value_digits(ind.key)),
                "standard": standard, "standard_text": fmt(standard, 2) if standard is not None else "—",
                "state": state,
            })
        rows.append({
            "school_code": u["school_code"], "school_name": u.get("school_name", ""), "township": u.get("township", ""),
            "stage": u["stage"], "stage_label": STAGE_LABELS[u["stage"]], "students": u["students"],
            "cells": cells, "met": met if rs.per_school_rule else None, "passed": u["passed"],
        })
    return {"indicators": indicators, "rows": rows, "per_school_rule": rs.per_school_rule, "margin": margin}


def drilldown(result: dict, stage: str, key: str) -> dict:
    """Each unit's part in one coefficient: students Pᵢ, share Pᵢ/P, value Xᵢ, deviation Xᵢ − X̄,
    weighted squared deviation (Pᵢ/P)(Xᵢ − X̄)² and its share of the variance S².

    Returns ``{stage, label, unit, mean, std, cv, variance, students, rows, totals}``, rows sorted
    by share of the variance (largest first). KeyError for an unknown stage or key.
    """
    rs = get_ruleset(result["scheme"])
    ind = rs.indicator(key)
    s = result["stages"][stage]
    r = s["indicators"][key]
    units = [u for u in result["units"] if u["stage"] == stage and u["values"][key] is not None]
    total = sum(u["students"] for u in units)
    mean = r["mean"]
    rows = []
    for u in units:
        share = u["students"] / total if total else 0.0
        deviation = u["values"][key] - mean if mean is not None else None
        wsq = share * deviation * deviation if deviation is not None else None
        rows.append({
            "school_code": u["school_code"], "school_name": u.get("school_name", ""), "students": u["students"],
            "share": share, "value": u["values"][key], "deviation": deviation, "weighted_sq": wsq,
        })
    variance = math.fsum(row["weighted_sq"] for row in rows if row["weighted_sq"] is not None)
    digits = value_digits(key)
    for row in rows:
        row["variance_share"] = row["weighted_sq"] / variance if variance else None
        row["share_text"] = format_number(row["share"] * 100, 2) + "%"
        row["value_text"] = fmt(row["value"], digits)
        row["deviation_text"] = fmt(row["deviation"], digits)
        row["weighted_sq_text"] = fmt(row["weighted_sq"], 6)
        row["variance_share_text"] = fmt(row["variance_share"] * 100, 2) + "%" if row["variance_share"] is not None else "—"
    rows.sort(key=lambda row: -(row["weighted_sq"] or 0))
    return {
        "stage": stage, "stage_label": STAGE_LABELS[stage], "key": key, "label": ind.label, "unit": ind.unit,
        "mean": mean, "std": r["std"], "cv": r["cv"], "variance": variance, "students": total,
        "mean_text": fmt(mean, digits), "std_text": fmt(r["std"], digits), "cv_text": format_number(r["cv"], 3),
        "variance_text": fmt(variance, 6), "rows": rows,
    }


def what_if_diff(old: dict, new: dict) -> dict:
    """Old → new of a what-if: ``{passed_old, passed_new, stages: [{stage, label, rows, composite_*}],
    reasons_new}``; row: ``{key, label, cv_old, cv_new, *_text, delta_text, passed_old, passed_new,
    changed}``."""
    rs = get_ruleset(old["scheme"])
    stages = []
    for stage in STAGES:
        so, sn = old["stages"][stage], new["stages"][stage]
        if not so["units"] and not sn["units"]:
            continue
        rows = []
        for ind in rs.indicators:
            a, b = so["indicators"][ind.key], sn["indicators"][ind.key]
            delta = None if a["cv"] is None or b["cv"] is None else b["cv"] - a["cv"]
            rows.append({
                "key": ind.key, "label": ind.label,
                "cv_old": a["cv"], "cv_new": b["cv"],
                "cv_old_text": format_number(a["cv"], 3), "cv_new_text": format_number(b["cv"], 3),
                "delta_text": "—" if delta is None else f"{'+' if delta >= 0 else ''}{format_number(delta, 4)}",
                "passed_old": a["cv_passed"], "passed_new": b["cv_passed"],
                "changed": delta is None or abs(delta) > 1e-12,
            })
        stages.append({
            "stage": stage, "label": STAGE_LABELS[stage], "rows": rows,
            "composite_old_text": format_number(so["composite_cv"], 3),
            "composite_new_text": format_number(sn["composite_cv"], 3),
            "passed_old": so["passed"], "passed_new": sn["passed"],
        })
    return {"passed_old": old["passed"], "passed_new": new["passed"], "stages": stages, "reasons_new": new["reasons"]}
