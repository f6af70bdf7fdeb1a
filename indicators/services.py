"""Writes of the indicators app: requesting and computing assessments, entering county items.

The one computation path is :func:`compute_assessment_result` (the CLI prints it; the task stores
it through :func:`assessment_compute`), so the command line and the pages show the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.access import require_writer
from accounts.models import AuditEntry
from accounts.services import audit_record, diff, model_snapshot
from balance_inspect.jobs import (
    JobStatus,
    enqueue,
    job_claim,
    job_fail,
    job_fail_dead,
    job_finish,
    job_progress,
    job_requeue,
    job_send_step,
)
from balance_inspect.signals import county_items_requested, receiver_name
from balance_inspect.uploads import validate_upload
from domain.schemes import SCHEMES, TARGET_NAMES
from domain.vocabulary import BAND_LABELS, CLASS_SIZE_STANDARD, SCHOOL_SIZE_LIMITS, STAGE_BY_LABEL, class_band
from schools.models import County
from schools.selectors import counties_in_region

from .county_items import BY_KEY, Entered, check_inputs, collect_provided, evaluate, merge_items
from .engine import (
    CountyItem,
    EngineSettings,
    build_units,
    cv_plans,
    get_ruleset,
    input_fingerprint,
    unit_gaps,
)
from .engine import assess as engine_assess
from .facts import CountyFacts, engine_settings, load_facts
from .models import (
    Assessment,
    CountyItemEvidence,
    CountyItemValue,
    ProvinceAssessmentCounty,
    ProvinceAssessmentRun,
)

log = logging.getLogger(__name__)


# --- county items -------------------------------------------------------------------------------


def item_limits() -> dict:
    """Lines of county items set by settings (indicators.county_items ``threshold_setting``)."""
    from django.conf import settings

    return {
        spec.key: getattr(settings, spec.threshold_setting)
        for spec in BY_KEY.values()
        if spec.threshold_setting
    }


def county_item_rows(county, year: int, scheme: str) -> list[dict]:
    """The county items of ``scheme`` for ``county``/``year``: entered inputs merged with the items
    the other apps send back on ``county_items_requested`` (see indicators.county_items for the
    contract and merge_items for the row shape). A receiver that raises fails the caller."""
    entered = {}
    for value in CountyItemValue.objects.filter(county=county, year=year).prefetch_related("evidence"):
        names = tuple(e.original_name for e in value.evidence.all())
        entered[value.key] = Entered(
            value=value.value,
            note=value.note,
            evidence=names,
            inputs=value.inputs or {},
            conclusion=value.conclusion,
        )
    responses = county_items_requested.send(sender=type(county), county=county, year=year)
    provided = collect_provided((receiver_name(receiver), items) for receiver, items in responses)
    return merge_items(scheme, entered, provided, item_limits())


def _engine_items(rows: list[dict]) -> list[CountyItem]:
    return [CountyItem(key=r["key"], label=r["label"], passed=r["passed"], detail=r["detail"]) for r in rows]


_AUDITED = ["value", "inputs", "conclusion", "note", "passed"]


def county_item_save(
    *,
    county,
    year: int,
    key: str,
    value=None,
    inputs=None,
    conclusion: str = "",
    note: str = "",
    files=(),
    user,
) -> CountyItemValue:
    """Create or update what was entered for one county item and attach evidence files.

    ``inputs``: the item's fields (name → Decimal or None; indicators.county_items ItemSpec.fields);
    ``value`` alone is a shortcut for the field ``value`` of single-value items (是/否 as 1/0).
    The judged ``value`` and ``passed`` are recomputed from the catalogue (lines of settings
    included). Fields that contradict each other are refused (ValidationError in Chinese).
    Every file is validated by content before anything is written. Audited.
    """
    spec = BY_KEY.get(key)
    if spec is None:
        raise ValidationError(f"未知的县级评估项目：{key}")
    if not spec.entry:
        raise ValidationError(f"“{spec.label}”由系统根据数据自动计算（{spec.provider_hint}），无需录入")
    given = dict(inputs or {})
    if value is not None and not given:
        given = {"value": value}
    names = {f.name for f in spec.fields}
    unknown = sorted(set(given) - names)
    if unknown:
        raise ValidationError(f"“{spec.label}”没有这些填报项：{'、'.join(unknown)}")
    stored = {k: format(Decimal(v).normalize(), "f") for k, v in given.items() if v is not None}
    errors = check_inputs(spec, stored)
    if errors:
        raise ValidationError(errors)
    judged = evaluate(spec, stored, item_limits())
    if judged.value is not None and abs(judged.value) >= 10**10:
        raise ValidationError(f"“{spec.label}”计算结果过大，请检查填报数据")
    kinds = [validate_upload(f) for f in files]
    with transaction.atomic():
        item = CountyItemValue.objects.select_for_update().filter(county=county, year=year, key=key).first()
        created = item is None
        old = {} if created else model_snapshot(item, _AUDITED)
        if created:
            item = CountyItemValue(county=county, year=year, key=key)
        item.inputs = stored
        item.conclusion = conclusion or ""
        item.value = None if judged.value is None else _decimal(judged.value)
        item.passed = judged.passed
        item.note = note
        item.entered_by = user
        item.save()
        new = model_snapshot(item, _AUDITED)
        changes = diff(old, new)
        if created or changes:
            audit_record(
                user=user,
                action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                obj=item,
                changes=changes,
            )
        for upload, kind in zip(files, kinds, strict=True):
            _evidence_add(item=item, upload=upload, kind=kind, user=user)
    return item


def _decimal(x) -> Decimal:
    """A judged figure as the stored Decimal (4 places, half up; the verdict was judged unrounded)."""
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _evidence_add(*, item, upload, kind: str, user) -> CountyItemEvidence:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = CountyItemEvidence(
        item=item,
        original_name=(upload.name or "佐证材料")[:255],
        kind=kind,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    evidence.file.save("evidence", upload, save=True)
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=evidence,
        county=item.county,
        note=f"{item.label} 佐证材料",
    )
    return evidence


def county_item_evidence_delete(*, evidence: CountyItemEvidence, user) -> None:
    """Remove an evidence file (the row and the stored file). Audited."""
    item = evidence.item
    name = evidence.file.name
    storage = evidence.file.storage
    with transaction.atomic():
        audit_record(
            user=user,
            action=AuditEntry.Action.DELETE,
            obj=evidence,
            county=item.county,
            note=f"{item.label} 佐证材料",
        )
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- the county's target scheme -----------------------------------------------------------------


def county_set_target_scheme(*, user, county, scheme: str) -> bool:
    """Set which scheme the county is inspected for (基本均衡 basic-2012 / 优质均衡 quality-2017).

    Its runs become the county's current assessment (indicators.selectors.current_assessment);
    runs of the other scheme are comparisons. Bureau staff of the county and admins only.
    Audited. Returns False when the scheme was already the target (nothing written).
    """
    require_writer(user)
    if user.county_id is not None and user.county_id != county.pk:
        raise PermissionDenied("不在您的管辖范围内")
    if scheme not in SCHEMES:
        raise ValidationError(f"未知的评估方案：{scheme}")
    with transaction.atomic():
        county = County.objects.select_for_update().get(pk=county.pk)
        old = county.target_scheme
        if old == scheme:
            return False
        county.target_scheme = scheme
        county.save(update_fields=["target_scheme"])
        audit_record(
            user=user,
            action=AuditEntry.Action.UPDATE,
            obj=county,
            county=county,
            changes={"target_scheme": [old, scheme]},
            note=f"目标评估方案改为{TARGET_NAMES[scheme]}（原为{TARGET_NAMES.get(old, old)}）",
        )
    return True


# --- assessments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    facts: CountyFacts
    settings: EngineSettings
    item_rows: list[dict]
    fingerprint: str


def _check_scheme(scheme: str) -> None:
    try:
        get_ruleset(scheme)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _prepare(county, year: int, scheme: str) -> _Prepared:
    _check_scheme(scheme)
    facts = load_facts(county, year)
    settings = engine_settings()
    rows = county_item_rows(county, year, scheme)
    engine_fp = input_fingerprint(
        facts.schools, facts.teachers, facts.classes, scheme, settings, county_items=_engine_items(rows)
    )
    # The engine fingerprint covers the verdicts of the county items; the stored rows also show
    # notes and evidence names, so they are hashed too: a new evidence file makes a new result.
    extra = json.dumps({"rows": rows, "load_warnings": facts.warnings}, ensure_ascii=False, sort_keys=True)
    fingerprint = hashlib.sha256(f"{engine_fp}\n{extra}".encode()).hexdigest()
    return _Prepared(facts=facts, settings=settings, item_rows=rows, fingerprint=fingerprint)


def input_fingerprint_for(county, year: int, scheme: str) -> str:
    """Fingerprint of the current input of an assessment (school data, settings, county items)."""
    return _prepare(county, year, scheme).fingerprint


def _compute(county, year: int, scheme: str, prepared: _Prepared) -> tuple[dict, dict]:
    facts, settings = prepared.facts, prepared.settings
    result = engine_assess(
        facts.schools,
        facts.teachers,
        facts.classes,
        scheme,
        settings,
        county_items=_engine_items(prepared.item_rows),
    )
    built = build_units(facts.schools, facts.teachers, settings)
    # Leaving schools out (settings) is for resource allocation only: class size, school size
    # and rooms cover every school (built.size_units are the left-out schools' own units).
    names = {s.code: s.name for s in facts.schools}

    large_classes = []
    for row in facts.class_rows:
        stage = STAGE_BY_LABEL.get(row.stage)
        if row.school_code in names and stage and row.students > CLASS_SIZE_STANDARD[stage]:
            large_classes.append(
                {
                    "code": row.school_code,
                    "name": names.get(row.school_code, ""),
                    "stage": stage,
                    "grade": row.grade,
                    "class_name": row.name,
                    "students": row.students,
                    "standard": CLASS_SIZE_STANDARD[stage],
                    "band": BAND_LABELS[class_band(stage, row.students)],
                }
            )
    own: dict[str, int] = defaultdict(int)
    first = {}
    for unit in [*built.units, *built.size_units]:
        own[unit.school_code] += unit.own_students
        first.setdefault(unit.school_code, unit)
    school_sizes = [
        {
            "code": code,
            "name": first[code].school_name,
            "school_type": first[code].school_type,
            "students": own[code],
            "limit": SCHOOL_SIZE_LIMITS[first[code].school_type],
            "over": own[code] > SCHOOL_SIZE_LIMITS[first[code].school_type],
        }
        for code in sorted(own)
    ]

    doc = {"county": county.code, "year": int(year)}
    doc.update(result)
    rs = get_ruleset(scheme)
    for stage, stage_doc in doc["stages"].items():
        # The line each stage is judged by (the composite's under basic-2012), so a reader of one
        # stage needs no rule set.
        stage_doc["cv_threshold"] = rs.cv_thresholds[stage]
        stage_doc["cv_rule"] = rs.cv_rule
    doc["warnings"] = [*facts.warnings, *result["warnings"]]
    doc["checks"] = {**result["checks"], "large_classes": large_classes, "school_sizes": school_sizes}
    doc["county_items"] = prepared.item_rows
    # Plans add to the whole multi-stage school (its parts share what is added): built.splits.
    doc["gaps"] = {
        "units": unit_gaps(built.units, scheme, built.splits),
        "cv_plans": cv_plans(built.units, scheme, built.splits),
    }
    doc["settings"] = settings.to_dict()
    doc["input_fingerprint"] = prepared.fingerprint
    inputs = {
        "units": [asdict(u) for u in built.units],
        "classes": [
            [c.school_code, c.stage, c.grade, c.students] for c in facts.classes if c.school_code in names
        ],
        "size_units": [asdict(u) for u in built.size_units],
        "splits": [split.to_dict() for split in built.splits.values()],
    }
    # One spelling for the stored and the printed document: what json gives back is what is stored.
    return json.loads(json.dumps(doc, ensure_ascii=False, allow_nan=False)), inputs


def compute_assessment_result(county, year: int, scheme: str) -> dict:
    """The full assessment document of ``county`` (a County) for ``year`` under ``scheme``.

    data-contract §3 (county as its code string, year int, scheme, passed, reasons, stages, units;
    numbers unrounded) plus: ``stages.<stage>.cv_threshold``/``cv_rule`` (the line the stage is
    judged by; under basic-2012 the composite's), per unit ``school_name``/``township``,
    ``warnings``, ``checks`` {school_size, rooms, large_classes, school_sizes},
    ``county_items`` (indicators.county_items.merge_items rows), ``gaps`` {units: unit_gaps,
    cv_plans}, ``settings`` (EngineSettings.to_dict) and ``input_fingerprint``.
    Raises ValidationError for an unknown scheme.
    """
    prepared = _prepare(county, year, scheme)
    return _compute(county, year, scheme, prepared)[0]


def assessment_request(*, county, year: int, scheme: str, user) -> Assessment:
    """Ask for an assessment of the current data.

    Returns the latest finished assessment with the same county, year, scheme and input
    fingerprint when there is one (nothing is queued), else one already queued or running for
    that input, else a new queued Assessment whose task is sent after commit. Audited on create.
    The returned instance carries ``reused`` (True when an existing row was returned).
    """
    from .selectors import assessment_for_input

    prepared = _prepare(county, year, scheme)
    same = Assessment.objects.filter(
        county=county, year=year, scheme=scheme, fingerprint=prepared.fingerprint
    )
    for status in (JobStatus.DONE, JobStatus.RUNNING, JobStatus.QUEUED):
        if status == JobStatus.DONE:
            existing = assessment_for_input(county, year, scheme, fingerprint=prepared.fingerprint)
        else:
            existing = same.filter(status=status).order_by("-created_at", "-id").first()
        if existing is None:
            continue
        if existing.looks_dead:  # its worker died: end it now, a new run is queued below
            job_fail_dead(Assessment, existing.pk)
            continue
        if existing.status == JobStatus.QUEUED:
            # Asking again sends again: the first message may be lost (broker down); the claim
            # makes a second delivery harmless.
            enqueue(Assessment, existing.pk)
        existing.reused = True
        return existing

    with transaction.atomic():
        assessment = Assessment.objects.create(
            county=county, year=year, scheme=scheme, fingerprint=prepared.fingerprint, requested_by=user
        )
        audit_record(user=user, action=AuditEntry.Action.CREATE, obj=assessment, county=county)
        enqueue(Assessment, assessment.pk)
    assessment.reused = False
    return assessment


def assessment_compute(assessment_id: int, prepared: _Prepared | None = None) -> None:
    """Compute a claimed (running) assessment and store its result; does nothing for any other state.

    ``prepared``: the input already loaded by the caller (``assessment_run_now``), so a county is
    read once. Exceptions propagate: the task records them as the failure reason.
    """
    assessment = Assessment.objects.select_related("county").get(pk=assessment_id)
    if assessment.status != JobStatus.RUNNING:
        return
    if prepared is None:
        job_progress(Assessment, assessment.pk, 10, "读取学校数据")
        prepared = _prepare(assessment.county, assessment.year, assessment.scheme)
    job_progress(Assessment, assessment.pk, 40, "计算差异系数与达标情况")
    result, inputs = _compute(assessment.county, assessment.year, assessment.scheme, prepared)
    job_finish(
        Assessment,
        assessment.pk,
        result=result,
        inputs=inputs,
        fingerprint=prepared.fingerprint,
        passed=result["passed"],
    )


def assessment_run_now(*, county, year: int, scheme: str, user=None) -> Assessment:
    """Create, claim and compute an assessment in this process (demo data, ``assess --store``,
    dossiers).

    Same rows and audit as a requested one, without a broker. Like a request, a finished run of
    the same input is returned instead of computing again (``reused`` True), so re-running on
    unchanged data keeps the same current assessment.
    """
    from .selectors import assessment_for_input

    prepared = _prepare(county, year, scheme)
    existing = assessment_for_input(county, year, scheme, fingerprint=prepared.fingerprint)
    if existing is not None:
        existing.reused = True
        return existing
    with transaction.atomic():
        assessment = Assessment.objects.create(county=county, year=year, scheme=scheme, requested_by=user)
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            obj=assessment,
            county=county,
            note="直接计算（不经后台队列）",
        )
    job_claim(Assessment, assessment.pk)
    try:
        assessment_compute(assessment.pk, prepared)
    except Exception as exc:  # the row must not stay running: it fails with the reason, the caller hears it
        job_fail(Assessment, assessment.pk, f"评估计算失败：{exc}")
        raise
    assessment.refresh_from_db()
    assessment.reused = False
    return assessment


# --- assessing every county of a region ---------------------------------------------------------

# Task names (services send by name and never import tasks).
REGION_COUNTY_TASK = "indicators.tasks.assess_region_county_task"
REGION_FINISH_TASK = "indicators.tasks.finish_region_assessment_task"
# Progress: counties finished share 0–95 %; the finish step claims the run by moving it to 97 %.
_REGION_FINISH_MARK = 97
_FAILED_LISTED = 10


def runs_in_one_process() -> bool:
    """The embedded default (filesystem broker, the one worker of `make run`) or eager tasks:
    the counties are still separate tasks, but one process assesses them one after another."""
    from django.conf import settings

    return settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("filesystem://")


def region_assessment_request(*, region, year: int, scheme: str, user) -> ProvinceAssessmentRun:
    """Ask for an assessment of every county of ``region`` (a province or a city): a queued run with
    one pending row per county, sent to the workers after commit. Audited."""
    _check_scheme(scheme)
    counties = list(counties_in_region(region).order_by("code"))
    if not counties:
        raise ValidationError(f"{region.name}（{region.code}）下没有区县")
    with transaction.atomic():
        run = ProvinceAssessmentRun.objects.create(region=region, year=year, scheme=scheme, requested_by=user)
        ProvinceAssessmentCounty.objects.bulk_create(
            ProvinceAssessmentCounty(run=run, county=county) for county in counties
        )
        audit_record(
            user=user, action=AuditEntry.Action.CREATE, obj=run, note=f"{len(counties)} 个区县，逐县并行评估"
        )
        enqueue(ProvinceAssessmentRun, run.pk)
    return run


def region_assessment_retry(*, run: ProvinceAssessmentRun, user) -> ProvinceAssessmentRun:
    """Send a run that is not running again; only its counties not done are assessed again."""
    if not job_requeue(ProvinceAssessmentRun, run.pk):
        raise ValidationError("正在进行或已完成的区域评估不能重试")
    audit_record(user=user, action=AuditEntry.Action.UPDATE, obj=run, note="重试未完成的区县")
    enqueue(ProvinceAssessmentRun, run.pk)
    run.refresh_from_db()
    return run


def _open_counties(run_id: int):
    """A county that failed or was left running by a dead worker is pending again."""
    rows = ProvinceAssessmentCounty.objects.filter(run_id=run_id)
    rows.exclude(status=ProvinceAssessmentCounty.Status.DONE).update(
        status=ProvinceAssessmentCounty.Status.PENDING, error="", started_at=None, finished_at=None
    )
    return list(
        rows.filter(status=ProvinceAssessmentCounty.Status.PENDING)
        .order_by("county__code")
        .values_list("county_id", flat=True)
    )


def region_assessment_start(run_id: int) -> None:
    """The run's task: send one step per county not done yet (a retry skips the counties already
    assessed), or the finish step when none is left. Exceptions propagate to the task."""
    run = ProvinceAssessmentRun.objects.get(pk=run_id)
    if run.status != JobStatus.RUNNING:
        return
    missing = _open_counties(run.pk)
    region_progress(run.pk)
    if not missing:
        job_send_step(REGION_FINISH_TASK, run.pk)
    for county_id in missing:
        job_send_step(REGION_COUNTY_TASK, run.pk, county_id)


def region_county_assess(run_id: int, county_id: int, *, send_finish: bool = True) -> None:
    """Assess one county of a running run through the county service (``assessment_run_now``:
    the same rows, audit and reuse of unchanged input as any assessment) and record the outcome
    on its row; a failure is recorded with its reason, never raised. The step that finishes the
    last open county sends the finish step (two may both send it: the finish claims once)."""
    Status = ProvinceAssessmentCounty.Status
    rows = ProvinceAssessmentCounty.objects.filter(run_id=run_id, county_id=county_id)
    if rows.filter(status=Status.PENDING).update(status=Status.RUNNING, started_at=timezone.now()):
        run = ProvinceAssessmentRun.objects.select_related("requested_by").get(pk=run_id)
        county = County.objects.get(pk=county_id)
        started = time.perf_counter()
        try:
            assessment = assessment_run_now(
                county=county, year=run.year, scheme=run.scheme, user=run.requested_by
            )
            if assessment.status != JobStatus.DONE:
                raise ValidationError(assessment.error or "评估未完成")
        except Exception as exc:  # recorded on the county's row; the other counties go on
            log.exception("region run %s: county %s failed", run_id, county.code)
            rows.update(
                status=Status.FAILED,
                error=_reason(exc)[:2000],
                seconds=time.perf_counter() - started,
                finished_at=timezone.now(),
            )
        else:
            rows.update(
                status=Status.DONE,
                assessment=assessment,
                passed=assessment.passed,
                seconds=time.perf_counter() - started,
                finished_at=timezone.now(),
            )
    counts = region_progress(run_id)
    if send_finish and counts["open"] == 0:
        job_send_step(REGION_FINISH_TASK, run_id)


def _reason(exc: Exception) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return "评估计算超时"
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return f"评估计算失败：{exc}"


def region_counts(run_id: int) -> dict:
    """How many counties of a run are in each state (one query)."""
    Status = ProvinceAssessmentCounty.Status
    # Keys prefixed: an aggregate may not take the name of a field (passed).
    found = ProvinceAssessmentCounty.objects.filter(run_id=run_id).aggregate(
        n_total=Count("id"),
        n_done=Count("id", filter=Q(status=Status.DONE)),
        n_failed=Count("id", filter=Q(status=Status.FAILED)),
        n_passed=Count("id", filter=Q(status=Status.DONE, passed=True)),
        n_not_passed=Count("id", filter=Q(status=Status.DONE, passed=False)),
    )
    counts = {key[2:]: value for key, value in found.items()}
    counts["open"] = counts["total"] - counts["done"] - counts["failed"]
    counts["incomplete"] = counts["done"] - counts["passed"] - counts["not_passed"]
    return counts


def region_progress(run_id: int) -> dict:
    counts = region_counts(run_id)
    finished = counts["done"] + counts["failed"]
    percent = int(95 * finished / counts["total"]) if counts["total"] else 95
    note = f"已评估 {finished} / {counts['total']} 个区县"
    if counts["failed"]:
        note += f"（失败 {counts['failed']} 个）"
    # Counties finish in any order and in several processes: progress only ever goes up. A county
    # finished is new work given to the run, as a step sent is: the reaper's overtime rule (no
    # step sent for longer than a task may run) must not end a long run that is moving.
    now = timezone.now()
    ProvinceAssessmentRun.objects.filter(pk=run_id, status=JobStatus.RUNNING, progress__lte=percent).update(
        progress=percent, progress_note=note, heartbeat_at=now, sent_at=now
    )
    return counts


def region_assessment_finish(run_id: int) -> None:
    """Sum up a run whose counties are all finished: done, or failed with the counties' reasons."""
    claimed = ProvinceAssessmentRun.objects.filter(
        pk=run_id, status=JobStatus.RUNNING, progress__lt=_REGION_FINISH_MARK
    ).update(progress=_REGION_FINISH_MARK, progress_note="正在汇总", heartbeat_at=timezone.now())
    if not claimed:
        return  # another delivery finishes it
    run = ProvinceAssessmentRun.objects.get(pk=run_id)
    counts = region_counts(run_id)
    summary = {
        **{k: counts[k] for k in ("done", "failed", "passed", "not_passed", "incomplete")},
        "counties": counts["total"],
        "seconds": (timezone.now() - run.started_at).total_seconds() if run.started_at else 0.0,
    }
    ProvinceAssessmentRun.objects.filter(pk=run_id).update(summary=summary)
    if counts["failed"] or counts["open"]:
        failed = (
            ProvinceAssessmentCounty.objects.filter(run_id=run_id)
            .exclude(status=ProvinceAssessmentCounty.Status.DONE)
            .select_related("county")
            .order_by("county__code")
        )
        listed = [
            f"{row.county.name}（{row.county.code}）：{row.error or '未评估'}"
            for row in failed[:_FAILED_LISTED]
        ]
        more = counts["failed"] + counts["open"] - len(listed)
        job_fail(
            ProvinceAssessmentRun,
            run_id,
            f"{counts['failed'] + counts['open']} 个区县评估失败，其余 {counts['done']} 个已完成（可重试失败的区县）："
            + "；".join(listed)
            + (f"；另有 {more} 个" if more > 0 else ""),
        )
        return
    job_finish(
        ProvinceAssessmentRun,
        run_id,
        progress_note=(
            f"{counts['done']} 个区县已评估：通过 {counts['passed']} 个，未通过 {counts['not_passed']} 个，"
            f"未完成 {counts['incomplete']} 个"
        ),
    )


def region_assessment_run_here(run: ProvinceAssessmentRun, on_county=None) -> ProvinceAssessmentRun:
    """Run a queued run in this process, county after county (``assess_province --inline``), with
    the same rows and outcomes as on the workers; ``on_county(counts)`` after each county."""
    if not job_claim(ProvinceAssessmentRun, run.pk):
        raise ValidationError("该区域评估已在进行或已结束")
    for county_id in _open_counties(run.pk):
        region_county_assess(run.pk, county_id, send_finish=False)
        if on_county:
            on_county(region_counts(run.pk))
    region_assessment_finish(run.pk)
    run.refresh_from_db()
    return run
