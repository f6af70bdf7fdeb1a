"""Section builders: each returns the plain data of one dossier section.

They read the other apps only through their selectors (and the stored assessment result),
so the dossier shows the same numbers as the pages. Everything here is county-wide: the access
check happened when the dossier was requested (bureau staff of that county).
"""

from collections import Counter

from django.db.models import Count, Q, Sum

from accounts.access import county_reader
from domain import numbers
from domain import vocabulary as vocab
from dropout_control.selectors import case_summary, county_retention
from indicators.charts import cv_chart_svg
from indicators.engine import RULESETS
from indicators.tables import value_digits
from rectification import selectors as rectification_selectors
from rectification.models import RectificationItem
from schools.models import SCHOOL_ORDER, School, SchoolClass, SchoolConditions, Teacher, school_year_label
from schools.selectors import teacher_kind_filter
from workforce.selectors import staffing_summary

STAGES = tuple((key, vocab.STAGE_LABELS[key]) for key in vocab.STAGE_KEYS)
TYPE_ORDER = vocab.SCHOOL_TYPES


def overview(county, year: int, result: dict) -> dict:
    """表Ⅰ: schools by type, units, students, teachers and classes."""
    schools = School.objects.filter(county=county)
    by_type = Counter(
        dict(schools.values_list("school_type").annotate(n=Count("id")).values_list("school_type", "n"))
    )
    students = SchoolConditions.objects.filter(school__county=county, year=year).aggregate(
        primary=Sum("primary_students"), junior=Sum("junior_students"), senior=Sum("senior_students")
    )
    # 专任教师 of 小学 and 初中 (domain.vocabulary.FULL_TIME): the total is their sum, never 高中.
    teachers = (
        Teacher.objects.filter(school__county=county, year=year)
        .filter(teacher_kind_filter(vocab.FULL_TIME.key))
        .aggregate(
            primary=Count("id", filter=Q(stage=vocab.PRIMARY)),
            junior=Count("id", filter=Q(stage=vocab.JUNIOR)),
            total=Count("id"),
        )
    )
    classes = SchoolClass.objects.filter(school__county=county, year=year).aggregate(
        primary=Count("id", filter=Q(stage="小学")), junior=Count("id", filter=Q(stage="初中"))
    )
    return {
        "by_type": [(t, by_type.get(t, 0)) for t in TYPE_ORDER],
        "schools_total": sum(by_type.values()),
        "townships": county.townships.count(),
        "units": {s: result["stages"][s]["units"] for s, _ in STAGES},
        "students": {k: v or 0 for k, v in students.items()},
        "teachers": teachers,
        "classes": classes,
        "year_label": school_year_label(year),
    }


def cv_tables(result: dict, scheme: str) -> list[dict]:
    """表Ⅲ per stage, with the chart of each CV against its threshold."""
    ruleset = RULESETS[scheme]
    tables = []
    for stage, label in STAGES:
        stage_result = result["stages"][stage]
        rows = []
        for ind in ruleset.indicators:
            r = stage_result["indicators"].get(ind.key, {})
            digits = value_digits(ind.key)
            rows.append(
                {
                    "label": ind.label,
                    "unit": ind.unit,
                    "mean": numbers.num(r.get("mean"), digits),
                    "std": numbers.num(r.get("std"), digits),
                    "cv": numbers.cv(r.get("cv")),
                    "threshold": numbers.cv_limit(r.get("cv_threshold")) if r.get("cv_threshold") else "",
                    "passed": r.get("cv_passed"),
                }
            )
        tables.append(
            {
                "stage": stage,
                "label": label,
                "units": stage_result["units"],
                "students": stage_result["students"],
                "rows": rows,
                "composite": numbers.cv(stage_result.get("composite_cv")),
                "passed": stage_result.get("passed"),
                "chart": cv_chart_svg(stage_result, scheme) if stage_result["units"] else "",
            }
        )
    return tables


