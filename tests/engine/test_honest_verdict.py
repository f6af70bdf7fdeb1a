"""The honest verdict: passed only when every required county item is present and passes,
failed as soon as anything fails, incomplete (passed None) when items are missing and nothing fails."""

import pytest

from indicators.county_items import items_for
from indicators.engine import ClassFacts, CountyItem, assess_units
from tests.engine.engine_factories import unit

RESOURCES = {
    "qualified_teachers": 10,
    "backbone_teachers": 2,
    "pe_art_teachers": 1,
    "building_area": 500,
    "sports_area": 800,
    "equipment_value": 250_000,
    "multimedia_rooms": 3,
    "full_time_teachers": 8,
    "computers": 20,
    "books": 3000,
    "senior_title_teachers": 4,
}


def good_quality_units():
    """Two equal primary units above every 2017 standard: every CV is 0, every unit passes."""
    return [unit("1301230001", **RESOURCES), unit("1301230002", **RESOURCES)]


def school_data():
    """Classes of 40 and one music and one art room of 100 ㎡ per unit: class size and rooms judged."""
    classes = [ClassFacts(u.school_code, "小学", 1, 40) for u in good_quality_units()]
    rooms = [
        {
            "code": u.school_code,
            "name": u.school_name,
            "classes": 1,
            "required": 1,
            "music_rooms": 1,
            "art_rooms": 1,
            "music_areas": [100.0],
            "art_areas": [100.0],
            "music_ok": 1,
            "art_ok": 1,
            "areas_missing": False,
            "passed": True,
        }
        for u in good_quality_units()
    ]
    return classes, rooms


def items(scheme, passed=None, **overrides):
    """Every county item of ``scheme`` with verdict ``passed`` (None: no data), some overridden."""
    return [
        CountyItem(spec.key, spec.label, overrides.get(spec.key, passed), "") for spec in items_for(scheme)
    ]


def test_basic_2012_with_its_three_county_parts_missing_is_incomplete():
    result = assess_units(good_quality_units(), [], "basic-2012", county_items=items("basic-2012"))
    assert result["verdict"] == "incomplete" and result["passed"] is None
    assert result["missing"] == ["province_standards", "government_work_score", "social_recognition"]
    assert result["reasons"] == []


def test_quality_2017_with_all_29_county_items_missing_is_incomplete():
    result = assess_units(good_quality_units(), [], "quality-2017", county_items=items("quality-2017"))
    assert result["stages"]["primary"]["passed"] is True and all(u["passed"] for u in result["units"])
    assert result["verdict"] == "incomplete" and result["passed"] is None
    # 社会认可度, the 12 entered or provided items of 表Ⅳ (3 more are judged from the school
    # data), the 9 of 表Ⅴ and the 7 vetoes; then the two school-data checks that nothing judges here
    # (no classes, no rooms).
    assert len(result["missing"]) == 31 and result["missing"][0] == "social_recognition"
    assert result["missing"][-2:] == ["class_size", "music_art_rooms"]


def test_class_size_and_rooms_without_any_data_leave_the_verdict_incomplete():
    """Every county item passes, but no class and no room was imported: the 2017 rules on class
    size and music/art rooms cannot be judged, so the county is 未完成, never 达标."""
    given = items("quality-2017", True)
    result = assess_units(good_quality_units(), [], "quality-2017", county_items=given)
    assert result["verdict"] == "incomplete" and result["missing"] == ["class_size", "music_art_rooms"]
    classes, rooms = school_data()
    result = assess_units(good_quality_units(), classes, "quality-2017", county_items=given, rooms=rooms)
    assert result["verdict"] == "passed" and result["missing"] == []


def test_the_2012_scheme_does_not_ask_for_rooms_or_class_size():
    result = assess_units(good_quality_units(), [], "basic-2012", county_items=items("basic-2012", True))
    assert result["verdict"] == "passed"


def test_one_failing_item_fails_even_with_others_missing():
    given = items("quality-2017", teacher_pay=False)
    result = assess_units(good_quality_units(), [], "quality-2017", county_items=given)
    assert result["verdict"] == "failed" and result["passed"] is False
    assert len(result["missing"]) == 30  # still listed, so staff see what else to enter
    assert [r for r in result["reasons"] if "未达标" in r] == [
        "教师平均工资收入水平不低于当地公务员平均工资收入水平 未达标"
    ]


def test_a_failing_coefficient_fails_with_items_missing():
    bad = [unit("1301230001", **{**RESOURCES, "backbone_teachers": 0}), unit("1301230002", **RESOURCES)]
    result = assess_units(bad, [], "quality-2017", county_items=items("quality-2017"))
    assert result["verdict"] == "failed" and result["passed"] is False


@pytest.mark.parametrize("scheme", ["basic-2012", "quality-2017"])
def test_every_item_present_and_passing_passes(scheme):
    classes, rooms = school_data()
    result = assess_units(
        good_quality_units(), classes, scheme, county_items=items(scheme, True), rooms=rooms
    )
    assert result["verdict"] == "passed" and result["passed"] is True and result["missing"] == []


def test_without_county_items_the_engine_judges_what_it_was_given():
    classes, rooms = school_data()
    result = assess_units(good_quality_units(), classes, "quality-2017", rooms=rooms)
    assert result["verdict"] == "passed" and result["missing"] == []
