"""The CV chart (pygal SVG) and the table rows built from a stored result."""

import pytest

from indicators.charts import cv_chart_svg
from indicators.tables import drilldown, table2, table3

QUALITY_KEYS = [
    "qualified_teachers_per100",
    "backbone_teachers_per100",
    "pe_art_teachers_per100",
    "building_area_pp",
    "sports_area_pp",
    "equipment_value_pp",
    "multimedia_rooms_per100",
]


def stage(cvs, threshold=0.5, passed=None):
    return {
        "units": 2,
        "students": 100,
        "composite_cv": sum(cvs) / len(cvs),
        "passed": passed,
        "cv_threshold": threshold,
        "classes": {"total": 0, "over_standard": 0, "large": 0, "super_large": 0},
        "indicators": {
            k: {"mean": 1.0, "std": cv, "cv": cv, "cv_threshold": threshold, "cv_passed": cv <= threshold}
            for k, cv in zip(QUALITY_KEYS, cvs, strict=True)
        },
    }


def test_chart_is_plain_svg_with_the_cjk_font_and_no_script():
    svg = cv_chart_svg(stage([0.1, 0.6, 0.2, 0.3, 0.2, 0.1, 0.0]), "quality-2017", stage="primary")
    assert svg.startswith("<svg font-family='\"Noto Sans CJK SC\", sans-serif'")
    assert "<script" not in svg and "<?xml" not in svg
    assert "小学 差异系数" in svg and "每百名学生拥有县级以上骨干教师数" in svg
    assert "0.600" in svg and "#c62828" in svg  # the failing bar is red


def test_chart_escapes_its_title():
    svg = cv_chart_svg(stage([0.1] * 7), "quality-2017", title="<b>&甲</b>")
    assert "<b>" not in svg and "&lt;b&gt;&amp;甲" in svg


def test_chart_of_basic_2012_judges_the_composite():
    keys = [
        "building_area_pp",
        "sports_area_pp",
        "equipment_value_pp",
        "computers_per100",
        "books_pp",
        "teacher_ratio",
        "qualified_teachers_pp",
        "senior_title_teachers_pp",
    ]
    s = {
        "units": 3,
        "composite_cv": 0.7,
        "passed": False,
        "cv_threshold": 0.65,
        "indicators": {k: {"cv": 0.7, "cv_passed": None, "cv_threshold": None} for k in keys},
    }
    svg = cv_chart_svg(s, "basic-2012", stage="primary")
    assert "综合差异系数" in svg and "标准 ≤ 0.65" in svg


def result_with_units():
    return {
        "scheme": "quality-2017",
        "settings": {"unit_rule_margin": 0.85},
        "stages": {"primary": stage([0.1] * 7), "junior": {**stage([0.1] * 7), "units": 0}},
        "units": [
            {
                "school_code": "1",
                "school_name": "甲",
                "township": "镇",
                "stage": "primary",
                "students": 100,
                "values": dict(zip(QUALITY_KEYS, [4.2, 0.8, 0.9, 4.5, 7.5, 2000, 2.3], strict=True)),
                "meets": {},
                "passed": False,
            },
            {
                "school_code": "2",
                "school_name": "乙",
                "township": "镇",
                "stage": "primary",
                "students": 300,
                "values": dict(zip(QUALITY_KEYS, [4.2, 0.9, 0.9, 4.5, 7.5, 2000, 2.3], strict=True)),
                "meets": {},
                "passed": True,
            },
        ],
    }


@pytest.mark.parametrize(("code", "state"), [("1", "fail"), ("2", "warn")])
def test_table2_marks_cells_below_the_margin_fail_and_within_it_warn(code, state):
    row = next(r for r in table2(result_with_units())["rows"] if r["school_code"] == code)
    cells = {c["key"]: c for c in row["cells"]}
    assert cells["backbone_teachers_per100"]["state"] == state  # 0.8 < 0.85 ≤ 0.9 < 1.0
    assert cells["qualified_teachers_per100"]["state"] == ""  # exactly at the standard
    assert row["met"] == 6


def test_table3_prints_cvs_half_up():
    result = result_with_units()
    result["stages"]["primary"]["indicators"]["building_area_pp"]["cv"] = 0.5155
    block = table3(result)[0]
    assert next(r for r in block["rows"] if r["key"] == "building_area_pp")["cv_text"] == "0.516"
    assert table3(result)[1]["rows"][0]["cv_text"] == "—"  # junior: no units


def test_drilldown_matches_the_worked_example_of_the_handout():
    # domain.md §3: 5 schools, books; CV 0.515257
    students = [45, 37, 89, 76, 55]
    books = [279, 137, 935, 160, 402]
    mean = sum(books) / sum(students)
    result = {
        "scheme": "basic-2012",
        "stages": {
            "primary": {
                "units": 5,
                "indicators": {"books_pp": {"mean": mean, "std": 3.263861, "cv": 0.515257}},
            }
        },
        "units": [
            {"school_code": str(i), "stage": "primary", "students": p, "values": {"books_pp": b / p}}
            for i, (p, b) in enumerate(zip(students, books, strict=True))
        ],
    }
    d = drilldown(result, "primary", "books_pp")
    assert d["students"] == 302
    assert d["variance"] == pytest.approx(10.652787, abs=1e-6)
    assert sum(r["variance_share"] for r in d["rows"]) == pytest.approx(1.0)
    assert sum(r["share"] for r in d["rows"]) == pytest.approx(1.0)
    assert d["rows"][0]["weighted_sq"] >= d["rows"][-1]["weighted_sq"]
