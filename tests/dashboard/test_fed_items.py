"""Finding 2 of the one-truth issue: the dashboard showed 88.25 % and 97.1 % while the assessment
said 未录入. Now the dashboard prints the figures of the assessment's county items, from the same
functions (surveys.selectors.county_recognition, dropout_control.selectors.county_retention) for
the same school year."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dropout_control import services as dropout_services
from surveys import services as survey_services
from surveys.models import Survey
from tests.dashboard.conftest import YEAR
from tests.surveys.test_county_recognition import answer_all

URL = reverse("dashboard:overview")


def text(response) -> str:
    html = re.sub(r"<svg.*?</svg>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def fed(small_county, bureau):
    """A survey of 2025 (17 of 20 parents satisfied, 85 %) and a junior cohort graduating in 2025
    (971 of 1000, 97.1 %), entered before the county is assessed."""
    county = small_county.county
    today = timezone.localdate()
    survey = survey_services.survey_create_from_template(
        user=bureau, county=county, today=today - timedelta(days=1)
    )
    Survey.objects.filter(pk=survey.pk).update(year=YEAR)
    survey.refresh_from_db()
    survey_services.survey_open(user=bureau, survey=survey, today=today)
    invitation = survey_services.invitation_create(
        user=bureau, survey=survey, school=small_county.school_a, group="parent", target=20, quota=100
    )
    answer_all(invitation, [5] * 17 + [3] * 3, today)
    junior = small_county.junior
    dropout_services.cohort_save(user=bureau, school=junior, year=YEAR - 3, figures={"grade7_entrants": 1000})
    dropout_services.cohort_save(user=bureau, school=junior, year=YEAR, figures={"junior_graduates": 971})
    return small_county


@pytest.fixture
def items(fed, bureau):
    from indicators.services import assessment_run_now

    assessment = assessment_run_now(county=fed.county, year=YEAR, scheme="quality-2017", user=bureau)
    return {r["key"]: r for r in assessment.result["county_items"]}


def test_the_dashboard_prints_the_satisfaction_the_assessment_judged(login, inspector, items):
    row = items["social_recognition"]
    assert row["source"] == "provider" and row["passed"] is True
    page = text(login(inspector).get(URL))
    assert f"社会认可度 {row['value_text']}" in page
    assert f"满意度 {row['value_text']} ，要求 ≥ 85%" in page


def test_the_dashboard_prints_the_retention_the_assessment_judged(login, inspector, items):
    row = items["junior_retention"]
    assert (row["source"], row["passed"], row["value_text"]) == ("provider", True, "97.1%")
    page = text(login(inspector).get(URL))
    assert f"初中三年巩固率 {row['value_text']} （要求 ≥ 95%，2025 年毕业）" in page


def test_a_later_cohort_does_not_change_the_figure_of_the_assessed_year(login, inspector, items, fed, bureau):
    # The demo county had graduates of 2026 too; the dashboard used to show those beside an
    # assessment of 2025—2026 that judged the 2025 cohort.
    dropout_services.cohort_save(
        user=bureau, school=fed.junior, year=YEAR - 2, figures={"grade7_entrants": 1000}
    )
    dropout_services.cohort_save(
        user=bureau, school=fed.junior, year=YEAR + 1, figures={"junior_graduates": 900}
    )
    page = text(login(inspector).get(URL))
    assert "初中三年巩固率 97.1%" in page and "90.0%" not in page
