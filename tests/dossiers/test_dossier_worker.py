"""End to end with a real Celery worker on Redis and PostgreSQL (CI)."""

import os
import signal

import pytest

from balance_inspect.jobs import JobStatus, reap_stale
from dossiers.services import dossier_request, dossier_retry
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_builds_the_dossier(celery_worker_process, bureau, small_county):
    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)

    def done():
        dossier.refresh_from_db()
        return dossier.status in (JobStatus.DONE, JobStatus.FAILED)

    wait_for(done, timeout=120)
    assert dossier.status == JobStatus.DONE, dossier.error + celery_worker_process["log"].read_text()
    assert dossier.file.open("rb").read(5) == b"%PDF-"


def test_killing_the_worker_mid_job_leaves_it_failed_and_retryable(
    celery_worker_process, bureau, small_county, settings, monkeypatch
):
    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)

    def running():
        dossier.refresh_from_db()
        return dossier.status == JobStatus.RUNNING

    wait_for(running, timeout=60, interval=0.05)
    os.kill(celery_worker_process["process"].pid, signal.SIGKILL)
    celery_worker_process["process"].wait(10)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.RUNNING  # nobody is left to finish it

    settings.JOB_STALE_AFTER_SECONDS = 0
    assert reap_stale() >= 1
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.FAILED

    from balance_inspect.celery import app

    app.conf.task_always_eager = True  # the worker is gone: retry in-process to prove the row is retryable
    dossier_retry(dossier=dossier, user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE, dossier.error


@pytest.fixture
def one_school_parts(monkeypatch, settings):
    """Set before the worker starts (it reads the environment): 4 schools → 6 parts (main, 4, 表Ⅱ)."""
    monkeypatch.setenv("DOSSIER_PART_SCHOOLS", "1")
    settings.DOSSIER_PART_SCHOOLS = 1


def test_a_real_worker_renders_the_parts_as_tasks_and_joins_them_like_one_process(
    one_school_parts, celery_worker_process, bureau, small_county
):
    import io

    from django.utils import timezone
    from pypdf import PdfReader

    from dossiers.services import build_dossier_pdf

    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)

    def done():
        dossier.refresh_from_db()
        return dossier.status in (JobStatus.DONE, JobStatus.FAILED)

    wait_for(done, timeout=180)
    log = celery_worker_process["log"].read_text()
    assert dossier.status == JobStatus.DONE, dossier.error + log
    assert log.count("render_dossier_part_task") >= 6 and "join_dossier_task" in log
    joined_pdf = dossier.file.open("rb").read()
    here_pdf = build_dossier_pdf(
        small_county, 2025, "quality-2017", generated_at=timezone.localtime(dossier.created_at)
    ).pdf
    assert joined_pdf == here_pdf  # byte for byte: the worker's parts and one process
    joined, here = PdfReader(io.BytesIO(joined_pdf)), PdfReader(io.BytesIO(here_pdf))
    assert len(joined.pages) == len(here.pages) == dossier.pages
    assert [p.extract_text() for p in joined.pages] == [p.extract_text() for p in here.pages]
    assert [o.title for o in joined.outline if not isinstance(o, list)] == [
        o.title for o in here.outline if not isinstance(o, list)
    ]
