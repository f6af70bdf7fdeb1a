"""Writes of the 四查三比对 workbench: upload, match (a background job), confirm, file cases,
delete the lists.

The lists hold minors' ID numbers. Files live in default_storage under dataquality/match/ only
until the match is confirmed or DATAQUALITY_LIST_RETENTION_DAYS have passed (purge_expired, run
by the beat schedule); every read of the lists is audited by the view.
"""

import uuid
from dataclasses import asdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.access import require_writer
from accounts.models import AuditEntry, Role, User
from accounts.services import audit_record
from balance_inspect.jobs import JobStatus, enqueue, job_finish, job_progress, job_requeue
from balance_inspect.uploads import validate_upload
from dataquality import matching
from dataquality.match_read import read_list
from dataquality.models import MatchBatch
from dropout_control.models import CaseKind, CaseStatus, DropoutCase, Reason, ResponsibleLevel
from dropout_control.services import case_create, responsibles_assign
from schools.idcard import mask_id_number
from schools.models import School, Township

MAX_ERRORS_KEPT = 500  # row errors stored per batch (the page shows the first ones; counts stay exact)


def _open_cases(county) -> dict[str, str]:
    # A child's open case anywhere counts (the duplicate check of case_create spans every area too);
    # only the case number of this county's cases is shown, others say "其他地区".
    rows = (
        DropoutCase.objects.unscoped(
            "matching marks every child with an open case, as case_create refuses them"
        )
        .exclude(status=CaseStatus.CLOSED)
        .values_list("id_number", "number", "county_id")
    )
    return {number: (case if county_id == county.pk else "其他地区") for number, case, county_id in rows}


def _township_counts(result: matching.MatchResult) -> dict:
    return {
        town: {kind: len(hits) for kind, hits in kinds.items()}
        for town, kinds in result.by_township().items()
    }


class MatchInputError(Exception):
    """Lists that cannot be matched; the message (Chinese) is the job's failure reason."""


def batch_request(*, user, county, school_year: int, uploads: dict) -> MatchBatch:
    """Store the uploaded lists and queue their matching (`uploads`: {list key: UploadedFile};
    户籍 and 学籍 required). Only the file kind and size are checked here: reading and matching a
    county's lists takes minutes, and a list that cannot be read fails the job with the reason."""
    require_writer(user)
    for key in ("household", "register"):
        if not uploads.get(key):
            raise ValidationError(f"请上传{matching.LISTS[key].label}")
    for upload in uploads.values():
        if upload:
            validate_upload(upload, allowed=("xlsx",))
            upload.seek(0)
    with transaction.atomic():
        files = {}
        for key, upload in uploads.items():
            if upload:
                path = default_storage.save(f"dataquality/match/{uuid.uuid4().hex}.xlsx", upload)
                files[key] = {"path": path, "name": (getattr(upload, "name", "") or "名单.xlsx")[:120]}
        batch = MatchBatch.objects.create(
            county=county,
            school_year=school_year,
            absence_days=settings.DATAQUALITY_ABSENCE_DAYS,
            files=files,
            created_by=user,
            expires_at=timezone.now() + timedelta(days=settings.DATAQUALITY_LIST_RETENTION_DAYS),
        )
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORT,
            obj=batch,
            county=county,
            note="上传四查三比对名单：" + "、".join(matching.LISTS[k].label for k in files),
        )
        enqueue(MatchBatch, batch.pk)
    return batch


