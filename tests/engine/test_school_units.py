"""How schools, teaching points and the roster become units (domain.md §4–5, data-contract §2)."""

import pytest

from indicators.engine import EngineSettings, build_units, indicator_value
from indicators.engine.rules import RULESETS
from tests.engine.engine_factories import school, teachers


def units_by_key(result):
    return {(u.school_code, u.stage): u for u in result.units}


def test_nine_year_school_books_split_by_student_equivalents():
    # Domain example: 166 primary + 210 junior students share 23,226 books (1 : 1.1).
    result = build_units([school("1", "九年一贯制学校", primary=166, junior=210, books=23226)], [])
    units = units_by_key(result)
    primary, junior = units[("1", "primary")], units[("1", "junior")]
    assert round(primary.books, 1) == 9711.6
    assert round(junior.books, 1) == 13514.4
    assert primary.books == pytest.approx(23226 * 166 / 397)
    assert primary.books + junior.books == pytest.approx(23226)
    assert (primary.students, junior.students) == (166, 210)


@pytest.mark.parametrize(
    ("school_type", "students", "books", "expected"),
    [
        # 小学 1 : 初中 1.1 : 高中 1.32 → 100 + 110 + 132 = 342 equivalents; the senior share leaves.
        (
            "十二年一贯制学校",
            {"primary": 100, "junior": 100, "senior": 100},
            3420,
            {"primary": 1000, "junior": 1100},
        ),
        # 初中 1 : 高中 1.2 → 100 + 120 = 220 equivalents; only the junior unit remains.
        ("完全中学", {"junior": 100, "senior": 100}, 2200, {"junior": 1000}),
        ("小学", {"primary": 100}, 3420, {"primary": 3420}),
        ("初中", {"junior": 100}, 3420, {"junior": 3420}),
    ],
)
def test_multi_stage_schools_split_shared_resources(school_type, students, books, expected):
    result = build_units([school("1", school_type, **students, books=books)], [])
    assert {stage: u.books for (_, stage), u in units_by_key(result).items()} == pytest.approx(expected)


def test_weights_are_settings():
    settings = EngineSettings(nine_year_weights={"小学": 1, "初中": 1})
    result = build_units([school("1", "九年一贯制学校", primary=100, junior=100, books=1000)], [], settings)
    assert units_by_key(result)[("1", "junior")].books == pytest.approx(500)


def test_invalid_weights_are_rejected():
    with pytest.raises(ValueError, match="nine_year_weights"):
        EngineSettings(nine_year_weights={"小学": 1})


def test_teaching_point_merges_into_parent_primary_part():
    schools = [
        school("1", "九年一贯制学校", primary=166, junior=210, books=23226, computers=40),
        school("2", "教学点", primary=30, parent_code="1", books=500, computers=3),
    ]
    roster = [teachers("1", "小学", 10), teachers("2", "小学", 2, education="本科"), teachers("2", "初中", 1)]
    units = units_by_key(build_units(schools, roster))
    primary = units[("1", "primary")]
    assert ("2", "primary") not in units
    assert primary.students == 196
    assert primary.books == pytest.approx(23226 * 166 / 397 + 500)
    assert primary.computers == pytest.approx(40 * 166 / 397 + 3)
    # Every teacher of the teaching point joins the primary part and is classified as primary.
    assert primary.full_time_teachers == 13
    assert primary.qualified_teachers == 13
    assert primary.merged_codes == ("2",)
    assert primary.merged_students == 30
    assert primary.own_students == 166


def test_teaching_points_stay_separate_when_merging_is_off():
    schools = [school("1", primary=300), school("2", "教学点", primary=30, parent_code="1")]
    units = units_by_key(build_units(schools, [], EngineSettings(merge_teaching_points=False)))
    assert units[("1", "primary")].students == 300
    assert units[("2", "primary")].students == 30
    assert units[("2", "primary")].school_type == "教学点"


def test_teaching_point_without_known_parent_becomes_its_own_unit_with_a_warning():
    result = build_units([school("2", "教学点", primary=30, parent_code="9999999999", name="王庄教学点")], [])
    assert [u.key for u in result.units] == [("2", "primary")]
    assert result.warnings == [
        "教学点 王庄教学点（2） 的所属中心校（9999999999）不在学校名单中，按独立小学单元计算"
    ]


def test_small_teaching_points_are_dropped_when_the_setting_asks():
    schools = [
        school("1", primary=300),
        school("2", "教学点", primary=49, parent_code="1", books=100),
        school("3", "教学点", primary=50, parent_code="1", books=100),
    ]
    result = build_units(
        schools, [teachers("2", "小学", 3)], EngineSettings(exclude_teaching_points_under=50)
    )
    primary = units_by_key(result)[("1", "primary")]
    assert primary.students == 350
    assert primary.books == 100
    assert primary.full_time_teachers == 0
    assert primary.merged_codes == ("3",)
    assert "2" not in result.included_codes
    assert any("少于 50 人，按设置未计入" in w for w in result.warnings)


