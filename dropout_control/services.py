"""Every write of dropout control: case ledger, workflow transitions, persuasion log, notices,
responsible persons, letters, register checks, cohort figures, and the daily overdue scan.

Each transition has one function here; the allowed graph is documented in rules.py. Every
function checks the actor's role (selectors.ACTION_ROLES) and area again, refuses illegal steps
with a Chinese ValidationError, writes a CaseEvent (the case's timeline) and an AuditEntry.
While a close request waits for review, no other transition is possible: the reviewer decides
first (close or send back).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from accounts.models import AuditEntry, Role, User
from accounts.services import audit_record, diff, model_snapshot
from balance_inspect.uploads import validate_upload
from dropout_control import rules
from dropout_control.models import (
    CaseEvent,
    CaseResponsible,
    CaseStatus,
    CohortFigure,
    DeliveryMethod,
    DropoutCase,
    EventKind,
    Outcome,
    PersuasionLog,
    RegisterCheck,
    ResponsibilityLetter,
    ResponsibleLevel,
    ReturnNotice,
)
from dropout_control.selectors import (
    cases_visible_to,
    deadline_rules,
    letters_visible_to,
    open_case_for_id,
    require_action,
)
from schools.idcard import id_birth_date, id_is_male, id_number_problem, mask_id_number, normalize_id_number
from schools.selectors import can_edit_school, schools_visible_to

log = logging.getLogger(__name__)

# Why a read of cases is not narrowed again to the user's area (accounts.access.ScopedQuerySet).
RESOLVED = "the caller resolved this case through scope()"
SWEEP = "the overdue sweep is a system job over every area"

DOCUMENT_KINDS = ("pdf", "jpg", "png", "docx")
SCAN_KINDS = ("pdf", "jpg", "png")

# Ledger fields a case form or an import row may set (everything else belongs to the workflow).
LEDGER_FIELDS = (
    "township",
    "village",
    "school",
    "kind",
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "student_number",
    "household_address",
    "current_address",
    "grade",
    "class_name",
    "absent_since",
    "poverty_household",
    "disability_type",
    "disability_grade",
    "left_behind",
    "orphan",
    "migrant",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "reason",
    "reason_detail",
    "assistance_measures",
)
# Personal data is not copied into the audit trail in clear: these are masked in diffs.
_SENSITIVE = {"name": rules.mask_name, "guardian_name": rules.mask_name, "id_number": mask_id_number}
_HIDDEN = {"guardian_phone", "household_address", "current_address", "student_number"}


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _safe_changes(changes: dict) -> dict:
    out = {}
    for field, (old, new) in changes.items():
        if field in _SENSITIVE:
            mask = _SENSITIVE[field]
            out[field] = [mask(old or ""), mask(new or "")]
        elif field in _HIDDEN:
            out[field] = ["（已隐去）", "（已修改）"]
        else:
            out[field] = [old, new]
    return out


def _ensure_visible(user, case: DropoutCase) -> None:
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise PermissionDenied("该个案不在您的管辖范围内")


def _lock(case: DropoutCase) -> DropoutCase:
    """The case row, locked for this transaction, so two transitions never interleave."""
    return DropoutCase.objects.unscoped(RESOLVED).select_for_update().get(pk=case.pk)


def _event(case, user, kind, *, from_status="", to_status="", note="") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        user=user if user and user.is_authenticated else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _store(upload, folder: str, kinds) -> tuple[str, str]:
    """Check an uploaded file by content and store it outside the web root: (path, original name)."""
    kind = validate_upload(upload, allowed=kinds)
    path = default_storage.save(f"dropout/{folder}/{uuid.uuid4().hex}.{kind}", upload)
    return path, (getattr(upload, "name", "") or f"附件.{kind}")[:255]


def _status_label(value: str) -> str:
    return CaseStatus(value).label if value in CaseStatus.values else value


def _refuse_if_close_pending(case: DropoutCase) -> None:
    if case.close_pending:
        raise ValidationError("该个案有待审核的销号申请，请先审核销号或退回申请")


def duplicate_message(existing: DropoutCase, user) -> str:
    """Why a child's second open case is refused, told only as far as `user` may see.

    Within the user's own area the existing case is named (number, area, status) so the work goes
    on in it; outside it (another township or county) the message says only that an open case
    exists elsewhere and that the county bureau coordinates — typing a child's ID number must not
    reveal where another area's case is or how far it has got.
    """
    if user.sees_personal_data and cases_visible_to(user).filter(pk=existing.pk).exists():
        return (
            f"该身份证号已有未销号的个案：{existing.number}（{existing.county.name}{existing.township.name}，"
            f"{existing.get_status_display()}），请在原个案中继续办理，不能重复登记"
        )
    return (
        "该身份证号在其他地区已有未销号的个案，不能重复登记；请联系县教育局控辍保学工作负责人核实，"
        "由县教育局与个案所在地协调办理"
    )


# --- ledger ------------------------------------------------------------------------------------


def _check_area(user, data: dict) -> None:
    """The township/school of a new or edited case must lie in the user's own area."""
    township, school = data["township"], data.get("school")
    if not user.is_unscoped and township.county_id != user.county_id:
        raise PermissionDenied("所选乡镇不在您的管辖范围内")
    if user.role == Role.TOWNSHIP and township.pk != user.township_id:
        raise ValidationError({"township": "乡镇工作人员只能登记本乡镇的个案"})
    if user.role == Role.SCHOOL and (school is None or school.pk != user.school_id):
        raise ValidationError({"school": "学校填报员只能报告本校学生"})
    if school is not None and school.county_id != township.county_id:
        raise ValidationError({"school": "学校不属于该区县"})
    if user.role == Role.TOWNSHIP and school is not None and school.township_id != user.township_id:
        raise ValidationError({"school": "只能选择本乡镇的学校"})


