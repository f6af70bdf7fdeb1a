"""Reads of the surveys app. Lists are scoped through accounts.access.scope; the aggregation
itself is done by surveys.engine on tallies the database groups for it (constant query count).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from accounts.access import scope
from domain import numbers
from schools.models import SCHOOL_ORDER, School
from surveys import engine
from surveys.models import Answer, Invitation, Question, RespondentGroup, Response, Survey

RATED = (Question.Kind.SCALE, Question.Kind.AWARENESS)
GROUP_LABELS = dict(RespondentGroup.choices)
FORMULA_LABELS = {
    "top2": "（满意＋比较满意）÷ 有效答案数",
    "weighted": "各答案按 100/80/60/40/0 赋分后的平均分 ÷ 100",
}


def surveys_visible_to(user) -> QuerySet:
    """Surveys of the user's county; township officials and school reporters see none."""
    return scope(user, Survey.objects.select_related("county"), county="county", township=None, school=None)


def survey_list_for(user) -> QuerySet:
    return (
        surveys_visible_to(user)
        .annotate(
            n_responses=Count("responses", distinct=True),
            n_invitations=Count("invitations", distinct=True),
        )
        .order_by("-year", "-opens_on", "-id")
    )


def invitations_of(survey: Survey) -> QuerySet:
    return survey.invitations.select_related("school", "school__township").order_by(
        "school__township__position", "school__township_id", "school__code", "group", "id"
    )


def flagged_invitations(survey: Survey) -> QuerySet:
    """Links whose answers arrived in a burst or had submissions refused: to review before the
    rates are relied on."""
    return invitations_of(survey).filter(flagged_at__isnull=False)


def schools_of_county(county) -> QuerySet:
    return School.objects.filter(county=county).select_related("township").order_by(*SCHOOL_ORDER)


_ANSWERING_QUESTIONS: dict[tuple[int, float], list[Question]] = {}


def questions_for_answering(survey: Survey) -> list[Question]:
    """The survey's questions, cached in this process for the public answer page.

    Safe because questions only change while a survey is a draft (services refuse otherwise),
    and a draft serves no form; the key includes updated_at, which every save of the survey
    (opening it, the admin's change form) moves on. Saves a query on every page load and post.
    """
    key = (survey.pk, survey.updated_at.timestamp())
    questions = _ANSWERING_QUESTIONS.get(key)
    if questions is None:
        if len(_ANSWERING_QUESTIONS) > 256:
            _ANSWERING_QUESTIONS.clear()
        questions = _ANSWERING_QUESTIONS[key] = list(survey.questions.all())
    return questions


