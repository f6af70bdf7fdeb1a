"""Celery tasks of the indicators app: thin, taking ids, calling a service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from balance_inspect.jobs import job_claim, job_fail

log = logging.getLogger(__name__)

# A county computes in about a second; a province-sized run stays well inside this.
TIME_LIMIT_SECONDS = 600


@shared_task(name="indicators.tasks.run_assessment", time_limit=TIME_LIMIT_SECONDS,
             soft_time_limit=TIME_LIMIT_SECONDS - 30)
def run_assessment(assessment_id: int) -> None:
    """Compute one queued Assessment. A second delivery of the same id does nothing (claim)."""
    from .models import Assessment
    from .services import assessment_compute

    if not job_claim(Assessment, assessment_id):
        return
    try:
        assessment_compute(assessment_id)
    except SoftTimeLimitExceeded:
        job_fail(Assessment, assessment_id, f"评估计算超时（超过 {TIME_LIMIT_SECONDS - 30} 秒），请稍后重试。")
    except Exception as exc:  # every failure is recorded on the row the user watches
        log.exception("assessment %s failed", assessment_id)
        job_fail(Assessment, assessment_id, f"评估计算失败：{exc}")
