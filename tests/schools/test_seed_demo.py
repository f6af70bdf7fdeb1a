"""`seed_demo`: a realistic, deterministic demo county that can be rebuilt at will."""

import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from accounts.models import AuditEntry, Role, User
from balance_inspect.signals import demo_seeded
from schools.demo import DEMO_PASSWORD, SEED, seed_demo_county
from schools.idcard import is_valid_id_number
from schools.models import County, ImportRecord, School, SchoolClass, SchoolConditions, Teacher
from tests.factories import UserFactory
from tests.schools.conftest import TODAY

pytestmark = pytest.mark.django_db


def snapshot():
    """Every demo row as plain values, without primary keys."""
    return {
        "county": list(County.objects.filter(code="130123").values_list("code", "name", "inspection_date")),
        "schools": list(
            School.objects.filter(county__code="130123")
            .order_by("code")
            .values_list(
                "code",
                "name",
                "township__name",
                "school_type",
                "urban_rural",
                "sponsor",
                "parent__code",
                "boarding",
            )
        ),
        "conditions": list(
            SchoolConditions.objects.filter(school__county__code="130123")
            .order_by("school__code", "year")
            .values_list(
                "school__code",
                "year",
                "primary_students",
                "junior_students",
                "senior_students",
                "building_area",
                "sports_area",
                "equipment_value",
                "computers",
                "books",
                "multimedia_rooms",
                "music_rooms",
                "art_rooms",
            )
        ),
        "teachers": list(
            Teacher.objects.filter(school__county__code="130123")
            .order_by("school__code", "year", "staff_no")
            .values_list(
                "school__code",
                "year",
                "staff_no",
                "name",
                "id_number",
                "stage",
                "full_time",
                "education",
                "title",
                "backbone",
                "subject",
                "joined_year",
            )
        ),
        "classes": list(
            SchoolClass.objects.filter(school__county__code="130123")
            .order_by("school__code", "year", "name")
            .values_list("school__code", "year", "stage", "grade", "name", "students")
        ),
        "users": list(
            User.objects.filter(username__in=["admin", "bureau", "inspector", "township", "school"])
            .order_by("username")
            .values_list("username", "role", "display_name", "county__code", "township__name", "school__code")
        ),
    }


def test_it_builds_about_forty_schools_in_eight_townships(demo):
    schools = School.objects.filter(county=demo.county)
    assert 36 <= schools.count() <= 44
    assert demo.county.townships.count() == 8
    assert {"城关镇", "东城街道", "河口乡"} <= set(demo.county.townships.values_list("name", flat=True))
    types = Counter(schools.values_list("school_type", flat=True))
    assert types["九年一贯制学校"] >= 3
    assert types["完全中学"] == 1
    assert types["十二年一贯制学校"] == 1
    assert types["教学点"] >= 4
    assert schools.filter(sponsor="民办").count() == 1
    assert set(schools.values_list("urban_rural", flat=True)) == {"城区", "镇区", "乡村"}


def test_every_teaching_point_has_a_central_school_of_its_township(demo):
    points = School.objects.filter(county=demo.county, school_type="教学点").select_related("parent")
    for point in points:
        assert point.parent is not None, point.name
        assert point.parent.township_id == point.township_id
        assert point.parent.school_type != "教学点"
    assert (
        not School.objects.filter(county=demo.county, parent__isnull=False)
        .exclude(school_type="教学点")
        .exists()
    )


def test_it_has_about_fifteen_thousand_compulsory_students_in_2025_and_data_for_three_years(demo):
    rows = SchoolConditions.objects.filter(school__county=demo.county)
    compulsory = sum(c.compulsory_students for c in rows.filter(year=2025))
    assert 13500 <= compulsory <= 16500
    assert demo.students == compulsory
    assert sorted(set(rows.values_list("year", flat=True))) == [2023, 2024, 2025]
    schools = School.objects.filter(county=demo.county).count()
    assert all(rows.filter(year=y).count() == schools for y in (2023, 2024, 2025))


def test_the_complete_middle_school_teaches_senior_students(demo):
    conditions = SchoolConditions.objects.get(
        school__school_type="完全中学", school__county=demo.county, year=2025
    )
    assert (
        conditions.senior_students > 0 and conditions.junior_students > 0 and conditions.primary_students == 0
    )


def test_students_only_exist_in_the_stages_a_school_has(demo):
    for c in SchoolConditions.objects.filter(school__county=demo.county).select_related("school"):
        assert (c.primary_students > 0) == c.school.has_primary, c.school.name
        assert (c.junior_students > 0) == c.school.has_junior, c.school.name


