"""county_school_summary: scoped counts for the home page and the dashboard."""

import pytest

from schools.selectors import county_school_summary
from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory, TownshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(school_a, school_b, other_school, township_a):
    junior = SchoolFactory(township=township_a, code="1301230003", school_type="初中")
    ConditionsFactory(school=school_a, year=2025, primary_students=500)
    ConditionsFactory(school=school_b, year=2025, primary_students=100)
    ConditionsFactory(school=junior, year=2025, primary_students=0, junior_students=300)
    ConditionsFactory(school=school_a, year=2024, primary_students=480)
    ConditionsFactory(school=other_school, year=2025, primary_students=9000)
    TeacherFactory.create_batch(3, school=school_a, year=2025)
    TeacherFactory(school=school_b, year=2025, full_time=False)
    TeacherFactory(school=school_b, year=2025, stage="高中")  # 教职工 only: no compulsory stage
    TeacherFactory(school=other_school, year=2025)
    ClassFactory(school=school_a, year=2025, students=46)
    ClassFactory(school=school_a, year=2025, students=60)
    ClassFactory(school=junior, year=2025, stage="初中", grade=7, students=70)
    ClassFactory(school=school_b, year=2024, students=30)


def test_bureau_gets_county_totals_of_the_latest_year(bureau, data):
    summary = county_school_summary(bureau)
    assert summary["year"] == 2025
    assert summary["schools"] == 3
    assert summary["schools_by_type"] == [("小学", 2), ("初中", 1)]
    assert summary["students"] == {"primary": 600, "junior": 300, "senior": 0, "compulsory": 900}
    # One count per teacher kind (domain.vocabulary): 专任教师 are full-time 小学/初中 only.
    assert summary["teachers"] == {"staff": 5, "full_time": 3, "in_post": 4, "total": 5}
    assert summary["classes"] == {"total": 3, "over_standard": 3, "large": 1, "super_large": 1}


def test_a_township_official_gets_own_township_only(township_official, data):
    summary = county_school_summary(township_official, 2025)
    assert summary["schools"] == 2
    assert summary["students"]["compulsory"] == 800
    assert summary["teachers"]["total"] == 3


def test_an_earlier_year_can_be_asked_for(bureau, data):
    summary = county_school_summary(bureau, 2024)
    assert summary["students"]["primary"] == 480 and summary["classes"]["total"] == 1


def test_no_data_gives_zeros(db):
    from tests.factories import UserFactory

    user = UserFactory(role="bureau", county=TownshipFactory().county)
    summary = county_school_summary(user)
    assert summary["year"] is None and summary["schools"] == 0 and summary["students"]["compulsory"] == 0


@pytest.mark.parametrize("n", [5, 100])
def test_it_runs_a_constant_number_of_queries(n, make_schools, django_assert_num_queries):
    from tests.factories import UserFactory

    township = TownshipFactory(name=f"镇{n}")
    make_schools(township, n)
    user = UserFactory(role="bureau", county=township.county)
    with django_assert_num_queries(5):
        assert county_school_summary(user)["schools"] == n
