from celery import shared_task

from dataquality.match_services import purge_expired
from dataquality.reconcile_services import purge_pending


@shared_task(name="dataquality.tasks.purge_match_lists", time_limit=600, soft_time_limit=570)
def purge_match_lists() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): delete 四查三比对 lists and 对账 uploads still waiting for a
    column mapping past DATAQUALITY_LIST_RETENTION_DAYS."""
    return purge_expired() + purge_pending()
