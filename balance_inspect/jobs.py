"""Background jobs: one shape for every row that a Celery task works for.

A job row is created by a service, the task claims it with a conditional UPDATE (so a
duplicate delivery does nothing), reports progress on the row, and ends it done or failed.
A worker that dies leaves the row running: `reap_stale_jobs` marks such rows failed after
JOB_STALE_AFTER_SECONDS, so nothing stays "running" forever and the user can retry.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class BackgroundJob(models.Model):
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    progress_note = models.CharField("进度说明", max_length=200, blank=True)
    error = models.TextField("失败原因", blank=True)
    queued_at = models.DateTimeField("提交时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def looks_delayed(self) -> bool:
        """Queued for over a minute: the broker or the worker is probably unavailable."""
        return self.status == JobStatus.QUEUED and timezone.now() - self.queued_at > timedelta(minutes=1)


def job_claim(model: type[BackgroundJob], pk: int) -> bool:
    """Move a queued job to running; False if another delivery already took it."""
    changed = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    return changed == 1


def job_progress(model: type[BackgroundJob], pk: int, percent: int, note: str = "") -> None:
    model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(progress=min(percent, 99), progress_note=note[:200])


def job_finish(model: type[BackgroundJob], pk: int, **fields) -> None:
    model.objects.filter(pk=pk).update(
        status=JobStatus.DONE, progress=100, finished_at=timezone.now(), error="", **fields
    )


def job_fail(model: type[BackgroundJob], pk: int, reason: str) -> None:
    model.objects.filter(pk=pk).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=reason[:2000]
    )


def job_requeue(model: type[BackgroundJob], pk: int) -> bool:
    """A failed job may be retried: back to queued. Returns False for any other state."""
    return (
        model.objects.filter(pk=pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED, queued_at=timezone.now(), started_at=None, finished_at=None, progress=0
        )
        == 1
    )


def job_models() -> list[type[BackgroundJob]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def reap_stale(now=None) -> int:
    """Mark jobs failed whose worker has been silent past the limit. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    total = 0
    for model in job_models():
        total += model.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).update(
            status=JobStatus.FAILED,
            finished_at=now,
            error="后台任务超时未完成（处理进程可能已中断），请重试。",
        )
    return total


def enqueue(task, *args) -> None:
    """Send a task once the surrounding transaction commits.

    A broker that is down must not break the page: the error is logged and the job row stays
    queued, where the page shows it as delayed.
    """

    def send():
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # any broker/transport failure; the row keeps the state
            log.exception("could not enqueue %s%r; job stays queued", task.name, args)

    transaction.on_commit(send)