def test_classes_add_up_to_the_students_of_each_stage(demo):
    sizes = defaultdict(int)
    for c in SchoolClass.objects.filter(school__county=demo.county):
        sizes[(c.school_id, c.year, c.stage)] += c.students
    for c in SchoolConditions.objects.filter(school__county=demo.county):
        assert sizes[(c.school_id, c.year, "小学")] == c.primary_students
        assert sizes[(c.school_id, c.year, "初中")] == c.junior_students


def test_a_few_urban_classes_are_large_and_one_is_super_large(demo):
    classes = SchoolClass.objects.filter(school__county=demo.county, year=2025).select_related("school")
    bands = Counter(c.size_band for c in classes)
    assert 2 <= bands["大班额"] <= 8
    assert bands["超大班额"] == 1
    assert all(c.school.urban_rural == "城区" for c in classes if c.size_band in ("大班额", "超大班额"))
    assert bands[""] > 0.75 * len(classes)


def test_teaching_points_have_one_small_class_per_grade(demo):
    for c in SchoolClass.objects.filter(school__county=demo.county, school__school_type="教学点"):
        assert c.students < 30 and c.grade <= 3


def test_it_has_full_teacher_rosters_with_valid_identity_numbers(demo):
    teachers = Teacher.objects.filter(school__county=demo.county, year=2025)
    assert 1080 <= teachers.count() <= 1320
    assert demo.teachers == teachers.count()
    assert teachers.filter(full_time=True).count() > 0.9 * teachers.count()
    assert all(is_valid_id_number(n) for n in teachers.values_list("id_number", flat=True))
    assert set(teachers.values_list("stage", flat=True)) == {"小学", "初中", "高中"}
    assert teachers.exclude(backbone="无").exists()
    assert teachers.filter(joined_year__isnull=True).count() == 0
    # Every school has staff every year.
    for year in (2023, 2024, 2025):
        staffed = set(
            Teacher.objects.filter(school__county=demo.county, year=year).values_list("school", flat=True)
        )
        assert staffed == set(School.objects.filter(county=demo.county).values_list("pk", flat=True))


def test_names_include_rare_characters(demo):
    names = "".join(Teacher.objects.filter(school__county=demo.county).values_list("name", flat=True))
    for ch in "堃喆昇珺":
        assert ch in names


def test_some_rural_schools_have_no_music_or_art_teacher(demo):
    without = [
        s
        for s in School.objects.filter(county=demo.county, urban_rural="乡村").exclude(school_type="教学点")
        if not s.teachers.filter(year=2025, subject__in=["音乐", "美术"]).exists()
    ]
    assert 1 <= len(without) <= 5
    urban = School.objects.filter(county=demo.county, urban_rural="城区")
    assert all(s.teachers.filter(year=2025, subject="音乐").exists() for s in urban)


def test_music_and_art_rooms_are_filled(demo):
    rows = SchoolConditions.objects.filter(school__county=demo.county)
    assert not rows.filter(music_rooms__isnull=True).exists()
    assert not rows.filter(art_rooms__isnull=True).exists()


def test_rooms_have_areas_and_a_few_fall_below_the_line(demo):
    from indicators.engine import assess
    from indicators.facts import load_facts

    facts = load_facts(demo.county, 2025)
    result = assess(facts.schools, facts.teachers, facts.classes, "quality-2017")
    rooms = {r["name"]: r for r in result["checks"]["rooms"]}
    assert rooms["石桥镇王庄小学"]["passed"] is False and rooms["石桥镇王庄小学"]["music_ok"] == 0
    assert rooms["北坡乡中心小学"]["passed"] is False and rooms["北坡乡中心小学"]["art_ok"] == 0
    extra = rooms["城关第二小学"]
    assert extra["passed"] is True and extra["art_ok"] == extra["art_rooms"] - 1
    assert rooms["南山乡中心小学"]["areas_missing"] is True
    measured = [r for r in rooms.values() if not r["areas_missing"]]
    assert len(measured) == len(rooms) - 1
    assert all(len(r["music_areas"]) == r["music_rooms"] for r in measured)


