"""Finding 6: leaving small teaching points or private schools out (settings) concerns resource
allocation only — the CVs and the per-school rule; class size, school size and rooms cover every
school, on the pages (checks) as in the verdict, and in the what-if."""

from indicators.selectors import what_if_for
from indicators.services import assessment_run_now
from schools.models import SchoolClass, SchoolConditions
from tests.indicators.conftest import YEAR


def test_a_teaching_point_left_out_of_the_cvs_still_has_its_classes_and_rooms_checked(
    county_data, bureau, settings
):
    settings.INDICATOR_EXCLUDE_TEACHING_POINTS_UNDER = 50  # 河口小学沙洲教学点 has 20 students
    point = county_data.point
    SchoolClass.objects.create(school=point, year=YEAR, stage="小学", grade=3, name="复式班", students=48)
    SchoolConditions.objects.filter(school=point).update(music_rooms=0, art_rooms=0)

    assessment = assessment_run_now(county=county_data.county, year=YEAR, scheme="quality-2017", user=bureau)
    result = assessment.result

    merged = [code for u in result["units"] for code in u.get("merged_codes", ())]
    assert point.code not in {u["school_code"] for u in result["units"]} | set(merged)
    assert result["stages"]["primary"]["classes"]["total"] == 24 + 9 + 3
    assert result["stages"]["primary"]["classes"]["over_standard"] == 1
    assert [c["code"] for c in result["checks"]["large_classes"]] == [point.code]
    assert [r["code"] for r in result["checks"]["rooms"] if not r["passed"]] == [point.code]
    assert point.code in {s["code"] for s in result["checks"]["school_sizes"]}
    assert any("1 个班超过 45 人" in r for r in result["reasons"])

    same = what_if_for(assessment, [])
    assert same["checks"] == {k: result["checks"][k] for k in same["checks"]}
    assert same["stages"]["primary"]["classes"] == result["stages"]["primary"]["classes"]


def test_a_private_school_left_out_of_the_cvs_is_still_held_to_the_school_size_limit(
    county_data, bureau, settings
):
    settings.INDICATOR_INCLUDE_PRIVATE = False
    school = county_data.school_b
    school.sponsor = "民办"
    school.save()
    SchoolConditions.objects.filter(school=school, year=YEAR).update(primary_students=2400)

    result = assessment_run_now(
        county=county_data.county, year=YEAR, scheme="quality-2017", user=bureau
    ).result

    assert school.code not in {u["school_code"] for u in result["units"]}
    assert result["checks"]["school_size"] == [
        {"code": school.code, "name": school.name, "students": 2400, "limit": 2000}
    ]
    assert result["passed"] is False
