"""The ORM → engine loader: right facts, teachers grouped in one query, constant query count."""

import pytest

from indicators.engine import SchoolFacts, TeacherGroup, build_units
from indicators.facts import engine_settings, load_facts
from tests.factories import ConditionsFactory, SchoolFactory, TownshipFactory
from tests.indicators.conftest import add_classes, add_teachers

pytestmark = pytest.mark.django_db


def test_it_loads_each_school_with_its_yearly_conditions(county_data):
    facts = load_facts(county_data.county, 2025)
    by_code = {s.code: s for s in facts.schools}
    assert set(by_code) == {"1301230001", "1301230002", "1301230003", "1301230004"}
    a = by_code["1301230001"]
    assert isinstance(a, SchoolFacts)
    assert (a.name, a.township, a.school_type, a.primary_students) == ("城关小学", "城关镇", "小学", 1000)
    assert a.building_area == 5000.0 and isinstance(a.building_area, float)
    assert (a.music_rooms, a.art_rooms) == (2, 2)
    point = by_code["1301230003"]
    assert point.school_type == "教学点" and point.parent_code == "1301230002"


def test_it_groups_teachers_by_every_classifying_attribute(county_data):
    facts = load_facts(county_data.county, 2025)
    a_groups = [g for g in facts.teachers if g.school_code == "1301230001"]
    assert sum(g.count for g in a_groups) == 55
    assert TeacherGroup("1301230001", "小学", True, "本科", "一级", "县级", "语文", 9) in a_groups
    assert TeacherGroup("1301230001", "小学", True, "本科", "二级", "无", "语文", 25) in a_groups
    part_time = [g for g in facts.teachers if not g.full_time]
    assert part_time == [TeacherGroup("1301230004", "初中", False, "本科", "二级", "无", "语文", 3)]


def test_teaching_point_is_merged_into_its_parent_unit(county_data):
    facts = load_facts(county_data.county, 2025)
    units = {u.key: u for u in build_units(facts.schools, facts.teachers, engine_settings()).units}
    b = units[("1301230002", "primary")]
    assert b.students == 400 and b.merged_codes == ("1301230003",)
    assert b.full_time_teachers == 24 and b.qualified_teachers == 24  # 专科 counts for primary
    assert b.building_area == 2080
    assert ("1301230003", "primary") not in units
    junior = units[("1301230004", "junior")]
    assert junior.full_time_teachers == 60  # part-time teachers do not count


def test_classes_are_loaded_with_their_names(county_data):
    facts = load_facts(county_data.county, 2025)
    assert len(facts.classes) == 24 + 9 + 2 + 16
    assert {r.name for r in facts.class_rows if r.school_code == "1301230003"} == {"1班", "2班"}


def test_a_school_without_conditions_for_the_year_is_reported(county_data):
    SchoolFactory(township=county_data.school_a.township, code="1301230009", name="新建小学")
    facts = load_facts(county_data.county, 2025)
    assert any("新建小学（1301230009）" in w for w in facts.warnings)


def test_other_years_and_counties_are_not_loaded(county_data, other_school):
    ConditionsFactory(school=other_school, year=2025)
    add_teachers(other_school, 5)
    ConditionsFactory(school=county_data.school_a, year=2024, primary_students=1)
    facts = load_facts(county_data.county, 2025)
    assert "1301240001" not in {s.code for s in facts.schools}
    assert all(g.school_code != "1301240001" for g in facts.teachers)
    assert next(s for s in facts.schools if s.code == "1301230001").primary_students == 1000


def test_query_count_does_not_grow_with_schools(county_data, django_assert_num_queries):
    with django_assert_num_queries(4):
        load_facts(county_data.county, 2025)
    township = TownshipFactory(county=county_data.county, name="新区街道")
    for i in range(30):
        school = SchoolFactory(township=township, code=f"13012301{i:02d}", name=f"新区第{i}小学")
        ConditionsFactory(school=school, year=2025)
        add_teachers(school, 3)
        add_classes(school, [40, 41])
    with django_assert_num_queries(4):
        facts = load_facts(county_data.county, 2025)
    assert len(facts.schools) == 34


def test_engine_settings_follow_the_django_settings(settings):
    settings.INDICATOR_MERGE_TEACHING_POINTS = False
    settings.INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER = 0
    settings.INDICATOR_INCLUDE_PRIVATE = False
    settings.INDICATOR_UNIT_RULE_MARGIN_PERCENT = 90
    s = engine_settings()
    assert (s.merge_teaching_points, s.exclude_teaching_points_under, s.include_private) == (
        False,
        None,
        False,
    )
    assert s.unit_rule_margin == 0.9
    settings.INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER = 50
    assert engine_settings().exclude_teaching_points_under == 50


def test_room_areas_are_loaded_as_floats_and_none_when_not_reported(county_data):
    from schools.models import SchoolConditions

    SchoolConditions.objects.filter(school__code="1301230001", year=2025).update(
        music_room_areas=["96.00", "95.99"]
    )
    by_code = {s.code: s for s in load_facts(county_data.county, 2025).schools}
    assert by_code["1301230001"].music_areas == (96.0, 95.99)
    assert by_code["1301230001"].art_areas is None