def _check_ledger(data: dict, *, user, exclude_pk=None, today: date) -> None:
    errors = {}
    number = normalize_id_number(data.get("id_number", ""))
    data["id_number"] = number
    problem = id_number_problem(number)
    if problem:
        errors["id_number"] = problem
    else:
        if data.get("birth_date") and id_birth_date(number) != data["birth_date"]:
            errors["birth_date"] = "出生日期与身份证号不一致"
        if data.get("sex") and (data["sex"] == "male") != id_is_male(number):
            errors["sex"] = "性别与身份证号不一致"
        existing = open_case_for_id(number, exclude_pk=exclude_pk)
        if existing is not None:
            errors["id_number"] = duplicate_message(existing, user)
    absent = data.get("absent_since")
    if absent and absent > today:
        errors["absent_since"] = "缺课起始日期不能晚于今天"
    if absent and data.get("birth_date") and absent <= data["birth_date"]:
        errors["absent_since"] = "缺课起始日期应晚于出生日期"
    if data.get("kind") == "dropout" and data.get("school") is None and not data.get("grade"):
        errors["grade"] = "辍学学生须填写学籍学校或年级"
    if data.get("disability_grade") and not data.get("disability_type"):
        errors["disability_grade"] = "填写残疾等级时须选择残疾类型"
    if errors:
        raise ValidationError(errors)


def case_check(*, user, data: dict, exclude_pk=None, today: date | None = None) -> None:
    """Validate a case's ledger data and area without writing (the form and the import use it).

    Raises ValidationError keyed by field, or PermissionDenied for an area outside the user's.
    Normalizes data["id_number"] in place.
    """
    _check_area(user, data)
    _check_ledger(data, user=user, exclude_pk=exclude_pk, today=_today(today))


def _next_case_number(county, year: int) -> str:
    prefix = f"KC{county.code}-{year}-"
    last = (
        (
            DropoutCase.objects.unscoped("case numbers are unique across every area")
            .filter(number__startswith=prefix)
            .aggregate(m=Max("number"))["m"]
        )
        or ""
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _create_case_row(*, user, data: dict, today: date) -> DropoutCase:
    fields = {f: data.get(f) for f in LEDGER_FIELDS if f in data}
    for text_field in (
        "village",
        "student_number",
        "current_address",
        "class_name",
        "guardian_phone",
        "reason_detail",
        "assistance_measures",
        "disability_type",
        "disability_grade",
    ):
        fields[text_field] = fields.get(text_field) or ""
    township = data["township"]
    for _attempt in range(5):
        case = DropoutCase(
            county=township.county,
            created_by=user,
            reported_on=today,
            number=_next_case_number(township.county, today.year),
            **fields,
        )
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            # A concurrent report took the number (retry) or the child's open case (report it).
            existing = open_case_for_id(case.id_number)
            if existing is not None:
                raise ValidationError({"id_number": duplicate_message(existing, user)}) from None
    else:
        raise ValidationError("个案编号分配冲突，请重试")
    _event(
        case,
        user,
        EventKind.CREATED,
        to_status=case.status,
        note=f"登记{case.get_kind_display()}，缺课起始 {case.absent_since:%Y-%m-%d}",
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=case,
        changes=_safe_changes({k: [None, v] for k, v in model_snapshot(case, LEDGER_FIELDS).items()}),
    )
    if user.role == Role.TOWNSHIP:
        CaseResponsible.objects.create(case=case, level=ResponsibleLevel.GOV_TOWNSHIP, user=user)
    elif user.role == Role.SCHOOL:
        CaseResponsible.objects.create(case=case, level=ResponsibleLevel.EDU_SCHOOL, user=user)
    # A new case has no visit, notice or close request yet: its facts are all on the row.
    _store_overdue(case, rules.overdue_reasons(_facts(case, None, None), today, deadline_rules()), today)
    return case


def case_create(*, user, data: dict, today: date | None = None) -> DropoutCase:
    """File a case (always as 疑似辍学). `data`: LEDGER_FIELDS with model instances for FKs."""
    require_action(user, "create")
    today = _today(today)
    _check_area(user, data)
    _check_ledger(data, user=user, today=today)
    with transaction.atomic():
        case = _create_case_row(user=user, data=data, today=today)
    return case


def cases_import(
    *, user, rows: list[dict], file_name: str = "", today: date | None = None
) -> list[DropoutCase]:
    """Create every row's case or none (rows were validated by the reader; checked again here)."""
    require_action(user, "import")
    today = _today(today)
    with transaction.atomic():
        cases = []
        for data in rows:
            _check_area(user, data)
            _check_ledger(data, user=user, today=today)
            cases.append(_create_case_row(user=user, data=data, today=today))
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORT,
            object_type="dropout_control.DropoutCase",
            object_repr=f"台账导入 {file_name}"[:200],
            county=user.county,
            note=f"新增个案 {len(cases)} 个：" + "、".join(c.number for c in cases)[:450],
        )
    return cases


