from applications.services import package_build, package_join, package_render_step
from balance_inspect.jobs import job_step_task, job_task

# The package job: the plan (this task), then one task per part — 申报表.pdf and each chunk of
# 学校自评表 — and the join, sent by whichever part finishes last. See applications.services.
build_package_task = job_task(
    "applications.tasks.build_package_task", model="applications.ApplicationPackage", failure="生成失败"
)(package_build)
render_package_part_task = job_step_task(
    "applications.tasks.render_package_part_task",
    model="applications.ApplicationPackage",
    failure=lambda index: (
        "生成失败（申报表 PDF）" if index == 0 else f"生成失败（学校自评表第 {index} 部分）"
    ),
)(package_render_step)
join_package_task = job_step_task(
    "applications.tasks.join_package_task",
    model="applications.ApplicationPackage",
    failure=lambda: "生成失败（汇总）",
)(package_join)
