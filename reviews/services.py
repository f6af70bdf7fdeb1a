"""Every write of the reviews app, each one audited: the draw, the checklist, its photos.

Callers pass objects they obtained through the access layer (reviews.selectors); the services
check the role and the county again because the shell and the tests call them too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import require_writer
from accounts.models import AuditEntry
from accounts.services import audit_record
from applications.services import visits_save
from balance_inspect.uploads import validate_upload
from indicators.selectors import current_assessment
from rectification.models import Source
from rectification.services import item_create
from reviews import checklist, draw, selectors
from reviews.models import DrawnSchool, SiteVisitDraw, Verdict, VisitCheck, VisitPhoto, VisitRecord
from schools.models import School, SchoolConditions

PHOTO_KINDS = ("jpg", "png")
SEED_MAX = 2**31 - 1


def _check_county(user, county_id: int) -> None:
    """Bureau staff (and admins) act in their own county only; inspectors are read-only."""
    require_writer(user)
    if user.county_id is not None and user.county_id != county_id:
        raise PermissionDenied("不在您的管辖范围内")


# --- the draw ---------------------------------------------------------------------------------


def candidates_for(county, year: int, result: dict | None, scheme: str) -> list[draw.Candidate]:
    """Every school of ``county`` as a candidate of the draw: its compulsory students of ``year``
    and, with an assessment document (of ``scheme``), the weakness of its weakest unit."""
    weakness = draw.school_weakness(result, scheme) if result else {}
    students = {
        c.school_id: c.primary_students + c.junior_students
        for c in SchoolConditions.objects.filter(school__county=county, year=year)
    }
    return [
        draw.Candidate(
            code=s.code,
            name=s.name,
            school_type=s.school_type,
            area=s.urban_rural,
            students=students.get(s.pk, 0),
            weakness=weakness.get(s.code),
        )
        for s in School.objects.filter(county=county).order_by("code")
    ]


def _picks(parameters: dict, inputs: list[dict], seed: int) -> list[draw.Pick]:
    return draw.draw(
        [draw.Candidate.from_dict(c) for c in inputs],
        seed=seed,
        total=parameters["total"],
        weakest=parameters["weakest"],
    )


@transaction.atomic
def draw_create(*, user, county, seed: int | None = None, note: str = "") -> SiteVisitDraw:
    """Draw the schools of a site visit for ``county`` and record everything needed to re-run it.

    The seed is chosen here (a cryptographic random number) unless given: a county that wants
    to show the draw was not hand-picked can let a third party name it.
    """
    _check_county(user, county.pk)
    current = current_assessment(county)
    if current.year is None:
        raise ValidationError("本县尚无学校数据，无法抽取学校。")
    if seed is None:
        seed = secrets.randbelow(SEED_MAX) + 1
    if not 0 <= seed <= SEED_MAX:
        raise ValidationError(f"随机种子须为 0 到 {SEED_MAX} 之间的整数。")
    result = current.result
    candidates = candidates_for(county, current.year, result, current.scheme)
    if not candidates:
        raise ValidationError("本县没有学校，无法抽取。")
    parameters = {
        "total": settings.SITE_VISIT_SCHOOLS,
        "weakest": settings.SITE_VISIT_WEAKEST,
        "scheme": current.scheme,
        "assessment_id": current.assessment.pk if current.assessment else None,
        "assessment_stale": current.stale,
        "size_bands": "按义务教育在校生数三等分（规模较小 / 中等 / 较大）",
        "algorithm": "reviews.draw v1",
    }
    inputs = [c.to_dict() for c in candidates]
    picks = _picks(parameters, inputs, seed)
    record = SiteVisitDraw.objects.create(
        county=county,
        year=current.year,
        seed=seed,
        parameters=parameters,
        inputs=inputs,
        input_digest=draw.input_digest(candidates),
        note=note.strip()[:200],
        created_by=user,
    )
    schools = {s.code: s for s in School.objects.filter(county=county, code__in=[p.code for p in picks])}
    DrawnSchool.objects.bulk_create(
        DrawnSchool(
            draw=record,
            school=schools[p.code],
            position=i,
            kind=p.kind,
            stratum=p.stratum[:60],
            reason=p.reason[:200],
        )
        for i, p in enumerate(picks, start=1)
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=record,
        changes={
            "seed": [None, seed],
            "parameters": [None, _parameters_text(parameters, current)],
            "抽中学校": [None, [f"{p.name}（{p.code}）" for p in picks]],
        },
        note=f"实地核查抽样 {len(picks)} 所（种子 {seed}）",
    )
    return record


def _parameters_text(parameters: dict, current) -> str:
    """The settings as the audit trail shows them to a person."""
    basis = (
        f"依据{current.scheme_label}评估 #{parameters['assessment_id']}"
        + ("（数据已变更）" if parameters["assessment_stale"] else "")
        if parameters["assessment_id"]
        else "尚无已完成的评估"
    )
    return f"抽取 {parameters['total']} 所，其中薄弱单位 {parameters['weakest']} 所；{basis}"


def draw_replay(record: SiteVisitDraw) -> list[draw.Pick]:
    """The draw computed again from its recorded seed, settings and candidates."""
    return _picks(record.parameters, record.inputs, record.seed)


def draw_reproduces(record: SiteVisitDraw) -> bool:
    """True when re-running the recorded draw gives exactly the recorded schools, in order."""
    recorded = list(record.schools.order_by("position").values_list("school__code", flat=True))
    return [p.code for p in draw_replay(record)] == recorded


# --- the checklist ----------------------------------------------------------------------------


def record_for(drawn: DrawnSchool) -> VisitRecord:
    record, _ = VisitRecord.objects.get_or_create(drawn=drawn)
    return record


def _counts(data: dict) -> dict:
    counts = {
        k: int(data.get(k) or 0)
        for k in ("interviewed", "satisfied", "parents_interviewed", "parents_satisfied")
    }
    if any(v < 0 for v in counts.values()):
        raise ValidationError("人数不能为负数。")
    if counts["satisfied"] > counts["interviewed"]:
        raise ValidationError("满意人数不能多于访谈人数。")
    if counts["parents_interviewed"] > counts["interviewed"]:
        raise ValidationError("家长访谈人数不能多于访谈人数。")
    if counts["parents_satisfied"] > counts["parents_interviewed"]:
        raise ValidationError("家长满意人数不能多于家长访谈人数。")
    if counts["parents_satisfied"] > counts["satisfied"]:
        raise ValidationError("家长满意人数不能多于满意人数。")
    return counts


def _deadline(county):
    """A finding is due before the inspection when its date is known, else within the setting's days."""
    default = timezone.localdate() + timedelta(days=settings.SITE_VISIT_FINDING_DEADLINE_DAYS)
    if county.inspection_date and county.inspection_date > timezone.localdate():
        return min(county.inspection_date, default)
    return default


