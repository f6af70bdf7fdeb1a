"""The assessment document (data-contract §3) and its input fingerprint."""

import dataclasses
import json
import math
from decimal import Decimal

import pytest

from indicators.engine import (
    ClassFacts,
    CountyItem,
    EngineSettings,
    assess,
    input_fingerprint,
)
from tests.engine.engine_factories import school, teachers


def county():
    schools = [
        school(
            "1301230001",
            primary=512,
            building_area=2500,
            sports_area=4000,
            equipment_value=1.1e6,
            computers=60,
            books=15000,
            multimedia_rooms=12,
            music_rooms=1,
            art_rooms=1,
        ),
        school(
            "1301230002",
            "九年一贯制学校",
            primary=300,
            junior=420,
            building_area=5200,
            sports_area=9000,
            equipment_value=2.0e6,
            computers=90,
            books=30000,
            multimedia_rooms=18,
        ),
        school(
            "1301230003",
            "初中",
            junior=650,
            building_area=4300,
            sports_area=6100,
            equipment_value=1.8e6,
            computers=70,
            books=26000,
            multimedia_rooms=16,
        ),
        school("1301230004", "教学点", primary=35, parent_code="1301230001", books=800),
    ]
    roster = [
        teachers("1301230001", "小学", 25, education="本科", title="一级", backbone="县级"),
        teachers("1301230001", "小学", 3, subject="体育"),
        teachers("1301230002", "小学", 15, education="本科"),
        teachers("1301230002", "初中", 30, education="本科", title="高级", subject="音乐"),
        teachers("1301230003", "初中", 45, education="研究生", backbone="市级"),
        teachers("1301230003", "初中", 5, full_time=False),
    ]
    classes = [ClassFacts("1301230001", "小学", 1, 43) for _ in range(12)] + [
        ClassFacts("1301230003", "初中", 7, 54) for _ in range(13)
    ]
    return schools, roster, classes


@pytest.mark.parametrize("scheme", ["basic-2012", "quality-2017"])
def test_assessment_has_the_contract_shape_and_is_plain_json(scheme):
    result = assess(*county(), scheme)
    assert list(result) == [
        "scheme",
        "passed",
        "verdict",
        "missing",
        "reasons",
        "stages",
        "units",
        "warnings",
        "checks",
    ]
    assert result["verdict"] in ("passed", "failed") and result["missing"] == []  # no county items given
    assert result["scheme"] == scheme
    assert isinstance(result["passed"], bool)
    assert list(result["stages"]) == ["primary", "junior"]
    for stage in result["stages"].values():
        assert set(stage) == {"units", "students", "indicators", "composite_cv", "passed", "classes"}
        assert set(stage["classes"]) == {"total", "over_standard", "large", "super_large"}
        for indicator in stage["indicators"].values():
            assert set(indicator) == {"mean", "std", "cv", "cv_threshold", "cv_passed"}
    for row in result["units"]:
        assert set(row) == {
            "school_code",
            "school_name",
            "township",
            "stage",
            "students",
            "values",
            "meets",
            "passed",
        }
    assert set(result["checks"]) == {"school_size", "rooms"}
    # Round-trips through strict JSON (no NaN, no Decimal, no tuples that would change type).
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_basic_2012_leaves_per_indicator_and_per_school_verdicts_null():
    result = assess(*county(), "basic-2012")
    primary = result["stages"]["primary"]
    assert len(primary["indicators"]) == 8
    assert all(v["cv_threshold"] is None and v["cv_passed"] is None for v in primary["indicators"].values())
    assert all(row["meets"] is None and row["passed"] is None for row in result["units"])


def test_quality_2017_fills_per_indicator_and_per_school_verdicts():
    result = assess(*county(), "quality-2017")
    junior = result["stages"]["junior"]
    assert len(junior["indicators"]) == 7
    assert all(v["cv_threshold"] == 0.45 for v in junior["indicators"].values())
    assert all(isinstance(row["passed"], bool) for row in result["units"])
    assert junior["classes"] == {"total": 13, "over_standard": 13, "large": 0, "super_large": 0}
    assert "初中 有 13 个班超过 50 人" in result["reasons"]


