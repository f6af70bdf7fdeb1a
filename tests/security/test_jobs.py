"""Jobs under faults (issue 15, findings 2 and 6; issue 13 item 10).

- A job asked for while the broker is down is not lost: the user may retry it, and the reaper
  sends it again once the broker is back. Every job kind has a task the reaper can send.
- A job whose worker died is seen within about a minute (its heartbeat stops), marked failed, and
  may be retried at once; a slow job that still beats is left alone.
- Every job task has the limits of JOB_TIME_LIMIT_SECONDS and fails the same way.
"""

import ast
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse
from django.utils import timezone

from balance_inspect.jobs import JobStatus, heartbeat, job_models, reap_stale
from tests.security import world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_county(county, school_a, school_b):
    world.small_county(school_a, school_b)
    return county


def _eager_again():
    """The broker is back: from now on a send runs the task in this process."""
    from balance_inspect.celery import app

    app.conf.task_always_eager = True


def _at(seconds):
    return timezone.now() + timedelta(seconds=seconds)


# --- finding 2: a job asked for while the broker is down ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_dossier_asked_for_while_the_broker_is_down_can_be_retried_by_the_user(
    broker_down, login, bureau, small_county
):
    from dossiers.models import Dossier

    client = login(bureau)
    client.post(reverse("dossiers:create"), {"year": 2025, "scheme": "basic-2012"})
    dossier = Dossier.objects.get()
    assert dossier.status == JobStatus.QUEUED and dossier.sent_at is None  # the send failed
    assert "重试" in client.get(reverse("dossiers:list")).content.decode()  # the button is offered

    _eager_again()
    page = client.post(reverse("dossiers:retry", args=[dossier.pk]), follow=True).content.decode()
    assert "已重新提交生成" in page
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error