def _file_finding(*, user, drawn: DrawnSchool, check: VisitCheck, visited_on) -> None:
    item = checklist.BY_KEY[check.key]
    school, record = drawn.school, drawn.draw
    note = f"：{check.note}" if check.note else ""
    ledger_item = item_create(
        user=user,
        county=record.county,
        schools=[school],
        note=f"实地核查抽样 #{record.pk} 发现问题",
        data={
            "source": Source.SELF_CHECK,
            "source_team": f"实地核查预演（抽样 #{record.pk}）",
            "source_date": visited_on or timezone.localdate(),
            "source_item": f"{school.name}（{school.code}）{item.label}：不符合{note}",
            "problem": f"实地核查发现：{school.name}{item.label.split('（')[0]}不符合要求{note}",
            "indicator": item.ledger_indicator,
            "year": record.year,
            "lead_unit": f"{record.county.name}教育局",
            "cooperating_units": school.name,
            "deadline": _deadline(record.county),
        },
    )
    check.ledger_item = ledger_item
    check.save(update_fields=["ledger_item"])


@transaction.atomic
def visit_save(*, user, drawn: DrawnSchool, checks: dict, counts: dict, visited_on=None) -> VisitRecord:
    """Save the checklist of one drawn school: ``checks`` {item key: (verdict, note)}, ``counts``
    the interview figures. A 不符合 becomes a ledger item of the county once: the check keeps the
    item it filed, and later saves (or a change back and forth) never file another."""
    _check_county(user, drawn.draw.county_id)
    unknown = set(checks) - set(checklist.BY_KEY)
    if unknown:
        raise ValidationError(f"未知的核查项：{'、'.join(sorted(unknown))}")
    counts = _counts(counts)
    record = VisitRecord.objects.select_for_update().get(pk=record_for(drawn).pk)
    changes = {}
    for field, value in [*counts.items(), ("visited_on", visited_on)]:
        old = getattr(record, field)
        if old != value:
            changes[field] = [
                str(old) if old is not None else None,
                str(value) if value is not None else None,
            ]
            setattr(record, field, value)
    record.updated_by = user
    record.save()
    existing = {c.key: c for c in record.checks.select_for_update()}
    filed = []
    for key, (verdict, note) in checks.items():
        if verdict not in Verdict.values:
            raise ValidationError(f"核查结论无效：{verdict}")
        note = (note or "").strip()[:300]
        check = existing.get(key) or VisitCheck(record=record, key=key)
        if check.pk is None or check.verdict != verdict or check.note != note:
            # Keyed by the item's name: the audit page shows the key to people as it is.
            changes[f"核查项：{checklist.BY_KEY[key].label.split('（')[0]}"] = [
                f"{Verdict(check.verdict).label} {check.note}".strip() if check.pk else None,
                f"{Verdict(verdict).label} {note}".strip(),
            ]
            check.verdict, check.note = verdict, note
            check.save()
        if check.verdict == Verdict.FAILS and check.ledger_item_id is None:
            _file_finding(user=user, drawn=drawn, check=check, visited_on=record.visited_on)
            filed.append(check.ledger_item.number)
    if changes or filed:
        audit_record(
            user=user,
            action=AuditEntry.Action.UPDATE,
            obj=record,
            county=drawn.draw.county,
            changes=changes,
            note=("登记整改事项第" + "、".join(map(str, filed)) + "项") if filed else "",
        )
    return record


