"""Writes of the 对账 pages: upload a national system's list, pick its columns, cancel, purge.

A county's 学籍名单 has 100,000 rows and more: reading it (the xlsx bounds pass, then openpyxl)
takes longer than a request may, so the upload is stored (default_storage, dataquality/reconcile/)
and a background job (ReconcileRead, read_list_job) reads it. A list whose headers are our
template's, or match the county's remembered mapping, is counted at once; otherwise the run waits
for the mapping step and a second job counts it with the columns the user picked. The file is
deleted as soon as it is counted, refused or cancelled, at the latest after
DATAQUALITY_LIST_RETENTION_DAYS (purge_pending, run by the workbench's purge task). Only the
counts of reconcile.ListCounts are kept. Every step is audited. A finished list re-runs the
data-quality rules of its year, so that its stage differences show there as warnings.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.access import require_writer
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.jobs import enqueue, job_finish
from balance_inspect.uploads import validate_upload
from dataquality import reconcile
from dataquality.models import ColumnMapping, ReconcileRead, ReconcileRun
from dataquality.reconcile_read import read_list
from dataquality.services import run_checks_after_import

Status = ReconcileRun.Status


def _summary(counts: reconcile.ListCounts) -> str:
    kind = reconcile.LIST_KINDS[counts.kind]
    unit = "人" if counts.kind == reconcile.REGISTER else "名专任教师"
    parts = [f"{kind.label} {counts.rows_read} 行，计入 {counts.counted} {unit}"]
    if counts.invalid_ids:
        parts.append(f"身份证号校验不通过 {counts.invalid_ids} 个")
    if counts.problem_count:
        parts.append(f"有问题的行 {counts.problem_count} 行")
    return "，".join(parts)


def _read(user, run: ReconcileRun, positions: dict | None = None) -> None:
    job = ReconcileRead.objects.create(run=run, positions=positions or {}, requested_by=user)
    enqueue(ReconcileRead, job.pk)


def upload_list(*, user, county, kind_key: str, year: int, upload) -> ReconcileRun:
    """Store the upload and have it read in the background (the run is READING)."""
    require_writer(user)
    kind = reconcile.LIST_KINDS[kind_key]
    validate_upload(upload, allowed=("xlsx",))
    upload.seek(0)
    with transaction.atomic():
        run = ReconcileRun.objects.create(
            county=county,
            kind=kind.key,
            year=year,
            file_name=(getattr(upload, "name", "") or "名单.xlsx")[:120],
            pending_path=default_storage.save(f"dataquality/reconcile/{uuid.uuid4().hex}.xlsx", upload),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=settings.DATAQUALITY_LIST_RETENTION_DAYS),
        )
        audit_record(user=user, action=AuditEntry.Action.IMPORT, obj=run, note=f"上传{kind.label}，后台读取")
        _read(user, run)
    return run


def _delete_file(run: ReconcileRun) -> None:
    if run.pending_path:
        default_storage.delete(run.pending_path)
    run.pending_path = ""


def read_list_job(pk: int) -> None:
    """The job (dataquality.tasks.read_reconcile_list_task): read the run's upload.

    A file the list cannot be read from (bounds, no header, no data row) ends the run FAILED with
    the reason in Chinese and the file deleted; any other error fails the job (the run page shows
    it; the file goes at the latest with the purge)."""
    job = ReconcileRead.objects.select_related("run__county", "requested_by").get(pk=pk)
    run = job.run
    if run.status != Status.READING or not run.pending_path:
        job_finish(ReconcileRead, pk)
        return
    kind, how = run.list_kind, "按选择的列对应关系"

    def pick(headers):
        nonlocal how
        positions, how = reconcile.template_positions(kind, headers), "按模板表头"
        if positions is None:
            saved = ColumnMapping.objects.filter(county=run.county, kind=kind.key).first()
            if saved is not None:
                positions, how = (
                    reconcile.saved_positions(kind, headers, saved.mapping),
                    "按已保存的列对应关系",
                )
        return positions

    try:
        with default_storage.open(run.pending_path, "rb") as source:
            if job.positions:
                # Checked when its header row was read, by the job before the mapping step.
                headers, counts = read_list(source, kind, lambda _: job.positions, bounds_checked=True)
            else:
                headers, counts = read_list(source, kind, pick)
        if counts is not None and counts.rows_read == 0:
            raise ValidationError(f"{kind.label}中没有数据行（第 2 行起）")
    except ValidationError as exc:
        with transaction.atomic():
            _delete_file(run)
            run.status, run.error = Status.FAILED, "；".join(exc.messages)[:2000]
            run.save()
            audit_record(user=None, action=AuditEntry.Action.DELETE, obj=run, note="名单无法读取，文件已删除")
            job_finish(ReconcileRead, pk)
        return
    with transaction.atomic():
        run.headers = headers if not job.positions else run.headers
        if counts is None:
            run.status = Status.PENDING  # the file waits for the mapping step
            run.save()
        else:
            run.mapping = {f: run.headers[i] for f, i in counts.positions.items()}
            run.counts, run.status, run.compared_at = counts.as_dict(), Status.DONE, timezone.now()
            _delete_file(run)
            run.save()
            audit_record(
                user=job.requested_by,
                action=AuditEntry.Action.IMPORT,
                obj=run,
                note=f"{how}对账：{_summary(counts)}"[:500],
            )
        job_finish(ReconcileRead, pk)
    if run.status == Status.DONE:
        run_checks_after_import(run.county, [run.year])


def apply_mapping(*, user, run: ReconcileRun, chosen: dict) -> ReconcileRun:
    """Remember the columns the user picked ({our header: column index or None}) for the county
    and have the waiting upload counted with them. A required field without a column is refused
    with nothing stored (the upload keeps waiting)."""
    require_writer(user)
    if run.status != Status.PENDING or not run.pending_path:
        raise ValidationError("该名单已比对、已取消或已过保存期，请重新上传")
    kind = run.list_kind
    errors = reconcile.mapping_errors(kind, run.headers, chosen)
    if errors:
        raise ValidationError(errors)
    positions = {f: i for f, i in chosen.items() if i is not None}
    mapping = {f: run.headers[i] for f, i in positions.items()}
    with transaction.atomic():
        saved, created = ColumnMapping.objects.get_or_create(county=run.county, kind=kind.key)
        old = dict(saved.mapping)
        saved.mapping, saved.updated_by = mapping, user
        saved.save()
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            obj=saved,
            changes={f: [old.get(f), mapping.get(f)] for f in kind.headers if old.get(f) != mapping.get(f)},
            note=f"保存{kind.label}列对应关系",
        )
        run.status = Status.READING
        run.save(update_fields=["status"])
        _read(user, run, positions)
    return run


def forget_mapping(*, user, county, kind_key: str) -> bool:
    """Drop the county's remembered columns of a list kind (a wrong pick would otherwise be applied
    to every later upload with the same headers): the next upload asks again."""
    require_writer(user)
    saved = ColumnMapping.objects.filter(county=county, kind=kind_key).first()
    if saved is None:
        return False
    with transaction.atomic():
        audit_record(
            user=user,
            action=AuditEntry.Action.DELETE,
            obj=saved,
            changes={f: [h, None] for f, h in saved.mapping.items()},
            note=f"清除{saved.get_kind_display()}列对应关系",
        )
        saved.delete()
    return True


def cancel(*, user, run: ReconcileRun) -> ReconcileRun:
    require_writer(user)
    if run.status != Status.PENDING:
        raise ValidationError("只能取消待选择列对应关系的名单")
    with transaction.atomic():
        _delete_file(run)
        run.status = Status.CANCELLED
        run.save()
        audit_record(
            user=user, action=AuditEntry.Action.DELETE, obj=run, note="取消对账，上传的名单文件已删除"
        )
    return run


def purge_pending(now=None) -> int:
    """Delete the files of uploads past the retention period (waiting for a mapping, or whose
    reading never finished)."""
    now = now or timezone.now()
    purged = 0
    for run in ReconcileRun.objects.filter(expires_at__lte=now).exclude(pending_path=""):
        with transaction.atomic():
            _delete_file(run)
            if run.status in (Status.PENDING, Status.READING):
                run.status = Status.CANCELLED
            run.save()
            audit_record(
                user=None,
                action=AuditEntry.Action.DELETE,
                obj=run,
                note=f"超过保存期 {settings.DATAQUALITY_LIST_RETENTION_DAYS} 天，上传的名单文件已删除",
            )
        purged += 1
    return purged
