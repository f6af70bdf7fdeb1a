"""A small county to assess: passes basic-2012, fails quality-2017 on exactly one coefficient.

滨河县 2025 (numbers chosen by hand, see each school):
- 城关小学 (school_a, 1000 primary students): meets every 2017 standard except backbone teachers,
  0.9 per 100 (90% of 1.0: tolerated by the 85% margin), so the unit passes.
- 河口小学 (school_b, 380 students) with its teaching point 河口小学沙洲教学点 (20 students, merged):
  400 students, backbone 4.0 per 100.
- 城关中学 (junior, 800 students): meets every junior standard; 3 part-time teachers not counted.

The primary backbone CV is 0.784 > 0.50 (quality-2017 fails on it alone); the eight basic-2012
CVs are all small (composite far below 0.65). Backbone teachers are not a 2012 indicator.
"""

from types import SimpleNamespace

import pytest

from schools.models import SchoolClass, Teacher
from tests.factories import ConditionsFactory, SchoolFactory

YEAR = 2025


def add_teachers(
    school,
    n,
    *,
    stage="小学",
    full_time=True,
    education="本科",
    title="二级",
    backbone="无",
    subject="语文",
    year=YEAR,
    prefix="T",
):
    start = Teacher.objects.filter(school=school, year=year).count()
    Teacher.objects.bulk_create(
        [
            Teacher(
                school=school,
                year=year,
                staff_no=f"{prefix}{start + i:04d}",
                name=f"教师{start + i}",
                stage=stage,
                full_time=full_time,
                education=education,
                title=title,
                backbone=backbone,
                subject=subject,
            )
            for i in range(n)
        ]
    )


def add_classes(school, sizes, *, stage="小学", year=YEAR):
    SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                school=school,
                year=year,
                stage=stage,
                grade=(1 if stage == "小学" else 7) + i % 3,
                name=f"{i + 1}班",
                students=n,
            )
            for i, n in enumerate(sizes)
        ]
    )


def build_county(school_a, school_b, township_a, year=YEAR):
    county = school_a.county
    ConditionsFactory(
        school=school_a,
        year=year,
        primary_students=1000,
        building_area=5000,
        sports_area=8000,
        equipment_value=2_200_000,
        computers=120,
        books=30000,
        multimedia_rooms=25,
        music_rooms=2,
        art_rooms=2,
    )
    # 城关小学 55 teachers: 55 本科 (5.5/100), 9 backbone (0.9/100), 10 PE/art (1.0/100), 30 一级.
    add_teachers(school_a, 9, backbone="县级", title="一级")
    add_teachers(school_a, 10, subject="体育", title="一级")
    add_teachers(school_a, 11, title="一级")
    add_teachers(school_a, 25)
    add_classes(school_a, [42] * 22 + [38] * 2)

    ConditionsFactory(
        school=school_b,
        year=year,
        primary_students=380,
        building_area=2000,
        sports_area=3200,
        equipment_value=860_000,
        computers=48,
        books=12000,
        multimedia_rooms=9,
        music_rooms=1,
        art_rooms=1,
    )
    # 河口小学 22 teachers: backbone 16, PE/art 4, 12 一级.
    add_teachers(school_b, 12, backbone="市级", title="一级")
    add_teachers(school_b, 4, backbone="县级", subject="音乐")
    add_teachers(school_b, 6)
    add_classes(school_b, [42] * 8 + [44])

    point = SchoolFactory(
        township=school_b.township,
        code="1301230003",
        name="河口小学沙洲教学点",
        school_type="教学点",
        parent=school_b,
    )
    ConditionsFactory(
        school=point,
        year=year,
        primary_students=20,
        building_area=80,
        sports_area=100,
        equipment_value=40_000,
        computers=2,
        books=400,
        multimedia_rooms=1,
    )
    add_teachers(point, 2, education="专科")
    add_classes(point, [10, 10])

    junior = SchoolFactory(
        township=township_a, code="1301230004", name="城关中学", school_type="初中", urban_rural="城区"
    )
    ConditionsFactory(
        school=junior,
        year=year,
        primary_students=0,
        junior_students=800,
        building_area=5000,
        sports_area=9000,
        equipment_value=2_400_000,
        computers=100,
        books=32000,
        multimedia_rooms=20,
        music_rooms=2,
        art_rooms=2,
    )
    add_teachers(junior, 10, stage="初中", backbone="县级", title="一级")
    add_teachers(junior, 8, stage="初中", subject="美术", title="一级")
    add_teachers(junior, 12, stage="初中", title="一级")
    add_teachers(junior, 30, stage="初中")
    add_teachers(junior, 3, stage="初中", full_time=False, prefix="P")
    add_classes(junior, [50] * 16, stage="初中")
    return SimpleNamespace(
        county=county, year=year, school_a=school_a, school_b=school_b, point=point, junior=junior
    )


@pytest.fixture
def county_data(school_a, school_b, township_a):
    return build_county(school_a, school_b, township_a)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Call a function and run the on-commit callbacks it registered (enqueue → eager task)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def quality(county_data, bureau):
    """A finished quality-2017 assessment of the county (computed in-process)."""
    from indicators.services import assessment_run_now

    return assessment_run_now(county=county_data.county, year=YEAR, scheme="quality-2017", user=bureau)


@pytest.fixture
def basic(county_data, bureau):
    from indicators.services import assessment_run_now

    return assessment_run_now(county=county_data.county, year=YEAR, scheme="basic-2012", user=bureau)


@pytest.fixture(autouse=True)
def no_item_providers():
    """Other apps connect county-item receivers at start-up; these tests pin their own (none by
    default, ``no_item_providers.connect(fn)`` adds one), so an item of another app cannot change
    a verdict asserted here."""
    from balance_inspect.signals import county_items_requested
    from tests.signals import only_receivers

    with only_receivers(county_items_requested) as signal:
        yield signal


BASIC_ITEMS = {"province_standards": 1, "government_work_score": 90, "social_recognition": 88}


def enter_items(county, user, values: dict, year=YEAR):
    """Enter county items as bureau staff would (Decimal values; 是/否 items 1/0)."""
    from decimal import Decimal

    from indicators.services import county_item_save

    for key, value in values.items():
        county_item_save(county=county, year=year, key=key, value=Decimal(str(value)), user=user)


@pytest.fixture
def basic_items(county_data, bureau):
    """The three county-level parts of basic-2012 entered, all passing."""
    enter_items(county_data.county, bureau, BASIC_ITEMS)
