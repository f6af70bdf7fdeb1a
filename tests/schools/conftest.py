"""Fixtures of the schools tests: the seeded demo county and counties of many schools."""

import random
from datetime import date

import pytest

from schools.demo import SEED, seed_demo_county
from schools.models import School, SchoolClass, SchoolConditions, Teacher, Township

TODAY = date(2025, 9, 1)


@pytest.fixture
def demo(db):
    """The demo county as `seed_demo --no-apps` builds it (feature apps not notified)."""
    return seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=False)


@pytest.fixture
def make_schools():
    """make_schools(township, n, year=2025) -> n primary schools, each with conditions,
    3 teachers and 2 classes in `year` (bulk-created, codes after the township's county code)."""

    def make(township: Township, n: int, *, year: int = 2025, start: int = 100) -> list[School]:
        county = township.county
        schools = School.objects.bulk_create(
            School(
                code=f"{county.code}{start + i:04d}",
                name=f"{township.name}第{i + 1}小学",
                county=county,
                township=township,
                school_type="小学",
                urban_rural="乡村",
            )
            for i in range(n)
        )
        schools = list(School.objects.filter(code__in=[s.code for s in schools]).order_by("code"))
        SchoolConditions.objects.bulk_create(
            SchoolConditions(
                school=s,
                year=year,
                primary_students=100 + i,
                building_area=600,
                sports_area=900,
                equipment_value=250000,
                computers=15,
                books=3000,
                multimedia_rooms=6,
            )
            for i, s in enumerate(schools)
        )
        Teacher.objects.bulk_create(
            Teacher(
                school=s,
                year=year,
                staff_no=f"T{k}",
                name=f"教师{k}",
                stage="小学",
                education="本科",
                title="一级",
                subject="语文",
            )
            for s in schools
            for k in range(3)
        )
        SchoolClass.objects.bulk_create(
            SchoolClass(school=s, year=year, stage="小学", grade=k + 1, name=f"{k + 1}年级1班", students=40)
            for s in schools
            for k in range(2)
        )
        return schools

    return make