@transaction.atomic
def photo_add(*, user, drawn: DrawnSchool, upload, key: str = "", description: str = "") -> VisitPhoto:
    """Store a photo taken at a drawn school (JPG or PNG, checked by content like ledger evidence)."""
    _check_county(user, drawn.draw.county_id)
    if key and key not in checklist.BY_KEY:
        raise ValidationError("未知的核查项。")
    kind = validate_upload(upload, allowed=PHOTO_KINDS)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = (
        str(getattr(upload, "name", "") or "照片").replace("\\", "/").rsplit("/", 1)[-1][-200:] or "照片"
    )
    photo = VisitPhoto(
        record=record_for(drawn),
        key=key,
        original_name=original,
        description=description.strip()[:200],
        kind=kind,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    photo.file.save(f"photo.{kind}", upload, save=False)
    photo.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=photo,
        county=drawn.draw.county,
        object_repr=f"{drawn.school.name} 核查照片 {original}"[:200],
        changes={"file": [None, original], "sha256": [None, photo.sha256]},
    )
    return photo


def interviews_to_table_six(*, user, record: SiteVisitDraw):
    """Write a draw's interview totals into 表Ⅵ's 实地走访 columns of its school year (the
    application package's one row, which its own service audits). A rehearsal's interviews are
    not always the ones to report, so this is a deliberate step, never automatic."""
    _check_county(user, record.county_id)
    sums = selectors.interview_sums(record)
    if not sums["interviewed"]:
        raise ValidationError("本次抽样尚未登记访谈人数。")
    return visits_save(
        county=record.county,
        year=record.year,
        values={
            "visited": sums["interviewed"],
            "satisfied": sums["satisfied"],
            "parents_visited": sums["parents_interviewed"],
            "parents_satisfied": sums["parents_satisfied"],
            "note": f"由实地核查第 {record.pk} 号抽样 {record.schools.count()} 所学校的访谈汇总",
        },
        user=user,
    )