def case_update(*, user, case: DropoutCase, data: dict, today: date | None = None) -> DropoutCase:
    """Correct the ledger fields of an open case."""
    require_action(user, "update")
    _ensure_visible(user, case)
    today = _today(today)
    _check_area(user, data)
    _check_ledger(data, user=user, exclude_pk=case.pk, today=today)
    with transaction.atomic():
        locked = _lock(case)
        if not locked.is_open:
            raise ValidationError("已销号的个案不能修改，如需继续办理请先重新启动")
        before = model_snapshot(locked, LEDGER_FIELDS)
        for field in LEDGER_FIELDS:
            if field in data:
                value = data[field]
                setattr(locked, field, "" if value is None and field not in ("school", "grade") else value)
        if locked.county_id != locked.township.county_id:
            raise ValidationError({"township": "不能把个案移到其他区县"})
        locked.save()
        changes = diff(before, model_snapshot(locked, LEDGER_FIELDS))
        if changes:
            labels = "、".join(str(DropoutCase._meta.get_field(f).verbose_name) for f in changes)
            _event(locked, user, EventKind.UPDATED, note=f"修改：{labels}")
            audit_record(
                user=user, action=AuditEntry.Action.UPDATE, obj=locked, changes=_safe_changes(changes)
            )
        case_refresh_overdue(locked, today=today)
    return locked


# --- transitions --------------------------------------------------------------------------------


def _transition(
    *,
    user,
    case,
    action: str,
    target: str,
    kind: str,
    verb: str,
    note: str = "",
    fields: dict | None = None,
    check=None,
) -> DropoutCase:
    require_action(user, action)
    _ensure_visible(user, case)
    with transaction.atomic():
        locked = _lock(case)
        source = locked.status
        if not rules.can_transition(source, target):
            raise ValidationError(f"个案当前状态为“{_status_label(source)}”，不能{verb}")
        _refuse_if_close_pending(locked)
        if check is not None:
            check(locked)
        locked.status = target
        for field, value in (fields or {}).items():
            setattr(locked, field, value)
        locked.save()
        _event(locked, user, kind, from_status=source, to_status=target, note=note)
        changes = {"status": [source, target], **{f: [None, str(v)] for f, v in (fields or {}).items()}}
        audit_record(
            user=user,
            action=AuditEntry.Action.TRANSITION,
            obj=locked,
            changes=changes,
            note=f"{verb}：{note}"[:500],
        )
        case_refresh_overdue(locked)
    return locked


