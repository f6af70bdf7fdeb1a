"""surveys.selectors.county_recognition: what the assessment and the readiness board read."""

import secrets
from datetime import timedelta

import pytest

from surveys import services
from surveys.models import Question, Survey
from surveys.selectors import county_recognition


def answer_all(invitation, scale_values, today):
    """One response per value in scale_values, every scale question answered with that value."""
    scale = [
        q
        for q in invitation.survey.questions.all()
        if q.kind == Question.Kind.SCALE and invitation.group in q.groups
    ]
    for v in scale_values:
        services.response_submit(
            invitation=invitation,
            answers={q.pk: (v, "") for q in scale},
            nonce=secrets.token_hex(16),
            today=today,
        )
    return len(scale)


@pytest.fixture
def big_invitation(survey, bureau, school_a):
    return services.invitation_create(
        user=bureau, survey=survey, school=school_a, group="parent", target=20, quota=10000
    )


# 17/20 is exactly 85 % (passes); the 84.99 % boundary is in test_engine.py.
@pytest.mark.parametrize(("satisfied", "total", "passed"), [(17, 20, True), (16, 20, False), (20, 20, True)])
def test_it_reports_the_rate_against_the_85_percent_line(big_invitation, today, satisfied, total, passed):
    per = answer_all(big_invitation, [5] * satisfied + [3] * (total - satisfied), today)
    r = county_recognition(big_invitation.survey.county, big_invitation.survey.year)
    assert r["rate"] == pytest.approx(satisfied / total)
    assert r["passed"] is passed
    # 答卷 are questionnaires (one per respondent); valid answers are the rated items across them.
    assert r["questionnaires"] == total and r["valid_answers"] == total * per
    assert r["answers"] == r["questionnaires"] and r["valid"] == r["valid_answers"]
    assert r["threshold"] == 0.85
    assert r["by_group"]["parent"]["passed"] is passed
    assert r["by_group"]["parent"]["questionnaires"] == total


def test_no_survey_or_no_answers_is_undefined_not_an_error(county, survey):
    assert county_recognition(county, 1999) == {
        **county_recognition(county, 1999),
        "rate": None,
        "passed": None,
        "answers": 0,
        "survey_id": None,
    }
    r = county_recognition(county, survey.year)
    assert (r["survey_id"], r["rate"], r["passed"], r["answers"]) == (survey.pk, None, None, 0)
    assert r["rate_display"] == "—"


def test_drafts_do_not_count_and_a_period_text_selects_the_survey(county, bureau, draft_survey, today):
    assert county_recognition(county, draft_survey.year)["survey_id"] is None
    services.survey_open(user=bureau, survey=draft_survey, today=today)
    assert county_recognition(county, draft_survey.period)["survey_id"] == draft_survey.pk
    assert county_recognition(county, "别的期次")["survey_id"] is None


def test_the_latest_survey_of_the_year_counts(county, bureau, survey, today):
    later = services.survey_create_from_template(user=bureau, county=county, today=today)
    Survey.objects.filter(pk=later.pk).update(
        closes_on=survey.closes_on + timedelta(days=5), year=survey.year
    )
    services.survey_open(user=bureau, survey=later, today=today)
    assert county_recognition(county, survey.year)["survey_id"] == later.pk


def test_another_countys_answers_never_count(big_invitation, other_county, other_survey, today):
    answer_all(big_invitation, [5] * 5, today)
    assert county_recognition(other_county, big_invitation.survey.year)["answers"] == 0


def test_the_formula_setting_changes_the_rate(big_invitation, today, settings):
    answer_all(big_invitation, [4] * 10, today)
    survey = big_invitation.survey
    settings.SURVEY_SATISFACTION_FORMULA = "top2"
    assert county_recognition(survey.county, survey.year)["rate"] == 1.0
    settings.SURVEY_SATISFACTION_FORMULA = "weighted"
    r = county_recognition(survey.county, survey.year)
    assert (r["rate"], r["passed"], r["formula"]) == (pytest.approx(0.8), False, "weighted")


def test_weakest_items_are_listed(big_invitation, today):
    survey = big_invitation.survey
    scale = [q for q in survey.questions.all() if q.kind == "scale" and "parent" in q.groups]
    weak = scale[2]
    for i in range(10):
        answers = {q.pk: (5, "") for q in scale}
        answers[weak.pk] = (5 if i < 5 else 1, "")
        services.response_submit(
            invitation=big_invitation, answers=answers, nonce=secrets.token_hex(16), today=today
        )
    r = county_recognition(survey.county, survey.year)
    assert r["weakest"][0]["item"] == weak.item
    assert r["weakest"][0]["passed"] is False


def test_it_reads_in_a_constant_number_of_queries(big_invitation, today, django_assert_num_queries):
    answer_all(big_invitation, [5, 4, 3], today)
    survey = big_invitation.survey
    with django_assert_num_queries(4):
        county_recognition(survey.county, survey.year)
