"""Rule sets are data copied from the official texts (domain.md §2, §6)."""

import pytest

from indicators.engine import RULESETS, get_ruleset
from indicators.engine.rules import (
    CLASS_SIZE_STANDARD,
    DEFAULT_UNIT_RULE_MARGIN,
    DEFAULT_UNIT_RULE_MIN_MET,
    LARGE_CLASS_MIN,
    SCHOOL_SIZE_LIMITS,
    SUPER_LARGE_CLASS_MIN,
    required_rooms,
)

BASIC_KEYS = [
    "building_area_pp",
    "sports_area_pp",
    "equipment_value_pp",
    "computers_per100",
    "books_pp",
    "teacher_ratio",
    "qualified_teachers_pp",
    "senior_title_teachers_pp",
]
QUALITY_STANDARDS = [
    ("qualified_teachers_per100", "每百名学生拥有高于规定学历教师数", 4.2, 5.3),
    ("backbone_teachers_per100", "每百名学生拥有县级以上骨干教师数", 1.0, 1.0),
    ("pe_art_teachers_per100", "每百名学生拥有体育、艺术(音乐、美术)专任教师数", 0.9, 0.9),
    ("building_area_pp", "生均教学及辅助用房面积", 4.5, 5.8),
    ("sports_area_pp", "生均体育运动场馆面积", 7.5, 10.2),
    ("equipment_value_pp", "生均教学仪器设备值", 2000, 2500),
    ("multimedia_rooms_per100", "每百名学生拥有网络多媒体教室数", 2.3, 2.4),
]


def test_there_are_exactly_the_two_schemes():
    assert list(RULESETS) == ["basic-2012", "quality-2017"]
    assert RULESETS["basic-2012"].label == "2012 基本均衡"
    assert RULESETS["quality-2017"].label == "2017 优质均衡"


def test_basic_2012_has_the_eight_indicators_in_official_order():
    rs = RULESETS["basic-2012"]
    assert [i.key for i in rs.indicators] == BASIC_KEYS
    assert all(i.standard is None for i in rs.indicators)
    assert rs.cv_rule == "composite"
    assert dict(rs.cv_thresholds) == {"primary": 0.65, "junior": 0.55}


def test_quality_2017_has_the_seven_standards_in_official_order():
    rs = RULESETS["quality-2017"]
    assert [
        (i.key, i.label, i.standard["primary"], i.standard["junior"]) for i in rs.indicators
    ] == QUALITY_STANDARDS
    assert rs.cv_rule == "each"
    assert dict(rs.cv_thresholds) == {"primary": 0.50, "junior": 0.45}
    assert rs.per_school_rule and rs.enforce_class_size and rs.enforce_school_size and rs.enforce_rooms


@pytest.mark.parametrize(
    ("key", "resource", "per", "kind"),
    [
        ("computers_per100", "computers", 100, "computers"),
        ("teacher_ratio", "full_time_teachers", 1, "teachers"),
        ("books_pp", "books", 1, "books"),
    ],
)
def test_basic_indicators_name_their_resource(key, resource, per, kind):
    ind = RULESETS["basic-2012"].indicator(key)
    assert (ind.resource, ind.per, ind.kind) == (resource, per, kind)


def test_unknown_scheme_is_rejected_in_chinese():
    with pytest.raises(ValueError, match="未知的评估方案"):
        get_ruleset("quality-2099")


def test_per_school_rule_defaults_are_six_of_seven_and_85_percent():
    assert (DEFAULT_UNIT_RULE_MIN_MET, DEFAULT_UNIT_RULE_MARGIN) == (6, 0.85)


def test_class_and_school_size_numbers():
    assert dict(CLASS_SIZE_STANDARD) == {"primary": 45, "junior": 50}
    assert (LARGE_CLASS_MIN, SUPER_LARGE_CLASS_MIN) == (56, 66)
    assert SCHOOL_SIZE_LIMITS["小学"] == SCHOOL_SIZE_LIMITS["初中"] == 2000
    assert SCHOOL_SIZE_LIMITS["九年一贯制学校"] == SCHOOL_SIZE_LIMITS["十二年一贯制学校"] == 2500


@pytest.mark.parametrize(("classes", "rooms"), [(0, 0), (1, 1), (12, 1), (13, 2), (24, 2), (25, 3)])
def test_one_music_and_one_art_room_per_twelve_classes(classes, rooms):
    assert required_rooms(classes) == rooms
