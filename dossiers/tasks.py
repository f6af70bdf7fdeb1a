from balance_inspect.jobs import job_task
from dossiers.services import dossier_build

build_dossier_task = job_task("dossiers.tasks.build_dossier_task", model="dossiers.Dossier",
                              failure="生成失败")(dossier_build)
