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
DEMO_ITEMS = (
    ("government_work_score", Decimal("91.5"), "省级督导评估组 2024 年评分"),
    ("province_standards", Decimal(1), "省定办学基本标准逐校核查通过"),
    ("village_school_funding", Decimal(1), "县财政局 2025 年公用经费拨付文件"),
    ("special_education_funding", Decimal(6500), "特殊教育学校生均公用经费"),
    ("teacher_pay", Decimal(0), "2025 年教师平均工资略低于当地公务员，正在调整"),
    ("nearby_enrolment_primary", Decimal(100), ""),
    ("nearby_enrolment_junior", Decimal("97.2"), ""),
    ("quota_allocation", Decimal(52), "优质高中指标到校"),
    ("migrant_children", Decimal("91.3"), ""),
    ("disabled_enrolment", Decimal("96.1"), ""),
    ("veto_exam_admission", Decimal(0), ""),
    ("veto_school_choice", Decimal(0), ""),
    ("veto_key_schools", Decimal(0), ""),
)


def seed_indicators(sender, *, county, users, year, rng, **kwargs):
    user = users.get(Role.BUREAU) or users.get("bureau")
    for key, value, note in DEMO_ITEMS:
        county_item_save(county=county, year=year, key=key, value=value, note=note, user=user)

    def assess_demo():
        for scheme in (Scheme.BASIC_2012, Scheme.QUALITY_2017):
            assessment_run_now(county=county, year=year, scheme=scheme, user=user)

    # seed_demo sends the signal inside its transaction; computing once it commits means every
    # app's demo rows (and the county items their providers derive from them) are in the result,
    # whatever order the receivers ran in. Outside a transaction this runs at once.
    transaction.on_commit(assess_demo)
