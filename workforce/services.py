"""Writes of the workforce app: the imports and the approved posts of one school, each audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import audit_record, diff, model_snapshot
from schools.importing import max_import_year, read_sheet
from schools.models import Teacher
from workforce.importing import TEMPLATES, VALIDATORS
from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord

BATCH = 1000


@dataclass
class ImportResult:
    """What an import attempt did; `errors` lists (Excel row or None, column header, reason)."""

    kind: str
    file_name: str
    ok: bool = False
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    extra: str = ""
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return TEMPLATES[self.kind].label

    @property
    def summary(self) -> str:
        text = f"{self.label}：新增 {self.created} 条，更新 {self.updated} 条"
        if self.extra:
            text += f"，{self.extra}"
        return text + ("（试导入，未写入）" if self.dry_run else "")


def workforce_import(
    *, kind: str, data: bytes, file_name: str, user, county, dry_run: bool = False
) -> ImportResult:
    """Import one xlsx template of `kind` for `county` (None: any county) — all or nothing.

    Any invalid row refuses the whole file and nothing is written; re-importing a key updates
    its record. Every attempt, applied or refused, is audited (action "import").
    """
    template = TEMPLATES[kind]
    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run)
    present, raw_rows, errors = read_sheet(data, template)
    result.rows = len(raw_rows)
    if not errors:
        validator = VALIDATORS[kind](template, county, max_import_year())
        parsed = validator.run(present, raw_rows)
        errors = validator.errors
    if errors:
        result.errors = list(errors)
        _audit_import(user, county, result, f"被拒绝：{len(errors)} 处错误，未写入任何数据")
        return result
    if not parsed:
        result.errors = [(None, "文件", "文件中没有数据行")]
        _audit_import(user, county, result, "被拒绝：文件中没有数据行")
        return result
    with transaction.atomic():
        _APPLY[kind](validator, parsed, result)
        if dry_run:
            transaction.set_rollback(True)
    result.ok = True
    if not dry_run:
        _audit_import(user, county, result, result.summary)
    return result


def _audit_import(user, county, result: ImportResult, note: str) -> None:
    if result.dry_run:
        return
    audit_record(
        user=user,
        action=AuditEntry.Action.IMPORT,
        object_type=f"workforce.{result.kind}",
        object_repr=f"{result.label}导入 {result.file_name}"[:200],
        county=county,
        note=note,
    )


def _save(model, creates, updates, fields) -> None:
    model.objects.bulk_create(creates, batch_size=BATCH)
    if updates:
        now = timezone.now()  # bulk_update does not run auto_now
        for obj in updates:
            obj.updated_at = now
        model.objects.bulk_update(updates, fields, batch_size=BATCH)


def _apply_posts(validator, parsed, result: ImportResult) -> None:
    schools = validator.schools
    ids = [s.pk for s in schools.values()]
    years = {v["学年"] for _, v in parsed}
    existing = {
        (o.school_id, o.year): o for o in ApprovedPosts.objects.filter(school_id__in=ids, year__in=years)
    }
    creates, updates = [], []
    for _, v in parsed:
        school = schools[v["学校标识码"]]
        obj = existing.get((school.pk, v["学年"]))
        if obj is None:
            creates.append(
                ApprovedPosts(school=school, year=v["学年"], posts=v["核定编制数"], note=v["备注"])
            )
            continue
        result.updated += 1
        if (obj.posts, obj.note) != (v["核定编制数"], v["备注"]):
            obj.posts, obj.note = v["核定编制数"], v["备注"]
            updates.append(obj)
    result.created = len(creates)
    _save(ApprovedPosts, creates, updates, ["posts", "note", "updated_at"])


def _apply_exchanges(validator, parsed, result: ImportResult) -> None:
    schools = validator.schools
    ids = [s.pk for s in schools.values()]
    years = {v["学年"] for _, v in parsed}
    existing = {
        (o.year, o.from_school_id, o.staff_no): o
        for o in ExchangeRecord.objects.filter(from_school_id__in=ids, year__in=years)
    }
    creates, updates = [], []
    for _, v in parsed:
        values = {
            "teacher_name": v["姓名"],
            "to_school": schools[v["调入学校标识码"]],
            "start_date": v["开始日期"],
            "end_date": v["结束日期"],
            "backbone": bool(v["是否骨干教师"]),
        }
        source = schools[v["调出学校标识码"]]
        obj = existing.get((v["学年"], source.pk, v["教师编号"]))
        if obj is None:
            creates.append(
                ExchangeRecord(year=v["学年"], from_school=source, staff_no=v["教师编号"], **values)
            )
            continue
        result.updated += 1
        for name, value in values.items():
            setattr(obj, name, value)
        updates.append(obj)
    result.created = len(creates)
    _save(
        ExchangeRecord,
        creates,
        updates,
        ["teacher_name", "to_school", "start_date", "end_date", "backbone", "updated_at"],
    )


def _apply_training(validator, parsed, result: ImportResult) -> None:
    schools = validator.schools
    ids = [s.pk for s in schools.values()]
    years = {v["学年"] for _, v in parsed}
    existing = {
        (o.year, o.school_id, o.staff_no): o
        for o in TrainingRecord.objects.filter(school_id__in=ids, year__in=years)
    }
    creates, updates = [], []
    for _, v in parsed:
        school = schools[v["学校标识码"]]
        hours, certificate = v["培训学时"], v["是否持有教师资格证"]
        obj = existing.get((v["学年"], school.pk, v["教师编号"]))
        if obj is None:
            creates.append(
                TrainingRecord(
                    year=v["学年"],
                    school=school,
                    staff_no=v["教师编号"],
                    hours=hours,
                    has_certificate=certificate,
                )
            )
            continue
        result.updated += 1
        if (obj.hours, obj.has_certificate) != (hours, certificate):
            obj.hours, obj.has_certificate = hours, certificate
            updates.append(obj)
    result.created = len(creates)
    _save(TrainingRecord, creates, updates, ["hours", "has_certificate", "updated_at"])


def _apply_joined(validator, parsed, result: ImportResult) -> None:
    """Sets the roster row's year joined, and fills the same teacher's other years that lack it."""
    schools = validator.schools
    changed: dict[int, Teacher] = {}
    joined_of: dict[tuple[int, str], int] = {}
    for _, v in parsed:
        school = schools[v["学校标识码"]]
        teacher = validator.teachers[(v["学年"], school.pk, v["教师编号"])]
        result.updated += 1
        joined_of[(school.pk, teacher.staff_no)] = v["到本校年份"]
        if teacher.joined_year != v["到本校年份"]:
            teacher.joined_year = v["到本校年份"]
            changed[teacher.pk] = teacher
    filled = 0
    others = Teacher.objects.filter(
        school_id__in={k[0] for k in joined_of},
        staff_no__in={k[1] for k in joined_of},
        joined_year__isnull=True,
    ).only("id", "year", "school_id", "staff_no", "joined_year")
    for teacher in others:
        joined = joined_of.get((teacher.school_id, teacher.staff_no))
        if joined is not None and teacher.pk not in changed and joined <= teacher.year:
            teacher.joined_year = joined
            changed[teacher.pk] = teacher
            filled += 1
    if filled:
        result.extra = f"同一教师其他学年补填 {filled} 条"
    Teacher.objects.bulk_update(list(changed.values()), ["joined_year"], batch_size=BATCH)


_APPLY = {
    "posts": _apply_posts,
    "exchanges": _apply_exchanges,
    "training": _apply_training,
    "joined": _apply_joined,
}


def approved_posts_set(*, user, school, year: int, posts: int, note: str = "") -> ApprovedPosts:
    """Enter or change the approved posts (编制数) of one school and year; audited with old → new."""
    with transaction.atomic():
        obj = ApprovedPosts.objects.select_for_update().filter(school=school, year=year).first()
        if obj is None:
            obj = ApprovedPosts.objects.create(school=school, year=year, posts=posts, note=note)
            audit_record(
                user=user,
                action=AuditEntry.Action.CREATE,
                obj=obj,
                county=school.county,
                changes=diff({}, model_snapshot(obj, ["posts", "note"])),
            )
            return obj
        before = model_snapshot(obj, ["posts", "note"])
        obj.posts, obj.note = posts, note
        obj.save(update_fields=["posts", "note", "updated_at"])
        changes = diff(before, model_snapshot(obj, ["posts", "note"]))
        if changes:
            audit_record(
                user=user, action=AuditEntry.Action.UPDATE, obj=obj, county=school.county, changes=changes
            )
        return obj