def _require_note(note: str, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError(f"请填写{what}")
    return note


def case_confirm(*, user, case, note: str, today: date | None = None) -> DropoutCase:
    """疑似辍学 → 已确认辍学 (why: the finding, e.g. "缺课超过 30 天，经入户核实确认辍学")."""
    note = _require_note(note, "认定依据")
    return _transition(
        user=user,
        case=case,
        action="confirm",
        target=CaseStatus.CONFIRMED,
        kind=EventKind.CONFIRMED,
        verb="认定辍学",
        note=note,
        fields={"confirmed_on": _today(today)},
    )


def case_start_persuasion(*, user, case, note: str = "") -> DropoutCase:
    """已确认辍学 → 劝返中."""
    return _transition(
        user=user,
        case=case,
        action="start_persuasion",
        target=CaseStatus.PERSUADING,
        kind=EventKind.PERSUASION_STARTED,
        verb="启动劝返",
        note=(note or "").strip(),
    )


def case_serve_notice(
    *, user, notice: ReturnNotice, delivered_on: date, method: str, receiver: str, today: date | None = None
) -> DropoutCase:
    """劝返中 → 已发复学通知: the issued notice was delivered (date, method, receiver)."""
    today = _today(today)
    receiver = (receiver or "").strip()

    def check(case):
        current = ReturnNotice.objects.select_for_update().get(pk=notice.pk)
        if current.is_served:
            raise ValidationError(f"通知书 {current.number} 已登记送达")
        if not receiver:
            raise ValidationError({"receiver": "请填写签收人"})
        if delivered_on < current.issued_on or delivered_on > today:
            raise ValidationError({"delivered_on": "送达日期应在开具日期与今天之间"})
        current.delivered_on, current.delivery_method, current.receiver = delivered_on, method, receiver
        current.served_by = user
        current.save(update_fields=["delivered_on", "delivery_method", "receiver", "served_by"])

    if method not in DeliveryMethod.values:
        raise ValidationError({"delivery_method": "请选择送达方式"})
    label = DeliveryMethod(method).label
    return _transition(
        user=user,
        case=notice.case,
        action="serve_notice",
        target=CaseStatus.NOTICE_SERVED,
        kind=EventKind.NOTICE_SERVED,
        verb="登记复学通知书送达",
        note=f"{notice.number}，{label}，签收人 {receiver}，送达日期 {delivered_on:%Y-%m-%d}，"
        f"限期 {notice.deadline:%Y-%m-%d} 前返校",
        check=check,
    )


def case_start_legal(*, user, case, note: str, today: date | None = None) -> DropoutCase:
    """已发复学通知 → 依法处置, once the notice's deadline has passed."""
    note = _require_note(note, "依法处置的措施与依据")
    today = _today(today)

    def check(locked):
        deadline = locked.notices.filter(delivered_on__isnull=False).aggregate(d=Max("deadline"))["d"]
        if deadline is not None and deadline >= today:
            raise ValidationError(f"复学通知限期（{deadline:%Y-%m-%d}）未到，不能启动依法处置")

    return _transition(
        user=user,
        case=case,
        action="start_legal",
        target=CaseStatus.LEGAL,
        kind=EventKind.LEGAL_STARTED,
        verb="启动依法处置",
        note=note,
        check=check,
    )


def case_request_close(
    *,
    user,
    case,
    outcome: str,
    outcome_school=None,
    outcome_date: date | None = None,
    outcome_note: str = "",
    proof=None,
    today: date | None = None,
) -> DropoutCase:
    """File the outcome and its proof; the case closes only when another user reviews it (case_close)."""
    require_action(user, "request_close")
    _ensure_visible(user, case)
    today = _today(today)
    if outcome_school is not None and outcome_school.county_id != case.county_id:
        raise ValidationError({"outcome_school": "返回学校须是本县学校；转往外县请选择“转学”并上传转学证明"})
    proof_path = proof_name = ""
    if proof is not None:
        proof_path, proof_name = _store(proof, f"{case.pk}/proof", DOCUMENT_KINDS)
    try:
        with transaction.atomic():
            locked = _lock(case)
            if not locked.is_open:
                raise ValidationError("个案已销号")
            _refuse_if_close_pending(locked)
            problems = rules.closing_problems(
                status=locked.status,
                outcome=outcome,
                has_return_school=outcome_school is not None,
                return_date=outcome_date,
                has_proof_file=bool(proof_path),
                proof_note=outcome_note,
                absent_since=locked.absent_since,
                today=today,
                outcome_labels=dict(Outcome.choices),
            )
            if problems:
                raise ValidationError(problems)
            locked.outcome = outcome
            locked.outcome_school = outcome_school
            locked.outcome_date = outcome_date
            locked.outcome_note = (outcome_note or "").strip()
            locked.proof_file, locked.proof_name = proof_path, proof_name
            locked.close_requested_at = timezone.now()
            locked.close_requested_by = user
            locked.save()
            where = f"，{outcome_school.name} {outcome_date:%Y-%m-%d}" if outcome == Outcome.RETURNED else ""
            _event(
                locked,
                user,
                EventKind.CLOSE_REQUESTED,
                note=f"结果：{Outcome(outcome).label}{where}"
                + (f"；{locked.outcome_note}" if locked.outcome_note else "")
                + ("；附证明材料" if proof_path else ""),
            )
            audit_record(
                user=user,
                action=AuditEntry.Action.UPDATE,
                obj=locked,
                note="申请销号",
                changes={"outcome": ["", outcome], "close_requested_by": [None, str(user)]},
            )
            case_refresh_overdue(locked, today=today)
    except Exception:
        # Refused (or failed): the proof, a child's personal document, must not stay behind.
        if proof_path:
            default_storage.delete(proof_path)
        raise
    return locked


def case_close(*, user, case, note: str = "", today: date | None = None) -> DropoutCase:
    """Review a pending close request: → 已销号 (reviewer = this user, who must not be the requester)."""
    today = _today(today)

    def check(locked):
        if locked.close_requested_at is None:
            raise ValidationError("尚无销号申请：请先填写销号结果和证明材料")
        if locked.close_requested_by_id == user.pk:
            raise ValidationError("销号须由申请人以外的教育局或乡镇工作人员审核")
        problems = rules.closing_problems(
            status=locked.status,
            outcome=locked.outcome,
            has_return_school=locked.outcome_school_id is not None,
            return_date=locked.outcome_date,
            has_proof_file=bool(locked.proof_file),
            proof_note=locked.outcome_note,
            absent_since=locked.absent_since,
            today=today,
            outcome_labels=dict(Outcome.choices),
        )
        if problems:
            raise ValidationError(problems)
        locked.closed_from = locked.status

    require_action(user, "close")
    _ensure_visible(user, case)
    with transaction.atomic():
        locked = _lock(case)
        source = locked.status
        if not rules.can_transition(source, CaseStatus.CLOSED):
            raise ValidationError(f"个案当前状态为“{_status_label(source)}”，不能销号")
        check(locked)
        locked.status = CaseStatus.CLOSED
        locked.reviewer = user
        locked.closed_on = today
        locked.save()
        text = f"审核通过，结果：{locked.get_outcome_display()}" + (
            f"；{note.strip()}" if note and note.strip() else ""
        )
        _event(locked, user, EventKind.CLOSED, from_status=source, to_status=CaseStatus.CLOSED, note=text)
        audit_record(
            user=user,
            action=AuditEntry.Action.TRANSITION,
            obj=locked,
            note=f"销号：{text}"[:500],
            changes={
                "status": [source, CaseStatus.CLOSED],
                "reviewer": [None, str(user)],
                "closed_on": [None, str(today)],
            },
        )
        case_refresh_overdue(locked, today=today)
    return locked


def _clear_close(case: DropoutCase) -> str:
    """Forget a close request; returns the proof file to delete once the transaction commits."""
    proof = case.proof_file
    case.outcome = ""
    case.outcome_school = None
    case.outcome_date = None
    case.outcome_note = ""
    case.proof_file = case.proof_name = ""
    case.close_requested_at = None
    case.close_requested_by = None
    return proof


def _delete_file_later(path: str) -> None:
    if path:
        transaction.on_commit(lambda: default_storage.delete(path))


def case_reject_close(*, user, case, note: str, today: date | None = None) -> DropoutCase:
    """Send a pending close request back (the case stays in its status)."""
    require_action(user, "reject_close")
    _ensure_visible(user, case)
    note = _require_note(note, "退回理由")
    with transaction.atomic():
        locked = _lock(case)
        if not locked.close_pending:
            raise ValidationError("该个案没有待审核的销号申请")
        _delete_file_later(_clear_close(locked))
        locked.save()
        _event(locked, user, EventKind.CLOSE_REJECTED, note=note)
        audit_record(
            user=user, action=AuditEntry.Action.UPDATE, obj=locked, note=f"退回销号申请：{note}"[:500]
        )
        case_refresh_overdue(locked, today=today)
    return locked


def case_reopen(*, user, case, note: str, today: date | None = None) -> DropoutCase:
    """已销号 → the status it was closed from (bureau decision, e.g. the child left school again)."""
    require_action(user, "reopen")
    _ensure_visible(user, case)
    note = _require_note(note, "重新启动的原因")
    with transaction.atomic():
        locked = _lock(case)
        if locked.status != CaseStatus.CLOSED:
            raise ValidationError(f"个案当前状态为“{_status_label(locked.status)}”，不能重新启动")
        existing = open_case_for_id(locked.id_number, exclude_pk=locked.pk)
        if existing is not None:
            raise ValidationError(duplicate_message(existing, user))
        target = locked.closed_from or CaseStatus.CONFIRMED
        _clear_close(locked)  # the proof stays on disk: it documents the earlier closing
        locked.status = target
        locked.reviewer = None
        locked.closed_on = None
        locked.closed_from = ""
        locked.save()
        _event(locked, user, EventKind.REOPENED, from_status=CaseStatus.CLOSED, to_status=target, note=note)
        audit_record(
            user=user,
            action=AuditEntry.Action.TRANSITION,
            obj=locked,
            note=f"重新启动：{note}"[:500],
            changes={"status": [CaseStatus.CLOSED, target]},
        )
        case_refresh_overdue(locked, today=today)
    return locked


# --- persuasion log, responsible persons, notices ----------------------------------------------


def persuasion_log_add(
    *, user, case, data: dict, attachment=None, today: date | None = None
) -> PersuasionLog:
    """Log one persuasion attempt (date, people of both lines, method, result, optional attachment)."""
    require_action(user, "visit")
    _ensure_visible(user, case)
    today = _today(today)
    case = (
        DropoutCase.objects.unscoped(RESOLVED).select_related("county").get(pk=case.pk)
    )  # the current state, not the caller's copy
    if not case.is_open:
        raise ValidationError("个案已销号，不能再添加劝返记录")
    visited_on = data["visited_on"]
    if visited_on > today:
        raise ValidationError({"visited_on": "日期不能晚于今天"})
    if visited_on < case.absent_since:
        raise ValidationError({"visited_on": "日期不能早于缺课起始日期"})
    if not (data.get("gov_people") or "").strip() and not (data.get("edu_people") or "").strip():
        raise ValidationError("请至少填写一条线（政府线或教育线）的参与人员")
    path = name = ""
    if attachment is not None:
        path, name = _store(attachment, f"{case.pk}/visits", DOCUMENT_KINDS)
    with transaction.atomic():
        visit = PersuasionLog.objects.create(
            case=case,
            visited_on=visited_on,
            method=data["method"],
            gov_people=data.get("gov_people", ""),
            edu_people=data.get("edu_people", ""),
            result=data["result"],
            result_detail=data.get("result_detail", ""),
            attachment=path,
            attachment_name=name,
            created_by=user,
        )
        _event(
            case,
            user,
            EventKind.VISIT,
            note=f"{visited_on:%Y-%m-%d} {visit.get_method_display()}：{visit.get_result_display()}"
            + (f"（{visit.result_detail[:100]}）" if visit.result_detail else ""),
        )
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            obj=visit,
            county=case.county,
            object_repr=f"{case} 劝返记录 {visited_on:%Y-%m-%d}",
        )
        case_refresh_overdue(case, today=today)
    return visit


