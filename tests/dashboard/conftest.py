"""A small county whose per-school figures are known by hand, and fresh caches for every test.

滨河县 2025 (quality-2017 standards: building area 4.5 / 5.8 ㎡, sports area 7.5 / 10.2 ㎡ per student):
- 城关小学 (school_a, 城关镇, 城区): 1000 students, every standard met; 20 classes of 50 (over 45).
- 河口小学 (school_b, 河口乡, 乡村): 500 students, building area 4.0 ㎡ (88.9 % of 4.5: tolerated, "warn").
- 东关小学 (城关镇, 镇区): 400 students, building area 3.0 and sports area 5.0 (66.7 %: "fail"),
  so the unit fails the per-school rule; classes of 58, 58 (大班额) and 70 (超大班额).
- 城关中学 (城关镇, 城区, junior): 600 students, every junior standard met.
Per-school rule: 3 of 4 units; 城关镇 alone: 2 of 3. Primary classes: 38, 23 over 45, 2 large, 1 super large.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from schools.models import SchoolClass, Teacher
from tests.factories import ConditionsFactory, SchoolFactory

YEAR = 2025


@pytest.fixture(autouse=True)
def _fresh_dashboard(settings):
    """Every test computes its figures (no county cache) from an empty cache."""
    settings.DASHBOARD_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def teachers(school, n, *, stage="小学", backbone=0, pe_art=0, year=YEAR):
    Teacher.objects.bulk_create(
        Teacher(
            school=school,
            year=year,
            staff_no=f"T{k:04d}",
            name=f"教师{k}",
            stage=stage,
            education="本科",
            title="一级",
            backbone="县级" if k < backbone else "无",
            subject="体育" if backbone <= k < backbone + pe_art else "语文",
        )
        for k in range(n)
    )


def classes(school, sizes, *, stage="小学", year=YEAR):
    SchoolClass.objects.bulk_create(
        SchoolClass(
            school=school,
            year=year,
            stage=stage,
            grade=(1 if stage == "小学" else 7) + k % 3,
            name=f"{k + 1}班",
            students=n,
        )
        for k, n in enumerate(sizes)
    )


def build_small_county(school_a, school_b, township_a, year=YEAR):
    county = school_a.county
    county.inspection_date = timezone.localdate() + timedelta(days=45)
    county.save()
    third = SchoolFactory(township=township_a, code="1301230003", name="东关小学", urban_rural="镇区")
    junior = SchoolFactory(
        township=township_a, code="1301230004", name="城关中学", school_type="初中", urban_rural="城区"
    )
    school_b.urban_rural = "乡村"
    school_b.save()
    ConditionsFactory(
        school=school_a,
        year=year,
        primary_students=1000,
        building_area=4500,
        sports_area=8000,
        equipment_value=2_100_000,
        computers=120,
        books=30000,
        multimedia_rooms=25,
    )
    teachers(school_a, 50, backbone=10, pe_art=10, year=year)
    classes(school_a, [50] * 20, year=year)
    ConditionsFactory(
        school=school_b,
        year=year,
        primary_students=500,
        building_area=2000,
        sports_area=4000,
        equipment_value=1_000_000,
        computers=60,
        books=15000,
        multimedia_rooms=12,
    )
    teachers(school_b, 25, backbone=5, pe_art=5, year=year)
    classes(school_b, [40] * 10, year=year)
    ConditionsFactory(
        school=third,
        year=year,
        primary_students=400,
        building_area=1200,
        sports_area=2000,
        equipment_value=800_000,
        computers=50,
        books=12000,
        multimedia_rooms=10,
    )
    teachers(third, 20, backbone=4, pe_art=4, year=year)
    classes(third, [40] * 5 + [58, 58, 70], year=year)
    ConditionsFactory(
        school=junior,
        year=year,
        primary_students=0,
        junior_students=600,
        building_area=3600,
        sports_area=6600,
        equipment_value=1_560_000,
        computers=80,
        books=24000,
        multimedia_rooms=15,
    )
    teachers(junior, 36, stage="初中", backbone=6, pe_art=6, year=year)
    classes(junior, [50] * 12, stage="初中", year=year)
    return SimpleNamespace(
        county=county, year=year, school_a=school_a, school_b=school_b, third=third, junior=junior
    )


@pytest.fixture
def small_county(school_a, school_b, township_a):
    return build_small_county(school_a, school_b, township_a)


@pytest.fixture
def assessed(small_county, bureau):
    """Both schemes assessed (in-process) for the small county; returns {scheme: Assessment}."""
    from indicators.services import assessment_run_now

    return {
        scheme: assessment_run_now(county=small_county.county, year=YEAR, scheme=scheme, user=bureau)
        for scheme in ("basic-2012", "quality-2017")
    }
