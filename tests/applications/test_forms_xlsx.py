"""申报表.xlsx: every figure of 表Ⅱ-1, 表Ⅱ-2, 表Ⅲ and 表Ⅵ is `assess --json` / the survey results,
rounded by the form's rule; the layout is the form's (codes row above the data, A4 landscape)."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from applications import services
from applications.models import FieldVisits
from domain import numbers
from indicators.services import assessment_run_now
from surveys.selectors import county_recognition

from .conftest import YEAR

pytestmark = pytest.mark.django_db

KEYS = [
    "qualified_teachers_per100",
    "backbone_teachers_per100",
    "pe_art_teachers_per100",
    "building_area_pp",
    "sports_area_pp",
    "equipment_value_pp",
    "multimedia_rooms_per100",
]


def rounded(x, digits):
    return None if x is None else float(numbers.round_half_up(x, digits))


@pytest.fixture
def assessed_json(workbook, small_county):
    out = io.StringIO()
    call_command("assess", county=small_county.code, year=YEAR, scheme="quality-2017", json=True, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def workbook(answered_survey, small_county, bureau):
    # The survey feeds the 社会认可度 item: the current assessment is the one run after it.
    assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")
    FieldVisits.objects.create(
        county=small_county, year=YEAR, visited=40, satisfied=37, parents_visited=20, parents_satisfied=19
    )
    data = services.application_data(small_county, YEAR)
    return load_workbook(io.BytesIO(services.form_xlsx(data)))


def data_rows(ws, codes_first="L1"):
    """Rows after the codes row (the row whose cells are the L-codes), up to the note."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if codes_first in r) + 1
    out = []
    for r in rows[start:]:
        if isinstance(r[0], str) and r[0].startswith("注"):
            break
        out.append(r)
    return out, rows


def test_the_workbook_has_one_sheet_per_table_named_as_the_form(workbook):
    assert workbook.sheetnames == ["表Ⅰ", "表Ⅱ-1", "表Ⅱ-2", "表Ⅲ", "表Ⅳ", "表Ⅴ", "表Ⅵ"]
    for ws in workbook:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows.startswith("$1:")
        assert ws["A1"].value.startswith(ws.title.replace("-", "-"))


def test_table_3_means_and_cvs_are_those_of_assess_json(workbook, assessed_json):
    rows, _ = data_rows(workbook["表Ⅲ"])
    assert len(rows) == 4
    for i, stage in enumerate(("primary", "junior")):
        s = assessed_json["stages"][stage]
        means, cvs = rows[2 * i], rows[2 * i + 1]
        assert means[1] == "全县平均值" and cvs[1] == "差异系数"
        assert list(means[2:9]) == [rounded(s["indicators"][k]["mean"], 2) for k in KEYS]
        assert list(cvs[2:9]) == [rounded(s["indicators"][k]["cv"], 3) for k in KEYS]
        assert means[9] == "——"
        mean_cv = sum(s["indicators"][k]["cv"] for k in KEYS) / 7
        assert cvs[9] == rounded(mean_cv, 3)
    ws = workbook["表Ⅲ"]
    assert ws.cell(row=5, column=3).number_format == "#,##0.000"
    assert ws.cell(row=4, column=3).number_format == "#,##0.00"


def test_table_2_1_counts_and_shares_are_those_of_assess_json(workbook, assessed_json):
    rows, _ = data_rows(workbook["表Ⅱ-1"])
    for i, stage in enumerate(("primary", "junior")):
        units = [u for u in assessed_json["units"] if u["stage"] == stage]
        counts = [sum(1 for u in units if u["meets"][k]) for k in KEYS] + [
            sum(1 for u in units if u["passed"])
        ]
        assert list(rows[2 * i][2:10]) == counts
        assert list(rows[2 * i + 1][2:10]) == [rounded(c * 100 / len(units), 1) for c in counts]


def test_table_2_2_has_one_row_per_unit_with_its_values(workbook, assessed_json, small_county):
    rows, all_rows = data_rows(workbook["表Ⅱ-2"])
    units = [r for r in rows if isinstance(r[0], int)]
    assert len(units) == len(assessed_json["units"])
    for row, unit in zip(units, assessed_json["units"], strict=True):
        assert row[1] == unit["school_name"]
        assert row[3] == unit["students"]
        assert list(row[6:13]) == [rounded(unit["values"][k], 2) for k in KEYS]
        assert row[13] == ("是" if unit["passed"] else "否")
    by_name = {r[1]: r for r in units}
    assert by_name["育英小学"][2] == 10 and by_name["城关小学"][2] == 7  # 民办 10, 县级教育部门 7
    # The teaching point merged into 城关小学 adds its pupils, grades and classes to that row.
    assert by_name["城关小学"][3] == 480 and by_name["城关小学"][5] == 6 + 2
    # Numbered 1…n per stage.
    primary = [r[0] for r in units[: sum(1 for u in assessed_json["units"] if u["stage"] == "primary")]]
    assert primary == list(range(1, len(primary) + 1))


def test_table_2_2_note_has_its_counts_filled_in(workbook, assessed_json):
    _, all_rows = data_rows(workbook["表Ⅱ-2"])
    note = next(r[0] for r in all_rows if isinstance(r[0], str) and r[0].startswith("注：小学学校总数"))
    primary = sum(1 for u in assessed_json["units"] if u["stage"] == "primary")
    junior = sum(1 for u in assessed_json["units"] if u["stage"] == "junior")
    assert f"小学学校总数 {primary} 所" in note and f"初中学校总数 {junior} 所" in note
    assert "一贯制学校的小学部有 1 所" in note and "50 人及以上教学点有 0 个" in note
    assert "一贯制学校的初中部 1 所" in note and "完全中学的初中部 1 所" in note
    assert "＿" not in note


def test_table_6_is_the_survey_and_the_recorded_visits(workbook, small_county, answered_survey):
    rows, _ = data_rows(workbook["表Ⅵ"])
    rec = county_recognition(small_county, YEAR)
    total, parents = rows
    assert total[0] == "计" and parents[0] == "其中：家长"
    # 15 questionnaires, all valid; satisfied: 7 parents (the half-satisfied one is not) + 5 teachers.
    assert list(total[1:5]) == [15, 15, rounded(rec["rate"] * 100, 1), 12]
    assert list(parents[1:5]) == [10, 10, rounded(rec["by_group"]["parent"]["rate"] * 100, 1), 7]
    assert list(total[5:8]) == [40, 37, 92.5]
    assert list(parents[5:8]) == [20, 19, 95.0]


def test_table_1_counts_schools_points_classes_students_and_staff(workbook):
    rows, _ = data_rows(workbook["表Ⅰ"])
    (row,) = rows
    assert row[2] == 2  # townships
    assert list(row[8:13]) == [3, 1, 1, 1, 0]  # 小学, 九年一贯制, 初中, 完全中学, 十二年一贯制
    assert list(row[14:16]) == [1, 1]  # teaching points, of which ≥ 50 pupils
    assert list(row[16:18]) == [6 * 4 + 2, 3 * 3]  # classes
    assert list(row[18:20]) == [420 + 180 + 300 + 240 + 60, 200 + 450 + 300]
    assert list(row[20:24]) == [4 * 20, 4 * 19, 3 * 20, 3 * 19]  # 教职工 and 专任教师 per stage
    assert row[0] is None  # population: not entered yet
