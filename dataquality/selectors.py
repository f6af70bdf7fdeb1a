"""Reading the stored findings of a county (the callers checked access: accounts.access first)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.urls import reverse

from dataquality import reconcile, rules
from dataquality.models import Check, Finding, ReconcileRun
from domain import vocabulary as vocab
from schools.models import SCHOOL_ORDER, School, SchoolClass, SchoolConditions, Teacher


def available_years(county) -> list[int]:
    """School years with conditions, roster, classes or findings in the county, latest first."""
    years: set[int] = set()
    for model, path in (
        (SchoolConditions, "school__county"),
        (Teacher, "school__county"),
        (SchoolClass, "school__county"),
        (Finding, "county"),
    ):
        years |= set(
            model.objects.filter(**{path: county}).order_by().values_list("year", flat=True).distinct()
        )
    return sorted(years, reverse=True)


def pick_year(requested, years: list[int]) -> int | None:
    try:
        year = int(requested)
    except (TypeError, ValueError):
        year = None
    if year is not None and 2000 <= year <= 2100:
        return year
    return years[0] if years else None


def fix_url(finding: Finding) -> str:
    """The page where the row behind a finding is corrected."""
    if finding.target == rules.TARGET_CONDITIONS:
        return reverse("schools:conditions_edit", args=[finding.school.code, finding.year])
    return reverse("schools:detail", args=[finding.school.code])


@dataclass
class Filters:
    severity: str = ""
    rule: str = ""
    school: str = ""  # 学校标识码
    status: str = ""  # open / accepted / "" = all

    @classmethod
    def from_query(cls, query) -> Filters:
        f = cls(
            query.get("severity", ""),
            query.get("rule", ""),
            query.get("school", "").strip(),
            query.get("status", ""),
        )
        f.severity = f.severity if f.severity in rules.SEVERITY_LABELS else ""
        f.rule = f.rule if f.rule in rules.RULES else ""
        f.status = f.status if f.status in Finding.Status.values else ""
        return f

    def apply(self, qs):
        if self.severity:
            qs = qs.filter(severity=self.severity)
        if self.rule:
            qs = qs.filter(rule=self.rule)
        if self.school:
            qs = qs.filter(school__code=self.school)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs


def active_findings(county, year):
    return Finding.objects.filter(county=county, year=year, active=True)


def county_quality(county, year: int, filters: Filters) -> dict:
    """The page's figures: totals, counts per school and rule (all active findings) and the
    filtered list with a link to the row to fix (three queries)."""
    rows = list(
        active_findings(county, year).values(
            "school_id", "school__code", "school__name", "rule", "severity", "status"
        )
    )
    totals = Counter((r["severity"], r["status"]) for r in rows)
    rule_keys = [k for k in rules.RULES if any(r["rule"] == k for r in rows)]
    per_school: dict[int, dict] = {}
    cells: dict[int, Counter] = defaultdict(Counter)
    for r in rows:
        per_school.setdefault(
            r["school_id"],
            {"code": r["school__code"], "name": r["school__name"], "blocking_open": 0, "total": 0},
        )
        s = per_school[r["school_id"]]
        s["total"] += 1
        if r["severity"] == rules.BLOCKING and r["status"] == Finding.Status.OPEN:
            s["blocking_open"] += 1
        cells[r["school_id"]][r["rule"]] += 1
    schools = sorted(
        per_school.items(), key=lambda kv: (-kv[1]["blocking_open"], -kv[1]["total"], kv[1]["code"])
    )
    table = [{**s, "cells": [cells[sid][k] for k in rule_keys]} for sid, s in schools]
    findings = list(
        filters.apply(active_findings(county, year))
        .select_related("school", "accepted_by")
        .order_by("severity", "-status", *(f"school__{k}" for k in SCHOOL_ORDER), "rule", "subject")
    )
    for f in findings:
        f.fix_url = fix_url(f)
    return {
        "blocking_open": totals[(rules.BLOCKING, Finding.Status.OPEN)],
        "blocking_accepted": totals[(rules.BLOCKING, Finding.Status.ACCEPTED)],
        "warning_open": totals[(rules.WARNING, Finding.Status.OPEN)],
        "warning_accepted": totals[(rules.WARNING, Finding.Status.ACCEPTED)],
        "total": len(rows),
        "rule_columns": [(k, rules.RULES[k].label) for k in rule_keys],
        "per_rule": [(k, rules.RULES[k].label, sum(1 for r in rows if r["rule"] == k)) for k in rule_keys],
        "per_school": table,
        "findings": findings,
        "last_checked": Check.objects.filter(county=county, year=year)
        .values_list("checked_at", flat=True)
        .first(),
    }


def blocking_open_count(county, year: int) -> int:
    return active_findings(county, year).filter(severity=rules.BLOCKING, status=Finding.Status.OPEN).count()


def readiness(county, year: int) -> dict | None:
    """Open findings of the county's year for the readiness board; None when never checked."""
    check = Check.objects.filter(county=county, year=year).first()
    if check is None:
        return None
    open_ = active_findings(county, year).filter(status=Finding.Status.OPEN)
    blocking = open_.filter(severity=rules.BLOCKING)
    return {
        "checked_at": check.checked_at,
        "blocking": blocking.count(),
        "blocking_schools": blocking.values("school_id").distinct().count(),
        "warning": open_.filter(severity=rules.WARNING).count(),
    }


# --- 对账 with the national systems' lists ---------------------------------------------------------


def reconcile_figures(county, year: int) -> reconcile.Ours:
    """Our side of the 对账 for a county and year, in four queries whatever the number of schools:
    the conditions' students per stage, the classes' students per grade, the roster's 专任教师 per stage."""
    schools = dict(School.objects.filter(county=county).values_list("code", "name"))
    conditions = {
        code: {vocab.PRIMARY: primary, vocab.JUNIOR: junior}
        for code, primary, junior in SchoolConditions.objects.filter(
            school__county=county, year=year
        ).values_list("school__code", "primary_students", "junior_students")
    }
    classes: dict[str, dict[int, int]] = {}
    for code, grade, students in (
        SchoolClass.objects.filter(school__county=county, year=year)
        .values_list("school__code", "grade")
        .annotate(n=Sum("students"))
        .order_by()
    ):
        classes.setdefault(code, {})[grade] = students
    teachers: dict[str, dict[str, int]] = {}
    for code, stage, full_time, n in (
        Teacher.objects.filter(school__county=county, year=year)
        .values_list("school__code", "stage", "full_time")
        .annotate(n=Count("id"))
        .order_by()
    ):
        # A school whose roster has no 专任教师 still has a roster: its figure is 0, not 未导入.
        school = teachers.setdefault(code, {})
        if full_time:
            school[stage] = school.get(stage, 0) + n
    return reconcile.Ours(schools, conditions, classes, teachers)


def reconciliation(run: ReconcileRun) -> reconcile.Reconciliation:
    """The differences of a finished run against the county's current figures of its year."""
    return reconcile.reconcile(
        reconcile.ListCounts.from_dict(run.counts), reconcile_figures(run.county, run.year)
    )