def responsibles_assign(*, user, case, assignments: dict) -> list[CaseResponsible]:
    """Set the responsible person of each level: {level: {"user": User|None, "name": str, "phone": str}}.

    A level with neither a user nor a name is cleared. Linked users must belong to the case's county.
    """
    require_action(user, "assign")
    _ensure_visible(user, case)
    with transaction.atomic():
        current = {r.level: r for r in case.responsibles.select_related("user")}
        changes = {}
        for level in ResponsibleLevel.values:
            wanted = assignments.get(level) or {}
            person, name, phone = (
                wanted.get("user"),
                (wanted.get("name") or "").strip(),
                (wanted.get("phone") or "").strip(),
            )
            if person is not None and person.county_id != case.county_id:
                raise ValidationError(f"{ResponsibleLevel(level).label}：所选用户不属于本县")
            old = current.get(level)
            old_text = f"{old.display_name} {old.phone}".strip() if old else ""
            if person is None and not name:
                if old:
                    old.delete()
                    changes[level] = [old_text, ""]
                continue
            row = old or CaseResponsible(case=case, level=level)
            row.user, row.name, row.phone = person, name, phone
            row.save()
            new_text = f"{row.display_name} {row.phone}".strip()
            if new_text != old_text:
                changes[level] = [old_text, new_text]
        if changes:
            labels = "、".join(ResponsibleLevel(level).label for level in changes)
            _event(case, user, EventKind.RESPONSIBLE, note=f"调整：{labels}")
            audit_record(
                user=user, action=AuditEntry.Action.UPDATE, obj=case, changes=changes, note="落实责任人"
            )
    return list(case.responsibles.select_related("user"))


