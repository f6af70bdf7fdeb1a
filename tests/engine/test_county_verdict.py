"""County verdicts under both schemes (domain.md §2–3, data-contract §3)."""

import pytest

from indicators.engine import CountyItem, assess_units, stage_verdict
from tests.engine.engine_factories import unit, units_with_cvs

BASIC_RESOURCES = [
    "building_area",
    "sports_area",
    "equipment_value",
    "computers",
    "books",
    "full_time_teachers",
    "qualified_teachers",
    "senior_title_teachers",
]
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
QUALITY_KEYS = [
    "qualified_teachers_per100",
    "backbone_teachers_per100",
    "pe_art_teachers_per100",
    "building_area_pp",
    "sports_area_pp",
    "equipment_value_pp",
    "multimedia_rooms_per100",
]

# Published 2012 composites: 小学 CVs in the order of domain.md §2.1.
PUBLISHED_COMPOSITES = [
    ("重庆万州", [0.437, 0.419, 0.255, 0.188, 0.171, 0.263, 0.263, 0.420], 0.302, True),
    ("合肥庐阳", [0.881, 1.299, 0.977, 0.379, 0.170, 0.334, 0.286, 0.408], 0.592, True),
    ("above the line", [0.702] * 8, 0.702, False),
]


@pytest.mark.parametrize(("county", "cvs", "published", "passes"), PUBLISHED_COMPOSITES)
def test_basic_composite_is_the_plain_mean_of_eight_cvs(county, cvs, published, passes):
    verdict = stage_verdict("basic-2012", "primary", dict(zip(BASIC_KEYS, cvs, strict=True)))
    assert verdict.composite_cv == pytest.approx(sum(cvs) / 8, abs=1e-12)
    assert verdict.composite_cv == pytest.approx(published, abs=5e-4)
    assert verdict.passed is passes
    assert all(v is None for v in verdict.cv_passed.values())


def test_failing_composite_gives_a_chinese_reason_with_three_decimals():
    verdict = stage_verdict("basic-2012", "primary", dict.fromkeys(BASIC_KEYS, 0.702))
    assert verdict.reasons == ("小学 综合差异系数 0.702 > 0.65",)


def test_hefei_luyang_passes_end_to_end_although_sports_cv_exceeds_the_line():
    cvs = dict(zip(BASIC_RESOURCES, PUBLISHED_COMPOSITES[1][1], strict=True))
    result = assess_units(units_with_cvs("primary", cvs), [], "basic-2012")
    primary = result["stages"]["primary"]
    assert primary["indicators"]["sports_area_pp"]["cv"] == pytest.approx(1.299, abs=1e-9)
    assert primary["indicators"]["sports_area_pp"]["cv_passed"] is None
    assert primary["indicators"]["sports_area_pp"]["cv_threshold"] is None
    assert primary["composite_cv"] == pytest.approx(0.59175, abs=1e-9)
    assert primary["passed"] is True
    assert result["passed"] is True
    assert result["reasons"] == []
    assert result["stages"]["junior"]["passed"] is None


# 芜湖鸠江区 2023 小学: backbone CV 0.501787, mean of the 7 CVs 0.3675. The other six CVs are
# not published; these sum to 7 × 0.3675 − 0.501787.
WUHU_QUALITY_CVS = {
    "qualified_teachers": 0.40,
    "backbone_teachers": 0.501787,
    "pe_art_teachers": 0.38,
    "building_area": 0.35,
    "sports_area": 0.33,
    "equipment_value": 0.31,
    "multimedia_rooms": 0.300713,
}


def wuhu_units():
    basic_only = {"computers": 0.3, "books": 0.3, "full_time_teachers": 0.2, "senior_title_teachers": 0.3}
    return units_with_cvs("primary", {**WUHU_QUALITY_CVS, **basic_only})


def test_wuhu_jiujiang_fails_quality_on_one_cv_although_the_mean_of_seven_passes():
    result = assess_units(wuhu_units(), [], "quality-2017")
    primary = result["stages"]["primary"]
    backbone = primary["indicators"]["backbone_teachers_per100"]
    assert backbone["cv"] == pytest.approx(0.501787, abs=1e-9)
    assert backbone["cv_threshold"] == 0.5
    assert backbone["cv_passed"] is False
    assert primary["composite_cv"] == pytest.approx(0.3675, abs=1e-9)
    assert primary["passed"] is False
    assert result["passed"] is False
    assert result["reasons"] == ["小学 县级以上骨干教师数 差异系数 0.502 > 0.50"]
    assert all(row["passed"] for row in result["units"])


