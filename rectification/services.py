"""Every write of the rectification app; each one audited (accounts.services.audit_record).

Status changes go through one function per transition (item_start, item_complete, item_close,
item_mark_long_term, item_reopen; task_start, task_complete, task_reopen), each refusing an
illegal transition with a Chinese ValidationError. Callers pass objects they already obtained
through the access layer; the services check the role again because they are also called from
the shell, the demo and imports.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import require_writer
from accounts.models import AuditEntry
from accounts.services import audit_record, diff, model_snapshot
from balance_inspect.uploads import EVIDENCE_KINDS, validate_upload
from rectification import archive_tree, feedback, results, schedule
from rectification.models import (
    ArchiveFile,
    ArchivePoint,
    EvidenceFile,
    ItemStatus,
    PrepTask,
    PrepTaskTemplate,
    ProgressEntry,
    Proposal,
    ProposalStatus,
    RectificationItem,
    Source,
    TaskStatus,
)
from rectification.selectors import item_indicator_standing
from schools.models import County, School

ITEM_FIELDS = (
    "source",
    "source_no",
    "source_item",
    "source_team",
    "source_date",
    "problem",
    "indicator",
    "stage",
    "year",
    "target",
    "measures",
    "lead_unit",
    "cooperating_units",
    "responsible_person",
    "deadline",
    "remarks",
)
TASK_FIELDS = ("title", "description", "owner_unit", "owner_user", "deadline")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _check_county(user, county_id: int) -> None:
    """Bureau staff act in their own county only (admins without a county act anywhere)."""
    require_writer(user)
    if user.county_id is not None and user.county_id != county_id:
        raise PermissionDenied("不在您的管辖范围内")


def _school_codes(item) -> list[str]:
    return sorted(s.code for s in item.schools.all())


def _check_schools(county: County, schools) -> list[School]:
    schools = list(schools)
    foreign = [s.code for s in schools if s.county_id != county.pk]
    if foreign:
        raise ValidationError(f"学校 {'、'.join(foreign)} 不属于{county.name}")
    return schools


# --- ledger items ---------------------------------------------------------------------------


def _next_number(county: County) -> int:
    # Lock the county row so that two concurrent creations do not pick the same number.
    County.objects.select_for_update().filter(pk=county.pk).first()
    current = RectificationItem.objects.filter(county=county).aggregate(m=Max("number"))["m"]
    return (current or 0) + 1


@transaction.atomic
def item_create(*, user, county: County, data: dict, schools=(), note: str = "") -> RectificationItem:
    """Create a ledger item with the next number of the county; ``data`` holds ITEM_FIELDS."""
    _check_county(user, county.pk)
    schools = _check_schools(county, schools)
    item = RectificationItem(
        county=county,
        number=_next_number(county),
        created_by=user,
        **{k: v for k, v in data.items() if k in ITEM_FIELDS},
    )
    item.full_clean(exclude=["schools"])
    item.save()
    item.schools.set(schools)
    new = model_snapshot(item, ITEM_FIELDS + ("number", "status"))
    changes = diff({}, new)
    changes["schools"] = [[], sorted(s.code for s in schools)]
    audit_record(user=user, action=AuditEntry.Action.CREATE, obj=item, changes=changes, note=note)
    return item


@transaction.atomic
def item_update(
    *, user, item: RectificationItem, data: dict, schools=None, note: str = ""
) -> RectificationItem:
    """Change the ledger fields of an item (not its status). A closed item is frozen until reopened."""
    _check_county(user, item.county_id)
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.CLOSED:
        raise ValidationError("该事项已销号，不能修改；如需修改请先重新打开。")
    old = model_snapshot(item, ITEM_FIELDS)
    old_codes = _school_codes(item)
    for key, value in data.items():
        if key in ITEM_FIELDS:
            setattr(item, key, value)
    item.full_clean(exclude=["schools"])
    item.save()
    changes = diff(old, model_snapshot(item, ITEM_FIELDS))
    if schools is not None:
        schools = _check_schools(item.county, schools)
        item.schools.set(schools)
        new_codes = sorted(s.code for s in schools)
        if new_codes != old_codes:
            changes["schools"] = [old_codes, new_codes]
    if changes:
        audit_record(user=user, action=AuditEntry.Action.UPDATE, obj=item, changes=changes, note=note)
    return item


# Allowed transitions: target -> states it may be reached from.
ITEM_TRANSITIONS = {
    ItemStatus.IN_PROGRESS: (ItemStatus.NOT_STARTED,),
    ItemStatus.COMPLETED: (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS),
    ItemStatus.CLOSED: (ItemStatus.COMPLETED, ItemStatus.LONG_TERM),
    ItemStatus.LONG_TERM: (ItemStatus.IN_PROGRESS, ItemStatus.COMPLETED),
}
REOPENABLE = (ItemStatus.COMPLETED, ItemStatus.CLOSED, ItemStatus.LONG_TERM)


def _transition(*, user, item, target: str, allowed_from, note: str, **fields) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in allowed_from:
        raise ValidationError(
            f"当前状态为“{item.get_status_display()}”，不能变更为“{ItemStatus(target).label}”。"
        )
    old = model_snapshot(item, ("status", *fields))
    item.status = target
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.TRANSITION,
        obj=item,
        changes=diff(old, model_snapshot(item, ("status", *fields))),
        note=note,
    )
    return item


@transaction.atomic
def item_start(*, user, item: RectificationItem, note: str = "") -> RectificationItem:
    """未启动 → 推进中."""
    _check_county(user, item.county_id)
    return _transition(
        user=user,
        item=item,
        target=ItemStatus.IN_PROGRESS,
        allowed_from=ITEM_TRANSITIONS[ItemStatus.IN_PROGRESS],
        note=note,
    )


@transaction.atomic
def item_complete(*, user, item: RectificationItem, note: str = "") -> RectificationItem:
    """未启动/推进中 → 已完成 (awaiting verification and closing)."""
    _check_county(user, item.county_id)
    return _transition(
        user=user,
        item=item,
        target=ItemStatus.COMPLETED,
        allowed_from=ITEM_TRANSITIONS[ItemStatus.COMPLETED],
        note=note,
    )


@transaction.atomic
def item_close(
    *, user, item: RectificationItem, verification: str, today: date | None = None
) -> RectificationItem:
    """已完成/长期坚持 → 已销号 (对账销号).

    Only bureau staff of the item's county close, only with at least one evidence file and a
    verification note; the note becomes the verification opinion, the closer and date are stored.
    An item linked to an indicator cannot be closed while the county's current assessment (target
    scheme; see rectification.selectors.item_indicator_standing) still fails it.
    """
    if not user.is_authenticated or not user.closes_ledger or user.county_id != item.county_id:
        raise PermissionDenied("只有本县教育局工作人员可以销号")
    verification = (verification or "").strip()
    if not verification:
        raise ValidationError("销号须填写核查意见。")
    if not EvidenceFile.objects.filter(item_id=item.pk).exists():
        raise ValidationError("销号须至少上传一份佐证材料。")
    standing = item_indicator_standing(item)
    if standing and standing["still_failing"]:
        stale = "（数据已变更，请重新评估）" if standing["stale"] else "，整改完成后请重新评估"
        raise ValidationError(
            f"当前评估 #{standing['assessment'].pk}（{standing['scheme_label']}）中“{standing['label']}”仍未达标{stale}，不能销号。"
        )
    return _transition(
        user=user,
        item=item,
        target=ItemStatus.CLOSED,
        allowed_from=ITEM_TRANSITIONS[ItemStatus.CLOSED],
        note="销号",
        verification_opinion=verification,
        closed_on=_today(today),
        closed_by=user,
    )


@transaction.atomic
def item_mark_long_term(*, user, item: RectificationItem, note: str) -> RectificationItem:
    """推进中/已完成 → 长期坚持 (a problem that is kept under control rather than finished)."""
    _check_county(user, item.county_id)
    note = (note or "").strip()
    if not note:
        raise ValidationError("标记为长期坚持须说明长效机制。")
    return _transition(
        user=user,
        item=item,
        target=ItemStatus.LONG_TERM,
        allowed_from=ITEM_TRANSITIONS[ItemStatus.LONG_TERM],
        note=note,
    )


@transaction.atomic
def item_reopen(*, user, item: RectificationItem, reason: str) -> RectificationItem:
    """已完成/已销号/长期坚持 → 推进中; clears the closing date and closer. Bureau staff only."""
    if not user.is_authenticated or not user.closes_ledger or user.county_id != item.county_id:
        raise PermissionDenied("只有本县教育局工作人员可以重新打开事项")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("重新打开须说明原因。")
    return _transition(
        user=user,
        item=item,
        target=ItemStatus.IN_PROGRESS,
        allowed_from=REOPENABLE,
        note=reason,
        closed_on=None,
        closed_by=None,
    )


@transaction.atomic
def progress_add(*, user, item: RectificationItem, date: date, text: str) -> ProgressEntry:
    _check_county(user, item.county_id)
    item = RectificationItem.objects.select_for_update().select_related("county").get(pk=item.pk)
    if item.status == ItemStatus.CLOSED:
        raise ValidationError("该事项已销号，不能再填报进展。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写进展情况。")
    entry = ProgressEntry.objects.create(item=item, date=date, text=text, author=user)
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=entry,
        county=item.county,
        object_repr=f"{item} 进展 {date}",
        changes={"date": [None, str(date)], "text": [None, text]},
    )
    return entry


# --- files ----------------------------------------------------------------------------------


def _file_facts(upload) -> tuple[str, int, str]:
    """(kind by content, size, sha256); raises ValidationError for a refused file."""
    kind = validate_upload(upload, allowed=EVIDENCE_KINDS)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return kind, upload.size, digest.hexdigest()


def _original_name(upload) -> str:
    # Keep only the last path component of what the browser sent; it is used for display only.
    name = str(getattr(upload, "name", "") or "文件").replace("\\", "/").rsplit("/", 1)[-1]
    return name[-200:] or "文件"


@transaction.atomic
def evidence_add(*, user, item: RectificationItem, upload, description: str = "") -> EvidenceFile:
    """Store an evidence file of an item, after checking size and content (pdf/jpg/png/docx/xlsx)."""
    _check_county(user, item.county_id)
    item = RectificationItem.objects.select_for_update().select_related("county").get(pk=item.pk)
    if item.status == ItemStatus.CLOSED:
        raise ValidationError("该事项已销号，不能再上传佐证材料。")
    kind, size, sha = _file_facts(upload)
    original = _original_name(upload)
    evidence = EvidenceFile(
        item=item,
        original_name=original,
        description=description.strip()[:200],
        kind=kind,
        size=size,
        sha256=sha,
        uploaded_by=user,
    )
    evidence.file.save(f"upload.{kind}", upload, save=False)
    evidence.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=evidence,
        county=item.county,
        object_repr=f"{item} 佐证 {original}"[:200],
        changes={"file": [None, original], "sha256": [None, sha]},
    )
    return evidence


@transaction.atomic
def archive_file_add(
    *, user, county: County, point: ArchivePoint, upload, description: str = ""
) -> ArchiveFile:
    _check_county(user, county.pk)
    kind, size, sha = _file_facts(upload)
    original = _original_name(upload)
    stored = ArchiveFile(
        county=county,
        point=point,
        original_name=original,
        description=description.strip()[:200],
        kind=kind,
        size=size,
        sha256=sha,
        uploaded_by=user,
    )
    stored.file.save(f"upload.{kind}", upload, save=False)
    stored.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=stored,
        county=county,
        object_repr=f"档案 {point.code} {original}"[:200],
        changes={"file": [None, original], "sha256": [None, sha]},
    )
    return stored


# --- feedback import ------------------------------------------------------------------------


class ImportRefused(Exception):
    """The file was refused as a whole; ``errors`` are RowError (row, column, reason)."""

    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = list(errors)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def _read_first_sheet(upload) -> list[tuple]:
    from openpyxl import load_workbook

    from balance_inspect.xlsx_read import check_xlsx_bounds, data_rows

    upload.seek(0)
    try:
        check_xlsx_bounds(upload)  # before openpyxl: a bomb is refused without being unpacked
    except ValidationError as exc:
        raise ImportRefused([feedback.RowError(1, "文件", exc.messages[0])]) from exc
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ImportRefused(
            [feedback.RowError(1, "文件", f"无法读取 Excel 文件：{exc.__class__.__name__}")]
        ) from exc
    try:
        header, rows = data_rows(
            wb.worksheets[0],
            (*feedback.COLUMNS, *feedback.OPTIONAL_COLUMNS),
            lambda c: "" if c is None else str(c).strip(),
        )
        return [tuple(header), *(tuple(row) for row in rows)]
    finally:
        wb.close()


def feedback_import(*, user, county: County, upload) -> ImportSummary:
    """Import a feedback list (xlsx, columns of rectification.feedback.COLUMNS), all-or-nothing.

    The key of a row is 反馈来源 + 反馈日期 + 序号: re-importing updates the item with that key
    (closed items are refused), new keys get the next ledger number. Raises ImportRefused.
    """
    _check_county(user, county.pk)
    try:
        validate_upload(upload, allowed=("xlsx",))
    except ValidationError as exc:
        raise ImportRefused([feedback.RowError(1, "文件", exc.messages[0])]) from exc
    rows = _read_first_sheet(upload)
    from rectification.selectors import indicator_lookup

    schools = {s.code: s for s in School.objects.filter(county=county)}
    records, errors = feedback.parse_feedback(
        rows,
        sources={label: value for value, label in Source.choices},
        indicators=indicator_lookup(),
        school_codes=schools,
    )
    if errors:
        raise ImportRefused(errors)
    existing = {
        (i.source, i.source_date, i.source_no): i
        for i in RectificationItem.objects.filter(county=county, source_no__isnull=False)
    }
    closed = [
        feedback.RowError(r.row, "序号", "对应事项已销号，不能通过导入修改")
        for r in records
        if r.key in existing and existing[r.key].status == ItemStatus.CLOSED
    ]
    if closed:
        raise ImportRefused(closed)
    created = updated = 0
    with transaction.atomic():
        for r in records:
            data = {
                "source": r.source,
                "source_no": r.source_no,
                "source_date": r.source_date,
                "problem": r.problem,
                "indicator": r.indicator,
                "target": r.target,
                "measures": r.measures,
                "lead_unit": r.lead_unit,
                "cooperating_units": r.cooperating_units,
                "responsible_person": r.responsible_person,
                "deadline": r.deadline,
            }
            if r.source_team:
                data["source_team"] = r.source_team
            if r.source_item:
                data["source_item"] = r.source_item
            school_rows = [schools[c] for c in r.school_codes]
            if r.key in existing:
                item_update(
                    user=user, item=existing[r.key], data=data, schools=school_rows, note="反馈清单导入"
                )
                updated += 1
            else:
                item_create(user=user, county=county, data=data, schools=school_rows, note="反馈清单导入")
                created += 1
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORT,
            object_type="rectification.feedback",
            object_repr=_original_name(upload),
            county=county,
            note=f"导入反馈问题清单：新增 {created} 项，更新 {updated} 项",
        )
    return ImportSummary(created=created, updated=updated)


# --- inspection date and prep plan ----------------------------------------------------------


@transaction.atomic
def county_set_inspection_date(*, user, county: County, inspection_date: date | None) -> int:
    """Set the county's inspection date and move the deadlines of open template tasks that follow
    it (T-n stays T-n). Returns the number of tasks rescheduled."""
    _check_county(user, county.pk)
    county = County.objects.select_for_update().get(pk=county.pk)
    old = county.inspection_date
    if old == inspection_date:
        return 0
    county.inspection_date = inspection_date
    county.save(update_fields=["inspection_date"])
    audit_record(
        user=user,
        action=AuditEntry.Action.UPDATE,
        obj=county,
        county=county,
        changes={
            "inspection_date": [str(old) if old else None, str(inspection_date) if inspection_date else None]
        },
        note="设置国检日期",
    )
    if inspection_date is None:
        return 0
    moved = 0
    tasks = (
        PrepTask.objects.select_for_update()
        .filter(
            county=county,
            follows_inspection_date=True,
            days_before__isnull=False,
        )
        .exclude(status=TaskStatus.DONE)
    )
    for task in tasks:
        new_deadline = schedule.deadline_for(inspection_date, task.days_before)
        if new_deadline == task.deadline:
            continue
        audit_record(
            user=user,
            action=AuditEntry.Action.UPDATE,
            obj=task,
            county=county,
            changes={"deadline": [str(task.deadline), str(new_deadline)]},
            note="国检日期调整，倒排工期重排",
        )
        task.deadline = new_deadline
        task.save(update_fields=["deadline", "updated_at"])
        moved += 1
    return moved


def task_templates_ensure(template_model=PrepTaskTemplate) -> int:
    """Create the default task templates that do not exist yet (by key); returns how many.
    ``template_model`` lets the data migration pass its historical model."""
    created = 0
    for spec in schedule.DEFAULT_TASK_TEMPLATES:
        _, made = template_model.objects.get_or_create(
            key=spec.key,
            defaults={
                "title": spec.title,
                "days_before": spec.days_before,
                "owner_unit": spec.owner_unit,
                "description": spec.description,
            },
        )
        created += made
    return created


@transaction.atomic
def plan_create(*, user, county: County) -> int:
    """Create the county's prep tasks from the active templates, deadlines counted back from the
    inspection date. Idempotent: templates already planned are skipped. Returns tasks created."""
    _check_county(user, county.pk)
    county = County.objects.select_for_update().get(pk=county.pk)
    if county.inspection_date is None:
        raise ValidationError("请先设置国检日期，再按倒排工期生成任务。")
    planned = set(
        PrepTask.objects.filter(county=county, template__isnull=False).values_list("template_id", flat=True)
    )
    created = 0
    for template in PrepTaskTemplate.objects.filter(active=True).exclude(pk__in=planned):
        task = PrepTask.objects.create(
            county=county,
            template=template,
            title=template.title,
            description=template.description,
            owner_unit=template.owner_unit,
            days_before=template.days_before,
            follows_inspection_date=True,
            deadline=schedule.deadline_for(county.inspection_date, template.days_before),
        )
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            obj=task,
            county=county,
            changes=diff({}, model_snapshot(task, ("title", "owner_unit", "deadline", "days_before"))),
            note="按倒排工期生成",
        )
        created += 1
    return created


@transaction.atomic
def task_create(*, user, county: County, data: dict) -> PrepTask:
    _check_county(user, county.pk)
    task = PrepTask(county=county, **{k: v for k, v in data.items() if k in TASK_FIELDS})
    _check_task_owner(task)
    task.full_clean()
    task.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=task,
        county=county,
        changes=diff({}, model_snapshot(task, TASK_FIELDS)),
    )
    return task


def _check_task_owner(task: PrepTask) -> None:
    if task.owner_user_id and task.owner_user.county_id != task.county_id:
        raise ValidationError("责任人不属于本县")


@transaction.atomic
def task_update(*, user, task: PrepTask, data: dict) -> PrepTask:
    """Edit a task; a deadline changed by hand stops following the inspection date."""
    _check_county(user, task.county_id)
    task = PrepTask.objects.select_for_update().get(pk=task.pk)
    old = model_snapshot(task, TASK_FIELDS + ("follows_inspection_date",))
    for key, value in data.items():
        if key in TASK_FIELDS:
            setattr(task, key, value)
    if task.deadline != date.fromisoformat(old["deadline"]):
        task.follows_inspection_date = False
    _check_task_owner(task)
    task.full_clean()
    task.save()
    changes = diff(old, model_snapshot(task, TASK_FIELDS + ("follows_inspection_date",)))
    if changes:
        audit_record(
            user=user, action=AuditEntry.Action.UPDATE, obj=task, county=task.county, changes=changes
        )
    return task


TASK_TRANSITIONS = {
    TaskStatus.DOING: (TaskStatus.TODO,),
    TaskStatus.DONE: (TaskStatus.TODO, TaskStatus.DOING),
    TaskStatus.TODO: (TaskStatus.DONE, TaskStatus.DOING),  # reopen
}


def _task_transition(*, user, task: PrepTask, target: str, today: date | None, note: str = "") -> PrepTask:
    _check_county(user, task.county_id)
    task = PrepTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in TASK_TRANSITIONS[target]:
        raise ValidationError(
            f"当前状态为“{task.get_status_display()}”，不能变更为“{TaskStatus(target).label}”。"
        )
    old = model_snapshot(task, ("status", "completed_on"))
    task.status = target
    task.completed_on = _today(today) if target == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_on", "updated_at"])
    audit_record(
        user=user,
        action=AuditEntry.Action.TRANSITION,
        obj=task,
        county=task.county,
        changes=diff(old, model_snapshot(task, ("status", "completed_on"))),
        note=note,
    )
    return task


@transaction.atomic
def task_start(*, user, task: PrepTask) -> PrepTask:
    """未开始 → 进行中."""
    return _task_transition(user=user, task=task, target=TaskStatus.DOING, today=None)


@transaction.atomic
def task_complete(*, user, task: PrepTask, today: date | None = None) -> PrepTask:
    """未开始/进行中 → 已完成 (records the completion date)."""
    return _task_transition(user=user, task=task, target=TaskStatus.DONE, today=today)


@transaction.atomic
def task_reopen(*, user, task: PrepTask) -> PrepTask:
    """进行中/已完成 → 未开始."""
    return _task_transition(user=user, task=task, target=TaskStatus.TODO, today=None, note="重新打开")


# --- archive checklist ----------------------------------------------------------------------


def archive_points_ensure(point_model=ArchivePoint) -> int:
    """Create or refresh the archive checklist from archive_tree.POINTS (by code); returns how many
    were created. ``point_model`` lets the data migration pass its historical model."""
    created = 0
    for order, spec in enumerate(archive_tree.POINTS, start=1):
        _, made = point_model.objects.update_or_create(
            code=spec.code,
            defaults={
                "folder": spec.folder,
                "name": spec.name,
                "criterion": spec.criterion,
                "indicator": spec.indicator,
                "documents": "\n".join(spec.documents),
                "required_count": len(spec.documents),
                "order": order,
            },
        )
        created += made
    return created


# --- proposals from an assessment -----------------------------------------------------------


@transaction.atomic
def proposals_from_assessment(assessment, *, user=None) -> list[Proposal]:
    """Turn the gap plan of a finished assessment (result["gaps"]: unit gaps and CV plans) into
    pending proposals. Returns the proposals created or refreshed.

    Per gap key: nothing if this assessment already has it (idempotent); a pending proposal of an
    earlier assessment is moved to this one with the new figures; nothing if an accepted proposal's
    item is still being worked on; otherwise a new pending proposal.
    """
    if assessment.status != "done" or not assessment.result:
        raise ValidationError("只有已完成的评估才能生成整改建议。")
    if user is not None:
        _check_county(user, assessment.county_id)
    county = assessment.county
    schools = {s.code: s for s in School.objects.filter(county=county)}
    existing = {}
    for p in Proposal.objects.filter(county=county).select_related("item").order_by("id"):
        existing.setdefault(p.key, []).append(p)
    touched = []
    for gap in results.proposals_from_gaps(assessment.result):
        earlier = existing.get(gap["key"], [])
        if any(p.assessment_id == assessment.pk for p in earlier):
            continue
        if any(p.status == ProposalStatus.ACCEPTED and p.item_id and p.item.is_open for p in earlier):
            continue
        fields = {
            "indicator": gap["indicator"],
            "stage": gap["stage"],
            "school": schools.get(gap["school_code"]),
            "school_codes": [c for c in gap["school_codes"] if c],
            "problem": gap["problem"],
            "target": gap["target"],
        }
        pending = next((p for p in earlier if p.status == ProposalStatus.PENDING), None)
        if pending is not None:
            for key, value in fields.items():
                setattr(pending, key, value)
            pending.assessment = assessment
            pending.save()
            touched.append(pending)
        else:
            touched.append(
                Proposal.objects.create(county=county, assessment=assessment, key=gap["key"], **fields)
            )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        object_type="rectification.Proposal",
        object_repr=f"{assessment} 整改建议",
        county=county,
        note=f"由评估 #{assessment.pk} 生成或更新整改建议 {len(touched)} 条",
    )
    return touched


def _decide(*, user, proposal: Proposal, status: str, note: str, item=None) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(f"该建议已{proposal.get_status_display()}，不能重复处理。")
    proposal.status = status
    proposal.item = item
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note[:300]
    proposal.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.TRANSITION,
        obj=proposal,
        county=proposal.county,
        changes={"status": [ProposalStatus.PENDING.value, status]},
        note=note,
    )
    return proposal


@transaction.atomic
def proposal_accept(
    *,
    user,
    proposal: Proposal,
    lead_unit: str,
    deadline: date,
    responsible_person: str = "",
    measures: str = "",
) -> RectificationItem:
    """Accept a pending proposal: create a ledger item (source 评估发现) with its problem, indicator,
    stage, schools and target."""
    _check_county(user, proposal.county_id)
    codes = proposal.school_codes or ([proposal.school.code] if proposal.school_id else [])
    schools = list(School.objects.filter(county_id=proposal.county_id, code__in=codes))
    item = item_create(
        user=user,
        county=proposal.county,
        schools=schools,
        note=f"采纳评估整改建议 #{proposal.pk}",
        data={
            "source": Source.ASSESSMENT,
            "source_date": timezone.localdate(proposal.assessment.finished_at)
            if proposal.assessment.finished_at
            else None,
            "source_team": f"指标评估 #{proposal.assessment_id}",
            "problem": proposal.problem,
            "indicator": proposal.indicator,
            "stage": proposal.stage,
            "year": proposal.assessment.year,
            "target": proposal.target,
            "measures": measures,
            "lead_unit": lead_unit,
            "responsible_person": responsible_person,
            "deadline": deadline,
        },
    )
    _decide(
        user=user,
        proposal=proposal,
        status=ProposalStatus.ACCEPTED,
        note=f"采纳为第{item.number}项",
        item=item,
    )
    return item


@transaction.atomic
def proposal_discard(*, user, proposal: Proposal, reason: str) -> Proposal:
    """Discard a pending proposal (e.g. a gap already being handled elsewhere); a reason is required."""
    _check_county(user, proposal.county_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("忽略整改建议须说明原因。")
    return _decide(user=user, proposal=proposal, status=ProposalStatus.DISCARDED, note=reason)
