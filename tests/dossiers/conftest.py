import pytest

from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory


def _fill(school, *, primary=0, junior=0, books=10000, area=2000):
    ConditionsFactory(
        school=school,
        year=2025,
        primary_students=primary,
        junior_students=junior,
        books=books,
        building_area=area,
        sports_area=(primary + junior) * 9,
        equipment_value=(primary + junior) * 2600,
        computers=(primary + junior) // 8,
        multimedia_rooms=(primary + junior) // 40 + 1,
        music_rooms=1,
        art_rooms=1,
    )
    stage = "小学" if primary else "初中"
    for i, subject in enumerate(
        ["语文", "数学", "英语", "体育", "音乐", "美术", "科学", "语文", "数学", "语文"] * 2
    ):
        TeacherFactory(
            school=school,
            year=2025,
            stage=stage,
            subject=subject,
            staff_no=f"{school.code[-3:]}{i:03d}",
            backbone="县级" if i % 4 == 0 else "无",
            education="本科",
        )
    for grade in range(1, 7) if primary else range(7, 10):
        ClassFactory(school=school, year=2025, stage=stage, grade=grade, name=f"{grade}年级1班", students=40)


@pytest.fixture
def small_county(county, school_a, school_b, township_a):
    """滨河县 with three primary schools and one junior school, year 2025."""
    third = SchoolFactory(township=township_a, code="1301230003", name="东关小学", urban_rural="镇区")
    junior = SchoolFactory(
        township=township_a, code="1301230004", name="城关中学", school_type="初中", urban_rural="城区"
    )
    _fill(school_a, primary=420, books=14000, area=2300)
    _fill(school_b, primary=180, books=3000, area=700)
    _fill(third, primary=300, books=9000, area=1500)
    _fill(junior, junior=450, books=20000, area=3000)
    return county
