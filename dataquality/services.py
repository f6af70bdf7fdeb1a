"""Run the validation rules for a county and year and store their findings; accept a finding.

The only writers of dataquality.models.Finding. Loading takes a fixed number of queries whatever
the number of schools (schools, two years of conditions, grouped roster counts, classes, ID
numbers), and storing takes a fixed number more (existing findings, one bulk insert, one bulk
update, one update of the findings that disappeared).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import audit_record
from dataquality import rules, selectors
from dataquality.models import Check, Finding, ReconcileRun
from domain import vocabulary as vocab
from schools.models import School, SchoolClass, SchoolConditions, Teacher

logger = logging.getLogger(__name__)


def jump_percent() -> float:
    return float(getattr(settings, "DATAQUALITY_JUMP_PERCENT", rules.DEFAULT_JUMP_PERCENT))


def _conditions_row(c: dict) -> rules.ConditionsRow:
    return rules.ConditionsRow(
        school_id=c["school_id"],
        year=c["year"],
        primary_students=c["primary_students"],
        junior_students=c["junior_students"],
        building_area=c["building_area"],
        sports_area=c["sports_area"],
        equipment_value=c["equipment_value"],
        multimedia_rooms=c["multimedia_rooms"],
        music_rooms=c["music_rooms"],
        art_rooms=c["art_rooms"],
        full_time_total=c["full_time_teachers"],
    )


def load_county_data(county, year: int) -> rules.CountyData:
    """The rows the rules read, for ``county`` and school year ``year`` (five queries)."""
    schools = [
        rules.SchoolRow(s["id"], s["code"], s["name"], s["school_type"], s["parent_id"])
        for s in School.objects.filter(county=county).values("id", "code", "name", "school_type", "parent_id")
    ]
    conditions, previous = [], []
    for c in SchoolConditions.objects.filter(school__county=county, year__in=(year, year - 1)).values(
        "school_id",
        "year",
        "primary_students",
        "junior_students",
        "building_area",
        "sports_area",
        "equipment_value",
        "multimedia_rooms",
        "music_rooms",
        "art_rooms",
        "full_time_teachers",
    ):
        (conditions if c["year"] == year else previous).append(_conditions_row(c))

    # 专任教师, grouped in the database by the attributes the subsets use: the compulsory stages per
    # stage, and every stage (高中 too) in the school's total that the conditions may report.
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("full_time", "qualified", "backbone", "pe_art"), 0)
    )
    roster_full_time: dict[int, int] = defaultdict(int)
    groups = (
        Teacher.objects.filter(school__county=county, year=year, full_time=True)
        .values("school_id", "stage", "education", "backbone", "subject")
        .annotate(n=Count("id"))
        .order_by()
    )
    for g in groups:
        n = g["n"]
        roster_full_time[g["school_id"]] += n
        if g["stage"] not in vocab.COMPULSORY_STAGES:
            continue
        c = counts[(g["school_id"], g["stage"])]
        c["full_time"] += n
        if g["education"] in vocab.QUALIFIED_EDUCATION[vocab.stage_key(g["stage"])]:
            c["qualified"] += n
        if g["backbone"] in vocab.BACKBONE_AT_LEAST_COUNTY:
            c["backbone"] += n
        if g["subject"] in vocab.PE_ART_SUBJECTS:
            c["pe_art"] += n
    teacher_counts = [rules.TeacherCounts(sid, stage, **c) for (sid, stage), c in sorted(counts.items())]

    classes = [
        rules.ClassRow(c["school_id"], c["stage"], c["grade"], c["name"], c["students"])
        for c in SchoolClass.objects.filter(school__county=county, year=year)
        .values("school_id", "stage", "grade", "name", "students")
        .order_by("school_id", "grade", "name")
    ]
    id_rows = [
        rules.IdRow(t["school_id"], t["staff_no"], t["id_number"])
        for t in Teacher.objects.filter(school__county=county, year=year)
        .exclude(id_number="")
        .values("school_id", "staff_no", "id_number")
        .order_by("school_id", "staff_no")
    ]
    return rules.CountyData(
        year=year,
        system_figures=_system_figures(county, year, {s.code: s.id for s in schools}),
        schools=schools,
        conditions=conditions,
        previous_conditions=previous,
        teacher_counts=teacher_counts,
        classes=classes,
        id_rows=id_rows,
        roster_full_time=dict(roster_full_time),
        jump_percent=jump_percent(),
    )


def _system_figures(county, year: int, school_ids: dict[str, int]) -> list[rules.SystemFigure]:
    """Stage-level differences of the latest finished 对账 of each list kind (one query, four more
    when a list was uploaded: dataquality.selectors.reconciliation, the 对账 page's own numbers)."""
    latest = {}
    for run in ReconcileRun.objects.filter(
        county=county, year=year, status=ReconcileRun.Status.DONE
    ).order_by("-compared_at", "-pk"):
        latest.setdefault(run.kind, run)
    out = []
    for run in latest.values():
        for d in selectors.reconciliation(run).differences:
            if d.grade is None and d.school_code in school_ids:
                out.append(
                    rules.SystemFigure(
                        school_ids[d.school_code], run.list_kind.label, d.stage, d.source, d.ours, d.system
                    )
                )
    return out


@dataclass(frozen=True)
class CheckResult:
    blocking: int
    warning: int
    new: int
    reopened: int
    resolved: int

    @property
    def summary(self) -> str:
        return (
            f"须修正 {self.blocking} 项、须核实 {self.warning} 项（新发现 {self.new} 项，"
            f"数值变化后重新打开 {self.reopened} 项，已消除 {self.resolved} 项）"
        )


@transaction.atomic
def run_checks(county, year: int, *, user=None) -> CheckResult:
    """Run every rule for ``county`` and ``year`` and bring the stored findings up to date.

    A finding found again with the same values keeps its status (an accepted one stays
    accepted); with other values it is reopened (the reason given for the old values no longer
    covers the new ones). ``user`` None = after an import, by the system; a run asked for on the
    page is audited.
    """
    found = rules.run_rules(load_county_data(county, year))
    now = timezone.now()
    existing = {
        (f.rule, f.school_id, f.subject): f
        for f in Finding.objects.select_for_update().filter(county=county, year=year)
    }
    new, changed, reopened, seen = [], [], 0, set()
    for f in found:
        key = (f.rule, f.school_id, f.subject)
        if key in seen:  # one identity per run (a rule never yields two; kept safe for the constraint)
            continue
        seen.add(key)
        values = rules._plain(f.values)
        stored = existing.get(key)
        if stored is None:
            new.append(
                Finding(
                    county=county,
                    year=year,
                    rule=f.rule,
                    severity=f.severity,
                    school_id=f.school_id,
                    subject=f.subject[:120],
                    field=f.field[:60],
                    values=values,
                    message=f.message[:500],
                    target=f.target,
                    fingerprint=f.fingerprint,
                    last_seen=now,
                )
            )
            continue
        if stored.fingerprint == f.fingerprint and stored.active:
            continue  # the same figures as last time: only last_seen moves (below, in one query)
        if stored.fingerprint != f.fingerprint and stored.status == Finding.Status.ACCEPTED:
            stored.status, stored.accepted_by, stored.accepted_at = Finding.Status.OPEN, None, None
            reopened += 1
        stored.severity, stored.field, stored.values = f.severity, f.field[:60], values
        stored.message, stored.target, stored.fingerprint = f.message[:500], f.target, f.fingerprint
        stored.active = True
        changed.append(stored)
    # Batch sizes are left to the database backend: one statement each on PostgreSQL.
    Finding.objects.bulk_create(new)
    Finding.objects.bulk_update(
        changed,
        [
            "severity",
            "field",
            "values",
            "message",
            "target",
            "fingerprint",
            "active",
            "status",
            "accepted_by",
            "accepted_at",
        ],
    )
    gone = [f.pk for key, f in existing.items() if key not in seen and f.active]
    if gone:
        Finding.objects.filter(pk__in=gone).update(active=False, last_seen=now)
    Finding.objects.filter(county=county, year=year, active=True).update(last_seen=now)
    c = rules.counts(found)
    result = CheckResult(c[rules.BLOCKING], c[rules.WARNING], len(new), reopened, len(gone))
    Check.objects.update_or_create(
        county=county,
        year=year,
        defaults={"checked_at": now, "blocking": result.blocking, "warning": result.warning},
    )
    if user is not None:
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            object_type="dataquality.Run",
            object_id=f"{county.pk}:{year}",
            object_repr=f"{county.name} {year} 学年数据质量核查",
            county=county,
            changes={"blocking": result.blocking, "warning": result.warning},
            note=result.summary,
        )
    return result


