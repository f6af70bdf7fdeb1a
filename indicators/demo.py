"""Demo rows of the indicators app: a few county items and finished assessments of both schemes.

Connected to balance_inspect.signals.demo_seeded in IndicatorsConfig.ready(). Runs the computation in
this process (no broker) right after the seed commits, so a freshly seeded demo opens on real
results.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import Role

from .models import Scheme
from .services import assessment_run_now, county_item_save

# A county that does well on most items but has one real gap to show: the teacher pay item.
# Every item the bureau enters is filled with the figures of its 表Ⅳ/表Ⅴ sentence.
DEMO_ITEMS = (
    ("government_work_score", {"value": "91.5"}, "", "省级督导评估组 2024 年评分"),
    ("province_standards", {"value": 1}, "", "省定办学基本标准逐校核查通过"),
    (
        "school_layout",
        {"value": 1},
        "《县义务教育学校布局专项规划（2021—2035 年）》经县政府批复实施，学校布局与城镇化进程和人口变化相适应。",
        "",
    ),
    (
        "unified_standards",
        {"value": 1},
        "全县城乡学校执行统一的建设标准、教职工编制标准（小学 1:19、初中 1:13.5）、生均公用经费基准定额和基本装备配置标准。",
        "",
    ),
    (
        "village_school_funding",
        {"students": 436, "funds": 560000, "value": 1},
        "7 所不足 100 人的村小和教学点均按 100 人核定公用经费。",
        "县财政局 2025 年公用经费拨付文件",
    ),
    ("special_education_funding", {"funds_wan": "84.5", "students": 130}, "", "特殊教育学校公用经费拨付明细"),
    (
        "teacher_pay",
        {"teacher_pay": 98600, "civil_pay": 101200, "performance_pay": 1},
        "绩效工资总量已足额核定；教师年平均工资收入略低于当地公务员，县政府已部署调整。",
        "2025 年教师平均工资略低于当地公务员，正在调整",
    ),
    (
        "staffing_allocation",
        {"value": 1},
        "县编办核定中小学教职工编制总额，县教育局按学校规模和班级数统筹分配到校，并报县编办备案。",
        "",
    ),
    ("nearby_enrolment", {"primary": 100, "junior": "97.2"}, "", ""),
    ("quota_allocation", {"total": 1800, "allocated": 936, "rural": 590}, "", "优质高中指标到校"),
    (
        "migrant_children",
        {"eligible": 2460, "public": 2150, "purchased": 96, "care_system": 1},
        "建立县、乡、校三级留守儿童关爱服务体系，每名留守儿童有结对帮扶教师。",
        "",
    ),
    ("disabled_enrolment", {"children": 412, "enrolled": 396, "special_school": 130}, "", ""),
    (
        "school_charter",
        {"schools": 42, "charter": 42, "informatized": 42, "value": 1},
        "全县学校均完成章程核准，“智慧校园”管理平台覆盖全部学校。",
        "",
    ),
    (
        "training_funds",
        {"schools": 42, "reaching": 42, "lowest": "5.6"},
        "",
        "各校年度公用经费预算与培训经费支出表",
    ),
    (
        "it_teaching",
        {"value": 1},
        "教师信息技术应用能力提升工程 2.0 全员通过考核，多媒体教室日均使用 5.2 课时。",
        "",
    ),
    ("moral_culture", {"value": 1}, "各校德育工作和校园文化建设经县级评估均为良好以上。", ""),
    ("curriculum", {"value": 1}, "国家课程开齐开足，课程表、作息时间表公示，每周安排综合实践活动。", ""),
    ("homework_burden", {"value": 1}, "落实作业公示和校内课后服务，学生书面作业时间符合规定。", ""),
    (
        "quality_monitoring",
        {
            "chinese_level": 3,
            "chinese_diff": "0.11",
            "math_level": 3,
            "math_diff": "0.13",
            "science_level": 3,
            "science_diff": "0.12",
            "pe_level": 4,
            "pe_diff": "0.08",
            "art_level": 3,
            "art_diff": "0.1",
            "moral_level": 4,
            "moral_diff": "0.07",
        },
        "",
        "2024 年国家义务教育质量监测县级报告",
    ),
    ("veto_exam_admission", {"value": 0}, "义务教育学校均免试就近入学。", ""),
    ("veto_school_choice", {"value": 0}, "", ""),
    ("veto_key_schools", {"value": 0}, "", ""),
    ("veto_unfilled_posts", {"value": 0}, "", ""),
    ("veto_safety_accident", {"value": 0}, "", ""),
    ("veto_falsified_data", {"value": 0}, "", ""),
    ("veto_off_campus_training", {"value": 0}, "校外培训机构专项治理按期完成，未发现违规培训。", ""),
)


def seed_indicators(sender, *, county, users, year, rng, **kwargs):
    user = users.get(Role.BUREAU) or users.get("bureau")
    for key, inputs, conclusion, note in DEMO_ITEMS:
        county_item_save(
            county=county,
            year=year,
            key=key,
            inputs={k: Decimal(str(v)) for k, v in inputs.items()},
            conclusion=conclusion,
            note=note,
            user=user,
        )

    def assess_demo():
        for scheme in (Scheme.BASIC_2012, Scheme.QUALITY_2017):
            assessment_run_now(county=county, year=year, scheme=scheme, user=user)

    # seed_demo sends the signal inside its transaction; computing once it commits means every
    # app's demo rows (and the county items their providers derive from them) are in the result,
    # whatever order the receivers ran in. Outside a transaction this runs at once.
    transaction.on_commit(assess_demo)
