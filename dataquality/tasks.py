from celery import shared_task

from balance_inspect.jobs import job_task
from dataquality.match_services import batch_match, purge_expired
from dataquality.reconcile_services import purge_pending, read_list_job

# The 四查三比对 matching of one uploaded batch (minutes at county size): a job like the dossiers.
match_batch_task = job_task(
    "dataquality.tasks.match_batch_task", model="dataquality.MatchBatch", failure="比对失败"
)(batch_match)


@shared_task(name="dataquality.tasks.purge_match_lists", time_limit=600, soft_time_limit=570)
def purge_match_lists() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): delete 四查三比对 lists and 对账 uploads still waiting for a
    column mapping past DATAQUALITY_LIST_RETENTION_DAYS."""
    return purge_expired() + purge_pending()


read_reconcile_list_task = job_task(
    "dataquality.tasks.read_reconcile_list_task",
    model="dataquality.ReconcileRead",
    failure="读取对账名单失败",
)(read_list_job)
