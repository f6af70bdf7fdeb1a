from celery import shared_task

from balance_inspect.jobs import reap_stale


# Both limits: a hard limit alone below the global soft limit makes every send fail.
@shared_task(name="balance_inspect.tasks.reap_stale_jobs", time_limit=120, soft_time_limit=100)
def reap_stale_jobs() -> int:
    return reap_stale()
