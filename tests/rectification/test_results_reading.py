"""Reading stored assessment documents (data-contract §3 + gaps), without a database."""

from rectification.readiness import AT_RISK, FAIL, PASS
from rectification.results import (
    county_item_rows,
    indicator_standing,
    proposals_from_gaps,
    resource_rows,
)

QUALITY = {
    "county": "130123",
    "year": 2025,
    "scheme": "quality-2017",
    "passed": False,
    "stages": {
        "primary": {
            "units": 2,
            "students": 900,
            "indicators": {
                "sports_area_pp": {
                    "mean": 7.1,
                    "std": 3.6,
                    "cv": 0.5123,
                    "cv_threshold": 0.5,
                    "cv_passed": False,
                },
                "building_area_pp": {
                    "mean": 5.0,
                    "std": 1.0,
                    "cv": 0.2,
                    "cv_threshold": 0.5,
                    "cv_passed": True,
                },
            },
            "composite_cv": 0.356,
            "passed": False,
            "classes": {"total": 30, "over_standard": 2, "large": 1, "super_large": 0},
        },
        "junior": {
            "units": 0,
            "students": 0,
            "indicators": {},
            "composite_cv": None,
            "passed": None,
            "classes": {"total": 0, "over_standard": 0, "large": 0, "super_large": 0},
        },
    },
    "units": [
        {
            "school_code": "1301230001",
            "school_name": "城关小学",
            "stage": "primary",
            "students": 500,
            "values": {"sports_area_pp": 4.2, "building_area_pp": 5.1},
            "meets": {"sports_area_pp": False, "building_area_pp": True},
            "passed": False,
        },
        {
            "school_code": "1301230002",
            "school_name": "河口小学",
            "stage": "primary",
            "students": 400,
            "values": {"sports_area_pp": 10.8, "building_area_pp": 4.9},
            "meets": {"sports_area_pp": True, "building_area_pp": True},
            "passed": True,
        },
    ],
    "checks": {
        "school_size": [],
        "rooms": [{"code": "1301230001", "passed": True}, {"code": "1301230002", "passed": False}],
    },
    "county_items": [
        {
            "key": "teacher_pay",
            "label": "教师工资不低于公务员",
            "part_label": "政府保障程度",
            "passed": True,
            "detail": "是",
        },
        {
            "key": "special_education_funding",
            "label": "特殊教育生均公用经费",
            "part_label": "政府保障程度",
            "passed": False,
            "detail": "录入值 5000 元，要求 ≥ 6000 元",
        },
        {
            "key": "social_recognition",
            "label": "社会认可度",
            "part_label": "社会认可度",
            "passed": None,
            "detail": "",
        },
    ],
    "gaps": {
        "units": [
            {
                "school_code": "1301230001",
                "school_name": "城关小学",
                "stage": "primary",
                "indicator": "sports_area_pp",
                "label": "生均体育运动场馆面积",
                "unit": "㎡",
                "current_value": 4.2,
                "standard": 7.5,
                "current_resource": 2100,
                "needed_resource": 3750,
                "addition": 1650.0,
                "new_value": 7.5,
                "kind": "area",
            }
        ],
        "cv_plans": [
            {
                "indicator": "sports_area_pp",
                "label": "生均体育运动场馆面积",
                "stage": "primary",
                "kind": "area",
                "unit": "㎡",
                "current_cv": 0.5123,
                "threshold": 0.5,
                "new_cv": 0.4987,
                "passes": True,
                "floor_value": 5.0,
                "total_addition": 400.0,
                "schools": [
                    {
                        "school_code": "1301230001",
                        "school_name": "城关小学",
                        "current_value": 4.2,
                        "addition": 400.0,
                        "new_value": 5.0,
                    }
                ],
            }
        ],
    },
}


def test_standing_of_a_failing_indicator_for_one_school():
    s = indicator_standing(QUALITY, "sports_area_pp", stage="primary", school_codes=["1301230001"])
    assert s["still_failing"] is True
    assert [(x["stage"], x["cv"], x["cv_passed"]) for x in s["stages"]] == [("primary", 0.5123, False)]
    assert [(x["school_code"], x["value"], x["meets"]) for x in s["schools"]] == [("1301230001", 4.2, False)]