def test_numbers_are_unrounded_and_units_follow_the_merge_rules():
    result = assess(*county(), "basic-2012")
    units = {(r["school_code"], r["stage"]): r for r in result["units"]}
    assert list(units) == [
        ("1301230001", "primary"),
        ("1301230002", "primary"),
        ("1301230002", "junior"),
        ("1301230003", "junior"),
    ]
    assert units[("1301230001", "primary")]["students"] == 547  # teaching point merged
    assert units[("1301230001", "primary")]["values"]["books_pp"] == 15800 / 547
    # Part-time teachers are not counted.
    assert units[("1301230003", "junior")]["values"]["teacher_ratio"] == 45 / 650
    primary = result["stages"]["primary"]
    assert primary["students"] == 847
    assert primary["units"] == 2
    books = primary["indicators"]["books_pp"]
    assert books["mean"] == pytest.approx((15800 + 30000 * 300 / 762) / 847)
    assert books["cv"] == pytest.approx(books["std"] / books["mean"])
    assert primary["composite_cv"] == pytest.approx(
        math.fsum(v["cv"] for v in primary["indicators"].values()) / 8
    )


def test_fingerprint_is_stable_under_row_order_and_number_spelling():
    schools, roster, classes = county()
    a = input_fingerprint(schools, roster, classes, "quality-2017")
    assert len(a) == 64
    assert int(a, 16) >= 0
    b = input_fingerprint(
        list(reversed(schools)), list(reversed(roster)), list(reversed(classes)), "quality-2017"
    )
    assert a == b
    respelled = [
        school(
            "1301230003",
            "初中",
            junior=650.0,
            building_area=4300.0,
            sports_area=6100,
            equipment_value=1800000,
            computers=70,
            books=26000,
            multimedia_rooms=16,
        )
    ]
    assert input_fingerprint(schools[:2] + respelled + schools[3:], roster, classes, "quality-2017") == a


@pytest.mark.parametrize(
    "variation",
    ["scheme", "settings", "books", "teacher", "class", "county_item"],
)
def test_fingerprint_changes_with_anything_that_changes_the_result(variation):
    schools, roster, classes = county()
    base = input_fingerprint(schools, roster, classes, "quality-2017")
    args = {"schools": schools, "teachers": roster, "classes": classes, "ruleset_key": "quality-2017"}
    if variation == "scheme":
        args["ruleset_key"] = "basic-2012"
    elif variation == "settings":
        args["settings"] = EngineSettings(include_private=False)
    elif variation == "books":
        args["schools"] = [
            *schools[:3],
            school("1301230004", "教学点", primary=35, parent_code="1301230001", books=801),
        ]
    elif variation == "teacher":
        args["teachers"] = [*roster, teachers("1301230003", "初中", 1)]
    elif variation == "class":
        args["classes"] = classes[:-1]
    else:
        args["county_items"] = [CountyItem("satisfaction", "公众满意度", True, "92%")]
    assert input_fingerprint(**args) != base


def test_results_do_not_depend_on_row_order():
    schools, roster, classes = county()
    assert assess(schools, roster, classes, "quality-2017") == assess(
        list(reversed(schools)), list(reversed(roster)), list(reversed(classes)), "quality-2017"
    )


def test_settings_round_trip_through_a_plain_dict():
    settings = EngineSettings(exclude_teaching_points_under=50, nine_year_weights={"小学": 1, "初中": 1.2})
    stored = json.loads(json.dumps(settings.to_dict()))
    assert EngineSettings.from_dict(stored) == settings
    with pytest.raises(ValueError, match="未知的引擎设置"):
        EngineSettings.from_dict({"merge_teaching_point": True})


def test_fingerprint_changes_when_a_room_area_changes_and_not_with_its_spelling():
    schools, roster, classes = county()

    def with_areas(music):
        first = dataclasses.replace(schools[0], music_rooms=len(music), music_areas=music)
        return input_fingerprint([first, *schools[1:]], roster, classes, "quality-2017")

    assert with_areas((96.0, 100.0)) != with_areas((95.99, 100.0))
    assert with_areas((96.0, 100.0)) == with_areas((96, Decimal("100.00")))
    assert with_areas((96.0,)) != input_fingerprint(schools, roster, classes, "quality-2017")