@pytest.mark.django_db(transaction=True)
def test_the_reaper_sends_a_dossier_again_once_the_broker_is_back(broker_down, bureau, small_county):
    from dossiers.services import dossier_request

    dossier = dossier_request(county=small_county, year=2025, scheme="basic-2012", user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.QUEUED
    assert reap_stale() == 0  # just asked for: its send may still be on the way
    _eager_again()
    assert reap_stale(now=_at(30)) == 1
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error
    assert reap_stale(now=_at(30)) == 0  # nothing left to send


@pytest.mark.django_db
def test_the_reaper_sends_an_assessment_again_once_the_broker_is_back(
    broker_down, bureau, county, school_a, school_b, django_capture_on_commit_callbacks
):
    from indicators.models import Assessment
    from indicators.services import assessment_request

    world.small_county(school_a, school_b)
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_request(county=county, year=2025, scheme="quality-2017", user=bureau)
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.QUEUED
    _eager_again()
    assert reap_stale(now=_at(30)) == 1
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.DONE, assessment.error
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_a_sent_job_still_queued_long_after_is_sent_again(
    bureau, small_county, settings, django_capture_on_commit_callbacks
):
    """The message reached the broker but was lost there (e.g. Redis flushed)."""
    from dossiers.models import Dossier

    sent = timezone.now()
    dossier = Dossier.objects.create(
        county=small_county, year=2025, scheme="basic-2012", version=1, sent_at=sent, queued_at=sent
    )
    assert reap_stale(now=sent + timedelta(seconds=settings.JOB_RESEND_AFTER_SECONDS - 5)) == 0
    assert reap_stale(now=sent + timedelta(seconds=settings.JOB_RESEND_AFTER_SECONDS + 5)) == 1
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error


def test_every_job_kind_names_a_registered_task_the_reaper_can_send():
    from balance_inspect.jobs import _task

    kinds = job_models()
    assert {m._meta.label for m in kinds} >= {"dossiers.Dossier", "indicators.Assessment"}
    for model in kinds:
        assert model.task_name.endswith("_task"), model
        assert _task(model.task_name).name == model.task_name


# --- finding 6: a worker that died ---------------------------------------------------------------


def _running_dossier(county, *, started_ago, beat_ago):
    from dossiers.models import Dossier

    now = timezone.now()
    return Dossier.objects.create(
        county=county,
        year=2025,
        scheme="basic-2012",
        version=1,
        status=JobStatus.RUNNING,
        started_at=now - timedelta(seconds=started_ago),
        heartbeat_at=now - timedelta(seconds=beat_ago),
    )


@pytest.mark.django_db
def test_a_job_whose_heartbeat_stopped_a_minute_ago_is_failed_by_the_reaper(small_county):
    dossier = _running_dossier(small_county, started_ago=70, beat_ago=60)
    assert reap_stale() == 1
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.FAILED and "中断" in dossier.error and "请重试" in dossier.error


@pytest.mark.django_db
def test_a_slow_job_that_still_beats_is_left_alone(small_county):
    dossier = _running_dossier(small_county, started_ago=600, beat_ago=5)
    assert reap_stale() == 0
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.RUNNING and not dossier.can_retry


@pytest.mark.django_db(transaction=True)
def test_the_user_may_retry_a_job_whose_worker_died_before_the_reaper_comes(login, bureau, small_county):
    dossier = _running_dossier(small_county, started_ago=70, beat_ago=60)
    client = login(bureau)
    assert "重试" in client.get(reverse("dossiers:list")).content.decode()
    page = client.post(reverse("dossiers:retry", args=[dossier.pk]), follow=True).content.decode()
    assert "已重新提交生成" in page
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error


@pytest.mark.django_db
def test_a_job_that_is_alive_or_done_cannot_be_retried(login, bureau, small_county):
    from dossiers.models import Dossier

    alive = _running_dossier(small_county, started_ago=30, beat_ago=2)
    client = login(bureau)
    page = client.post(reverse("dossiers:retry", args=[alive.pk]), follow=True).content.decode()
    assert "不能重试" in page
    Dossier.objects.filter(pk=alive.pk).update(status=JobStatus.DONE)
    page = client.post(reverse("dossiers:retry", args=[alive.pk]), follow=True).content.decode()
    assert "不能重试" in page
    alive.refresh_from_db()
    assert alive.status == JobStatus.DONE


@pytest.mark.django_db
def test_asking_again_for_an_assessment_whose_worker_died_computes_a_new_one(
    bureau, county, school_a, school_b, run_on_commit_eager
):
    from indicators.models import Assessment
    from indicators.services import assessment_request, input_fingerprint_for

    world.small_county(school_a, school_b)
    now = timezone.now()
    dead = Assessment.objects.create(
        county=county,
        year=2025,
        scheme="quality-2017",
        status=JobStatus.RUNNING,
        fingerprint=input_fingerprint_for(county, 2025, "quality-2017"),
        started_at=now - timedelta(seconds=90),
        heartbeat_at=now - timedelta(seconds=60),
    )
    fresh = run_on_commit_eager(
        assessment_request, county=county, year=2025, scheme="quality-2017", user=bureau
    )
    assert fresh.pk != dead.pk and not fresh.reused
    fresh.refresh_from_db()
    dead.refresh_from_db()
    assert fresh.status == JobStatus.DONE and dead.status == JobStatus.FAILED


@pytest.fixture
def run_on_commit_eager(django_capture_on_commit_callbacks):
    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def test_the_reaper_runs_often_enough_to_see_a_dead_worker_within_about_a_minute(settings):
    every = settings.CELERY_BEAT_SCHEDULE["reap-stale-jobs"]["schedule"].total_seconds()
    assert every <= 30
    assert settings.JOB_HEARTBEAT_SECONDS * 3 <= settings.JOB_DEAD_AFTER_SECONDS
    assert settings.JOB_DEAD_AFTER_SECONDS + every <= 75  # worst case from the last beat to "failed"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_the_job_runs_and_stops_after(small_county):
    from dossiers.models import Dossier

    dossier = _running_dossier(small_county, started_ago=5, beat_ago=5)
    first = dossier.heartbeat_at
    with heartbeat(Dossier, dossier.pk, every=0.05):
        time.sleep(0.4)
        dossier.refresh_from_db()
        assert dossier.heartbeat_at > first
    dossier.refresh_from_db()
    last = dossier.heartbeat_at
    time.sleep(0.2)
    dossier.refresh_from_db()
    assert dossier.heartbeat_at == last


@pytest.mark.integration
def test_a_killed_worker_is_seen_within_a_minute_and_the_job_can_be_retried(
    worker, table_lock, bureau, county, school_a, school_b, settings
):
    from balance_inspect.celery import app
    from indicators.models import Assessment
    from indicators.services import assessment_request, input_fingerprint_for
    from indicators.tasks import run_assessment_task
    from tests.conftest import wait_for

    world.small_county(school_a, school_b)
    fingerprint = input_fingerprint_for(county, 2025, "quality-2017")
    table_lock.lock("schools_schoolconditions")
    assessment = Assessment.objects.create(
        county=county, year=2025, scheme="quality-2017", fingerprint=fingerprint, requested_by=bureau
    )
    run_assessment_task.apply_async(args=[assessment.pk])

    def running():
        assessment.refresh_from_db()
        return assessment.status == JobStatus.RUNNING and assessment.progress == 10

    wait_for(running, timeout=60, interval=0.05)
    time.sleep(settings.JOB_HEARTBEAT_SECONDS + 1)  # a live job beats while it waits for the lock
    assessment.refresh_from_db()
    assert assessment.heartbeat_at > assessment.started_at
    os.kill(worker["process"].pid, signal.SIGKILL)
    killed = time.monotonic()
    worker["process"].wait(10)
    table_lock.end_waiters()
    table_lock.release()

    wait_for(lambda: reap_stale() == 1, timeout=120, interval=1)  # what beat runs every 20 s
    seen_after = time.monotonic() - killed
    print(
        f"dead worker seen {seen_after:.1f} s after the kill (beat adds up to "
        f"{settings.CELERY_BEAT_SCHEDULE['reap-stale-jobs']['schedule'].total_seconds():.0f} s)"
    )
    assert seen_after <= settings.JOB_DEAD_AFTER_SECONDS + 5
    assessment.refresh_from_db()
    assert assessment.status == JobStatus.FAILED and "请重试" in assessment.error

    app.conf.task_always_eager = True
    retry = assessment_request(county=county, year=2025, scheme="quality-2017", user=bureau)
    retry.refresh_from_db()
    assert retry.status == JobStatus.DONE, retry.error


# --- issue 13 item 10: one job shape, limits from JOB_TIME_LIMIT_SECONDS -------------------------


def test_every_job_task_has_the_limits_of_job_time_limit_seconds(settings):
    from balance_inspect.jobs import _task

    for model in job_models():
        task = _task(model.task_name)
        assert task.time_limit == settings.CELERY_TASK_TIME_LIMIT, model
        assert task.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT < task.time_limit, model


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["dossiers.services.dossier_layout", "indicators.services._compute"])
def test_a_job_over_its_soft_limit_ends_failed_with_the_limit_named(
    target, bureau, county, school_a, school_b, monkeypatch, settings, run_on_commit_eager
):
    from dossiers.services import dossier_request
    from indicators.services import assessment_request

    world.small_county(school_a, school_b)

    def overtime(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(target, overtime)
    ask = dossier_request if target.startswith("dossiers") else assessment_request
    job = run_on_commit_eager(ask, county=county, year=2025, scheme="quality-2017", user=bureau)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert f"超过 {settings.CELERY_TASK_SOFT_TIME_LIMIT} 秒" in job.error


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["dossiers.services.dossier_layout", "indicators.services._compute"])
def test_a_job_that_raises_ends_failed_with_the_reason_the_same_way(
    target, bureau, county, school_a, school_b, monkeypatch, run_on_commit_eager
):
    from dossiers.services import dossier_request
    from indicators.services import assessment_request

    world.small_county(school_a, school_b)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满（模拟）")

    monkeypatch.setattr(target, broken)
    ask = dossier_request if target.startswith("dossiers") else assessment_request
    job = run_on_commit_eager(ask, county=county, year=2025, scheme="quality-2017", user=bureau)  # no raise
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "磁盘已满（模拟）" in job.error


