from celery import shared_task

from balance_inspect.jobs import reap_stale


@shared_task(name="balance_inspect.tasks.reap_stale_jobs", time_limit=120)
def reap_stale_jobs() -> int:
    return reap_stale()