def notice_prefix(county) -> str:
    """滨教控辍: first character of the county name + 教控辍 (the bureau's document prefix)."""
    return f"{county.name[:1]}教控辍"


def notice_issue(*, user, case, school, today: date | None = None) -> ReturnNotice:
    """Number and date a 复学入学通知书 (the PDF is rendered from it); serving it is case_serve_notice."""
    require_action(user, "issue_notice")
    _ensure_visible(user, case)
    today = _today(today)
    case = (
        DropoutCase.objects.unscoped(RESOLVED).select_related("county").get(pk=case.pk)
    )  # the current state, not the caller's copy
    if case.status != CaseStatus.PERSUADING:
        raise ValidationError(f"只有“劝返中”的个案才能开具复学通知书（当前：{case.get_status_display()}）")
    _refuse_if_close_pending(case)
    if not case.visits.exists():
        raise ValidationError("开具复学通知书前须至少有一次劝返记录")
    if school.county_id != case.county_id:
        raise ValidationError({"school": "返校学校须是本县学校"})
    pending = case.notices.filter(delivered_on__isnull=True).first()
    if pending is not None:
        raise ValidationError(f"已有未登记送达的通知书 {pending.number}，请先登记送达")
    deadline = today + timedelta(days=settings.DROPOUT_NOTICE_DEADLINE_DAYS)
    for _attempt in range(5):
        seq = (
            ReturnNotice.objects.filter(county=case.county, year=today.year).aggregate(m=Max("seq"))["m"] or 0
        ) + 1
        number = f"{notice_prefix(case.county)}〔{today.year}〕第 {seq:04d} 号"
        try:
            with transaction.atomic():
                notice = ReturnNotice.objects.create(
                    case=case,
                    county=case.county,
                    year=today.year,
                    seq=seq,
                    number=number,
                    school=school,
                    issued_on=today,
                    deadline=deadline,
                    issued_by=user,
                )
                _event(
                    case,
                    user,
                    EventKind.NOTICE_ISSUED,
                    note=f"{number}，返回 {school.name}，限期 {deadline:%Y-%m-%d}",
                )
                audit_record(
                    user=user,
                    action=AuditEntry.Action.CREATE,
                    obj=notice,
                    county=case.county,
                    object_repr=f"{case} 复学入学通知书 {number}",
                )
            return notice
        except IntegrityError:
            continue  # another notice took the number at the same moment: take the next one
    raise ValidationError("通知书编号分配冲突，请重试")


# --- overdue -----------------------------------------------------------------------------------


def _facts(case, first_contact, notice_deadline) -> rules.CaseFacts:
    requested = timezone.localdate(case.close_requested_at) if case.close_pending else None
    return rules.CaseFacts(
        status=case.status,
        absent_since=case.absent_since,
        reported_on=case.reported_on,
        first_contact_on=first_contact,
        notice_deadline=notice_deadline,
        close_requested_on=requested,
    )


def case_refresh_overdue(case: DropoutCase, *, today: date | None = None) -> list[rules.OverdueReason]:
    """Recompute and store the case's overdue flag and reasons (called after every change)."""
    today = _today(today)
    # The stored state, not the caller's copy (which may be older). Three indexed lookups: one
    # grouped query over both relations is much slower on SQLite.
    current = (
        DropoutCase.objects.unscoped(RESOLVED)
        .only("status", "absent_since", "reported_on", "close_requested_at")
        .get(pk=case.pk)
    )
    first_contact = PersuasionLog.objects.filter(case_id=case.pk).aggregate(d=Min("visited_on"))["d"]
    deadline = ReturnNotice.objects.filter(case_id=case.pk, delivered_on__isnull=False).aggregate(
        d=Max("deadline")
    )["d"]
    reasons = rules.overdue_reasons(_facts(current, first_contact, deadline), today, deadline_rules())
    _store_overdue(case, reasons, today)
    return reasons


def _store_overdue(case: DropoutCase, reasons: list[rules.OverdueReason], today: date) -> None:
    fields = {
        "overdue": bool(reasons),
        "overdue_reasons": [r.text for r in reasons],
        "overdue_keys": [r.key for r in reasons],
        "overdue_checked_on": today,
    }
    DropoutCase.objects.unscoped(RESOLVED).filter(pk=case.pk).update(**fields)
    for k, v in fields.items():
        setattr(case, k, v)


