"""Each cell is parsed once, by the template declaration (schools.columns.parse_cell): the
writer (schools.upsert) stores the parsed value as is, exports render it back through the
declaration, and no import library cleans it a second time."""

from decimal import Decimal

import pytest

from schools import columns
from schools.models import SchoolConditions, Teacher


@pytest.fixture
def parser_calls(monkeypatch):
    calls = []
    for cell_type, parser in list(columns._PARSERS.items()):

        def counted(column, value, max_year, _parser=parser):
            calls.append((column.header, value))
            return _parser(column, value, max_year)

        monkeypatch.setitem(columns._PARSERS, cell_type, counted)
    return calls


def test_conditions_are_parsed_once_and_stored_as_parsed(
    run_import, bureau, school_a, conditions_row, parser_calls
):
    row = conditions_row(**{"音乐专用教室数": 2, "音乐专用教室面积": "96；102.5"})
    outcome = run_import("conditions", [row], user=bureau)
    assert outcome.ok, outcome.errors
    filled = [h for h, v in row.items() if v is not None]
    assert sorted(h for h, _v in parser_calls) == sorted(filled)
    stored = SchoolConditions.objects.get(school=school_a, year=2025)
    assert stored.building_area == Decimal("2650.50")
    assert stored.music_room_areas == ["96.00", "102.50"]


def test_teachers_are_stored_as_parsed(run_import, bureau, school_a, teacher_row):
    outcome = run_import(
        "teachers", [teacher_row(), teacher_row(**{"教师编号": "T002", "是否专任教师": "否"})], user=bureau
    )
    assert outcome.ok, outcome.errors
    assert sorted(Teacher.objects.values_list("staff_no", "full_time")) == [("T001", True), ("T002", False)]


@pytest.mark.parametrize(
    ("header", "stored", "cell"),
    [
        ("是否专任教师", True, "是"),
        ("是否专任教师", False, "否"),
        ("学年", 2025, 2025),
        ("身份证号", "", ""),
    ],
)
def test_a_teacher_value_renders_to_the_cell_that_parses_back_to_it(header, stored, cell):
    column = columns.TEACHERS.column(header)
    assert column.render(stored) == cell
    if cell != "":
        assert columns.parse_cell(column, cell, max_year=2030) == stored


def test_room_areas_render_to_the_cell_that_parses_back_to_them():
    column = columns.CONDITIONS.column("音乐专用教室面积")
    assert column.render(["96.00", "102.50"]) == "96；102.5"
    parsed = columns.parse_cell(column, "96；102.5", max_year=2030)
    assert column.to_model(parsed) == ["96.00", "102.50"]


def test_the_preview_shows_each_cell_as_the_import_reads_it(bureau, school_a, teacher_row):
    import io

    from schools.importing import import_file, preview_rows
    from tests.schools_import.helpers import HEADERS, build_xlsx

    rows = [teacher_row(), teacher_row(**{"教师编号": "T002", "学年": 2025.0, "学校标识码": 1301230001})]
    outcome = import_file(
        kind="teachers",
        file_obj=io.BytesIO(build_xlsx(HEADERS["teachers"], rows)),
        file_name="教师.xlsx",
        user=bureau,
        dry_run=True,
        keep_file=True,
    )
    assert outcome.ok, outcome.errors
    headers, shown = preview_rows(outcome.record)
    first, second = (dict(zip(["行号", *headers], r, strict=True)) for r in shown)
    assert first["是否专任教师"] == "是" and first["学年"] == 2025
    assert "*" in first["身份证号"] and first["身份证号"] != teacher_row()["身份证号"]
    # Number cells are shown as the import reads them: the 学年 2025, the code as its digits.
    assert second["学年"] == 2025 and second["学校标识码"] == "1301230001"
