"""Selectors other apps use: latest finished run, indicator status, scoped assessment lists."""

import pytest

from indicators.models import Assessment
from indicators.selectors import assessments_visible_to, indicator_status, latest_done_assessment
from schools.models import Teacher
from tests.indicators.conftest import add_teachers

pytestmark = pytest.mark.django_db


def test_latest_done_assessment_is_the_latest_finished_one(county_data, quality, basic):
    Assessment.objects.create(county=county_data.county, year=2025, scheme="quality-2017")  # queued
    assert latest_done_assessment(county_data.county) == basic
    assert latest_done_assessment(county_data.county, year=2025, scheme="quality-2017") == quality
    assert latest_done_assessment(county_data.county, year=2024) is None


def test_indicator_status_reports_current_values_and_the_stored_failure(county_data, quality):
    status = indicator_status(county_data.county, 2025, "backbone_teachers_per100")
    assert status["scheme"] == "quality-2017" and status["assessment_id"] == quality.pk
    assert status["still_failing"] is True
    assert status["stages"]["primary"]["cv_assessed"] == pytest.approx(0.7842, abs=1e-4)
    a = next(u for u in status["units"] if u["school_code"] == "1301230001")
    assert (a["value"], a["standard"], a["meets"]) == (pytest.approx(0.9), 1.0, False)


def test_indicator_status_sees_todays_data_after_a_fix(county_data, quality):
    add_teachers(county_data.school_a, 21, backbone="县级", prefix="B")
    status = indicator_status(county_data.county, 2025, "backbone_teachers_per100", stage="primary")
    assert set(status["stages"]) == {"primary"}
    assert status["stages"]["primary"]["cv_current"] < 0.5
    assert status["still_failing"] is True  # the stored assessment has not been redone yet
    a = next(u for u in status["units"] if u["school_code"] == "1301230001")
    assert a["meets"] is True


def test_indicator_status_of_a_passing_indicator(county_data, quality):
    assert indicator_status(county_data.county, 2025, "building_area_pp")["still_failing"] is False


def test_indicator_status_without_an_assessment_is_undecided(county_data):
    status = indicator_status(county_data.county, 2025, "backbone_teachers_per100")
    assert status["scheme"] == "quality-2017" and status["still_failing"] is None
    assert status["assessment_id"] is None and status["units"][0]["standard"] == 1.0


def test_indicator_status_of_a_key_the_target_scheme_lacks_shows_values_but_no_verdict(
    county_data, quality, basic
):
    status = indicator_status(county_data.county, 2025, "books_pp")  # a 2012 indicator, target 2017
    assert status["scheme"] == "quality-2017" and status["still_failing"] is None
    assert status["assessment_id"] is None
    assert status["units"][0]["standard"] is None and status["units"][0]["value"] > 0


def test_indicator_status_refuses_an_unknown_key(county_data):
    with pytest.raises(ValueError, match="未知的指标"):
        indicator_status(county_data.county, 2025, "happiness")


def test_assessments_are_scoped_to_the_users_county(
    quality, bureau, inspector, other_bureau, township_official
):
    assert list(assessments_visible_to(bureau)) == [quality]
    assert list(assessments_visible_to(inspector)) == [quality]
    assert not assessments_visible_to(other_bureau).exists()
    assert not assessments_visible_to(township_official).exists()
    assert Teacher.objects.exists()