@dataclass
class ScanResult:
    checked: int = 0
    overdue: int = 0
    newly_overdue: int = 0
    mails: int = 0

    def as_dict(self) -> dict:
        return {
            "checked": self.checked,
            "overdue": self.overdue,
            "newly_overdue": self.newly_overdue,
            "mails": self.mails,
        }


def _recipients(cases: list[DropoutCase]) -> dict[str, list[DropoutCase]]:
    """E-mail → cases: linked responsible persons; without any, the township's officials."""
    by_case: dict[int, set[str]] = {c.pk: set() for c in cases}
    for r in CaseResponsible.objects.filter(case__in=cases, user__isnull=False).select_related("user"):
        if r.user.email and r.user.is_active:
            by_case[r.case_id].add(r.user.email)
    officials: dict[int, set[str]] = {}
    townships = {c.township_id for c in cases if not by_case[c.pk]}
    for u in User.objects.filter(role=Role.TOWNSHIP, township_id__in=townships, is_active=True).exclude(
        email=""
    ):
        officials.setdefault(u.township_id, set()).add(u.email)
    out: dict[str, list[DropoutCase]] = {}
    for c in cases:
        for email in sorted(by_case[c.pk] or officials.get(c.township_id, set())):
            out.setdefault(email, []).append(c)
    return out


def _chunks(ids: list, size: int = 500):
    """Slices of at most `size` ids, so an IN (...) list stays within every database's limits."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def cases_scan_overdue(*, today: date | None = None) -> dict:
    """The daily scan: store every case's overdue flag and mail the responsible persons about cases
    that became overdue or gained a reason since the last scan (once per case and day).

    Idempotent: a second run on the same day sends nothing. Inside one transaction the cases to
    mail are locked (select_for_update) and claimed by setting overdue_notified_on; mails go out
    after the commit, never inside it.
    """
    today = _today(today)
    result = ScanResult()
    rules_ = deadline_rules()
    scanned = DropoutCase.objects.unscoped(SWEEP).filter(~Q(status=CaseStatus.CLOSED) | Q(overdue=True))
    with transaction.atomic():
        cases = list(
            scanned.annotate(
                first_contact=Min("visits__visited_on"),
                served_deadline=Max("notices__deadline", filter=Q(notices__delivered_on__isnull=False)),
            )
            .select_related("township")
            .only(
                "number",
                "name",
                "status",
                "absent_since",
                "reported_on",
                "close_requested_at",
                "overdue",
                "overdue_reasons",
                "overdue_keys",
                "township__name",
            )
            .order_by()
        )
        changed, to_notify = [], []
        for case in cases:
            result.checked += 1
            reasons = rules.overdue_reasons(
                _facts(case, case.first_contact, case.served_deadline), today, rules_
            )
            keys, texts = [r.key for r in reasons], [r.text for r in reasons]
            result.overdue += bool(reasons)
            if set(keys) - set(case.overdue_keys or []):
                to_notify.append(case)
            if (case.overdue, case.overdue_keys, case.overdue_reasons) != (bool(reasons), keys, texts):
                case.overdue, case.overdue_keys, case.overdue_reasons = bool(reasons), keys, texts
                changed.append(case)
        DropoutCase.objects.unscoped(SWEEP).bulk_update(
            changed, ["overdue", "overdue_reasons", "overdue_keys"], batch_size=500
        )
        for chunk in _chunks([c.pk for c in cases]):
            DropoutCase.objects.unscoped(SWEEP).filter(pk__in=chunk).update(overdue_checked_on=today)
        claimed_ids: set[int] = set()
        for chunk in _chunks([c.pk for c in to_notify]):
            eligible = list(
                DropoutCase.objects.unscoped(SWEEP)
                .select_for_update()
                .filter(pk__in=chunk)
                .filter(Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lt=today))
                .values_list("pk", flat=True)
            )
            DropoutCase.objects.unscoped(SWEEP).filter(pk__in=eligible).update(overdue_notified_on=today)
            claimed_ids.update(eligible)
    claimed = [c for c in to_notify if c.pk in claimed_ids]
    result.newly_overdue = len(claimed)
    for email, mine in _recipients(claimed).items():
        lines = [
            f"{c.number}（{c.masked_name}，{c.township.name}）：" + "；".join(c.overdue_reasons) for c in mine
        ]
        body = (
            f"截至 {today:%Y-%m-%d}，您负责的以下控辍保学个案已逾期：\n\n"
            + "\n".join(lines)
            + "\n\n请登录迎检平台“控辍保学 → 逾期个案”及时办理。本邮件由系统自动发送。"
        )
        try:
            send_mail(f"【控辍保学】{len(mine)} 个个案逾期提醒（{today:%Y-%m-%d}）", body, None, [email])
            result.mails += 1
        except (SMTPException, OSError):
            log.exception("overdue reminder to %s could not be sent", email)
    return result.as_dict()


# --- letters, register checks, cohort figures ---------------------------------------------------


def letter_save(
    *,
    user,
    township,
    school,
    year: int,
    line: str,
    signed_on: date,
    party_a: str = "",
    party_b: str = "",
    scan=None,
) -> ResponsibilityLetter:
    """Record (or replace) the signed letter of one line for a township or school and year."""
    require_action(user, "letters")
    if not user.is_unscoped and township.county_id != user.county_id:
        raise PermissionDenied("所选乡镇不在您的管辖范围内")
    if school is not None and school.township_id != township.pk:
        raise ValidationError({"school": "学校不属于所选乡镇"})
    if user.role == Role.TOWNSHIP and township.pk != user.township_id:
        raise PermissionDenied("只能登记本乡镇的责任书")
    if user.role == Role.SCHOOL and (school is None or school.pk != user.school_id):
        raise PermissionDenied("只能登记本校的责任书")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "签订日期不能晚于今天"})
    path = name = ""
    if scan is not None:
        path, name = _store(scan, "letters", SCAN_KINDS)
    with transaction.atomic():
        letter = (
            letters_visible_to(user).filter(year=year, line=line, township=township, school=school).first()
        )
        created = letter is None
        before = {} if created else model_snapshot(letter, ("signed_on", "party_a", "party_b", "scan_name"))
        old_scan = "" if created else letter.scan
        letter = letter or ResponsibilityLetter(
            county=township.county, township=township, school=school, year=year, line=line
        )
        letter.signed_on, letter.party_a, letter.party_b = signed_on, party_a, party_b
        if path:
            letter.scan, letter.scan_name = path, name
        letter.uploaded_by = user
        letter.save()
        if path and old_scan:
            _delete_file_later(old_scan)
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            obj=letter,
            county=township.county,
            changes=diff(before, model_snapshot(letter, ("signed_on", "party_a", "party_b", "scan_name"))),
        )
    return letter


def _check_school_writable(user, school) -> None:
    if not schools_visible_to(user).filter(pk=school.pk).exists() or not can_edit_school(user, school):
        raise PermissionDenied("您无权填报该校数据")


def register_check_save(
    *,
    user,
    school,
    year: int,
    term: int,
    done_on: date,
    on_register: int,
    at_school: int,
    suspected_found: int,
    note: str = "",
) -> RegisterCheck:
    """Record a school's term-start register check (学期初学籍清查); re-entering updates it."""
    require_action(user, "register_check")
    _check_school_writable(user, school)
    errors = {}
    if at_school > on_register:
        errors["at_school"] = "实际在校人数不能多于在籍人数"
    elif suspected_found > on_register - at_school:
        errors["suspected_found"] = "发现的疑似辍学人数不能多于在籍未在校人数"
    if done_on > timezone.localdate():
        errors["done_on"] = "清查日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check, created = RegisterCheck.objects.select_for_update().get_or_create(
            school=school,
            year=year,
            term=term,
            defaults={
                "done_on": done_on,
                "on_register": on_register,
                "at_school": at_school,
                "suspected_found": suspected_found,
                "note": note,
                "entered_by": user,
            },
        )
        before = {} if created else model_snapshot(check)
        if not created:
            check.done_on, check.on_register, check.at_school = done_on, on_register, at_school
            check.suspected_found, check.note, check.entered_by = suspected_found, note, user
            check.save()
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            obj=check,
            county=school.county,
            changes=diff(
                before,
                model_snapshot(check, ("done_on", "on_register", "at_school", "suspected_found", "note")),
            ),
        )
    return check


