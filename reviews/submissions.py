"""Submissions (报送) of the application package and their review by the city and the province.

Every write of the workflow is here, one service function per step, each checking the role,
the area and the state (reviews.transitions) again (the shell and the tests call them too),
writing a dated, signed ReviewStep and an audit entry. A submission's snapshot is built from
the same data the package was built from (applications.services.application_data), and only
when the county's latest finished package is of the current data.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import enterable_county, require_role, require_writer
from accounts.models import AuditEntry
from accounts.roles import Role
from accounts.services import audit_record
from applications.models import ApplicationPackage
from applications.services import FACT_LABELS, ApplicationData, application_data, package_fingerprint
from balance_inspect.jobs import JobStatus
from indicators.county_items import BY_KEY, DATA_CHECKS, LEVEL, YESNO
from indicators.engine import RULESETS, STAGE_LABELS
from indicators.forms import WHAT_IF_FIELDS
from indicators.models import CountyItemEvidence
from indicators.selectors import data_year
from indicators.verdict import missing_labels, verdict_text
from rectification.models import EvidenceFile
from reviews import transitions as flow
from reviews.models import CommentTarget, ReviewComment, ReviewStep, Submission
from schools.models import County

SNAPSHOT_FORMAT = 1


# --- the snapshot -----------------------------------------------------------------------------


def _fig(label: str, value, fmt: str = "text", **extra) -> dict:
    return {"label": label, "value": value, "fmt": fmt, **extra}


def _plain(value):
    """JSON-native: Decimals as their exact text, everything else as is."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _assessment_figures(result: dict, inputs: dict) -> dict:
    rules = RULESETS[result["scheme"]]
    labels = {i.key: i.label for i in rules.indicators}
    units = result.get("units") or []
    out = {"verdict": _fig("评估结论", verdict_text(result))}
    for stage, st in (result.get("stages") or {}).items():
        sl = STAGE_LABELS.get(stage, stage)
        in_stage = [u for u in units if u.get("stage") == stage]
        out[f"{stage}.units"] = _fig(f"{sl} 参评单位数", st.get("units", len(in_stage)), "count", unit="个")
        out[f"{stage}.units_passing"] = _fig(
            f"{sl} 达标单位数", sum(u.get("passed") is True for u in in_stage), "count", unit="个"
        )
        out[f"{stage}.students"] = _fig(f"{sl} 在校生数", st.get("students"), "count", unit="人")
        for key, ind in (st.get("indicators") or {}).items():
            out[f"{stage}.cv.{key}"] = _fig(f"{sl} {labels.get(key, key)} 差异系数", ind.get("cv"), "cv")
        if st.get("composite_cv") is not None:
            out[f"{stage}.composite_cv"] = _fig(f"{sl} 综合差异系数", st["composite_cv"], "cv")
        out[f"{stage}.passed"] = _fig(f"{sl} 差异系数结论", st.get("passed"), "pass")
        classes = st.get("classes") or {}
        if classes:
            out[f"{stage}.classes_over"] = _fig(
                f"{sl} 超标准班额班数", classes.get("over_standard"), "count", unit="个"
            )
    checks = result.get("checks") or {}
    out["school_size_over"] = _fig(
        "规模超标学校", [s.get("name") or s.get("code") for s in checks.get("school_size") or []], "list"
    )
    out["rooms_failing"] = _fig(
        "音乐、美术专用教室不足的学校",
        [r.get("name") or r.get("code") for r in checks.get("rooms") or [] if r.get("passed") is False],
        "list",
    )
    out["large_classes"] = _fig("大班额班数", len(checks.get("large_classes") or []), "count", unit="个")
    out["missing"] = _fig("尚缺数据", missing_labels(result), "list")
    out["reasons"] = _fig("未达标原因", list(result.get("reasons") or []), "list")
    return out