def batch_match(batch_id: int) -> None:
    """Read and match the stored lists of a running batch (the job; exceptions fail it).

    Lists that cannot be read (a missing column, too many rows, not an xlsx) fail the job with the
    Chinese reason, and their files are deleted at once: nothing can be matched from them.
    """
    batch = MatchBatch.objects.select_related("county", "created_by").get(pk=batch_id)
    if batch.status != JobStatus.RUNNING:
        return
    specs = [(key, item) for key, item in batch.files.items() if key in matching.LISTS]
    parsed, errors = {}, []
    for done, (key, item) in enumerate(specs):
        job_progress(
            MatchBatch, batch.pk, 5 + 60 * done // len(specs), f"正在读取{matching.LISTS[key].label}"
        )
        try:
            with default_storage.open(item["path"], "rb") as source:
                parsed[key] = read_list(source, matching.LISTS[key])
        except ValidationError as exc:
            errors += exc.messages
            continue
        if parsed[key].fatal:
            errors.append(str(parsed[key].errors[0]))
    if errors or not {"household", "register"} <= set(parsed):
        with transaction.atomic():
            _delete_files(batch)
            batch.save(update_fields=["files", "files_deleted_at"])
        raise MatchInputError("；".join(errors) or "缺少户籍名单或学籍名单，请重新上传")
    job_progress(MatchBatch, batch.pk, 70, "正在按身份证号比对")
    school_townships = dict(School.objects.filter(county=batch.county).values_list("code", "township__name"))
    result = matching.match_lists(
        household=parsed["household"],
        register=parsed["register"],
        attendance=parsed.get("attendance"),
        family=parsed.get("family"),
        school_year=batch.school_year,
        absence_days=batch.absence_days,
        open_cases=_open_cases(batch.county),
        school_townships=school_townships,
    )
    row_errors = [str(e) for p in parsed.values() for e in p.errors]
    summary = "，".join(f"{matching.RESULT_LABELS[k]} {n} 人" for k, n in result.counts.items())
    with transaction.atomic():
        job_finish(
            MatchBatch,
            batch.pk,
            counts=_township_counts(result),
            result={
                "hits": [asdict(h) for h in result.hits],
                "name_mismatches": result.name_mismatches,
                "invalid_ids": {k: p.invalid_ids[:MAX_ERRORS_KEPT] for k, p in parsed.items()},
                "errors": row_errors[:MAX_ERRORS_KEPT],
                "error_count": len(row_errors),
                "rows": {k: p.rows_read for k, p in parsed.items()},
            },
            progress_note=summary[:200],
        )
        audit_record(
            user=batch.created_by,
            action=AuditEntry.Action.UPDATE,
            obj=batch,
            county=batch.county,
            note="四查三比对完成：" + summary,
        )


def batch_retry(*, user, batch: MatchBatch) -> MatchBatch:
    """Match a batch again whose job failed for another reason than its lists (a worker that
    died, a database blip): only while its files are still kept."""
    require_writer(user)
    if not batch.files:
        raise ValidationError("上传的名单文件已删除，请重新上传")
    if not job_requeue(MatchBatch, batch.pk):
        raise ValidationError("正在比对或已完成的批次不能重试")
    audit_record(user=user, action=AuditEntry.Action.UPDATE, obj=batch, county=batch.county, note="重新比对")
    enqueue(MatchBatch, batch.pk)
    batch.refresh_from_db()
    return batch


def _delete_files(batch: MatchBatch) -> None:
    for item in (batch.files or {}).values():
        default_storage.delete(item["path"])
    batch.files = {}
    batch.files_deleted_at = timezone.now()


def batch_confirm(*, user, batch: MatchBatch) -> MatchBatch:
    """Bureau staff accept the match: the uploaded files are deleted at once (the lists stay until expiry)."""
    require_writer(user)
    if batch.status != JobStatus.DONE:
        raise ValidationError("比对尚未完成，不能确认")
    if batch.list_status != MatchBatch.ListStatus.MATCHED:
        raise ValidationError("该比对已确认或已过保存期")
    with transaction.atomic():
        _delete_files(batch)
        batch.list_status, batch.confirmed_by, batch.confirmed_at = (
            MatchBatch.ListStatus.CONFIRMED,
            user,
            timezone.now(),
        )
        batch.save()
        audit_record(
            user=user, action=AuditEntry.Action.UPDATE, obj=batch, note="确认比对结果，原始名单文件已删除"
        )
    return batch


def purge_expired(now=None) -> int:
    """Delete the files and the result lists of every batch past its retention period (the beat task)."""
    now = now or timezone.now()
    purged = 0
    expired = MatchBatch.objects.filter(expires_at__lte=now)
    for batch in expired.exclude(list_status=MatchBatch.ListStatus.EXPIRED):
        with transaction.atomic():
            _delete_files(batch)
            batch.result = {}
            batch.list_status = MatchBatch.ListStatus.EXPIRED
            batch.save()
            audit_record(
                user=None,
                action=AuditEntry.Action.DELETE,
                obj=batch,
                note=f"超过保存期 {settings.DATAQUALITY_LIST_RETENTION_DAYS} 天，名单文件和比对名单已删除",
            )
        purged += 1
    return purged


