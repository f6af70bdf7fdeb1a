"""Class size, school size and music/art rooms (domain.md §2.2, §6)."""

import pytest

from indicators.engine import ClassFacts, EngineSettings, assess, class_counts, school_size_checks
from indicators.engine.rules import RULESETS
from tests.engine.engine_factories import school, unit


def classes(code, stage, sizes):
    return [ClassFacts(code, stage, 1 if stage == "小学" else 7, n) for n in sizes]


def test_classes_are_counted_in_the_statistical_bands():
    counts = class_counts(
        classes("1", "小学", [45, 46, 55, 56, 65, 66, 80]) + classes("2", "初中", [50, 51, 56, 66])
    )
    assert counts["primary"] == {"total": 7, "over_standard": 6, "large": 2, "super_large": 2}
    assert counts["junior"] == {"total": 4, "over_standard": 3, "large": 1, "super_large": 1}


def test_an_unknown_class_stage_is_rejected():
    with pytest.raises(ValueError, match="班级学段"):
        class_counts([ClassFacts("1", "高中", 10, 40)])


@pytest.mark.parametrize(
    ("school_type", "students", "over"),
    [
        ("小学", {"primary": 2000}, False),
        ("小学", {"primary": 2001}, True),
        ("初中", {"junior": 2001}, True),
        ("九年一贯制学校", {"primary": 1500, "junior": 1000}, False),
        ("九年一贯制学校", {"primary": 1500, "junior": 1001}, True),
        ("十二年一贯制学校", {"primary": 1400, "junior": 1000, "senior": 1000}, False),
        ("完全中学", {"junior": 2001, "senior": 500}, True),
        ("完全中学", {"junior": 1500, "senior": 1500}, False),
    ],
)
def test_school_size_counts_the_compulsory_part_against_its_limit(school_type, students, over):
    result = assess([school("1", school_type, **students, name="一中")], [], [], "basic-2012")
    rows = result["checks"]["school_size"]
    assert bool(rows) is over
    if over:
        limit = 2500 if "一贯制" in school_type else 2000
        compulsory = students.get("primary", 0) + students.get("junior", 0)
        assert rows == [{"code": "1", "name": "一中", "students": compulsory, "limit": limit}]


def test_merged_teaching_points_do_not_count_toward_their_parents_size():
    schools = [school("1", primary=2000), school("2", "教学点", primary=40, parent_code="1")]
    result = assess(schools, [], [], "quality-2017")
    assert result["checks"]["school_size"] == []


def test_school_size_follows_what_if_students_on_units():
    assert school_size_checks([unit("1", "primary", 2001)]) == [
        {"code": "1", "name": "学校1", "students": 2001, "limit": 2000}
    ]


@pytest.mark.parametrize(
    ("n_classes", "music", "art", "required", "passes"),
    [(12, 1, 1, 1, True), (13, 1, 2, 2, False), (24, 2, 2, 2, True), (25, 3, 2, 3, False)],
)
def test_music_and_art_rooms_are_checked_per_twelve_classes(n_classes, music, art, required, passes):
    schools = [school("1", primary=40 * n_classes, music_rooms=music, art_rooms=art, name="实验小学")]
    result = assess(schools, [], classes("1", "小学", [40] * n_classes), "quality-2017")
    assert result["checks"]["rooms"] == [
        {
            "code": "1",
            "name": "实验小学",
            "classes": n_classes,
            "required": required,
            "music_rooms": music,
            "art_rooms": art,
            "music_areas": None,
            "art_areas": None,
            "music_ok": None,
            "art_ok": None,
            "areas_missing": True,
            "passed": passes,
        }
    ]
    room_reasons = [r for r in result["reasons"] if "专用教室" in r]
    assert bool(room_reasons) is not passes


def test_schools_without_room_data_are_not_checked():
    result = assess([school("1", primary=480)], [], classes("1", "小学", [40] * 12), "quality-2017")
    assert result["checks"]["rooms"] == []


def test_half_reported_rooms_are_judged_on_what_exists_and_warned_about():
    schools = [school("1", primary=480, music_rooms=1, name="实验小学")]
    result = assess(schools, [], classes("1", "小学", [40] * 12), "quality-2017")
    assert result["checks"]["rooms"][0]["passed"] is True
    assert "实验小学（1）未填报美术专用教室数" in result["warnings"]


def room_row(music_areas=None, art_areas=None, *, n_classes=12, music=1, art=1):
    schools = [
        school(
            "1",
            primary=40 * n_classes,
            music_rooms=music,
            art_rooms=art,
            music_areas=music_areas,
            art_areas=art_areas,
            name="实验小学",
        )
    ]
    result = assess(schools, [], classes("1", "小学", [40] * n_classes), "quality-2017")
    return result, result["checks"]["rooms"][0]


