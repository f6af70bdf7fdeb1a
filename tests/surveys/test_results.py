"""Results: aggregation checked against a direct count, the pages and the export."""

import io
import random
import secrets
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from accounts.models import AuditEntry
from domain import numbers
from surveys import selectors, services
from surveys.models import Answer, Invitation, Question, RespondentGroup, Response
from tests.factories import SchoolFactory, TownshipFactory


@pytest.fixture
def sample(survey, bureau, school_a, school_b, county, today):
    """~300 random answers from 3 schools (2 townships) and county-wide deputies."""
    rng = random.Random(20250601)
    school_c = SchoolFactory(
        township=TownshipFactory(county=county, name="河口乡"),
        code="1301230003",
        name="河口中学",
        school_type="初中",
    )
    invitations = [
        services.invitation_create(user=bureau, survey=survey, school=s, group=g, target=20, quota=200)
        for s in (school_a, school_b, school_c)
        for g in ("parent", "teacher", "student")
    ] + [
        services.invitation_create(
            user=bureau, survey=survey, group="deputy", label="代表", target=10, quota=50
        )
    ]
    questions = list(survey.questions.all())
    for _ in range(300):
        inv = rng.choice(invitations)
        answers = {}
        for q in questions:
            if inv.group not in q.groups or rng.random() < 0.05:
                continue  # some optional/skipped answers make "valid" differ from "responses"
            if q.kind == Question.Kind.SCALE:
                answers[q.pk] = (rng.choices([5, 4, 3, 2, 1], weights=[55, 30, 8, 5, 2])[0], "")
            elif q.kind == Question.Kind.AWARENESS:
                answers[q.pk] = (rng.choice([1, 1, 1, 0]), "")
            elif q.kind == Question.Kind.CHOICE:
                answers[q.pk] = (rng.randrange(len(q.options)), "")
            elif rng.random() < 0.2:
                answers[q.pk] = (None, "意见")
        services.response_submit(invitation=inv, answers=answers, nonce=secrets.token_hex(16), today=today)
    return survey


def direct_rate(answers):
    values = [a.value for a in answers]
    return Fraction(sum(v in (4, 5) for v in values), len(values)) if values else None


def test_every_breakdown_matches_a_direct_count(sample):
    res = selectors.survey_results(sample, formula="top2")
    scale = list(
        Answer.objects.filter(question__survey=sample, question__kind="scale").select_related(
            "response", "response__school"
        )
    )
    assert res.satisfaction.rate == direct_rate(scale)
    assert res.satisfaction.valid == len(scale)
    for line in res.questions:
        rows = [a for a in scale if a.question_id == line.key.pk]
        if line.key.kind == "scale":
            assert line.rate.rate == direct_rate(rows)
    for line in res.groups:
        assert line.rate.rate == direct_rate([a for a in scale if a.response.group == line.key])
        assert line.responses == Response.objects.filter(survey=sample, group=line.key).count()
    for line in res.schools:
        assert line.rate.rate == direct_rate([a for a in scale if a.response.school_id == line.key.pk])
    for line in res.townships:
        assert line.rate.rate == direct_rate(
            [a for a in scale if a.response.school_id and a.response.school.township_id == line.key.pk]
        )
    aware = list(Answer.objects.filter(question__survey=sample, question__kind="awareness"))
    assert res.awareness.rate == Fraction(sum(a.value == 1 for a in aware), len(aware))
    assert res.responses == Response.objects.filter(survey=sample).count() == 300


def test_the_weighted_formula_matches_a_direct_average(sample):
    res = selectors.survey_results(sample, formula="weighted")
    scores = {5: 100, 4: 80, 3: 60, 2: 40, 1: 0}
    values = Answer.objects.filter(question__survey=sample, question__kind="scale").values_list(
        "value", flat=True
    )
    assert res.satisfaction.rate == Fraction(sum(scores[v] for v in values), 100 * len(values))


def test_weakest_items_come_first(sample):
    rates = [line.rate.rate for line in selectors.survey_results(sample).questions]
    assert rates == sorted(rates)


def test_the_counter_agrees_with_the_rows(sample):
    for inv in Invitation.objects.filter(survey=sample):
        assert inv.answers_count == inv.responses.count()


def test_the_results_page_runs_a_constant_number_of_queries(
    sample, login, bureau, django_assert_max_num_queries
):
    client = login(bureau)
    with django_assert_max_num_queries(15):
        page = client.get(f"/surveys/{sample.pk}/results/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "社会认可度" in html and "河口中学" in html and "人大代表和政协委员" in html


def test_a_survey_without_answers_shows_an_undefined_rate(survey, login, bureau):
    html = login(bureau).get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "尚无有效的满意度答案" in html


def test_the_xlsx_export_has_every_breakdown_and_is_audited(sample, login, inspector):
    response = login(inspector).get(f"/surveys/{sample.pk}/results.xlsx")
    assert response["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == [
        "总体",
        "按题目（薄弱项在前）",
        "按调查对象",
        "按学校",
        "按乡镇",
        "样本进度",
        "文字意见",
    ]
    assert next(wb["总体"].iter_rows(values_only=True))[0].endswith("结果 · 总体")  # title, data time, header
    summary = {row[0]: row[1:] for row in wb["总体"].iter_rows(min_row=4, values_only=True)}
    res = selectors.survey_results(sample)
    assert summary["答卷数"][0] == 300
    # The cell is the number the page prints (85.1%), rounded the same way, not 0.8515 beside it.
    assert summary["满意度（社会认可度）"][0] == float(numbers.round_half_up(res.satisfaction.rate, 3))
    assert len(list(wb["按学校"].iter_rows(min_row=4))) == 3
    assert AuditEntry.objects.filter(action="export", object_id=str(sample.pk)).exists()


def test_free_text_in_the_export_cannot_become_a_formula(survey, bureau, school_a, today):
    inv = services.invitation_create(
        user=bureau, survey=survey, school=school_a, group="parent", target=1, quota=1
    )
    text_q = survey.questions.get(kind="text")
    services.response_submit(
        invitation=inv, answers={text_q.pk: (None, '=HYPERLINK("http://x")')}, nonce="n" * 20, today=today
    )
    from surveys.exports import result_sheets

    sheets = result_sheets(selectors.survey_results(survey), selectors.comments_of(survey))
    from balance_inspect.xlsx import write_xlsx

    wb = load_workbook(io.BytesIO(write_xlsx(sheets)), read_only=True)
    cell = list(wb["文字意见"].iter_rows(min_row=2, values_only=True))[0][4]
    assert cell.startswith("'=")


def test_sample_progress_counts_answers_against_targets(parent_invitation, respond):
    respond(parent_invitation)
    res = selectors.survey_results(parent_invitation.survey)
    [line] = res.progress
    assert (line.label, line.extra["group"], line.target, line.responses) == ("城关小学", "家长", 3, 1)


def test_single_choice_questions_are_counted(parent_invitation, respond):
    respond(parent_invitation)
    [choice] = selectors.survey_results(parent_invitation.survey).choices
    assert choice["total"] == 1 and choice["options"][0]["count"] == 1


def test_groups_are_listed_in_a_fixed_order(survey):
    assert [line.key for line in selectors.survey_results(survey).groups] == RespondentGroup.values