def _school_entries(result: dict, inputs: dict) -> dict:
    """Per school: the figures the assessment used per stage (its stored inputs), and whether
    each of its units reaches the per-school standards."""
    passed = {(u["school_code"], u["stage"]): u.get("passed") for u in result.get("units") or []}
    schools: dict = defaultdict(lambda: {"label": "", "figures": {}})
    for unit in (inputs or {}).get("units") or []:
        code, stage = unit["school_code"], unit["stage"]
        sl = STAGE_LABELS.get(stage, stage)
        entry = schools[code]
        entry["label"] = f"{unit.get('school_name', code)}（{code}）"
        figures = entry["figures"]
        for name, label, unit_text in WHAT_IF_FIELDS:
            if name in unit:
                fmt = "count" if unit_text in ("人", "台", "册", "间") else "num"
                figures[f"{stage}.{name}"] = _fig(f"{sl} {label}", _plain(unit[name]), fmt, unit=unit_text)
        if unit.get("merged_students"):
            figures[f"{stage}.merged_students"] = _fig(
                f"{sl} 其中并入教学点学生", unit["merged_students"], "count", unit="人"
            )
        figures[f"{stage}.passed"] = _fig(f"{sl} 单位达标", passed.get((code, stage)), "pass")
    return {code: schools[code] for code in sorted(schools)}


def _item_entries(data: ApplicationData) -> dict:
    rows = {r.get("key"): r for r in data.result.get("county_items") or []}
    out = {}
    for table, form_rows in (("表Ⅳ", data.table4), ("表Ⅴ", data.table5), ("一票否决", data.vetoes)):
        for form_row in form_rows:
            key = form_row["key"]
            label = f"{table}-{form_row['no']} {form_row['name']}"
            figures = {}
            spec = BY_KEY.get(key)
            stored = rows.get(key) or {}
            if spec is not None:
                inputs = stored.get("inputs") or {}
                for f in spec.fields:
                    if f.kind == YESNO:
                        fig = _fig(f.label, _plain(inputs.get(f.name)), "yesno")
                    elif f.kind == LEVEL:
                        fig = _fig(f.label, _plain(inputs.get(f.name)), "level")
                    else:
                        fig = _fig(f.label, _plain(inputs.get(f.name)), "num", digits=f.digits, unit=f.unit)
                    figures[f"input.{f.name}"] = fig
                figures["conclusion"] = _fig("简要结论", (stored.get("conclusion") or "").strip())
            if key in DATA_CHECKS or spec is None:
                figures["text"] = _fig("填报内容", form_row.get("text", ""))
            verdict_label = "是否存在此情形" if table == "一票否决" else "是否达标"
            figures["verdict"] = _fig(verdict_label, form_row.get("passed_text"))
            out[key] = {"label": label, "table": table, "figures": figures}
    return out


def _county_figures(county, year: int) -> dict:
    from applications.selectors import facts_of, visits_of

    facts = facts_of(county, year)
    out = {
        f"facts.{name}": _fig(f"表Ⅰ {label} {code}", _plain(facts.get(name)), "num", digits=2)
        for name, (label, code) in FACT_LABELS.items()
    }
    out["facts.source"] = _fig("表Ⅰ 数据来源", facts.get("source") or "")
    visits = visits_of(county, year)
    for attr, label in (
        ("visited", "表Ⅵ 实地走访人数（计）"),
        ("satisfied", "表Ⅵ 满意人数（计）"),
        ("parents_visited", "表Ⅵ 实地走访人数（家长）"),
        ("parents_satisfied", "表Ⅵ 满意人数（家长）"),
    ):
        out[f"visits.{attr}"] = _fig(label, getattr(visits, attr), "count", unit="人")
    return out


