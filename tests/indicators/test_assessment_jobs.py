"""Requesting and running assessments: reuse of unchanged input, idempotent task, recorded failures."""

import pytest

from accounts.models import AuditEntry
from balance_inspect.jobs import JobStatus, job_claim
from indicators import services
from indicators.models import Assessment
from indicators.services import assessment_request, county_item_save
from indicators.tasks import run_assessment_task
from schools.models import SchoolConditions

pytestmark = pytest.mark.django_db


def request(county_data, user, run_on_commit, scheme="quality-2017"):
    return run_on_commit(assessment_request, county=county_data.county, year=2025, scheme=scheme, user=user)


def test_a_request_queues_a_job_that_the_task_finishes(county_data, bureau, run_on_commit):
    assessment = request(county_data, bureau, run_on_commit)
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.DONE and assessment.progress == 100
    assert assessment.passed is False and assessment.result["county"] == "130123"
    assert (
        assessment.fingerprint == assessment.result["input_fingerprint"] and len(assessment.fingerprint) == 64
    )
    assert assessment.requested_by == bureau and assessment.finished_at is not None
    assert AuditEntry.objects.filter(
        action="create", object_type="indicators.Assessment", object_id=str(assessment.pk)
    ).exists()


def test_the_stored_result_carries_gaps_and_checks(county_data, bureau, run_on_commit):
    request(county_data, bureau, run_on_commit)
    result = Assessment.objects.get().result
    assert [g["school_code"] for g in result["gaps"]["units"]] == ["1301230001"]
    assert result["gaps"]["units"][0]["addition"] == 1  # one backbone teacher brings 0.9 to 1.0
    plan = result["gaps"]["cv_plans"][0]
    assert plan["indicator"] == "backbone_teachers_per100" and plan["passes"] is True
    assert set(result["checks"]) >= {"school_size", "rooms", "large_classes", "school_sizes"}
    assert result["stages"]["primary"]["cv_threshold"] == 0.5


def test_a_second_delivery_of_the_task_does_nothing(county_data, bureau, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        assessment = assessment_request(
            county=county_data.county, year=2025, scheme="quality-2017", user=bureau
        )
    run_assessment_task(assessment.pk)
    assessment.refresh_from_db()
    finished = assessment.finished_at
    assert assessment.status == JobStatus.DONE
    assert job_claim(Assessment, assessment.pk) is False
    run_assessment_task(assessment.pk)  # duplicate delivery
    assessment.refresh_from_db()
    assert assessment.finished_at == finished and assessment.status == JobStatus.DONE


def test_unchanged_input_reuses_the_stored_result(county_data, bureau, run_on_commit):
    first = request(county_data, bureau, run_on_commit)
    again = request(county_data, bureau, run_on_commit)
    assert again.pk == first.pk and Assessment.objects.count() == 1
    assert first.reused is False and again.reused is True


def test_changed_school_data_makes_a_new_run(county_data, bureau, run_on_commit):
    first = request(county_data, bureau, run_on_commit)
    SchoolConditions.objects.filter(school=county_data.school_a).update(books=31000)
    second = request(county_data, bureau, run_on_commit)
    assert second.pk != first.pk
    second.refresh_from_db()
    assert second.status == JobStatus.DONE and second.fingerprint != first.fingerprint


def test_a_changed_county_item_makes_a_new_run(county_data, bureau, run_on_commit):
    first = request(county_data, bureau, run_on_commit)
    county_item_save(county=county_data.county, year=2025, key="school_layout", value=1, user=bureau)
    assert request(county_data, bureau, run_on_commit).pk != first.pk


def test_another_scheme_is_a_separate_run(county_data, bureau, run_on_commit):
    first = request(county_data, bureau, run_on_commit)
    assert request(county_data, bureau, run_on_commit, scheme="basic-2012").pk != first.pk


def test_a_job_in_flight_is_not_duplicated(county_data, bureau, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = assessment_request(county=county_data.county, year=2025, scheme="quality-2017", user=bureau)
        again = assessment_request(county=county_data.county, year=2025, scheme="quality-2017", user=bureau)
    assert again.pk == first.pk and again.status == JobStatus.QUEUED


def test_a_failing_computation_is_recorded_with_a_chinese_reason(
    county_data, bureau, run_on_commit, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("学校标识码重复：1301230001")

    monkeypatch.setattr(services, "engine_assess", broken)
    assessment = request(county_data, bureau, run_on_commit)
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.FAILED
    assert assessment.error == "评估计算失败：学校标识码重复：1301230001"
    assert assessment.result is None


def test_a_failed_run_is_not_reused(county_data, bureau, run_on_commit, monkeypatch):
    monkeypatch.setattr(services, "engine_assess", lambda *a, **k: 1 / 0)
    failed = request(county_data, bureau, run_on_commit)
    monkeypatch.undo()
    retry = request(county_data, bureau, run_on_commit)
    retry.refresh_from_db()
    assert retry.pk != failed.pk and retry.status == JobStatus.DONE


def test_an_unknown_scheme_is_refused(county_data, bureau):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="未知的评估方案"):
        assessment_request(county=county_data.county, year=2025, scheme="quality-2030", user=bureau)