@pytest.mark.parametrize(
    ("music_area", "art_area", "passes"),
    [(96, 90, True), (95.99, 90, False), (96, 89.99, False), (120.5, 90.0, True)],
)
def test_a_room_counts_only_when_its_area_reaches_96_music_or_90_art(music_area, art_area, passes):
    result, row = room_row((music_area,), (art_area,))
    assert row["music_areas"] == [float(music_area)] and row["art_areas"] == [float(art_area)]
    assert row["music_ok"] == (1 if music_area >= 96 else 0)
    assert row["art_ok"] == (1 if art_area >= 90 else 0)
    assert row["areas_missing"] is False
    assert row["passed"] is passes
    room_reasons = [r for r in result["reasons"] if "专用教室" in r]
    assert bool(room_reasons) is not passes


def test_an_extra_small_room_does_not_matter_when_enough_rooms_reach_the_line():
    _result, row = room_row((100, 80), (92, 70), music=2, art=2)
    assert (row["music_ok"], row["art_ok"], row["passed"]) == (1, 1, True)


def test_a_small_room_is_named_in_the_reason_with_the_rooms_that_reach_the_line():
    result, row = room_row((100, 80), (92, 95), n_classes=24, music=2, art=2)
    assert row["passed"] is False
    assert (
        "实验小学（1）24 个班，音乐、美术专用教室各需 2 间，现有音乐 2 间（其中达 96 ㎡ 的 1 间）、美术 2 间"
        in result["reasons"]
    )


def test_without_areas_the_rooms_are_judged_on_counts_and_the_areas_are_said_missing():
    result, row = room_row(None, (91,))
    assert row["music_areas"] is None and row["music_ok"] is None
    assert row["art_ok"] == 1
    assert row["areas_missing"] is True and row["passed"] is True
    assert any("未填报音乐、美术专用教室面积的学校 1 所" in w for w in result["warnings"])


def test_zero_rooms_need_no_areas():
    _result, row = room_row(None, None, music=0, art=0)
    assert row["music_areas"] == [] and row["music_ok"] == 0
    assert row["areas_missing"] is False and row["passed"] is False


def county_with_big_classes(ruleset_key):
    schools = [school("1", primary=2100, name="城关小学")]
    return assess(schools, [], classes("1", "小学", [46, 47, 60] + [40] * 40), ruleset_key)


def test_quality_2017_fails_on_any_class_over_the_standard_and_on_school_size():
    result = county_with_big_classes("quality-2017")
    assert "小学 有 3 个班超过 45 人" in result["reasons"]
    assert "城关小学（1）义务教育在校生 2,100 人，超过 2,000 人" in result["reasons"]
    assert result["passed"] is False
    assert result["stages"]["primary"]["classes"] == {
        "total": 43,
        "over_standard": 3,
        "large": 1,
        "super_large": 0,
    }


def test_basic_2012_reports_class_and_school_size_without_failing_on_them():
    result = county_with_big_classes("basic-2012")
    assert result["stages"]["primary"]["classes"]["over_standard"] == 3
    assert result["checks"]["school_size"][0]["students"] == 2100
    assert not any("班超过" in r or "超过 2000 人" in r for r in result["reasons"])
    assert not RULESETS["basic-2012"].enforce_class_size


def test_classes_of_teaching_points_count_and_those_of_unknown_schools_do_not():
    schools = [school("1", primary=300), school("2", "教学点", primary=20, parent_code="1")]
    result = assess(schools, [], classes("2", "小学", [20]) + classes("9", "小学", [30]), "basic-2012")
    assert result["stages"]["primary"]["classes"]["total"] == 1
    assert "班级数据中的学校标识码 9 不在学校名单中，1 个班未计入" in result["warnings"]


@pytest.mark.parametrize(
    "engine_settings",
    [
        EngineSettings(include_private=False),
        EngineSettings(exclude_teaching_points_under=100),
    ],
)
def test_schools_left_out_of_resource_allocation_are_still_checked_for_class_size_school_size_and_rooms(
    engine_settings,
):
    """Finding 6: the settings that leave private schools or small teaching points out concern the
    CVs and the per-school rule only."""
    schools = [
        school("1", primary=600, books=6000, music_rooms=1, art_rooms=1),
        school("2", primary=2100, sponsor="民办", music_rooms=0, art_rooms=1),
        school("3", "教学点", primary=40, parent_code="1", music_rooms=0, art_rooms=0),
    ]
    all_classes = (
        classes("1", "小学", [45] * 12) + classes("2", "小学", [58, 70, 45]) + classes("3", "小学", [48])
    )
    everyone = assess(schools, [], all_classes, "quality-2017")
    result = assess(schools, [], all_classes, "quality-2017", engine_settings)

    # The left-out school has no unit …
    left_out = "2" if not engine_settings.include_private else "3"
    assert left_out not in {u["school_code"] for u in result["units"]}
    # … but its classes, size and rooms are judged exactly as without the setting.
    assert result["stages"]["primary"]["classes"] == everyone["stages"]["primary"]["classes"]
    assert result["stages"]["primary"]["classes"]["over_standard"] == 3
    assert (
        result["checks"]["school_size"]
        == everyone["checks"]["school_size"]
        == [{"code": "2", "name": "学校2", "students": 2100, "limit": 2000}]
    )
    assert result["checks"]["rooms"] == everyone["checks"]["rooms"]
    assert {r["code"] for r in result["checks"]["rooms"] if not r["passed"]} == {"2", "3"}
    assert result["passed"] is False