def test_no_service_imports_a_tasks_module():
    """Services send jobs by name; a service importing tasks closes an import circle."""
    offenders = []
    for path in ROOT.glob("*/services.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "tasks" or n.endswith(".tasks") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_a_worker_knows_every_task_that_beat_sends_and_beat_can_send_it():
    """What a starting worker imports (a fresh process): before, the reaper was never registered
    (balance_inspect is not an installed app), so no worker ran it; and a task with a hard limit
    under the global soft limit (the reaper, the preview expiry) cannot even be sent."""
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django; django.setup()\n"
        "from balance_inspect.celery import app\n"
        "app.loader.import_default_modules()\n"
        "for name, task in app.tasks.items():\n"
        "    soft = task.soft_time_limit or app.conf.task_soft_time_limit\n"
        "    hard = task.time_limit or app.conf.task_time_limit\n"
        "    print(name, int(soft is None or hard is None or soft <= hard))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "balance_inspect.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    sendable = dict(line.split() for line in out.stdout.splitlines())
    registered = set(sendable)
    sent_by_beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert sent_by_beat <= registered, sent_by_beat - registered
    assert {m.task_name for m in job_models()} <= registered
    assert [
        name for name in sent_by_beat | {m.task_name for m in job_models()} if sendable[name] != "1"
    ] == []


# --- a job that fans out into steps (the dossier's parts) ----------------------------------------


@pytest.mark.django_db
def test_a_row_whose_steps_wait_in_the_queue_is_not_taken_for_dead(small_county, settings):
    """Two dossiers at once on one worker: B's parts wait behind A's, and nobody beats for B."""
    dossier = _running_dossier(small_county, started_ago=120, beat_ago=100)
    type(dossier).objects.filter(pk=dossier.pk).update(
        steps_pending=3, sent_at=timezone.now() - timedelta(seconds=100)
    )
    assert reap_stale() == 0
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.RUNNING and not dossier.looks_dead


@pytest.mark.django_db
def test_steps_whose_messages_were_lost_end_the_row_after_the_overall_limit(small_county, settings):
    dossier = _running_dossier(small_county, started_ago=settings.JOB_STALE_AFTER_SECONDS + 60, beat_ago=600)
    sent = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 5)
    type(dossier).objects.filter(pk=dossier.pk).update(steps_pending=2, sent_at=sent)
    assert reap_stale() == 1
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.FAILED and "请重试" in dossier.error


@pytest.mark.django_db
def test_a_long_fanned_out_job_that_still_sends_steps_is_not_overtime(small_county, settings):
    """Its parts together may take longer than one task's limit; each part is limited itself."""
    dossier = _running_dossier(small_county, started_ago=settings.JOB_STALE_AFTER_SECONDS + 600, beat_ago=5)
    type(dossier).objects.filter(pk=dossier.pk).update(sent_at=timezone.now() - timedelta(seconds=30))
    assert reap_stale() == 0


@pytest.mark.django_db(transaction=True)
def test_every_sent_step_is_counted_until_it_starts(bureau, small_county, monkeypatch):
    """The count the dead check relies on comes back to zero once every part has run."""
    from dossiers.models import Dossier
    from dossiers.services import dossier_request

    seen = []
    import balance_inspect.jobs as jobs

    real = jobs.job_send_step

    def spy(task_name, pk, *args):
        real(task_name, pk, *args)
        seen.append(Dossier.objects.get(pk=pk).steps_pending)

    monkeypatch.setattr("dossiers.services.job_send_step", spy)
    dossier = dossier_request(county=small_county, year=2025, scheme="basic-2012", user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error
    assert seen and dossier.steps_pending == 0
