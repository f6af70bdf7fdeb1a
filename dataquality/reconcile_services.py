"""Writes of the 对账 pages: upload a national system's list, pick its columns, cancel, purge.

A list whose headers are our template's, or match the county's remembered mapping, is counted at
once and never stored. Otherwise the file waits (default_storage, dataquality/reconcile/) for the
mapping step, and is deleted when the mapping is applied or the upload cancelled, at the latest
after DATAQUALITY_LIST_RETENTION_DAYS (purge_pending, run by the workbench's purge task). Only the
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
from balance_inspect.uploads import validate_upload
from dataquality import reconcile
from dataquality.models import ColumnMapping, ReconcileRun
from dataquality.reconcile_read import read_list
from dataquality.services import run_checks_after_import


def _summary(counts: reconcile.ListCounts) -> str:
    kind = reconcile.LIST_KINDS[counts.kind]
    unit = "人" if counts.kind == reconcile.REGISTER else "名专任教师"
    parts = [f"{kind.label} {counts.rows_read} 行，计入 {counts.counted} {unit}"]
    if counts.invalid_ids:
        parts.append(f"身份证号校验不通过 {counts.invalid_ids} 个")
    if counts.problem_count:
        parts.append(f"有问题的行 {counts.problem_count} 行")
    return "，".join(parts)


def _finish(run: ReconcileRun, kind, counts: reconcile.ListCounts, *, user, how: str):
    if counts.rows_read == 0:
        raise ValidationError(f"{kind.label}中没有数据行（第 2 行起）")
    run.mapping = {f: run.headers[i] for f, i in counts.positions.items()}
    run.counts = counts.as_dict()
    run.status = ReconcileRun.Status.DONE
    run.compared_at = timezone.now()
    run.save()
    audit_record(
        user=user, action=AuditEntry.Action.IMPORT, obj=run, note=f"{how}对账：{_summary(counts)}"[:500]
    )


def upload_list(*, user, county, kind_key: str, year: int, upload) -> ReconcileRun:
    """Count an uploaded list, or keep it for the mapping step (then the run is PENDING)."""
    require_writer(user)
    kind = reconcile.LIST_KINDS[kind_key]
    validate_upload(upload, allowed=("xlsx",))
    upload.seek(0)
    how = ""

    def pick(headers):
        nonlocal how
        positions, how = reconcile.template_positions(kind, headers), "按模板表头"
        if positions is None:
            saved = ColumnMapping.objects.filter(county=county, kind=kind.key).first()
            if saved is not None:
                positions, how = (
                    reconcile.saved_positions(kind, headers, saved.mapping),
                    "按已保存的列对应关系",
                )
        return positions

    headers, counts = read_list(upload, kind, pick)
    run = ReconcileRun(
        county=county,
        kind=kind.key,
        year=year,
        file_name=(getattr(upload, "name", "") or "名单.xlsx")[:120],
        headers=headers,
        created_by=user,
        expires_at=timezone.now() + timedelta(days=settings.DATAQUALITY_LIST_RETENTION_DAYS),
    )
    if counts is not None:
        with transaction.atomic():
            _finish(run, kind, counts, user=user, how=how)
        run_checks_after_import(county, [year])
        return run
    with transaction.atomic():
        run.pending_path = default_storage.save(f"dataquality/reconcile/{uuid.uuid4().hex}.xlsx", upload)
        run.save()
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORT,
            obj=run,
            note=f"上传{kind.label}（表头与模板不同，待选择列对应关系）",
        )
    return run


def _delete_file(run: ReconcileRun) -> None:
    if run.pending_path:
        default_storage.delete(run.pending_path)
    run.pending_path = ""


def apply_mapping(*, user, run: ReconcileRun, chosen: dict) -> ReconcileRun:
    """Count the waiting upload with the columns the user picked ({our header: column index or
    None}) and remember them for the county. A required field without a column is refused with
    nothing stored (the upload keeps waiting)."""
    require_writer(user)
    if run.status != ReconcileRun.Status.PENDING or not run.pending_path:
        raise ValidationError("该名单已比对、已取消或已过保存期，请重新上传")
    kind = run.list_kind
    errors = reconcile.mapping_errors(kind, run.headers, chosen)
    if errors:
        raise ValidationError(errors)
    positions = {f: i for f, i in chosen.items() if i is not None}
    with default_storage.open(run.pending_path, "rb") as source:
        # The file passed the bounds check when it was uploaded; it has not changed since.
        _, counts = read_list(source, kind, lambda headers: positions, bounds_checked=True)
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
        _finish(run, kind, counts, user=user, how="按选择的列对应关系")
        _delete_file(run)
        run.save(update_fields=["pending_path"])
    run_checks_after_import(run.county, [run.year])
    return run


def cancel(*, user, run: ReconcileRun) -> ReconcileRun:
    require_writer(user)
    if run.status != ReconcileRun.Status.PENDING:
        raise ValidationError("只能取消待选择列对应关系的名单")
    with transaction.atomic():
        _delete_file(run)
        run.status = ReconcileRun.Status.CANCELLED
        run.save()
        audit_record(
            user=user, action=AuditEntry.Action.DELETE, obj=run, note="取消对账，上传的名单文件已删除"
        )
    return run


def purge_pending(now=None) -> int:
    """Delete the files of uploads still waiting for a mapping past the retention period."""
    now = now or timezone.now()
    purged = 0
    for run in ReconcileRun.objects.filter(status=ReconcileRun.Status.PENDING, expires_at__lte=now):
        with transaction.atomic():
            _delete_file(run)
            run.status = ReconcileRun.Status.CANCELLED
            run.save()
            audit_record(
                user=None,
                action=AuditEntry.Action.DELETE,
                obj=run,
                note=f"超过保存期 {settings.DATAQUALITY_LIST_RETENTION_DAYS} 天未选择列对应关系，名单文件已删除",
            )
        purged += 1
    return purged
