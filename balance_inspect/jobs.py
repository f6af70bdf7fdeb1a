"""Background jobs: one shape for every row that a Celery task works for.

A job row is created by a service and sent by task *name* (`enqueue`), so services never import
tasks. The task, made by `job_task`, claims the row with a conditional UPDATE (so a duplicate
delivery does nothing), beats a heartbeat on the row while the service runs, and ends the row
done or failed with a reason — also on the soft time limit, which comes from
JOB_TIME_LIMIT_SECONDS for every job.

Nothing stays stuck (`reap_stale`, run by beat every JOB_REAP_EVERY_SECONDS):
- a running row whose heartbeat is older than JOB_DEAD_AFTER_SECONDS lost its worker: failed;
- a queued row whose message never reached the broker (or was lost) is sent again; the claim
  makes a second delivery harmless.
A user may retry any job that is not running (`job_requeue`): failed, still queued, or running
with a dead heartbeat.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from typing import ClassVar

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone

log = logging.getLogger(__name__)

DEAD_WORKER_ERROR = "后台处理进程已中断（超过 {seconds} 秒没有心跳），请重试。"
OVERTIME_ERROR = "后台任务超时未完成（处理进程可能已中断），请重试。"


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
    # When the job was asked for; unlike queued_at, a retry does not move it. A document built by
    # the job is dated by it, so a re-render of the same job gives the same bytes.
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    queued_at = models.DateTimeField("提交时间", default=timezone.now)
    sent_at = models.DateTimeField("最近投递时间", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    # Steps of a fanned-out job sent but not started yet: while some wait in the queue (behind
    # other jobs' work) nobody beats for the row, and that is not a dead worker.
    steps_pending = models.PositiveIntegerField("排队中的步骤", default=0)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    # The registered Celery task (made by `job_task`) that works for a row of this kind.
    task_name: ClassVar[str] = ""

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def looks_delayed(self) -> bool:
        """Queued for over a minute: the broker or the worker is probably unavailable."""
        return self.status == JobStatus.QUEUED and timezone.now() - self.queued_at > timedelta(minutes=1)

    @property
    def looks_dead(self) -> bool:
        """Running, but its worker has not beaten the heartbeat for JOB_DEAD_AFTER_SECONDS."""
        last = self.heartbeat_at or self.started_at
        return (
            self.status == JobStatus.RUNNING
            and last is not None
            and not self.steps_pending
            and timezone.now() - last > timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS)
        )

    @property
    def can_retry(self) -> bool:
        """Anything that is not really running may be sent again."""
        return self.status in (JobStatus.FAILED, JobStatus.QUEUED) or self.looks_dead


def job_claim(model: type[BackgroundJob], pk: int) -> bool:
    """Move a queued job to running; False if another delivery already took it."""
    now = timezone.now()
    changed = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, steps_pending=0, progress=0, error=""
    )
    return changed == 1


def job_progress(model: type[BackgroundJob], pk: int, percent: int, note: str = "") -> None:
    model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
        progress=min(percent, 99), progress_note=note[:200], heartbeat_at=timezone.now()
    )


def job_beat(model: type[BackgroundJob], pk: int) -> None:
    """The worker is alive and still working on this row."""
    model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())


def job_finish(model: type[BackgroundJob], pk: int, **fields) -> None:
    model.objects.filter(pk=pk).update(
        status=JobStatus.DONE, progress=100, finished_at=timezone.now(), error="", **fields
    )


def job_fail(model: type[BackgroundJob], pk: int, reason: str) -> None:
    model.objects.filter(pk=pk).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=reason[:2000]
    )


def job_fail_dead(model: type[BackgroundJob], pk: int) -> None:
    """End a running row whose worker is gone (see `BackgroundJob.looks_dead`)."""
    model.objects.filter(_dead_running(timezone.now()), pk=pk).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=_dead_reason()
    )


def _dead_reason() -> str:
    return DEAD_WORKER_ERROR.format(seconds=settings.JOB_DEAD_AFTER_SECONDS)


def _dead_running(now) -> Q:
    cutoff = now - timedelta(seconds=settings.JOB_DEAD_AFTER_SECONDS)
    return Q(status=JobStatus.RUNNING, steps_pending=0) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def job_requeue(model: type[BackgroundJob], pk: int) -> bool:
    """Put a job that is not running back to queued: failed, still queued (its message may be
    lost), or running with a dead heartbeat. Returns False for a job that is done or alive."""
    now = timezone.now()
    retryable = Q(status__in=[JobStatus.FAILED, JobStatus.QUEUED]) | _dead_running(now)
    return (
        model.objects.filter(retryable, pk=pk).update(
            status=JobStatus.QUEUED,
            queued_at=now,
            started_at=None,
            heartbeat_at=None,
            steps_pending=0,
            finished_at=None,
            progress=0,
            progress_note="",
            error="",
        )
        == 1
    )


def job_models() -> list[type[BackgroundJob]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def reap_stale(now=None) -> int:
    """Fail running jobs whose worker is gone and resend queued jobs the broker never delivered.

    Returns how many rows were failed or resent.
    """
    now = now or timezone.now()
    overtime = now - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    unsent = now - timedelta(seconds=15)  # an on-commit send of a new row may still be on its way
    resend = now - timedelta(seconds=settings.JOB_RESEND_AFTER_SECONDS)
    total = 0
    for model in job_models():
        running = model.objects.filter(status=JobStatus.RUNNING)
        total += running.filter(_dead_running(now)).update(
            status=JobStatus.FAILED,
            finished_at=now,
            error=_dead_reason(),
        )
        # Nothing new given to the row (claimed, or a step sent) for longer than any task may run:
        # a worker alive but stuck, or steps whose messages were lost.
        total += (
            running.filter(started_at__lt=overtime)
            .exclude(sent_at__gte=overtime)
            .update(status=JobStatus.FAILED, finished_at=now, error=OVERTIME_ERROR)
        )
        if not model.task_name:
            continue
        lost = model.objects.filter(status=JobStatus.QUEUED).filter(
            Q(sent_at__isnull=True, queued_at__lt=unsent) | Q(sent_at__lt=resend)
        )
        for pk in lost.values_list("pk", flat=True):
            log.warning("resending %s %s: queued but never started", model._meta.label, pk)
            _send(model, pk)
            total += 1
    return total


def _task(name: str):
    """The registered task called `name` (its module is imported on first use)."""
    from balance_inspect.celery import app

    import_module(name.rpartition(".")[0])
    return app.tasks[name]


def _send(model: type[BackgroundJob], pk: int) -> None:
    try:
        _task(model.task_name).apply_async(args=[pk], retry=False)
    except Exception:  # any broker/transport failure; the row stays queued and the reaper resends it
        log.exception("could not enqueue %s(%r); job stays queued", model.task_name, pk)
        return
    model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(sent_at=timezone.now())


def enqueue(model: type[BackgroundJob], pk: int) -> None:
    """Send the task of job row `pk` once the surrounding transaction commits.

    A broker that is down must not break the page: the error is logged, the row stays queued
    (the page shows it as delayed) and `reap_stale` sends it again when the broker is back.
    """
    transaction.on_commit(lambda: _send(model, pk))


@contextmanager
def heartbeat(model: type[BackgroundJob], pk: int, every: float):
    """Beat the row's heartbeat from a thread while the body runs; a dead process beats no more."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(every):
                try:
                    job_beat(model, pk)
                except Exception:  # a database blip must not end the job; the next beat retries
                    log.warning("heartbeat of %s %s failed", model._meta.label, pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"heartbeat-{model._meta.label}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def job_task(name: str, *, model: str, failure: str):
    """Make `service(pk)` the Celery task `name` of the job rows of `model` ("app.Model").

    The one shape of every job: claim (a duplicate delivery does nothing) → the service, with a
    heartbeat → on the soft time limit or any exception, the row fails with `failure` and the
    reason. Limits are JOB_TIME_LIMIT_SECONDS (hard) and 15 s less (soft), for every job.
    """
    from celery import shared_task
    from celery.exceptions import SoftTimeLimitExceeded

    def decorate(service):
        def task(self, pk: int) -> None:
            from django.apps import apps

            job_model = apps.get_model(model)
            if not job_claim(job_model, pk):
                return  # a duplicate delivery, or the job was already taken
            # In-process runs (eager, direct call) share the caller's thread: nothing to watch.
            inline = self.request.called_directly or self.request.is_eager
            try:
                if inline:
                    service(pk)
                else:
                    with heartbeat(job_model, pk, every=settings.JOB_HEARTBEAT_SECONDS):
                        service(pk)
            except SoftTimeLimitExceeded:
                job_fail(
                    job_model,
                    pk,
                    f"{failure}：超过 {settings.CELERY_TASK_SOFT_TIME_LIMIT} 秒未完成，请稍后重试。",
                )
            except Exception as exc:  # every failure ends the row with a reason, never leaves it running
                log.exception("%s %s failed", name, pk)
                job_fail(job_model, pk, f"{failure}：{exc}")

        task.__doc__ = service.__doc__
        return shared_task(
            name=name,
            bind=True,
            time_limit=settings.CELERY_TASK_TIME_LIMIT,
            soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
        )(task)

    return decorate


def job_send_step(task_name: str, pk: int, *args) -> None:
    """Send one step of a running job (a task made by `job_step_task`) now.

    Unlike `enqueue`, a broker failure raises: the step is sent by the job's own task, which then
    fails the row with the reason, and a retry sends the missing steps again.
    """
    from django.apps import apps

    task = _task(task_name)
    model = apps.get_model(task.job_model)
    # Counted before the send: the step may start (and uncount itself) before apply_async returns.
    model.objects.filter(pk=pk).update(steps_pending=F("steps_pending") + 1, sent_at=timezone.now())
    try:
        task.apply_async(args=[pk, *args], retry=False)
    except Exception:
        model.objects.filter(pk=pk, steps_pending__gt=0).update(steps_pending=F("steps_pending") - 1)
        raise


def job_step_task(name: str, *, model: str, failure):
    """Make `service(pk, *args)` the Celery task `name`: one step of a job that fans out.

    A job whose task splits its work into steps (e.g. the parts of a long PDF) keeps its one row.
    A step runs only while that row is running, beats its heartbeat while the service runs (so a
    row whose steps wait or run elsewhere is not taken for dead), and on the soft time limit or any
    exception fails the whole row with `failure(*args)` and the reason; the other steps then find
    the row failed and do nothing. Same limits as `job_task`.
    """
    from celery import shared_task
    from celery.exceptions import SoftTimeLimitExceeded

    def decorate(service):
        def task(self, pk: int, *args) -> None:
            from django.apps import apps

            job_model = apps.get_model(model)
            job_model.objects.filter(pk=pk, steps_pending__gt=0).update(
                steps_pending=F("steps_pending") - 1, heartbeat_at=timezone.now()
            )
            if not job_model.objects.filter(pk=pk, status=JobStatus.RUNNING).exists():
                return  # failed meanwhile (another step), finished, or requeued for a retry
            label = failure(*args)
            inline = self.request.called_directly or self.request.is_eager
            try:
                if inline:
                    service(pk, *args)
                else:
                    with heartbeat(job_model, pk, every=settings.JOB_HEARTBEAT_SECONDS):
                        service(pk, *args)
            except SoftTimeLimitExceeded:
                job_fail(
                    job_model,
                    pk,
                    f"{label}：超过 {settings.CELERY_TASK_SOFT_TIME_LIMIT} 秒未完成，请稍后重试。",
                )
            except Exception as exc:  # a failed step fails the row with its reason, never leaves it running
                log.exception("%s %s %r failed", name, pk, args)
                job_fail(job_model, pk, f"{label}：{exc}")

        task.__doc__ = service.__doc__
        return shared_task(
            name=name,
            bind=True,
            time_limit=settings.CELERY_TASK_TIME_LIMIT,
            soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
            job_model=model,
        )(task)

    return decorate
