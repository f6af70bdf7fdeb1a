"""Assessing every county of a province or city as one run: one step per county, then the finish."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AuditEntry
from balance_inspect.jobs import JobStatus, reap_stale
from indicators import services
from indicators.models import Assessment, ProvinceAssessmentCounty, ProvinceAssessmentRun
from indicators.services import (
    region_assessment_finish,
    region_assessment_request,
    region_assessment_retry,
    region_county_assess,
)
from schools.models import Region
from schools.province import generate_province
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

YEAR, SCHEME = 2025, "quality-2017"
Status = ProvinceAssessmentCounty.Status


@pytest.fixture
def small_province(db):
    """2 cities × 2 counties of 15 schools (schools.province)."""
    return generate_province("13", counties=4, per_city=2, schools_per_county=15, seed=7)


@pytest.fixture
def province_region(small_province):
    return Region.objects.get(code="130000")


def request(run_on_commit, region, user=None):
    return run_on_commit(region_assessment_request, region=region, year=YEAR, scheme=SCHEME, user=user)


def test_a_run_assesses_every_county_of_the_province_and_sums_up(province_region, admin_user, run_on_commit):
    run = request(run_on_commit, province_region, admin_user)
    run.refresh_from_db()

    assert run.status == JobStatus.DONE and run.progress == 100, run.error
    rows = list(run.counties.select_related("county", "assessment").order_by("county__code"))
    assert [r.county.code for r in rows] == ["130131", "130132", "130231", "130232"]
    assert all(r.status == Status.DONE and r.assessment.status == JobStatus.DONE for r in rows)
    assert all(r.assessment.county_id == r.county_id and r.assessment.scheme == SCHEME for r in rows)
    assert [r.passed for r in rows] == [r.assessment.passed for r in rows]
    assert run.summary["counties"] == 4 and run.summary["done"] == 4 and run.summary["failed"] == 0
    assert run.summary["passed"] + run.summary["not_passed"] + run.summary["incomplete"] == 4
    assert "4 个区县已评估" in run.progress_note
    assert AuditEntry.objects.filter(
        object_type="indicators.ProvinceAssessmentRun", object_id=str(run.pk), action="create"
    ).exists()


def test_a_city_run_covers_only_the_counties_of_that_city(small_province, run_on_commit):
    run = request(run_on_commit, Region.objects.get(code="130200"))
    assert sorted(run.counties.values_list("county__code", flat=True)) == ["130231", "130232"]
    assert Assessment.objects.filter(county__code__startswith="1301").count() == 0


def test_a_region_without_counties_is_refused_in_chinese(db):
    empty = RegionFactory(code="650000", name="新疆维吾尔自治区", level="province")
    with pytest.raises(ValidationError, match="下没有区县"):
        region_assessment_request(region=empty, year=YEAR, scheme=SCHEME, user=None)


def test_a_failed_county_is_recorded_with_its_reason_and_the_run_ends_failed(
    province_region, run_on_commit, monkeypatch
):
    real = services.assessment_run_now

    def broken_for_one(*, county, **kwargs):
        if county.code == "130132":
            raise ValidationError("学校数据不完整：缺少办学条件")
        return real(county=county, **kwargs)

    monkeypatch.setattr(services, "assessment_run_now", broken_for_one)
    run = request(run_on_commit, province_region)
    run.refresh_from_db()

    assert run.status == JobStatus.FAILED and run.finished_at is not None
    assert "1 个区县评估失败，其余 3 个已完成" in run.error
    assert "（130132）：学校数据不完整：缺少办学条件" in run.error
    failed = run.counties.get(status=Status.FAILED)
    assert failed.county.code == "130132" and failed.error == "学校数据不完整：缺少办学条件"
    assert run.counties.filter(status=Status.DONE).count() == 3
    assert run.summary["failed"] == 1 and run.summary["done"] == 3


def test_a_retry_assesses_only_the_counties_not_done(province_region, run_on_commit, monkeypatch):
    real = services.assessment_run_now
    calls, broken = [], ["130231"]

    def flaky(*, county, **kwargs):
        calls.append(county.code)
        if county.code in broken:
            broken.remove(county.code)
            raise RuntimeError("数据库连接中断")
        return real(county=county, **kwargs)

    monkeypatch.setattr(services, "assessment_run_now", flaky)
    run = request(run_on_commit, province_region)
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and "评估计算失败：数据库连接中断" in run.error
    done_before = {r.county_id: r.assessment_id for r in run.counties.filter(status=Status.DONE)}

    calls.clear()
    run = run_on_commit(region_assessment_retry, run=run, user=None)
    run.refresh_from_db()

    assert calls == ["130231"]
    assert run.status == JobStatus.DONE and run.error == "" and run.summary["done"] == 4
    assert {r.county_id: r.assessment_id for r in run.counties.exclude(county__code="130231")} == done_before


def test_a_run_that_is_done_or_running_cannot_be_retried(province_region, run_on_commit):
    run = request(run_on_commit, province_region)
    with pytest.raises(ValidationError, match="不能重试"):
        region_assessment_retry(run=run, user=None)


def test_a_duplicate_county_step_and_a_second_finish_do_nothing(province_region, run_on_commit, monkeypatch):
    run = request(run_on_commit, province_region)
    run.refresh_from_db()
    assessments = Assessment.objects.count()
    county = run.counties.first()
    calls = []
    monkeypatch.setattr(services, "assessment_run_now", lambda **kw: calls.append(kw))
    region_county_assess(run.pk, county.county_id, send_finish=False)
    region_assessment_finish(run.pk)
    assert calls == [] and Assessment.objects.count() == assessments
    assert ProvinceAssessmentRun.objects.get(pk=run.pk).status == JobStatus.DONE


def test_a_run_whose_worker_died_is_failed_by_the_reaper_then_retried(
    province_region, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):  # sent, but no worker takes it
        run = region_assessment_request(region=province_region, year=YEAR, scheme=SCHEME, user=None)
    # A worker claimed it, assessed one county, then died mid-county.
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS + 5)
    ProvinceAssessmentRun.objects.filter(pk=run.pk).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    rows = run.counties.order_by("county__code")
    rows.filter(pk=rows[0].pk).update(status=Status.DONE)
    rows.filter(pk=rows[1].pk).update(status=Status.RUNNING)

    assert reap_stale() >= 1
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and "没有心跳" in run.error

    with django_capture_on_commit_callbacks(execute=True):
        region_assessment_retry(run=run, user=None)
    run.refresh_from_db()
    assert run.status == JobStatus.DONE
    # The county marked done before was not assessed again (it has no Assessment of its own).
    assert run.counties.filter(assessment__isnull=True).count() == 1
    assert run.counties.filter(status=Status.DONE).count() == 4


def test_a_long_run_whose_counties_keep_finishing_is_not_taken_for_stuck(
    province_region, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):
        run = region_assessment_request(region=province_region, year=YEAR, scheme=SCHEME, user=None)
    # Started longer ago than any task may run, its steps all sent at the start …
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 60)
    ProvinceAssessmentRun.objects.filter(pk=run.pk).update(
        status=JobStatus.RUNNING, started_at=long_ago, sent_at=long_ago, heartbeat_at=long_ago
    )
    county = run.counties.order_by("county__code").first()
    region_county_assess(run.pk, county.county_id)  # … but a county has just finished

    reap_stale()
    run.refresh_from_db()
    assert run.status == JobStatus.RUNNING and "已评估 1 / 4 个区县" in run.progress_note


def test_the_command_runs_a_region_inline_and_prints_progress(small_province):
    out = io.StringIO()
    call_command("assess_province", "--region", "130100", "--inline", stdout=out)
    text = out.getvalue()
    assert "2 个区县" in text and "在本进程中逐县评估" in text
    assert "已评估 1 / 2 个区县" in text and "已评估 2 / 2 个区县" in text
    assert "已完成：2 个区县" in text and "用时" in text
    assert ProvinceAssessmentRun.objects.get().status == JobStatus.DONE


def test_the_command_says_when_all_counties_run_in_one_process(
    small_province, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "filesystem://"
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("assess_province", "--region", "130200", "--no-wait", stdout=out)
    assert "各区县由一个后台进程依次评估" in out.getvalue() and "已提交" in out.getvalue()
    assert ProvinceAssessmentRun.objects.get().status == JobStatus.DONE  # eager in tests


def test_the_command_refuses_an_unknown_region_in_chinese(db):
    with pytest.raises(CommandError, match="未找到区域：990000"):
        call_command("assess_province", "--region", "990000", stdout=io.StringIO())


def test_the_command_exits_with_the_failed_counties(small_province, monkeypatch):
    def broken(**kwargs):
        raise ValidationError("学校数据不完整")

    monkeypatch.setattr(services, "assessment_run_now", broken)
    with pytest.raises(CommandError, match="2 个区县评估失败"):
        call_command("assess_province", "--region", "130100", "--inline", stdout=io.StringIO())
