"""A small county for the 学校自评表 and 自查自评报告 tests (no tests here: the builders are imported).

滨河县 2025:
- 城关小学 (school_a, 城关镇, 小学, 420 students): meets every 2017 standard.
- 城关学校 (城关镇, 九年一贯制学校, 300 小学 + 200 初中): both parts meet the standards; one
  primary class of 47 (over 45).
- 城关学校东沟教学点 (教学点 of 城关学校, 20 students): merged into its central school.
- 河口小学 (school_b, 河口乡, 小学, 80 students): short of backbone and PE/art teachers (fails
  the per-school rule), under 100 students (small-school funding row).
"""

from schools.models import School, SchoolClass, SchoolConditions, Teacher
from tests.factories import SchoolFactory

YEAR = 2025


def _teachers(school, stage, n, *, backbone=0, pe_art=0, prefix=""):
    start = Teacher.objects.filter(school=school, year=YEAR).count()
    rows = []
    for i in range(n):
        rows.append(
            Teacher(
                school=school,
                year=YEAR,
                staff_no=f"{prefix}{start + i:04d}",
                name=f"教师{start + i}",
                stage=stage,
                full_time=True,
                education="本科",
                title="一级",
                backbone="县级" if i < backbone else "无",
                subject=("体育", "音乐", "美术")[i % 3] if i >= n - pe_art else "语文",
            )
        )
    Teacher.objects.bulk_create(rows)


def _classes(school, stage, sizes):
    grades = range(1, 7) if stage == "小学" else range(7, 10)
    SchoolClass.objects.bulk_create(
        SchoolClass(
            school=school,
            year=YEAR,
            stage=stage,
            grade=list(grades)[i % len(grades)],
            name=f"{stage}{i + 1}班",
            students=size,
        )
        for i, size in enumerate(sizes)
    )


def _conditions(school, *, primary=0, junior=0, music=1, art=1):
    students = primary + junior
    return SchoolConditions.objects.create(
        school=school,
        year=YEAR,
        primary_students=primary,
        junior_students=junior,
        building_area=students * 7,
        sports_area=students * 12,
        equipment_value=students * 3000,
        computers=students // 8,
        books=students * 40,
        multimedia_rooms=students // 30 + 1,
        music_rooms=music,
        art_rooms=art,
    )


def build_county(county, township_a, township_b, school_a, school_b) -> dict:
    """The county above; returns its schools by role."""
    nine = SchoolFactory(
        township=township_a,
        code="1301230005",
        name="城关学校",
        school_type="九年一贯制学校",
        urban_rural="城区",
    )
    point = SchoolFactory(
        township=township_a, code="1301230006", name="城关学校东沟教学点", school_type="教学点", parent=nine
    )
    _conditions(school_a, primary=420, music=1, art=1)
    _teachers(school_a, "小学", 25, backbone=6, pe_art=5, prefix="A")
    _classes(school_a, "小学", [35] * 12)

    _conditions(nine, primary=300, junior=200, music=2, art=2)
    _conditions(point, primary=20, music=0, art=0)
    _teachers(nine, "小学", 20, backbone=5, pe_art=4, prefix="NP")
    _teachers(nine, "初中", 16, backbone=4, pe_art=3, prefix="NJ")
    _classes(nine, "小学", [40] * 7 + [47])
    _classes(nine, "初中", [40] * 5)
    _classes(point, "小学", [20])

    _conditions(school_b, primary=80, music=1, art=1)
    _teachers(school_b, "小学", 6, backbone=0, pe_art=0, prefix="B")
    _classes(school_b, "小学", [14] * 6)
    return {"primary": school_a, "nine": nine, "point": point, "small": school_b}


def school_order(county) -> list[str]:
    from schools.models import SCHOOL_ORDER

    return list(School.objects.filter(county=county).order_by(*SCHOOL_ORDER).values_list("code", flat=True))