def _evidence(package: ApplicationPackage, county, year: int) -> dict:
    out = {}
    for f in package.files.all():
        out[f"file.{f.kind}"] = _fig(f"申报材料 {f.get_kind_display()}", f.sha256, "hash")
    for e in CountyItemEvidence.objects.filter(item__county=county, item__year=year).select_related("item"):
        out[f"item.{e.pk}"] = _fig(f"{e.item.label}：{e.original_name}", e.sha256, "hash")
    for e in EvidenceFile.objects.filter(item__county=county).select_related("item"):
        out[f"ledger.{e.pk}"] = _fig(f"整改台账第 {e.item.number} 项：{e.original_name}", e.sha256, "hash")
    return out


def build_snapshot(data: ApplicationData, package: ApplicationPackage) -> dict:
    """Everything a submission files, as plain JSON (see reviews.diff for its shape)."""
    assessment = data.assessment
    return {
        "format": SNAPSHOT_FORMAT,
        "county": {"code": data.county.code, "name": data.county.name},
        "year": data.year,
        "scheme": data.result.get("scheme"),
        "assessment_ref": {"id": assessment.pk, "fingerprint": assessment.fingerprint},
        "package": {
            "id": package.pk,
            "version": package.version,
            "input_fingerprint": package.input_fingerprint,
        },
        "tables": [[t.sheet, t.title] for t in data.tables],
        "county_figures": _county_figures(data.county, data.year),
        "assessment": {"figures": _assessment_figures(data.result, assessment.inputs or {})},
        "schools": _school_entries(data.result, assessment.inputs or {}),
        "items": _item_entries(data),
        "evidence": _evidence(package, data.county, data.year),
    }


