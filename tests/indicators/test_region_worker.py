"""A region's assessment on a real Celery worker (Redis, PostgreSQL): the run's task, one task per
county and the finish run as separate tasks, and every county ends with its own Assessment."""

import pytest

from balance_inspect.jobs import JobStatus
from indicators.models import ProvinceAssessmentCounty
from indicators.services import region_assessment_request
from schools.models import Region
from schools.province import generate_province
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_assesses_every_county_of_a_small_province(celery_worker_process):
    generate_province("13", counties=4, per_city=2, schools_per_county=15, seed=7)
    run = region_assessment_request(
        region=Region.objects.get(code="130000"), year=2025, scheme="quality-2017", user=None
    )

    def finished():
        run.refresh_from_db()
        return run.is_finished

    wait_for(finished, timeout=180)
    assert run.status == JobStatus.DONE, run.error + celery_worker_process["log"].read_text()
    rows = run.counties.select_related("assessment")
    assert rows.count() == 4
    assert all(r.status == ProvinceAssessmentCounty.Status.DONE for r in rows)
    assert all(r.assessment.status == JobStatus.DONE and r.assessment.result for r in rows)
    assert run.summary["done"] == 4 and run.progress == 100
    log = celery_worker_process["log"].read_text()
    assert log.count("indicators.tasks.assess_region_county_task") >= 4
    assert "indicators.tasks.finish_region_assessment_task" in log