def run_checks_after_import(county, years) -> None:
    """The import hook: check each imported year; a failing check never undoes the import."""
    for year in sorted(set(years)):
        try:
            run_checks(county, year)
        except Exception:  # the import is committed; the page's button can run the check again
            logger.exception("数据质量核查失败（%s %s 学年）", county, year)


def finding_accept(finding: Finding, *, user, reason: str) -> Finding:
    """注明原因: bureau staff explain a finding and accept it (audited). The caller checked access."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请注明原因")
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        before = finding.status
        finding.status, finding.reason = Finding.Status.ACCEPTED, reason[:500]
        finding.accepted_by, finding.accepted_at = user, timezone.now()
        finding.save(update_fields=["status", "reason", "accepted_by", "accepted_at"])
        audit_record(
            user=user,
            action=AuditEntry.Action.TRANSITION,
            obj=finding,
            county=finding.county,
            changes={"status": [before, finding.status], "reason": reason[:200]},
            note=f"{finding.school.name}：{finding.message}"[:500],
        )
    return finding


def finding_reopen(finding: Finding, *, user) -> Finding:
    """Withdraw an acceptance (audited)."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != Finding.Status.ACCEPTED:
            raise ValidationError("该问题未被注明原因，无需撤销")
        finding.status, finding.accepted_by, finding.accepted_at = Finding.Status.OPEN, None, None
        finding.save(update_fields=["status", "accepted_by", "accepted_at"])
        audit_record(
            user=user,
            action=AuditEntry.Action.TRANSITION,
            obj=finding,
            county=finding.county,
            changes={"status": [Finding.Status.ACCEPTED, Finding.Status.OPEN]},
            note="撤销原因说明",
        )
    return finding