def test_private_schools_are_included_by_default_and_excluded_on_request():
    schools = [school("1", primary=300), school("2", primary=200, sponsor="民办", name="育才")]
    assert len(build_units(schools, []).units) == 2
    result = build_units(schools, [], EngineSettings(include_private=False))
    assert [u.school_code for u in result.units] == ["1"]
    assert result.warnings == [
        "按设置民办学校 1 所未计入资源配置（差异系数与逐校达标）：育才；班额、办学规模和音乐美术教室仍检查"
    ]
    # Left out of the CVs, still its own unit for the school-size check.
    assert [(u.school_code, u.students) for u in result.size_units] == [("2", 200)]


def test_units_with_zero_students_are_left_out_with_a_warning():
    schools = [
        school("1", "九年一贯制学校", primary=300, junior=0, books=900, name="东关学校"),
        school("2", name="空校"),
    ]
    result = build_units(schools, [])
    assert [u.key for u in result.units] == [("1", "primary")]
    assert units_by_key(result)[("1", "primary")].books == 900
    assert "东关学校（1）初中部分在校生为 0，未计入差异系数" in result.warnings
    assert "空校（2）小学部分在校生为 0，未计入差异系数" in result.warnings


@pytest.mark.parametrize(
    ("stage", "group", "counted_as"),
    [
        # (teacher stage, roster attributes, fields it counts in)
        ("小学", {"education": "专科"}, {"full_time_teachers", "qualified_teachers"}),
        ("初中", {"education": "专科"}, {"full_time_teachers"}),
        ("初中", {"education": "本科"}, {"full_time_teachers", "qualified_teachers"}),
        ("初中", {"education": "研究生"}, {"full_time_teachers", "qualified_teachers"}),
        ("小学", {"education": "中专"}, {"full_time_teachers"}),
        ("小学", {"title": "一级"}, {"full_time_teachers", "qualified_teachers", "senior_title_teachers"}),
        ("小学", {"title": "正高级"}, {"full_time_teachers", "qualified_teachers", "senior_title_teachers"}),
        ("小学", {"title": "二级"}, {"full_time_teachers", "qualified_teachers"}),
        ("初中", {"backbone": "县级"}, {"full_time_teachers", "backbone_teachers"}),
        ("初中", {"backbone": "国家级"}, {"full_time_teachers", "backbone_teachers"}),
        ("初中", {"subject": "体育"}, {"full_time_teachers", "pe_art_teachers"}),
        ("初中", {"subject": "音乐"}, {"full_time_teachers", "pe_art_teachers"}),
        ("初中", {"subject": "美术"}, {"full_time_teachers", "pe_art_teachers"}),
        ("初中", {"subject": "信息技术"}, {"full_time_teachers"}),
        ("初中", {"full_time": False, "education": "本科", "subject": "体育"}, set()),
    ],
)
def test_teachers_are_classified_by_the_stage_they_teach(stage, group, counted_as):
    result = build_units(
        [school("1", "九年一贯制学校", primary=100, junior=100)], [teachers("1", stage, 4, **group)]
    )
    unit = units_by_key(result)[("1", "primary" if stage == "小学" else "junior")]
    teacher_fields = [
        "full_time_teachers",
        "qualified_teachers",
        "senior_title_teachers",
        "backbone_teachers",
        "pe_art_teachers",
    ]
    assert {f for f in teacher_fields if getattr(unit, f)} == counted_as
    assert all(getattr(unit, f) == 4 for f in counted_as)


def test_teachers_are_not_split_by_weights_and_senior_teachers_are_ignored():
    schools = [school("1", "十二年一贯制学校", primary=100, junior=100, senior=100)]
    roster = [teachers("1", "小学", 5), teachers("1", "初中", 7), teachers("1", "高中", 9)]
    units = units_by_key(build_units(schools, roster))
    assert units[("1", "primary")].full_time_teachers == 5
    assert units[("1", "junior")].full_time_teachers == 7


def test_roster_rows_that_fit_no_unit_are_warned_about():
    roster = [teachers("1", "初中", 2), teachers("404", "小学", 3)]
    result = build_units([school("1", primary=100, name="实验小学")], roster)
    assert "实验小学（1） 无初中部分，初中专任教师 2 人未计入" in result.warnings
    assert "教师名册中的学校标识码 404 不在学校名单中，3 名专任教师未计入" in result.warnings


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"school_type": "职业高中"}, "办学类型"),
        ({"sponsor": "合办"}, "举办者"),
        ({"books": -1}, "不能为负数"),
    ],
)
def test_invalid_facts_are_rejected_with_a_chinese_message(facts, message):
    with pytest.raises(ValueError, match=message):
        build_units([school("1", primary=100, **facts)], [])


def test_unknown_roster_values_are_rejected():
    with pytest.raises(ValueError, match="最高学历"):
        build_units([school("1", primary=100)], [teachers("1", "小学", 1, education="博士后")])


def test_units_do_not_depend_on_input_order():
    schools = [school(str(i), primary=100 + i, books=10 * i) for i in range(5)]
    assert build_units(schools, []) == build_units(list(reversed(schools)), [])


def test_indicator_value_is_resource_per_student_times_per():
    rs = RULESETS["quality-2017"]
    unit = units_by_key(build_units([school("1", primary=500)], [teachers("1", "小学", 21)]))[
        ("1", "primary")
    ]
    # 21 × 100 / 500 is exactly the float 4.2: integer data at the standard meets it exactly.
    assert indicator_value(unit, rs.indicator("qualified_teachers_per100")) == 4.2