def test_standing_of_a_passing_indicator():
    s = indicator_standing(QUALITY, "building_area_pp", school_codes=["1301230002"])
    assert s["still_failing"] is False
    assert s["schools"][0]["value"] == 4.9


def test_standing_without_an_assessment_or_the_indicator_is_unknown():
    assert indicator_standing(None, "sports_area_pp")["still_failing"] is None
    assert indicator_standing(QUALITY, "books_pp")["still_failing"] is None


def test_under_basic_2012_an_indicator_shares_the_composite_verdict():
    basic = {
        "scheme": "basic-2012",
        "stages": {
            "primary": {
                "units": 2,
                "passed": False,
                "composite_cv": 0.7,
                "indicators": {"books_pp": {"cv": 0.52, "cv_threshold": None, "cv_passed": None}},
            }
        },
        "units": [],
    }
    assert indicator_standing(basic, "books_pp")["still_failing"] is True
    rows = resource_rows(basic)
    assert [(r["item"], r["status"]) for r in rows] == [("小学 综合差异系数", FAIL)]
    assert "≤ 0.65" in rows[0]["detail"]


def test_resource_rows_of_a_quality_document():
    rows = {r["item"]: r for r in resource_rows(QUALITY)}
    assert rows["小学 生均体育运动场馆面积"]["status"] == FAIL
    assert rows["小学 生均体育运动场馆面积"]["detail"] == "差异系数 0.512，要求 ≤ 0.50"
    assert rows["小学 生均教学及辅助用房面积"]["status"] == PASS
    assert rows["小学 班额"]["status"] == FAIL
    per_school = rows["小学 逐校达标（7 项中至少 6 项达标）"]
    assert (
        per_school["status"] == FAIL and "城关小学" in per_school["detail"] and "1/2" in per_school["detail"]
    )
    assert rows["学校规模"]["status"] == PASS
    assert rows["音乐、美术专用教室"]["status"] == FAIL
    assert not any(r.startswith("初中") for r in rows)  # a stage without units is not judged


def test_county_items_map_to_pass_fail_and_not_entered_at_risk():
    rows = county_item_rows(QUALITY)
    assert [(r["key"], r["status"]) for r in rows] == [
        ("teacher_pay", PASS),
        ("special_education_funding", FAIL),
        ("social_recognition", AT_RISK),
    ]
    assert rows[2]["detail"] == "尚未录入"


def test_proposals_from_the_gap_plan():
    proposals = proposals_from_gaps(QUALITY)
    unit, cv = proposals
    assert unit["key"] == "unit:1301230001:primary:sports_area_pp"
    assert unit["school_code"] == "1301230001"
    assert unit["problem"] == "城关小学（小学）生均体育运动场馆面积为 4.20，低于标准 7.5"
    assert unit["target"] == "增加体育运动场馆面积 1,650.00 ㎡，使生均体育运动场馆面积达到 7.50（标准 7.5）"
    assert cv["key"] == "cv:primary:sports_area_pp"
    assert cv["school_code"] == "" and cv["school_codes"] == ["1301230001"]
    assert "差异系数 0.512，超过 0.5" in cv["problem"]
    assert "城关小学 增加 400.00 ㎡" in cv["target"]


def test_a_document_without_gaps_gives_no_proposals():
    assert proposals_from_gaps({"scheme": "basic-2012"}) == []
    assert proposals_from_gaps(None) == []


def test_a_shared_resource_of_a_nine_year_school_is_proposed_for_the_whole_school():
    row = {
        "school_code": "1301230009",
        "school_name": "东关学校",
        "stage": "junior",
        "indicator": "multimedia_rooms_per100",
        "label": "每百名学生拥有网络多媒体教室数",
        "unit": "间",
        "current_value": 2.11,
        "standard": 2.4,
        "addition": 3,
        "part_addition": 1.36,
        "new_value": 2.56,
        "kind": "rooms",
        "school_level": True,
        "lifts": ["primary", "junior"],
        "counted": False,
    }
    target = proposals_from_gaps({"gaps": {"units": [row]}})[0]["target"]
    assert target == (
        "全校增加网络多媒体教室数 3 间（按折算学生数分摊，初中部分分得 1.36 间），"
        "使初中部分每百名学生拥有网络多媒体教室数达到 2.56（标准 2.4），同时使小学部分达标"
    )
