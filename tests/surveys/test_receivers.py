"""What surveys send through balance_inspect.signals: the assessment item 社会认可度 and the
readiness row of the survey sample, both from selectors.county_recognition."""

import pytest

from indicators.models import CountyItemValue
from indicators.services import county_item_rows
from surveys import receivers
from surveys.models import Survey
from surveys.selectors import county_recognition
from tests.surveys.test_county_recognition import answer_all


def item(county, year):
    return next(r for r in county_item_rows(county, year, "quality-2017") if r["key"] == "social_recognition")


@pytest.fixture
def invitation(survey, bureau, school_a):
    from surveys import services

    return services.invitation_create(
        user=bureau, survey=survey, school=school_a, group="parent", target=20, quota=10000
    )


# 17 / 20 is exactly the 85 % line.
@pytest.mark.parametrize(("satisfied", "passed"), [(17, True), (16, False)])
def test_the_survey_rate_is_the_social_recognition_item(invitation, today, satisfied, passed):
    answer_all(invitation, [5] * satisfied + [3] * (20 - satisfied), today)
    survey = invitation.survey

    row = item(survey.county, survey.year)

    recognition = county_recognition(survey.county, survey.year)
    assert row["source"] == "provider" and row["passed"] is passed
    assert row["value"] == pytest.approx(satisfied * 5) and row["value_text"] == recognition["rate_display"]
    assert recognition["rate_display"] in row["detail"] and "答卷 20 份" in row["detail"]


def test_a_published_survey_without_answers_is_no_data_not_passed(survey):
    row = item(survey.county, survey.year)
    assert row["source"] == "provider" and row["passed"] is None and "尚无有效答卷" in row["detail"]


def test_without_a_survey_of_the_year_an_entered_figure_counts(county, bureau, survey):
    assert receivers.county_items(None, county=county, year=1999) == []
    assert item(county, 1999)["source"] == "none" and item(county, 1999)["passed"] is None
    CountyItemValue.objects.create(
        county=county, year=1999, key="social_recognition", value=91, passed=True, entered_by=bureau
    )
    row = item(county, 1999)
    assert (row["source"], row["passed"]) == ("entered", True)


def test_the_readiness_row_follows_the_sample(invitation, today):
    survey = invitation.survey
    county, year = survey.county, survey.year

    def row():
        (only,) = receivers.readiness_rows(None, county=county, year=year)
        return only["status"], only["detail"]

    assert row() == ("at_risk", f"“{survey.title}”调查进行中：已回收 0 份，样本目标 20 份")
    answer_all(invitation, [5] * 20, today)
    assert row()[0] == "pass"
    assert receivers.readiness_rows(None, county=county, year=1999)[0] == {
        "area": "社会认可度",
        "item": "满意度调查样本",
        "status": "at_risk",
        "detail": "1999—2000学年尚未发布满意度调查",
    }


def test_a_closed_survey_below_its_sample_is_at_risk(invitation, today):
    answer_all(invitation, [5] * 5, today)
    survey = invitation.survey
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    (row,) = receivers.readiness_rows(None, county=survey.county, year=survey.year)
    assert (row["status"], row["detail"]) == (
        "at_risk",
        f"“{survey.title}”已截止：回收 5 份，未达到样本目标 20 份",
    )
