from celery import shared_task

from balance_inspect.jobs import job_step_task, job_task
from dossiers.services import dossier_build, dossier_join, dossier_render_part, purge_dossier_parts

# The dossier job: the plan (this task), then one task per part — N workers render N parts at
# once — and the join, sent by whichever part finishes last. See dossiers.services.
build_dossier_task = job_task(
    "dossiers.tasks.build_dossier_task", model="dossiers.Dossier", failure="生成失败"
)(dossier_build)
render_dossier_part_task = job_step_task(
    "dossiers.tasks.render_dossier_part_task",
    model="dossiers.Dossier",
    failure=lambda index, label="": f"生成失败（{label or f'第 {index + 1} 部分'}）",
)(dossier_render_part)
join_dossier_task = job_step_task(
    "dossiers.tasks.join_dossier_task", model="dossiers.Dossier", failure=lambda: "生成失败（合并）"
)(dossier_join)


@shared_task(name="dossiers.tasks.purge_dossier_parts", time_limit=300, soft_time_limit=270)
def purge_dossier_parts_task() -> int:
    """Hourly (beat): remove part directories of dossiers done, deleted or failed long ago."""
    return purge_dossier_parts()
