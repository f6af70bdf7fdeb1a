from balance_inspect.jobs import job_step_task, job_task
from indicators.services import (
    assessment_compute,
    region_assessment_finish,
    region_assessment_start,
    region_county_assess,
)

run_assessment_task = job_task(
    "indicators.tasks.run_assessment_task", model="indicators.Assessment", failure="评估计算失败"
)(assessment_compute)

# Every county of a province or city: the run's task sends one step per county, and the county
# that completes the set sends the finish step. See indicators.services (region_…).
run_province_assessment_task = job_task(
    "indicators.tasks.run_province_assessment_task",
    model="indicators.ProvinceAssessmentRun",
    failure="区域评估失败",
)(region_assessment_start)
assess_region_county_task = job_step_task(
    "indicators.tasks.assess_region_county_task",
    model="indicators.ProvinceAssessmentRun",
    failure=lambda county_id: "区域评估失败（区县评估）",
)(region_county_assess)
finish_region_assessment_task = job_step_task(
    "indicators.tasks.finish_region_assessment_task",
    model="indicators.ProvinceAssessmentRun",
    failure=lambda: "区域评估失败（汇总）",
)(region_assessment_finish)
