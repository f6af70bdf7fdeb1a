"""The one way other apps feed the assessment's county items (balance_inspect.signals): every app
connects its receiver, a raising receiver fails the assessment, and a fed item decides the verdict."""

import pytest

from balance_inspect.jobs import JobStatus
from balance_inspect.signals import county_items_requested, readiness_requested
from indicators.models import Assessment
from indicators.services import compute_assessment_result
from indicators.tasks import run_assessment_task
from tests.signals import only_receivers

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture(autouse=True)
def no_item_providers():
    """Unlike the rest of tests/indicators, the apps' receivers stay connected here; the tests
    that pin their own swap them with only_receivers."""
    yield


def connected(signal) -> set[str]:
    return {key[0] for key, *_ in signal.receivers}


def test_every_feeding_app_connects_its_receivers_once():
    from django.apps import apps

    apps.get_app_config("workforce").ready()  # a second ready() must not connect twice
    assert {"workforce.county_items", "surveys.county_items", "dropout_control.county_items"} <= connected(
        county_items_requested
    )
    assert {"workforce.readiness", "surveys.readiness", "dropout_control.readiness"} <= connected(
        readiness_requested
    )
    assert len(readiness_requested.receivers) == len(connected(readiness_requested))


def test_a_raising_county_item_receiver_fails_the_assessment_with_its_message(county_data):
    from dropout_control import receivers

    def broken(sender, **kwargs):
        raise RuntimeError("巩固率基础数据读取失败")

    assessment = Assessment.objects.create(county=county_data.county, year=YEAR, scheme="quality-2017")
    with only_receivers(county_items_requested, receivers.county_items, broken):
        run_assessment_task(assessment.pk)

    assessment.refresh_from_db()
    assert assessment.status == JobStatus.FAILED
    assert "巩固率基础数据读取失败" in assessment.error and assessment.result is None


def test_80_percent_retention_fails_the_quality_verdict(county_data, bureau):
    from dropout_control import receivers, services

    school = county_data.county.schools.order_by("code").first()
    services.cohort_save(user=bureau, school=school, year=YEAR - 3, figures={"grade7_entrants": 100})
    services.cohort_save(user=bureau, school=school, year=YEAR, figures={"junior_graduates": 80})

    with only_receivers(county_items_requested, receivers.county_items):
        result = compute_assessment_result(county_data.county, YEAR, "quality-2017")

    assert result["passed"] is False
    assert any(r.startswith("初中三年巩固率 未达标：2025 年初中毕业生 80 人") for r in result["reasons"])
    row = next(r for r in result["county_items"] if r["key"] == "junior_retention")
    assert (row["passed"], row["value_text"]) == (False, "80.0%")
