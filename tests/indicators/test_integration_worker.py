"""A requested assessment is computed by a real Celery worker on Redis + PostgreSQL."""

import pytest

from balance_inspect.jobs import JobStatus
from indicators.models import Assessment
from indicators.services import assessment_request, compute_assessment_result
from tests.conftest import wait_for


@pytest.fixture(autouse=True)
def no_item_providers():
    """Keep the providers other apps registered: the worker process has them too."""
    yield


@pytest.fixture
def worker(celery_worker_process):
    """The shared fixture resets the connection pool but not the producer pool, which an earlier
    eager task bound to the test broker; drop it so the task reaches the real worker's Redis."""
    from balance_inspect.celery import app

    app.amqp._producer_pool = None
    yield celery_worker_process
    app.amqp._producer_pool = None


@pytest.mark.integration
def test_the_real_worker_computes_a_requested_assessment(worker, county_data, bureau):
    assessment = assessment_request(county=county_data.county, year=2025, scheme="quality-2017", user=bureau)

    def finished():
        a = Assessment.objects.get(pk=assessment.pk)
        return a if a.is_finished else None

    done = wait_for(finished, timeout=60)
    assert done.status == JobStatus.DONE, done.error or worker["log"].read_text()
    assert done.passed is False
    assert "小学 县级以上骨干教师数 差异系数 0.784 > 0.50" in done.result["reasons"]
    assert done.result == compute_assessment_result(county_data.county, 2025, "quality-2017")
    # asking again with the same input reuses the worker's result
    assert (
        assessment_request(county=county_data.county, year=2025, scheme="quality-2017", user=bureau).pk
        == done.pk
    )
