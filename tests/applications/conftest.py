"""A small county for the application package: every school type the forms count, a stored
current assessment, and a survey of the data year with parents and teachers answering."""

import secrets

import pytest
from django.utils import timezone

from indicators.services import assessment_run_now
from surveys import services as survey_services
from surveys.models import Question, RespondentGroup, Survey
from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory

YEAR = 2025
SUBJECTS = ["语文", "数学", "英语", "体育", "音乐", "美术", "科学", "语文", "数学", "语文"]


def fill(school, *, primary=0, junior=0, senior=0, area=2000, books=10000, teachers=20):
    students = primary + junior + senior
    ConditionsFactory(
        school=school,
        year=YEAR,
        primary_students=primary,
        junior_students=junior,
        senior_students=senior,
        books=books,
        building_area=area,
        sports_area=students * 11,
        equipment_value=students * 2700,
        computers=students // 8,
        multimedia_rooms=students // 40 + 1,
        music_rooms=1,
        art_rooms=1,
    )
    n = 0
    for stage, count, grades in (("小学", primary, range(1, 7)), ("初中", junior, range(7, 10))):
        if not count:
            continue
        for i in range(teachers):
            TeacherFactory(
                school=school,
                year=YEAR,
                stage=stage,
                subject=SUBJECTS[i % len(SUBJECTS)],
                staff_no=f"{school.code[-3:]}{n:03d}",
                backbone="县级" if i % 4 == 0 else "无",
                education="本科",
                full_time=i != teachers - 1,  # one non-專任 per stage: 教职工 ≠ 专任教师
            )
            n += 1
        for grade in grades:
            ClassFactory(
                school=school,
                year=YEAR,
                stage=stage,
                grade=grade,
                name=f"{grade}年级1班",
                students=count // len(grades),
            )


@pytest.fixture
def small_county(county, school_a, school_b, township_a):
    """滨河县: two primary schools, a nine-year school, a junior school, a 完全中学, a private
    primary school and a teaching point of 60 pupils merged into school_a; year 2025."""
    nine = SchoolFactory(
        township=township_a, code="1301230003", name="东关学校", school_type="九年一贯制学校"
    )
    junior = SchoolFactory(township=township_a, code="1301230004", name="城关中学", school_type="初中")
    complete = SchoolFactory(township=township_a, code="1301230005", name="滨河一中", school_type="完全中学")
    private = SchoolFactory(township=township_a, code="1301230006", name="育英小学", sponsor="民办")
    point = SchoolFactory(
        township=township_a, code="1301230007", name="前屯教学点", school_type="教学点", parent=school_a
    )
    fill(school_a, primary=420, books=14000, area=2300)
    fill(school_b, primary=180, books=3000, area=700)
    fill(nine, primary=300, junior=200, area=2600)
    fill(junior, junior=450, books=20000, area=3000)
    fill(complete, junior=300, senior=400, area=4200)
    fill(private, primary=240, area=1300)
    ConditionsFactory(
        school=point,
        year=YEAR,
        primary_students=60,
        building_area=300,
        sports_area=500,
        equipment_value=120000,
        books=1500,
        multimedia_rooms=1,
    )
    ClassFactory(school=point, year=YEAR, stage="小学", grade=1, name="1年级1班", students=30)
    ClassFactory(school=point, year=YEAR, stage="小学", grade=2, name="2年级1班", students=30)
    return county


@pytest.fixture
def assessed(small_county):
    """The county's current assessment (stored, of the current data)."""
    return assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")


def _answer(invitation, values):
    scale = [
        q
        for q in invitation.survey.questions.all()
        if q.kind == Question.Kind.SCALE and invitation.group in q.groups
    ]
    for v in values:
        survey_services.response_submit(
            invitation=invitation,
            answers={q.pk: (value, "") for q, value in zip(scale, v, strict=False)},
            nonce=secrets.token_hex(16),
            today=timezone.localdate(),
        )


@pytest.fixture
def answered_survey(small_county, bureau, school_a):
    """The survey of 2025: 10 parents (7 all 满意, 1 half 满意, 2 不满意) and 5 teachers."""
    today = timezone.localdate()
    draft = survey_services.survey_create_from_template(user=bureau, county=small_county, today=today)
    survey = survey_services.survey_open(user=bureau, survey=draft, today=today)
    Survey.objects.filter(pk=survey.pk).update(year=YEAR)
    parents = survey_services.invitation_create(
        user=bureau, survey=survey, school=school_a, group=RespondentGroup.PARENT, target=10, quota=100
    )
    teachers = survey_services.invitation_create(
        user=bureau, survey=survey, school=school_a, group=RespondentGroup.TEACHER, target=5, quota=100
    )
    _answer(parents, [[5] * 20] * 7 + [[5, 3] * 10] + [[1] * 20] * 2)
    _answer(teachers, [[4] * 20] * 5)
    survey.refresh_from_db()
    return survey