COHORT_FIELDS = (
    "grade1_entrants",
    "grade7_entrants",
    "junior_graduates",
    "transfers_in",
    "transfers_out",
    "deaths",
)


def cohort_save(*, user, school, year: int, figures: dict) -> CohortFigure:
    """Enter (or correct) a school's cohort figures of one year (bureau staff)."""
    require_action(user, "cohort")
    _check_school_writable(user, school)
    with transaction.atomic():
        row, created = CohortFigure.objects.select_for_update().get_or_create(
            school=school,
            year=year,
            defaults={**{f: figures.get(f) or 0 for f in COHORT_FIELDS}, "entered_by": user},
        )
        before = {} if created else model_snapshot(row, COHORT_FIELDS)
        if not created:
            for f in COHORT_FIELDS:
                setattr(row, f, figures.get(f) or 0)
            row.entered_by = user
            row.save()
        changes = diff(before, model_snapshot(row, COHORT_FIELDS))
        if created or changes:
            audit_record(
                user=user,
                action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
                obj=row,
                county=school.county,
                changes=changes,
            )
    return row


def cohorts_import(*, user, rows: list[dict], file_name: str = "") -> tuple[int, int]:
    """All rows or none; re-importing the same school and year updates it. Returns (created, updated)."""
    require_action(user, "cohort")
    created = updated = 0
    with transaction.atomic():
        for r in rows:
            existed = CohortFigure.objects.filter(school=r["school"], year=r["year"]).exists()
            cohort_save(user=user, school=r["school"], year=r["year"], figures=r)
            updated += existed
            created += not existed
        audit_record(
            user=user,
            action=AuditEntry.Action.IMPORT,
            object_type="dropout_control.CohortFigure",
            object_repr=f"巩固率基础数据导入 {file_name}"[:200],
            county=user.county,
            note=f"新增 {created} 行，更新 {updated} 行",
        )
    return created, updated