def snapshot_fingerprint(snapshot: dict) -> str:
    """sha256 of the canonical JSON of a snapshot (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def verify(submission: Submission) -> bool:
    """True when the stored snapshot still has the fingerprint recorded when it was filed."""
    return snapshot_fingerprint(submission.snapshot) == submission.fingerprint


# --- who acts --------------------------------------------------------------------------------


def _reviewer_level(user) -> str:
    """flow.CITY / flow.PROVINCE for a city / province reviewer; PermissionDenied otherwise."""
    levels = {Role.CITY: flow.CITY, Role.PROVINCE: flow.PROVINCE}
    require_role(user, *levels)
    return levels[user.role]


def _check_region(user, county_id: int) -> None:
    if enterable_county(user, county_id) is None:
        raise PermissionDenied("该区县不在您的复核范围内")


def _check_county_writer(user, county_id: int) -> None:
    require_writer(user)
    if user.county_id is not None and user.county_id != county_id:
        raise PermissionDenied("不在您的管辖范围内")


def _refuse(exc: flow.TransitionError):
    raise ValidationError(str(exc)) from exc


# --- submit ----------------------------------------------------------------------------------


def _package_to_submit(county, year: int) -> ApplicationPackage:
    package = (
        ApplicationPackage.objects.filter(county=county, year=year, status=JobStatus.DONE)
        .order_by("-version")
        .first()
    )
    if package is None:
        raise ValidationError(f"尚未生成 {year} 学年的申报材料，请先在“申报材料”中生成后再报送")
    return package


def _check_may_submit(county):
    """(the county's last submission or None, the submit transition); ValidationError while the
    last one is open or has comments without an answer."""
    last = Submission.objects.filter(county=county).order_by("-version").first()
    try:
        transition = flow.check(flow.SUBMIT, last.state if last else None)
    except flow.TransitionError as exc:
        _refuse(exc)
    if last is not None:
        open_comments = last.comments.filter(answer="").count()
        if open_comments:
            raise ValidationError(f"上一次报送还有 {open_comments} 条复核意见未答复，请逐条答复后再报送")
    return last, transition


def submission_submit(*, user, county) -> Submission:
    """File the county's latest finished package of its current assessment as a new version.

    Refused (ValidationError, Chinese): without a current assessment of the current data, without
    a finished package, when that package is not of the current data (its input fingerprint
    differs from what the data give now), or while an earlier submission is still open."""
    _check_county_writer(user, county.pk)
    year = data_year(county)
    if year is None:
        raise ValidationError("本县还没有学校数据，不能报送")
    _check_may_submit(county)  # cheap, before the reads below; checked again under the lock
    package = _package_to_submit(county, year)
    # Reads only, outside the transaction. Refused (Chinese) without a current assessment of the
    # current data: 当前评估不是最新数据的评估（数据已变更，请重新评估）….
    data = application_data(county, year)
    if package.input_fingerprint != package_fingerprint(data):
        raise ValidationError(
            f"最新的申报材料（第 {package.version} 版）不是当前数据生成的，请重新生成申报材料后再报送"
        )
    snapshot = build_snapshot(data, package)
    with transaction.atomic():
        County.objects.select_for_update().filter(pk=county.pk).first()  # one submit at a time
        last, transition = _check_may_submit(county)
        now = timezone.now()
        submission = Submission.objects.create(
            county=county,
            version=(last.version if last else 0) + 1,
            year=year,
            package=package,
            snapshot=snapshot,
            fingerprint=snapshot_fingerprint(snapshot),
            submitted_by=user,
            submitted_at=now,
            state=transition.target,
        )
        _record_step(submission=submission, transition=transition, state_from=None, user=user, at=now)
    return submission


def _record_step(*, submission, transition, state_from, user, at, reason: str = "") -> ReviewStep:
    step = ReviewStep.objects.create(
        submission=submission,
        level=transition.level,
        action=transition.action,
        state_from=state_from or "",
        state_to=transition.target,
        by=user,
        at=at,
        reason=reason,
    )
    changes = {
        "状态": [
            flow.STATE_LABELS.get(state_from) if state_from else None,
            flow.STATE_LABELS[transition.target],
        ]
    }
    if transition.action == flow.SUBMIT:
        changes["内容指纹"] = [None, submission.fingerprint]
        changes["申报材料"] = [None, f"第 {submission.package.version} 版"]
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE if transition.action == flow.SUBMIT else AuditEntry.Action.TRANSITION,
        obj=submission,
        county=submission.county,
        changes=changes,
        note=f"{transition.label}" + (f"：{reason}" if reason else ""),
    )
    return step


# --- the review steps ------------------------------------------------------------------------


def _review_step(*, user, submission: Submission, action: str, reason: str = "") -> Submission:
    level = _reviewer_level(user)
    transition = flow.TRANSITIONS[action]
    if transition.level != level:
        raise PermissionDenied(f"{flow.LEVEL_LABELS[level]}评估人员不能{transition.label}")
    _check_region(user, submission.county_id)
    reason = (reason or "").strip()
    with transaction.atomic():
        current = (
            Submission.objects.select_for_update().select_related("county", "package").get(pk=submission.pk)
        )
        try:
            flow.check(action, current.state, reason)
        except flow.TransitionError as exc:
            _refuse(exc)
        # Only the state moves, and only from the state just read (the trigger allows nothing else).
        Submission.objects.filter(pk=current.pk, state=current.state).update(state=transition.target)
        _record_step(
            submission=current,
            transition=transition,
            state_from=current.state,
            user=user,
            at=timezone.now(),
            reason=reason,
        )
    current.refresh_from_db(fields=["state"])
    return current


def submission_city_return(*, user, submission: Submission, reason: str) -> Submission:
    """市级退回: the city reviewer sends the submission back to the county, with the reason."""
    return _review_step(user=user, submission=submission, action=flow.CITY_RETURN, reason=reason)


def submission_city_pass(*, user, submission: Submission, reason: str = "") -> Submission:
    """市级复核通过: the city reviewer passes it up to the province (待省级评估)."""
    return _review_step(user=user, submission=submission, action=flow.CITY_PASS, reason=reason)


def submission_province_return(*, user, submission: Submission, reason: str) -> Submission:
    """省级退回, with the reason."""
    return _review_step(user=user, submission=submission, action=flow.PROVINCE_RETURN, reason=reason)


def submission_province_pass(*, user, submission: Submission, reason: str = "") -> Submission:
    """省级评估通过."""
    return _review_step(user=user, submission=submission, action=flow.PROVINCE_PASS, reason=reason)


STEP_SERVICES = {
    flow.CITY_RETURN: submission_city_return,
    flow.CITY_PASS: submission_city_pass,
    flow.PROVINCE_RETURN: submission_province_return,
    flow.PROVINCE_PASS: submission_province_pass,
}


# --- comments and answers --------------------------------------------------------------------


def comment_targets(snapshot: dict) -> dict[str, dict[str, str]]:
    """What a reviewer may comment on in a snapshot: {kind: {key: label}} (tables, items, schools)."""
    tables = {sheet: title for sheet, title in snapshot.get("tables") or []}
    tables.setdefault("评估结果", "评估结果（差异系数、达标单位）")
    tables.setdefault("佐证材料", "佐证材料清单")
    return {
        CommentTarget.TABLE: tables,
        CommentTarget.ITEM: {k: v["label"] for k, v in (snapshot.get("items") or {}).items()},
        CommentTarget.SCHOOL: {k: v["label"] for k, v in (snapshot.get("schools") or {}).items()},
    }


def comment_add(
    *, user, submission: Submission, target_kind: str, target_key: str, text: str
) -> ReviewComment:
    """A reviewer's comment on one table, item or school, while the submission awaits their level."""
    level = _reviewer_level(user)
    _check_region(user, submission.county_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写复核意见")
    label = comment_targets(submission.snapshot).get(target_kind, {}).get(target_key)
    if label is None:
        raise ValidationError("意见对象不在本次报送中")
    with transaction.atomic():
        state = Submission.objects.select_for_update().values_list("state", flat=True).get(pk=submission.pk)
        if state != flow.REVIEW_STATE[level]:
            raise ValidationError(
                f"当前状态为“{flow.STATE_LABELS[state]}”，{flow.LEVEL_LABELS[level]}不能提出意见"
            )
        comment = ReviewComment.objects.create(
            submission=submission,
            level=level,
            target_kind=target_kind,
            target_key=target_key,
            target_label=label[:200],
            text=text,
            author=user,
            created_at=timezone.now(),
        )
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            obj=comment,
            county=submission.county,
            object_repr=f"{submission} 复核意见（{label}）"[:200],
            changes={"意见": [None, text]},
            note=f"{flow.LEVEL_LABELS[level]}复核意见",
        )
    return comment


def comment_answer(*, user, comment: ReviewComment, text: str) -> ReviewComment:
    """The county's answer to a comment, while its submission is returned and not yet resubmitted.
    An answer may be rewritten until then (each version audited)."""
    submission = comment.submission
    _check_county_writer(user, submission.county_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写答复内容")
    with transaction.atomic():
        state = Submission.objects.select_for_update().values_list("state", flat=True).get(pk=submission.pk)
        if state not in flow.RETURNED:
            raise ValidationError(f"当前状态为“{flow.STATE_LABELS[state]}”，退回后才能答复意见")
        latest = Submission.objects.filter(county_id=submission.county_id).aggregate(v=Max("version"))["v"]
        if latest != submission.version:
            raise ValidationError("该版本已重新报送，不能再修改答复")
        row = ReviewComment.objects.select_for_update().get(pk=comment.pk)
        old = row.answer
        if old == text:
            return row
        row.answer, row.answered_by, row.answered_at = text, user, timezone.now()
        row.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            user=user,
            action=AuditEntry.Action.UPDATE,
            obj=row,
            county=submission.county,
            object_repr=f"{submission} 复核意见（{row.target_label}）"[:200],
            changes={"答复": [old or None, text]},
            note="区县答复复核意见",
        )
    return row