def test_the_county_passes_basic_balance_but_fails_a_quality_coefficient(demo):
    engine = pytest.importorskip("indicators.engine.assess")
    from indicators.engine.units import ClassFacts, SchoolFacts, TeacherGroup

    schools = [
        SchoolFacts(
            code=c.school.code,
            name=c.school.name,
            township=c.school.township.name,
            school_type=c.school.school_type,
            urban_rural=c.school.urban_rural,
            sponsor=c.school.sponsor,
            parent_code=c.school.parent.code if c.school.parent else None,
            primary_students=c.primary_students,
            junior_students=c.junior_students,
            senior_students=c.senior_students,
            building_area=float(c.building_area),
            sports_area=float(c.sports_area),
            equipment_value=float(c.equipment_value),
            computers=c.computers,
            books=c.books,
            multimedia_rooms=c.multimedia_rooms,
            music_rooms=c.music_rooms,
            art_rooms=c.art_rooms,
        )
        for c in SchoolConditions.objects.filter(school__county=demo.county, year=2025).select_related(
            "school__township", "school__parent"
        )
    ]
    groups = Counter(
        Teacher.objects.filter(school__county=demo.county, year=2025).values_list(
            "school__code", "stage", "full_time", "education", "title", "backbone", "subject"
        )
    )
    teachers = [TeacherGroup(*key, count=n) for key, n in groups.items()]
    classes = [
        ClassFacts(*row)
        for row in SchoolClass.objects.filter(school__county=demo.county, year=2025).values_list(
            "school__code", "stage", "grade", "students"
        )
    ]

    basic = engine.assess(schools, teachers, classes, "basic-2012")
    quality = engine.assess(schools, teachers, classes, "quality-2017")

    assert basic["stages"]["primary"]["passed"] and basic["stages"]["junior"]["passed"]
    failed_cvs = [
        k
        for stage in quality["stages"].values()
        for k, ind in stage["indicators"].items()
        if ind["cv_passed"] is False
    ]
    assert failed_cvs
    units = quality["units"]
    failing = [u for u in units if u["passed"] is False]
    assert 1 <= len(failing) <= len(units) // 4  # most schools meet the 2017 standards
    rural = set(School.objects.filter(county=demo.county, urban_rural="乡村").values_list("code", flat=True))
    assert all(u["school_code"] in rural for u in failing)


def test_demo_users_exist_one_per_role_with_the_documented_password(demo):
    users = demo.users
    assert set(users) == {r.value for r in Role}
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
    validate_password(DEMO_PASSWORD, users["bureau"])
    assert users["admin"].is_superuser and users["admin"].county is None
    assert users["bureau"].display_name == "王科长" and users["bureau"].county == demo.county
    assert users["inspector"].display_name == "赵督学" and users["inspector"].is_read_only
    assert users["township"].display_name == "李镇长" and users["township"].township.name == "城关镇"
    reporter = users["school"]
    assert reporter.display_name == "陈老师"
    assert reporter.school.township.name == "城关镇" and reporter.school.school_type == "小学"
    assert users["city"].region.name == "石家庄市" and users["city"].is_read_only
    assert users["province"].region.name == "河北省" and users["province"].county is None


def test_demo_reviewers_reach_the_demo_county_through_their_region(demo):
    from schools.selectors import counties_visible_to

    for role in ("city", "province"):
        assert list(counties_visible_to(demo.users[role])) == [demo.county]


def test_the_inspection_is_about_sixty_days_away(demo):
    assert demo.county.inspection_date == TODAY + timedelta(days=60)


def test_it_is_deterministic_and_a_second_run_rebuilds_instead_of_duplicating(db):
    seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=False)
    first = snapshot()
    seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=False)
    assert snapshot() == first
    assert School.objects.filter(county__code="130123").count() == len(first["schools"])


def test_rebuilding_clears_rows_that_protect_the_demo_county(demo):
    school = School.objects.get(code="1301230001")
    ImportRecord.objects.create(
        kind="conditions",
        county=demo.county,
        school=school,
        file_name="a.xlsx",
        sha256="0" * 64,
        status=ImportRecord.Status.APPLIED,
    )
    UserFactory(username="extra", role=Role.BUREAU, county=demo.county)
    AuditEntry.objects.create(action=AuditEntry.Action.UPDATE, object_type="x", county=demo.county)

    seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=False)

    assert not ImportRecord.objects.exists()
    assert not User.objects.filter(username="extra").exists()
    assert AuditEntry.objects.count() == 1  # the audit trail stays (its county link is cleared)


def test_it_leaves_other_counties_alone(other_school):
    seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=False)
    assert School.objects.filter(pk=other_school.pk).exists()


def test_the_command_notifies_feature_apps_with_county_users_year_and_rng(db):
    received = {}

    def receiver(sender, **kwargs):
        received.update(kwargs)

    demo_seeded.connect(receiver)
    try:
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    finally:
        demo_seeded.disconnect(receiver)
    assert received["county"].code == "130123"
    assert received["year"] == 2025
    assert set(received["users"]) == {r.value for r in Role}
    assert isinstance(received["rng"], random.Random)


def test_the_command_without_apps_does_not_notify(db, capsys):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    demo_seeded.connect(receiver)
    try:
        call_command("seed_demo", "--no-apps")
    finally:
        demo_seeded.disconnect(receiver)
    assert calls == []
    out = capsys.readouterr().out
    assert "滨河县" in out and "demo_logins" in out