def comments_of(survey: Survey) -> QuerySet:
    """Free-text answers (newest first) with their question, group and school. Render escaped."""
    return (
        Answer.objects.filter(question__survey=survey, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .select_related("question", "response", "response__school")
        .order_by("-response_id", "question__order")
    )


def _formula(formula: str | None) -> str:
    return formula or settings.SURVEY_SATISFACTION_FORMULA


def _tallies(survey_ids, school_township: dict[int, int]) -> list[engine.Tally]:
    rows = (
        Answer.objects.filter(
            question__survey_id__in=survey_ids, question__kind__in=RATED, value__isnull=False
        )
        .values("question_id", "question__kind", "response__group", "response__school_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        engine.Tally(
            question=r["question_id"],
            kind=r["question__kind"],
            group=r["response__group"],
            school=r["response__school_id"],
            township=school_township.get(r["response__school_id"]),
            value=r["value"],
            count=r["n"],
        )
        for r in rows
    ]


@dataclass
class Line:
    """One row of a results table: a label, its rate and the answers behind it."""

    key: object
    label: str
    rate: engine.Rate
    responses: int = 0
    target: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def passed(self):
        return self.rate.passed


@dataclass
class SurveyResults:
    survey: Survey
    formula: str
    formula_label: str
    satisfaction: engine.Rate
    awareness: engine.Rate
    responses: int
    target: int
    questions: list[Line]  # rated questions, weakest first
    groups: list[Line]
    schools: list[Line]
    townships: list[Line]
    progress: list[Line]  # per invitation place (school or county-wide) and group
    choices: list[dict]  # single-choice questions with their counts

    @property
    def weak_questions(self) -> list[Line]:
        return [q for q in self.questions if q.rate.passed is False]


def survey_results(survey: Survey, *, formula: str | None = None) -> SurveyResults:
    """Everything the results page and the export show, in 6 queries whatever the sample size."""
    formula = _formula(formula)
    questions = list(survey.questions.all())
    schools = {s.pk: s for s in schools_of_county(survey.county_id)}
    school_township = {pk: s.township_id for pk, s in schools.items()}
    tallies = _tallies([survey.pk], school_township)
    res = engine.summarise(tallies, formula, question_order=[q.pk for q in questions])

    responses = defaultdict(int)
    for r in (
        Response.objects.filter(survey=survey).values("school_id", "group").annotate(n=Count("id")).order_by()
    ):
        responses[(r["school_id"], r["group"])] += r["n"]
    targets = defaultdict(int)
    for r in (
        Invitation.objects.filter(survey=survey)
        .values("school_id", "group")
        .annotate(t=Sum("target"))
        .order_by()
    ):
        targets[(r["school_id"], r["group"])] += r["t"]

    def total(pred, counts):
        return sum(n for k, n in counts.items() if pred(k))

    by_id = {q.pk: q for q in questions}
    question_lines = [
        Line(
            key=by_id[qid],
            label=by_id[qid].item or by_id[qid].text,
            rate=res.by_question[qid],
            extra={
                "by_group": [
                    (GROUP_LABELS.get(g, g), res.by_question_group.get((qid, g))) for g in by_id[qid].groups
                ]
            },
        )
        for qid in res.weakest
        if qid in by_id
    ]
    group_lines = [
        Line(
            key=g,
            label=label,
            rate=res.by_group.get(g, engine.Rate(None, 0)),
            responses=total(lambda k, g=g: k[1] == g, responses),
            target=total(lambda k, g=g: k[1] == g, targets),
            extra={"awareness": res.awareness_by_group.get(g, engine.Rate(None, 0))},
        )
        for g, label in RespondentGroup.choices
    ]
    school_ids = {k[0] for k in (*responses, *targets) if k[0] is not None}
    school_lines = [
        Line(
            key=schools[sid],
            label=schools[sid].name,
            rate=res.by_school.get(sid, engine.Rate(None, 0)),
            responses=total(lambda k, sid=sid: k[0] == sid, responses),
            target=total(lambda k, sid=sid: k[0] == sid, targets),
            extra={"township": schools[sid].township.name},
        )
        for sid in sorted(
            school_ids, key=lambda i: (schools[i].township.position, schools[i].township_id, schools[i].code)
        )
        if sid in schools
    ]
    townships = {}
    for s in schools.values():
        if s.pk in school_ids:
            townships[s.township_id] = s.township
    township_lines = [
        Line(
            key=t,
            label=t.name,
            rate=res.by_township.get(tid, engine.Rate(None, 0)),
            responses=total(lambda k, tid=tid: school_township.get(k[0]) == tid, responses),
            target=total(lambda k, tid=tid: school_township.get(k[0]) == tid, targets),
        )
        for tid, t in sorted(townships.items(), key=lambda kv: (kv[1].position, kv[0]))
    ]
    places = sorted(
        set(responses) | set(targets),
        key=lambda k: (k[0] is None, schools[k[0]].code if k[0] in schools else "", k[1]),
    )
    progress_lines = [
        Line(
            key=k,
            label=(schools[k[0]].name if k[0] in schools else "全县"),
            rate=engine.Rate(None, 0),
            responses=responses.get(k, 0),
            target=targets.get(k, 0),
            extra={"group": GROUP_LABELS.get(k[1], k[1])},
        )
        for k in places
    ]
    return SurveyResults(
        survey=survey,
        formula=formula,
        formula_label=FORMULA_LABELS[formula],
        satisfaction=res.satisfaction,
        awareness=res.awareness,
        responses=sum(responses.values()),
        target=sum(targets.values()),
        questions=question_lines,
        groups=group_lines,
        schools=school_lines,
        townships=township_lines,
        progress=progress_lines,
        choices=_choice_counts(survey, questions),
    )


def _choice_counts(survey: Survey, questions: list[Question]) -> list[dict]:
    choice_qs = [q for q in questions if q.kind == Question.Kind.CHOICE]
    if not choice_qs:
        return []
    counts = defaultdict(dict)
    for r in (
        Answer.objects.filter(question__in=choice_qs, value__isnull=False)
        .values("question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[r["question_id"]][r["value"]] = r["n"]
    out = []
    for q in choice_qs:
        total = sum(counts[q.pk].values())
        out.append(
            {
                "question": q,
                "total": total,
                "options": [
                    {
                        "label": opt,
                        "count": counts[q.pk].get(i, 0),
                        "share": (counts[q.pk].get(i, 0) / total) if total else None,
                    }
                    for i, opt in enumerate(q.options)
                ],
            }
        )
    return out


def _rate_text(rate: engine.Rate) -> str:
    """A satisfaction rate as a percentage, never reading as the 85 % line when it fails."""
    return numbers.pct_against(rate.rate, rate.line, passed=rate.passed)


def questionnaire_counts(survey: Survey) -> dict[str, int]:
    """答卷: submitted questionnaires of ``survey`` by respondent group (one per respondent,
    whatever the number of items answered). Item answers are counted by the survey engine."""
    return dict(
        Response.objects.filter(survey=survey).values_list("group").annotate(n=Count("id")).order_by()
    )


def county_recognition(county, year_or_period, *, formula: str | None = None) -> dict:
    """The county's social-recognition rate for the 2017 scheme's veto item (≥ 85 %).

    year_or_period: an int school year (学年 start, as everywhere in the project) or the
    survey's period text. Of the matching published (open or closed) surveys the latest one
    counts. Returns plain values:
      {survey_id, title, period, year, status, rate (float | None), rate_display, questionnaires,
       valid_answers, passed (bool | None: None when nothing is measured), threshold, formula,
       awareness, by_group {code: {label, rate, questionnaires, valid_answers, passed}}, weakest [...]}
    Two counts that differ on purpose, and are named so wherever shown:
      questionnaires (答卷): submitted questionnaires, one per respondent (questionnaire_counts);
      valid_answers (有效满意度答案): the satisfaction items answered with a scale value across them
      (one questionnaire gives up to one per rated item), the denominator of the rate.
    ``answers`` and ``valid`` are the old names of the same two figures, kept for callers.
    A county without a survey or without valid answers gets rate None and passed None.
    """
    formula = _formula(formula)
    qs = Survey.objects.filter(county=county).exclude(status=Survey.Status.DRAFT)
    qs = (
        qs.filter(year=year_or_period)
        if isinstance(year_or_period, int)
        else qs.filter(period=year_or_period)
    )
    survey = qs.order_by("-closes_on", "-id").first()
    out = {
        "survey_id": None,
        "title": "",
        "period": "",
        "year": None,
        "status": None,
        "rate": None,
        "rate_display": numbers.UNDEFINED,
        "questionnaires": 0,
        "valid_answers": 0,
        "answers": 0,
        "valid": 0,
        "passed": None,
        "threshold": float(engine.PASS_LINE),
        "formula": formula,
        "awareness": None,
        "by_group": {},
        "weakest": [],
    }
    if survey is None:
        return out
    questions = {q.pk: q for q in survey.questions.filter(kind__in=RATED)}
    res = engine.summarise(_tallies([survey.pk], {}), formula, question_order=list(questions))
    counts = questionnaire_counts(survey)
    questionnaires = sum(counts.values())
    out.update(
        survey_id=survey.pk,
        title=survey.title,
        period=survey.period,
        year=survey.year,
        status=survey.status,
        rate=res.satisfaction.value,
        rate_display=_rate_text(res.satisfaction),
        questionnaires=questionnaires,
        valid_answers=res.satisfaction.valid,
        answers=questionnaires,
        valid=res.satisfaction.valid,
        passed=res.satisfaction.passed,
        awareness=res.awareness.value,
        by_group={
            g: {
                "label": label,
                "rate": res.by_group[g].value,
                "questionnaires": counts.get(g, 0),
                "valid_answers": res.by_group[g].valid,
                "answers": counts.get(g, 0),
                "valid": res.by_group[g].valid,
                "passed": res.by_group[g].passed,
            }
            for g, label in RespondentGroup.choices
            if g in res.by_group
        },
        weakest=[
            {
                "item": questions[q].item,
                "text": questions[q].text,
                "kind": questions[q].kind,
                "rate": res.by_question[q].value,
                "passed": res.by_question[q].passed,
            }
            for q in res.weakest[:5]
            if q in questions
        ],
    )
    return out


def survey_counts(survey: Survey) -> dict:
    agg = survey.invitations.aggregate(
        n=Count("id"),
        active=Count("id", filter=Q(active=True)),
        target=Sum("target"),
        answers=Sum("answers_count"),
    )
    return {k: v or 0 for k, v in agg.items()}


def questionnaire_verdicts(survey_id: int | None) -> dict[str, dict[str, int]]:
    """Per respondent group, the questionnaires of a survey judged one by one (表Ⅵ L2, L4):
    ``{group: {"questionnaires", "valid", "satisfied"}}``.

    A questionnaire is valid when it has at least one valid satisfaction answer (a scale value
    1–5), and satisfied when more than half of those answers are 满意 or 比较满意. The county's
    rate itself (county_recognition) pools the answers; this only counts questionnaires.
    Two queries whatever the sample size.
    """
    if survey_id is None:
        return {}
    per_response = (
        Answer.objects.filter(
            response__survey_id=survey_id,
            question__kind=Question.Kind.SCALE,
            value__in=tuple(engine.SCALE_LABELS),
        )
        .values("response_id", "response__group")
        .annotate(valid=Count("id"), satisfied=Count("id", filter=Q(value__gte=4)))
        .order_by()
    )
    out: dict[str, dict[str, int]] = {}
    counts = dict(
        Response.objects.filter(survey_id=survey_id).values_list("group").annotate(n=Count("id")).order_by()
    )
    for group, n in counts.items():
        out[group] = {"questionnaires": n, "valid": 0, "satisfied": 0}
    for row in per_response:
        g = out.setdefault(row["response__group"], {"questionnaires": 0, "valid": 0, "satisfied": 0})
        g["valid"] += 1
        g["satisfied"] += 2 * row["satisfied"] > row["valid"]
    return out
