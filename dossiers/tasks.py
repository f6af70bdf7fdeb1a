from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from balance_inspect.jobs import job_claim, job_fail
from dossiers.models import Dossier
from dossiers.services import dossier_build


@shared_task(name="dossiers.tasks.build_dossier", time_limit=900, soft_time_limit=870)
def build_dossier(dossier_id: int) -> None:
    if not job_claim(Dossier, dossier_id):
        return  # a duplicate delivery, or the job was already taken
    try:
        dossier_build(dossier_id)
    except SoftTimeLimitExceeded:
        job_fail(Dossier, dossier_id, "生成超时，请稍后重试。")
    except Exception as exc:  # every failure must end the job with a reason, never leave it running
        job_fail(Dossier, dossier_id, f"生成失败：{exc}")
        raise
