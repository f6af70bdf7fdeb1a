"""Writes of the surveys app. Staff actions are audited; anonymous answers deliberately are not
(an audit row per answer would add a timed trail next to anonymous data and nothing of value).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services import audit_record, diff, model_snapshot
from surveys.models import SCHOOL_GROUPS, Answer, Invitation, Question, RespondentGroup, Response, Survey
from surveys.template_questions import TEMPLATE_INTRO, TEMPLATE_QUESTIONS, TEMPLATE_TITLE

SURVEY_FIELDS = ("title", "year", "period", "intro", "opens_on", "closes_on")
QUESTION_FIELDS = ("order", "kind", "item", "text", "options", "groups", "required")


# --- surveys ----------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *, user, county, title: str, year: int, period: str, opens_on: date, closes_on: date, intro: str = ""
) -> Survey:
    survey = Survey(
        county=county,
        title=title,
        year=year,
        period=period,
        intro=intro,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=user,
    )
    survey.full_clean()
    survey.save()
    audit_record(
        user=user, action=AuditEntry.Action.CREATE, obj=survey, changes=model_snapshot(survey, SURVEY_FIELDS)
    )
    return survey


@transaction.atomic
def survey_create_from_template(*, user, county, today: date, days_open: int = 30) -> Survey:
    """A draft survey with the usual 社会认可度 items, open from today for `days_open` days."""
    # `year` is the school year (学年 start) as everywhere in the project: spring belongs to last autumn's year.
    school_year = today.year if today.month >= 9 else today.year - 1
    survey = survey_create(
        user=user,
        county=county,
        title=TEMPLATE_TITLE.format(county=county.name),
        year=school_year,
        period=f"{today.year}年迎检自测",
        intro=TEMPLATE_INTRO,
        opens_on=today,
        closes_on=today + timedelta(days=days_open),
    )
    Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                order=i,
                kind=kind,
                item=item,
                text=text,
                groups=list(groups),
                options=list(options),
                required=required,
            )
            for i, (kind, item, text, groups, options, required) in enumerate(TEMPLATE_QUESTIONS, start=1)
        ]
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=survey,
        note=f"按模板创建问卷，共 {len(TEMPLATE_QUESTIONS)} 题",
    )
    return survey


@transaction.atomic
def survey_update(*, user, survey: Survey, **fields) -> Survey:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    old = model_snapshot(survey, SURVEY_FIELDS)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    changes = diff(old, model_snapshot(survey, SURVEY_FIELDS))
    if changes:
        audit_record(user=user, action=AuditEntry.Action.UPDATE, obj=survey, changes=changes)
    return survey


def _transition(*, user, survey: Survey, to: str, allowed_from: tuple[str, ...], refusal: str) -> Survey:
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status not in allowed_from:
            raise ValidationError(refusal.format(status=locked.get_status_display()))
        old = locked.status
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            user=user, action=AuditEntry.Action.TRANSITION, obj=locked, changes={"status": [old, to]}
        )
    survey.status = to
    return survey


def survey_open(*, user, survey: Survey, today: date | None = None) -> Survey:
    """草稿 → 进行中. Needs at least one rated question and an end date not yet past."""
    if not survey.questions.filter(kind__in=[Question.Kind.SCALE, Question.Kind.AWARENESS]).exists():
        raise ValidationError("问卷还没有满意度或知晓类题目，不能发布")
    if survey.closes_on < (today or timezone.localdate()):
        raise ValidationError("截止日期已过，请先修改截止日期再发布")
    return _transition(
        user=user,
        survey=survey,
        to=Survey.Status.OPEN,
        allowed_from=(Survey.Status.DRAFT,),
        refusal="问卷当前状态为“{status}”，只有草稿可以发布",
    )


def survey_close(*, user, survey: Survey) -> Survey:
    """进行中 → 已结束: links stop accepting answers at once."""
    return _transition(
        user=user,
        survey=survey,
        to=Survey.Status.CLOSED,
        allowed_from=(Survey.Status.OPEN,),
        refusal="问卷当前状态为“{status}”，只有进行中的问卷可以结束",
    )


def survey_reopen(*, user, survey: Survey, today: date | None = None) -> Survey:
    """已结束 → 进行中 (e.g. the sample is short and the end date was extended)."""
    if survey.closes_on < (today or timezone.localdate()):
        raise ValidationError("截止日期已过，请先延长截止日期再重新开放")
    return _transition(
        user=user,
        survey=survey,
        to=Survey.Status.OPEN,
        allowed_from=(Survey.Status.CLOSED,),
        refusal="问卷当前状态为“{status}”，只有已结束的问卷可以重新开放",
    )


# --- questions --------------------------------------------------------------------------------


def _ensure_questions_editable(survey: Survey) -> None:
    # Changing questions after answers came in would make old answers mean something else.
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError("问卷已发布，题目不能再修改；如需调整请新建问卷")


def _clean_question(question: Question) -> None:
    if question.kind == Question.Kind.CHOICE and len(question.options) < 2:
        raise ValidationError("单选题至少需要两个选项")
    if question.kind != Question.Kind.CHOICE:
        question.options = []
    unknown = set(question.groups) - set(RespondentGroup.values)
    if not question.groups or unknown:
        raise ValidationError("请至少选择一类适用对象")
    question.full_clean()


@transaction.atomic
def question_create(*, user, survey: Survey, **fields) -> Question:
    _ensure_questions_editable(survey)
    question = Question(survey=survey, **fields)
    _clean_question(question)
    question.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=question,
        county=survey.county,
        changes=model_snapshot(question, QUESTION_FIELDS),
    )
    return question


@transaction.atomic
def question_update(*, user, question: Question, **fields) -> Question:
    _ensure_questions_editable(question.survey)
    old = model_snapshot(question, QUESTION_FIELDS)
    for name, value in fields.items():
        if name not in QUESTION_FIELDS:
            raise ValueError(f"not editable: {name}")
        setattr(question, name, value)
    _clean_question(question)
    question.save()
    changes = diff(old, model_snapshot(question, QUESTION_FIELDS))
    if changes:
        audit_record(
            user=user,
            action=AuditEntry.Action.UPDATE,
            obj=question,
            county=question.survey.county,
            changes=changes,
        )
    return question


@transaction.atomic
def question_delete(*, user, question: Question) -> None:
    _ensure_questions_editable(question.survey)
    audit_record(
        user=user,
        action=AuditEntry.Action.DELETE,
        obj=question,
        county=question.survey.county,
        changes=model_snapshot(question, QUESTION_FIELDS),
    )
    question.delete()


# --- invitations ------------------------------------------------------------------------------


def _check_invitation_numbers(target: int, quota: int) -> None:
    if target < 1:
        raise ValidationError("样本目标至少为 1")
    if quota < target:
        raise ValidationError("答卷上限不能小于样本目标")


def _ensure_not_closed(survey: Survey) -> None:
    if survey.status == Survey.Status.CLOSED:
        raise ValidationError("问卷已结束，不能再生成邀请链接")


@transaction.atomic
def invitation_create(
    *, user, survey: Survey, group: str, target: int, quota: int, school=None, label: str = ""
) -> Invitation:
    _ensure_not_closed(survey)
    _check_invitation_numbers(target, quota)
    if school is not None and school.county_id != survey.county_id:
        raise ValidationError("学校不属于本问卷所在区县")
    if school is not None and Invitation.objects.filter(survey=survey, school=school, group=group).exists():
        raise ValidationError("该校该类对象已有邀请链接")
    invitation = Invitation.objects.create(
        survey=survey, school=school, group=group, target=target, quota=quota, label=label
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=invitation,
        county=survey.county,
        changes={"group": group, "target": target, "quota": quota, "label": label},
    )
    return invitation


@transaction.atomic
def invitations_generate(*, user, survey: Survey, schools, groups, target: int, quota: int) -> int:
    """One invitation per school and (school) group that has none yet; returns how many were made."""
    _ensure_not_closed(survey)
    _check_invitation_numbers(target, quota)
    groups = [g for g in groups if g in SCHOOL_GROUPS]
    if not groups:
        raise ValidationError("请选择至少一类以学校为单位的调查对象（家长、学生、教师、校长）")
    schools = [s for s in schools if s.county_id == survey.county_id]
    existing = set(
        Invitation.objects.filter(survey=survey, school__isnull=False).values_list("school_id", "group")
    )
    new = [
        Invitation(survey=survey, school=s, group=g, target=target, quota=quota)
        for s in schools
        for g in groups
        if (s.pk, g) not in existing
    ]
    Invitation.objects.bulk_create(new)
    if new:
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATE,
            object_type="surveys.Invitation",
            object_repr=str(survey),
            county=survey.county,
            note=f"批量生成邀请链接 {len(new)} 个（{len(schools)} 所学校，每个样本目标 {target}，上限 {quota}）",
        )
    return len(new)


@transaction.atomic
def invitation_deactivate(*, user, invitation: Invitation) -> Invitation:
    if not invitation.active:
        raise ValidationError("该链接已停用")
    Invitation.objects.filter(pk=invitation.pk).update(active=False)
    invitation.active = False
    audit_record(
        user=user,
        action=AuditEntry.Action.TRANSITION,
        obj=invitation,
        county=invitation.survey.county,
        changes={"active": [True, False]},
    )
    return invitation


# --- answers (anonymous) ----------------------------------------------------------------------


class QuotaFull(Exception):
    """The invitation has reached its quota (or was deactivated meanwhile)."""


class DuplicateSubmission(Exception):
    """This form (its nonce) was already submitted; the first submission stands."""


def invitation_flag(*, invitation: Invitation, reason: str, refused: bool) -> None:
    """Mark a link for review after a burst or a refused submission (kept: the latest reason,
    the time and how many were refused). Anonymous: nothing about the respondent is stored."""
    changes = {"flagged_at": timezone.now(), "flag_reason": reason[:200]}
    if refused:
        changes["refused_count"] = F("refused_count") + 1
    Invitation.objects.filter(pk=invitation.pk).update(**changes)


def response_submit(
    *, invitation: Invitation, answers: dict[int, tuple[int | None, str]], nonce: str, today: date
) -> Response:
    """Store one anonymous questionnaire: answers maps question id -> (value, text).

    Exactly-once under concurrency: the nonce is unique in the database (a replayed form fails
    the insert) and the quota is taken with a conditional UPDATE, both in one transaction, so two
    workers can neither double-count a form nor overshoot the quota.
    """
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey_id=invitation.survey_id,
                invitation=invitation,
                group=invitation.group,
                school_id=invitation.school_id,
                submitted_on=today,
                nonce=nonce,
            )
            taken = Invitation.objects.filter(
                pk=invitation.pk,
                active=True,
                answers_count__lt=F("quota"),
            ).update(answers_count=F("answers_count") + 1)
            if not taken:
                raise QuotaFull
            Answer.objects.bulk_create(
                [
                    Answer(response=response, question_id=qid, value=value, text=text)
                    for qid, (value, text) in answers.items()
                    if value is not None or text
                ]
            )
    except IntegrityError:
        if Response.objects.filter(nonce=nonce).exists():
            raise DuplicateSubmission from None
        raise
    return response