def compliance(result: dict, scheme: str) -> list[dict]:
    """表Ⅱ: one row per unit, value and standard side by side, failing cells marked."""
    ruleset = RULESETS[scheme]
    rows = []
    for unit in result["units"]:
        stage = unit["stage"]
        cells = []
        for ind in ruleset.indicators:
            standard = (ind.standard or {}).get(stage) if ind.standard else None
            value = unit["values"].get(ind.key)
            meets = (unit.get("meets") or {}).get(ind.key)
            margin = standard and value is not None and not meets and value >= 0.85 * standard
            cells.append(
                {
                    "value": numbers.num(value, value_digits(ind.key)),
                    "standard": numbers.line(standard) if standard else "",
                    "state": "" if meets in (None, True) else ("warn" if margin else "fail"),
                }
            )
        rows.append(
            {
                "code": unit["school_code"],
                "name": unit.get("school_name", unit["school_code"]),
                "stage": dict(STAGES)[stage],
                "students": unit["students"],
                "cells": cells,
                "passed": unit.get("passed"),
            }
        )
    return rows


def findings(result: dict) -> dict:
    checks = result.get("checks", {})
    return {
        "classes": [{"stage": label, **result["stages"][s]["classes"]} for s, label in STAGES],
        "school_size": checks.get("school_size", []),
        "rooms": [r for r in checks.get("rooms", []) if not r.get("passed")],
        "warnings": result.get("warnings", []),
    }


def appendix_school_rows(county, year: int, result: dict, scheme: str, *, school=None) -> list[dict]:
    """One page per school: its data and indicator values (units of the assessment).

    With `school`, only that school's page (the field-visit brief).
    """
    ruleset = RULESETS[scheme]
    of_school = {"school": school} if school is not None else {"school__county": county}
    conditions = {c.school_id: c for c in SchoolConditions.objects.filter(year=year, **of_school)}
    teacher_counts = {
        (row["school_id"], row["stage"]): row["n"]
        for row in Teacher.objects.filter(year=year, full_time=True, **of_school)
        .values("school_id", "stage")
        .annotate(n=Count("id"))
    }
    class_counts = dict(
        SchoolClass.objects.filter(year=year, **of_school)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    units_by_school = {}
    for unit in result["units"]:
        units_by_school.setdefault(unit["school_code"], []).append(unit)
    pages = []
    schools = (
        School.objects.filter(pk=school.pk) if school is not None else School.objects.filter(county=county)
    )
    for school in schools.select_related("township", "parent").order_by(*SCHOOL_ORDER):
        units = []
        for unit in units_by_school.get(school.code, []):
            units.append(
                {
                    "stage": dict(STAGES)[unit["stage"]],
                    "students": unit["students"],
                    "passed": unit.get("passed"),
                    "values": [
                        {
                            "label": ind.label,
                            "unit": ind.unit,
                            "value": numbers.num(unit["values"].get(ind.key), value_digits(ind.key)),
                            "standard": numbers.line((ind.standard or {}).get(unit["stage"]))
                            if ind.standard
                            else "",
                            "meets": (unit.get("meets") or {}).get(ind.key),
                        }
                        for ind in ruleset.indicators
                    ],
                }
            )
        pages.append(
            {
                "school": school,
                "conditions": conditions.get(school.pk),
                "teachers": {s: teacher_counts.get((school.pk, s), 0) for s in ("小学", "初中", "高中")},
                "classes": class_counts.get(school.pk, 0),
                "units": units,
            }
        )
    return pages


def feature_sections(county, year: int) -> dict:
    """Staffing, dropout control, rectification and archive sections (from those apps' selectors)."""
    return {
        "staffing": staffing_summary(county, year),
        "dropout": case_summary(county_reader(county), county),
        # The function that fills the assessment's 初中三年巩固率, for the dossier's year.
        "retention": county_retention(county, year),
        "ledger": ledger(county),
        "archive": rectification_selectors.archive_completeness(county),
    }


def ledger(county) -> dict:
    """The rectification ledger with status (no personal data in it)."""
    items = RectificationItem.objects.filter(county=county).prefetch_related("schools").order_by("number")
    rows = [
        {
            "number": i.number,
            "source": i.get_source_display(),
            "problem": i.problem,
            "indicator": i.indicator,
            "schools": "、".join(s.name for s in i.schools.all()),
            "lead_unit": i.lead_unit,
            "deadline": i.deadline,
            "status": i.get_status_display(),
            "closed": i.status == "closed",
        }
        for i in items
    ]
    return {"summary": rectification_selectors.ledger_summary(county), "rows": rows}
