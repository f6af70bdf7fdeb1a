"""`generate_province`: a province of generated counties, reproducible from its seed."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from indicators.services import compute_assessment_result
from schools.models import County, Region, School, SchoolClass, SchoolConditions, Teacher
from schools.province import county_codes, generate_province, plan_county, province_prefix
from schools.selectors import counties_in_region

pytestmark = pytest.mark.django_db

SMALL = {"counties": 4, "per_city": 2, "schools_per_county": 24, "seed": 7}


def snapshot(prefix="13"):
    """Every generated row as plain values, without primary keys."""
    schools = School.objects.filter(county__code__startswith=prefix)
    return {
        "counties": list(County.objects.filter(code__startswith=prefix).values_list("code", "name")),
        "schools": list(
            schools.order_by("code").values_list(
                "code", "name", "township__name", "school_type", "urban_rural", "parent__code", "boarding"
            )
        ),
        "conditions": list(
            SchoolConditions.objects.filter(school__in=schools)
            .order_by("school__code", "year")
            .values_list("school__code", "year", "primary_students", "junior_students", "building_area")
        ),
        "teachers": list(
            Teacher.objects.filter(school__in=schools)
            .order_by("school__code", "year", "staff_no")
            .values_list("school__code", "staff_no", "name", "id_number", "subject", "title", "backbone")
        ),
        "classes": list(
            SchoolClass.objects.filter(school__in=schools)
            .order_by("school__code", "year", "name")
            .values_list("school__code", "name", "students")
        ),
    }


def test_it_creates_the_cities_counties_and_rows_it_reports():
    result = generate_province("13", **SMALL)

    assert result.province_code == "130000"
    assert (result.cities, result.counties) == (2, 4)
    assert result.county_codes == ["130131", "130132", "130231", "130232"]
    assert County.objects.filter(code__startswith="13").count() == 4
    province = Region.objects.get(code="130000")
    assert province.level == Region.Level.PROVINCE
    cities = Region.objects.filter(level=Region.Level.CITY, code__startswith="13").order_by("code")
    assert [c.code for c in cities] == ["130100", "130200"]
    assert all(c.name.endswith("市") for c in cities)
    assert [c.code for c in counties_in_region(cities[1]).order_by("code")] == ["130231", "130232"]
    assert counties_in_region(province).count() == 4
    schools = School.objects.filter(county__code__startswith="13")
    assert schools.count() == result.schools
    assert Teacher.objects.filter(school__in=schools).count() == result.teachers
    assert SchoolClass.objects.filter(school__in=schools).count() == result.classes
    assert SchoolConditions.objects.filter(school__in=schools).count() == result.schools  # one year
    # Realistic mix: every kind of school, teaching points under a central school of their county.
    kinds = Counter(schools.values_list("school_type", flat=True))
    assert {"小学", "初中", "完全中学", "教学点"} <= set(kinds)
    for point in schools.filter(school_type="教学点").select_related("parent"):
        assert point.parent.county_id == point.county_id
        assert point.parent.school_type == "小学"
    assert set(schools.values_list("urban_rural", flat=True)) == {"城区", "镇区", "乡村"}


def test_the_same_seed_gives_the_same_rows_and_another_seed_different_ones():
    generate_province("13", **SMALL)
    first = snapshot()
    generate_province("13", **SMALL)  # regenerating replaces the counties of the same codes
    assert snapshot() == first
    generate_province("13", **{**SMALL, "seed": 8})
    assert snapshot()["teachers"] != first["teachers"]


def test_a_county_does_not_depend_on_the_counties_generated_with_it():
    generate_province("13", **SMALL)
    alone = [row for row in snapshot()["teachers"] if row[0].startswith("130131")]
    generate_province("13", **{**SMALL, "counties": 1})
    assert [row for row in snapshot()["teachers"] if row[0].startswith("130131")] == alone


def test_assessments_of_its_counties_run_and_give_real_variation():
    result = generate_province("13", **SMALL)
    for code in result.county_codes:
        doc = compute_assessment_result(County.objects.get(code=code), 2025, "quality-2017")
        primary = doc["stages"]["primary"]
        assert primary["units"] > 0
        assert 0 < primary["composite_cv"] < 2


def test_some_counties_are_ready_and_the_others_are_not():
    plans = [plan_county(f"13{n:04d}", "某县", 60, 2026) for n in range(40)]
    ready = [p for p in plans if p.ready]
    assert 0.5 < len(ready) / len(plans) < 0.9
    unready = [p for p in plans if not p.ready]
    # Not ready: schools far below a 2017 standard (below the 85 % floor) or without arts teachers.
    assert all(
        any(s.no_arts or any(f < 0.85 for _, f in s.short) or s.rooms for s in p.schools) for p in unready
    )
    assert not any(any(f < 0.85 for _, f in s.short) or s.no_arts for p in ready for s in p.schools)


def test_county_codes_leave_room_for_real_city_districts_and_the_demo_county():
    codes = county_codes("13", 12, 10)
    assert codes[0] == ("130100", "130131")
    assert codes[-1] == ("130200", "130232")
    assert "130123" not in {c for _, c in codes}


@pytest.mark.parametrize("code", ["1", "130100", "abc", "00"])
def test_it_refuses_a_code_that_is_not_a_province(code):
    with pytest.raises(ValueError, match="省级代码"):
        province_prefix(code)


def test_the_command_prints_counts_and_timing_and_reuses_with_if_missing():
    out = io.StringIO()
    args = ["--code", "130000", "--counties", "2", "--counties-per-city", "2", "--schools-per-county", "15"]
    call_command("generate_province", *args, stdout=out)
    text = out.getvalue()
    assert "已生成省 130000：市 1 个、区县 2 个" in text
    assert "用时" in text
    out = io.StringIO()
    call_command("generate_province", *args, "--if-missing", stdout=out)
    assert "已存在，未重建" in out.getvalue()


def test_the_command_explains_a_bad_code_in_chinese():
    with pytest.raises(CommandError, match="省级代码"):
        call_command("generate_province", "--code", "1301", stdout=io.StringIO())