def test_the_same_wuhu_data_passes_basic_2012():
    result = assess_units(wuhu_units(), [], "basic-2012")
    assert result["passed"] is True
    assert result["stages"]["primary"]["composite_cv"] < 0.65


@pytest.mark.parametrize(
    ("stage", "low", "high", "threshold"),
    [("primary", 1.0, 3.0, 0.50), ("junior", 0.55, 1.45, 0.45)],
)
def test_cv_exactly_at_the_threshold_passes(stage, low, high, threshold):
    # Equal students, values m(1 − c) and m(1 + c): CV = c.
    units = [unit("A", stage, 100, building_area=low * 100), unit("B", stage, 100, building_area=high * 100)]
    result = assess_units(units, [], "quality-2017")
    building = result["stages"][stage]["indicators"]["building_area_pp"]
    assert building["cv"] == pytest.approx(threshold, abs=1e-15)
    assert building["cv_passed"] is True
    assert stage_verdict("quality-2017", stage, dict.fromkeys(QUALITY_KEYS, threshold)).passed is True


def test_a_cv_just_over_the_line_prints_enough_digits_to_show_it():
    verdict = stage_verdict(
        "quality-2017", "junior", {**dict.fromkeys(QUALITY_KEYS, 0.3), "sports_area_pp": 0.4504}
    )
    assert verdict.reasons == ("初中 体育运动场馆面积 差异系数 0.4504 > 0.45",)


def test_a_failing_junior_cv_reads_like_the_contract_example():
    verdict = stage_verdict(
        "quality-2017", "junior", {**dict.fromkeys(QUALITY_KEYS, 0.3), "sports_area_pp": 0.512}
    )
    assert verdict.reasons == ("初中 体育运动场馆面积 差异系数 0.512 > 0.45",)


def test_an_undefined_cv_fails_quality_with_a_reason():
    units = [unit("A", "primary", 100, building_area=500), unit("B", "primary", 50, building_area=300)]
    result = assess_units(units, [], "quality-2017")
    sports = result["stages"]["primary"]["indicators"]["sports_area_pp"]
    assert sports["cv"] is None
    assert sports["mean"] == 0
    assert sports["cv_passed"] is False
    assert "小学 体育运动场馆面积 差异系数 未定义（全县该项为 0）" in result["reasons"]
    assert result["passed"] is False


def test_an_undefined_cv_makes_the_basic_composite_undefined_and_failing():
    verdict = stage_verdict("basic-2012", "junior", {**dict.fromkeys(BASIC_KEYS, 0.1), "books_pp": None})
    assert verdict.composite_cv is None
    assert verdict.passed is False
    assert verdict.reasons[0].startswith("初中 综合差异系数 无法计算")


def test_a_stage_without_units_is_reported_empty_and_does_not_fail():
    cvs = dict(zip(BASIC_RESOURCES, [0.2] * 8, strict=True))
    result = assess_units(units_with_cvs("junior", cvs), [], "basic-2012")
    primary = result["stages"]["primary"]
    assert primary["units"] == 0
    assert primary["students"] == 0
    assert primary["passed"] is None
    assert primary["composite_cv"] is None
    assert all(
        v["mean"] is None and v["std"] is None and v["cv"] is None for v in primary["indicators"].values()
    )
    assert result["passed"] is True


def test_no_units_at_all_fails_with_a_reason():
    result = assess_units([], [], "basic-2012")
    assert result["passed"] is False
    assert result["reasons"] == ["没有可评估的学校单元（小学、初中均无在校生）"]


def test_county_items_false_fail_and_none_only_warn():
    cvs = dict(zip(BASIC_RESOURCES, [0.2] * 8, strict=True))
    items = [
        CountyItem("gov_score", "县级人民政府教育工作评估", False, "80 分 < 85 分"),
        CountyItem("satisfaction", "公众满意度", None, ""),
        CountyItem("standards", "学校达到省定基本办学标准", True, ""),
    ]
    result = assess_units(units_with_cvs("primary", cvs), [], "basic-2012", county_items=items)
    assert result["passed"] is False
    assert result["reasons"] == ["县级人民政府教育工作评估 未达标：80 分 < 85 分"]
    assert result["warnings"] == ["公众满意度 未录入"]
