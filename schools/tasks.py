from celery import shared_task

from schools.importing import import_previews_expire


@shared_task(name="schools.tasks.expire_import_previews", time_limit=300, soft_time_limit=270)
def expire_import_previews() -> int:
    return import_previews_expire()
