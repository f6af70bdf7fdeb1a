"""Rows of the published tables, built from a stored assessment document (pure, no Django).

表Ⅱ (per-unit compliance), 表Ⅲ (coefficients), the drill-down of one coefficient into each
unit's contribution, and the what-if comparison. Pages and xlsx exports use the same rows, so
a number reads the same on screen and in the spreadsheet. Values stay unrounded here; ``*_text``
fields are the display strings (rounded half up).
"""

from __future__ import annotations

import math

from domain import numbers

from .engine import STAGE_LABELS, STAGES, get_ruleset
from .engine.rules import WHOLE_UNIT_KINDS, reaches

# Per-student teacher counts of the 2012 scheme are small numbers (0.05 teachers per student):
# 2 places would print 0.05 for every school, so they get 4. Every other value prints 2.
_FOUR_DIGITS = {"teacher_ratio", "qualified_teachers_pp", "senior_title_teachers_pp"}


def value_digits(key: str) -> int:
    """Places of an indicator's values and means, on every page, PDF and workbook."""
    return 4 if key in _FOUR_DIGITS else numbers.MEAN


fmt = numbers.num


def addition_text(value, kind: str) -> str:
    """An addition as people add it: whole teachers, rooms, computers, books; ㎡ and 元 to 0.01."""
    return numbers.num(value, 0 if kind in WHOLE_UNIT_KINDS else 2)


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
            rows.append(
                {
                    "key": ind.key,
                    "label": ind.label,
                    "unit": ind.unit,
                    "mean": r["mean"],
                    "std": r["std"],
                    "cv": r["cv"],
                    "mean_text": fmt(r["mean"], digits),
                    "std_text": fmt(r["std"], digits),
                    "cv_text": numbers.cv(r["cv"]) if s["units"] else numbers.UNDEFINED,
                    "cv_threshold": r["cv_threshold"],
                    "cv_passed": r["cv_passed"],
                    "threshold_text": numbers.cv_limit(r["cv_threshold"]),
                }
            )
        out.append(
            {
                "stage": stage,
                "label": STAGE_LABELS[stage],
                "units": s["units"],
                "students": s["students"],
                "threshold": rs.cv_thresholds[stage],
                "threshold_text": numbers.cv_limit(rs.cv_thresholds[stage]),
                "rule": rs.cv_rule,
                "rows": rows,
                "composite_cv": s["composite_cv"],
                "composite_text": numbers.cv(s["composite_cv"]) if s["units"] else numbers.UNDEFINED,
                "passed": s["passed"],
                "classes": s["classes"],
            }
        )
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
        {
            "key": i.key,
            "label": i.label,
            "unit": i.unit,
            "standard_primary": i.standard["primary"] if i.standard else None,
            "standard_junior": i.standard["junior"] if i.standard else None,
        }
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
            cells.append(
                {
                    "key": ind.key,
                    "value": value,
                    "value_text": fmt(value, value_digits(ind.key)),
                    "standard": standard,
                    "standard_text": numbers.line(standard),
                    "state": state,
                }
            )
        rows.append(
            {
                "school_code": u["school_code"],
                "school_name": u.get("school_name", ""),
                "township": u.get("township", ""),
                "stage": u["stage"],
                "stage_label": STAGE_LABELS[u["stage"]],
                "students": u["students"],
                "cells": cells,
                "met": met if rs.per_school_rule else None,
                "passed": u["passed"],
            }
        )
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
        rows.append(
            {
                "school_code": u["school_code"],
                "school_name": u.get("school_name", ""),
                "students": u["students"],
                "share": share,
                "value": u["values"][key],
                "deviation": deviation,
                "weighted_sq": wsq,
            }
        )
    variance = math.fsum(row["weighted_sq"] for row in rows if row["weighted_sq"] is not None)
    digits = value_digits(key)
    for row in rows:
        row["variance_share"] = row["weighted_sq"] / variance if variance else None
        row["share_text"] = numbers.pct(row["share"], 2)
        row["value_text"] = fmt(row["value"], digits)
        row["deviation_text"] = fmt(row["deviation"], digits)
        row["weighted_sq_text"] = fmt(row["weighted_sq"], 6)
        row["variance_share_text"] = numbers.pct(row["variance_share"], 2)
    rows.sort(key=lambda row: -(row["weighted_sq"] or 0))
    return {
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "key": key,
        "label": ind.label,
        "unit": ind.unit,
        "mean": mean,
        "std": r["std"],
        "cv": r["cv"],
        "variance": variance,
        "students": total,
        "mean_text": fmt(mean, digits),
        "std_text": fmt(r["std"], digits),
        "cv_text": numbers.cv(r["cv"]),
        "variance_text": fmt(variance, 6),
        "rows": rows,
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
            rows.append(
                {
                    "key": ind.key,
                    "label": ind.label,
                    "cv_old": a["cv"],
                    "cv_new": b["cv"],
                    "cv_old_text": numbers.cv(a["cv"]),
                    "cv_new_text": numbers.cv(b["cv"]),
                    "delta_text": numbers.signed(delta, 4),
                    "passed_old": a["cv_passed"],
                    "passed_new": b["cv_passed"],
                    "changed": delta is None or abs(delta) > 1e-12,
                }
            )
        stages.append(
            {
                "stage": stage,
                "label": STAGE_LABELS[stage],
                "rows": rows,
                "composite_old_text": numbers.cv(so["composite_cv"]),
                "composite_new_text": numbers.cv(sn["composite_cv"]),
                "passed_old": so["passed"],
                "passed_new": sn["passed"],
            }
        )
    return {
        "passed_old": old["passed"],
        "passed_new": new["passed"],
        "stages": stages,
        "reasons_new": new["reasons"],
        "units": _changed_units(old, new, rs),
    }


def _changed_units(old: dict, new: dict, rs) -> list[dict]:
    """The school units whose values the what-if changed (both parts of a school whose shared
    resources changed), each with the changed indicators old → new against the per-school
    standard: ``{name, stage_label, rows: [{label, old_text, new_text, standard, meets_old, meets_new}]}``."""
    before = {(u["school_code"], u["stage"]): u for u in old["units"]}
    out = []
    for unit in new["units"]:
        was = before.get((unit["school_code"], unit["stage"]))
        rows = []
        for ind in rs.indicators:
            a = was["values"].get(ind.key) if was else None
            b = unit["values"].get(ind.key)
            if a is not None and b is not None and abs(b - a) <= 1e-12 * max(1.0, abs(a)):
                continue
            standard = ind.standard[unit["stage"]] if ind.standard is not None else None
            digits = value_digits(ind.key)
            rows.append(
                {
                    "label": ind.label,
                    "old_text": fmt(a, digits),
                    "new_text": fmt(b, digits),
                    "standard": standard,
                    "meets_old": None if standard is None or a is None else reaches(a, standard),
                    "meets_new": None if standard is None or b is None else reaches(b, standard),
                }
            )
        if rows:
            out.append(
                {
                    "name": unit.get("school_name") or unit["school_code"],
                    "stage_label": STAGE_LABELS[unit["stage"]],
                    "rows": rows,
                }
            )
    return out
