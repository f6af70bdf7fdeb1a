from balance_inspect.jobs import job_task
from indicators.services import assessment_compute

run_assessment_task = job_task(
    "indicators.tasks.run_assessment_task", model="indicators.Assessment", failure="评估计算失败"
)(assessment_compute)