def _case_data(hit: dict, township: Township, county, batch: MatchBatch, today: date) -> dict:
    school = None
    if hit["school_code"]:
        school = School.objects.filter(county=county, code=hit["school_code"]).first()
    grade = int(hit["grade"]) if str(hit.get("grade", "")).isdigit() and 1 <= int(hit["grade"]) <= 9 else None
    start = date(batch.school_year, 9, 1)
    label = matching.RESULT_LABELS[hit["kind"]]
    return {
        "township": township,
        "village": hit["village"][:50],
        "school": school,
        "kind": CaseKind.DROPOUT if hit["kind"] == matching.ABSENT else CaseKind.NEVER_ENROLLED,
        "name": hit["name"][:50],
        "sex": "",
        "birth_date": date.fromisoformat(hit["birth_date"]),
        "id_number": hit["id_number"],
        "grade": grade,
        "class_name": hit["class_name"][:30],
        "household_address": f"{township.name}{hit['village']}"[:200],
        "absent_since": start if start <= today else today,
        "poverty_household": hit["kind"] == matching.POVERTY,
        # The lists do not know guardians or reasons: the township fills them in the case.
        "guardian_name": "待核实",
        "guardian_relation": "待核实",
        "reason": Reason.OTHER,
        "reason_detail": f"四查三比对（{batch.school_year}—{batch.school_year + 1} 学年，批次 {batch.pk}）：{label}"
        + (f"，缺勤 {hit['absence_days']:g} 天" if hit.get("absence_days") else "")
        + (f"；姓名不一致（{hit['name_mismatch']}）" if hit.get("name_mismatch") else ""),
    }


def file_cases(
    *, user, batch: MatchBatch, indices: list[int], today: date | None = None
) -> tuple[list, list[str]]:
    """File 疑似辍学 cases for the selected rows through dropout_control's case_create.

    Returns (created cases, refusals in Chinese). A row whose child has an open case is refused with
    the existing case named (case_create's duplicate message); the township's officials become the
    case's 乡镇责任人.
    """
    require_writer(user)
    if batch.list_status == MatchBatch.ListStatus.EXPIRED:
        raise ValidationError("该比对已过保存期，名单已删除，请重新上传")
    if batch.status != JobStatus.DONE:
        raise ValidationError("比对尚未完成，不能登记个案")
    today = today or timezone.localdate()
    hits = batch.result.get("hits", [])
    townships = {t.name: t for t in Township.objects.filter(county=batch.county)}
    created, refused = [], []
    for index in sorted(set(indices)):
        if not 0 <= index < len(hits):
            continue
        hit = hits[index]
        who = f"{hit['name']}（{mask_id_number(hit['id_number'])}）"
        if hit.get("filed_case"):
            refused.append(f"{who}：已登记为个案 {hit['filed_case']}")
            continue
        township = townships.get(hit["township"])
        if township is None:
            refused.append(f"{who}：乡镇“{hit['township']}”不在本县乡镇名单中，请在个案登记页手工登记")
            continue
        data = _case_data(hit, township, batch.county, batch, today)
        data["sex"] = "male" if int(hit["id_number"][16]) % 2 else "female"
        try:
            case = case_create(user=user, data=data, today=today)
        except ValidationError as exc:
            refused.append(f"{who}：" + "；".join(exc.messages))
            continue
        officials = list(
            User.objects.filter(role=Role.TOWNSHIP, township=township, is_active=True).order_by("pk")[:1]
        )
        if officials:
            responsibles_assign(
                user=user,
                case=case,
                assignments={ResponsibleLevel.GOV_TOWNSHIP: {"user": officials[0], "name": "", "phone": ""}},
            )
        hit["filed_case"] = case.number
        created.append(case)
    if created:
        batch.save(update_fields=["result"])
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            obj=batch,
            note="由比对名单登记疑似辍学个案：" + "、".join(c.number for c in created)[:450],
        )
    return created, refused
