"""Demo rows of the applications app: the demo county's 表Ⅰ facts and its 基本均衡 recognition,
entered through the services (audited) as bureau staff would.

Connected to balance_inspect.signals.demo_seeded in ApplicationsConfig.ready(). 表Ⅵ's field visits
stay empty on purpose: the demo's 申报材料 checklist then shows what a county still has to do
(the site-visit rehearsal of the reviews app can write them).
"""

from decimal import Decimal

from accounts.models import Role, User
from applications import services

# A plain-county profile of about 15,000 compulsory-education students (statistical yearbook scale).
DEMO_FACTS = {
    "population": Decimal("31.46"),
    "agricultural_population": Decimal("19.82"),
    "villages": 186,
    "gdp_per_capita": 48_620,
    "fiscal_revenue_per_capita": 3_415,
    "farmer_income": 18_930,
    "urban_income": 36_240,
    "special_schools": 1,
    "source": "县统计局《2025年国民经济和社会发展统计公报》、县财政局决算报表",
}
DEMO_RECOGNITION = {
    "basic_recognition_year": 2017,
    "document": "教育部关于认定义务教育发展基本均衡县的通知（2017年）",
}


def seed_applications(sender, *, county, users, year, **kwargs):
    user = users.get(Role.BUREAU) or User.objects.filter(county=county, role=Role.BUREAU).first()
    services.facts_save(county=county, year=year, values=dict(DEMO_FACTS), user=user)
    services.eligibility_save(county=county, values=dict(DEMO_RECOGNITION), user=user)
