"""对账 logic without Django: guessing and reusing column mappings, reading rows into counts,
comparing counts per school, stage and grade with ours."""

import pytest

from dataquality import reconcile as rc
from schools.idcard import id_check_digit

REGISTER = rc.LIST_KINDS[rc.REGISTER]
TEACHERS = rc.LIST_KINDS[rc.TEACHERS]
# The 学籍 system's own export: other names, other order, extra columns.
SYSTEM_HEADERS = ["序号", "学校名称", "学校代码", "学生姓名", "证件号码", "年级名称", "班级名称", "学籍状态"]


def make_id(seq: int) -> str:
    first17 = f"13012320150301{seq:03d}"
    return first17 + id_check_digit(first17)


def test_our_template_headers_are_read_without_asking():
    positions = rc.template_positions(
        REGISTER, ["*学校标识码", "姓名", "身份证号", "年级", "班级", "学籍状态"]
    )
    assert positions == {"学校标识码": 0, "身份证号": 2, "年级": 3, "学籍状态": 5}


def test_a_system_export_needs_the_mapping_step_and_the_guess_uses_synonyms():
    assert rc.template_positions(REGISTER, SYSTEM_HEADERS) is None
    assert rc.guess_mapping(REGISTER, SYSTEM_HEADERS) == {
        "学校标识码": 2,
        "学校名称": 1,
        "身份证号": 4,
        "年级": 5,
        "学籍状态": 7,
    }


def test_a_saved_mapping_applies_while_its_headers_are_there_in_any_order():
    saved = {"学校标识码": "学校代码", "身份证号": "证件号码", "年级": "年级名称", "学籍状态": "学籍状态"}
    shuffled = ["证件号码", "年级名称", "学籍状态", "学校代码"]
    assert rc.saved_positions(REGISTER, shuffled, saved) == {
        "学校标识码": 3,
        "身份证号": 0,
        "年级": 1,
        "学籍状态": 2,
    }
    assert rc.saved_positions(REGISTER, ["证件号码", "年级名称", "学籍状态", "学校"], saved) is None


def test_a_required_field_without_a_column_is_refused_in_chinese():
    chosen = {"学校标识码": 2, "学校名称": None, "身份证号": None, "年级": 5, "学籍状态": 7}
    errors = rc.mapping_errors(REGISTER, SYSTEM_HEADERS, chosen)
    assert errors == [
        "请为必填项“身份证号”选择上传文件中对应的列（18 位居民身份证号，只用于校验和查重，不保存）"
    ]


def test_one_column_cannot_stand_for_two_fields():
    chosen = {"学校标识码": 2, "学校名称": None, "身份证号": 4, "年级": 4, "学籍状态": 7}
    assert "被同时选为 “身份证号”、“年级”" in rc.mapping_errors(REGISTER, SYSTEM_HEADERS, chosen)[0]


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (3, 3),
        ("3", 3),
        (3.0, 3),
        ("三年级", 3),
        ("小学六年级", 6),
        ("七年级", 7),
        ("初二", 8),
        ("初中三年级", 9),
        ("高一", 10),
        ("2019级", None),
        ("初四", None),
        ("", None),
    ],
)
def test_grades_are_read_as_the_systems_write_them(value, grade):
    assert rc.parse_grade(value) == grade


BAD_ID = make_id(5)[:17] + ("0" if make_id(5)[17] != "0" else "1")


def register_rows():
    return [
        ("1301230001", make_id(1), "一年级", "在籍"),
        ("1301230001", make_id(2), "一年级", "在校"),
        ("1301230001", make_id(3), "二年级", "在籍"),
        ("1301230001", make_id(4), "二年级", "休学"),  # not counted
        ("1301230001", make_id(1), "一年级", "在籍"),  # the same child twice: counted once
        ("1301230001", BAD_ID, "二年级", "在籍"),  # wrong check digit: counted, reported
        (None, None, None, None),  # blank row
        ("1301230009", make_id(6), "七年级", "在籍"),  # not a school of the county
        ("", make_id(7), "一年级", "在籍"),
        ("1301230001", make_id(8), "2019级", "在籍"),
    ]


POSITIONS = {"学校标识码": 0, "身份证号": 1, "年级": 2, "学籍状态": 3}


def test_rows_become_counts_per_school_and_grade_with_problems_by_row():
    counts = rc.count_rows(REGISTER, POSITIONS, register_rows())
    assert counts.by_school == {"1301230001": {"1": 2, "2": 2}, "1301230009": {"7": 1}}
    assert counts.rows_read == 9 and counts.counted == 5
    assert counts.invalid_ids == 1 and counts.duplicate_ids == 1 and counts.not_counted == 1
    rows = {row for row, _ in counts.problems}
    assert rows == {6, 7, 10, 11}  # duplicate, wrong check digit, no school code, unreadable grade
    assert "校验码" in dict(counts.problems)[7] and "仍计入" in dict(counts.problems)[7]
    assert counts.statuses == {"在籍": 4, "在校": 1, "休学": 1}
    assert rc.ListCounts.from_dict(counts.as_dict()) == counts


def test_the_counts_hold_no_name_and_no_id_number():
    text = repr(rc.count_rows(REGISTER, POSITIONS, register_rows()).as_dict())
    assert make_id(1) not in text and "130123201503" not in text


OURS = rc.Ours(
    schools={"1301230001": "城关小学", "1301230002": "河口小学"},
    conditions={"1301230001": {"小学": 5, "初中": 0}},
    classes={"1301230001": {1: 2, 2: 2}, "1301230002": {1: 30}},
    teachers={"1301230001": {"小学": 2}},
)


def test_differences_are_listed_with_both_figures_and_totals_per_school():
    counts = rc.ListCounts(rc.REGISTER, by_school={"1301230001": {"1": 2, "2": 1}, "1301230009": {"7": 4}})
    result = rc.reconcile(counts, OURS)
    got = {
        (d.school_code, d.stage, d.grade, d.source, d.ours, d.system, d.difference)
        for d in result.differences
    }
    assert got == {
        ("1301230001", "小学", None, rc.SOURCE_CONDITIONS, 5, 3, 2),
        ("1301230001", "小学", 2, rc.SOURCE_CLASSES, 2, 1, 1),  # a grade off by one
        ("1301230002", "小学", 1, rc.SOURCE_CLASSES, 30, 0, 30),  # a school missing from the list
    }
    totals = {s.code: (s.system, s.ours, s.differences) for s in result.schools}
    assert totals["1301230001"] == (3, ((rc.SOURCE_CONDITIONS, 5, 2), (rc.SOURCE_CLASSES, 4, 1)), 2)
    assert totals["1301230002"] == (0, ((rc.SOURCE_CONDITIONS, None, 0), (rc.SOURCE_CLASSES, 30, 30)), 1)
    assert [(u.code, u.count) for u in result.unknown] == [("1301230009", 4)]


def test_a_school_without_conditions_shows_not_imported_against_the_system():
    counts = rc.ListCounts(rc.REGISTER, by_school={"1301230002": {"1": 30}})
    result = rc.reconcile(counts, OURS)
    assert [
        (d.source, d.ours, d.system, d.difference)
        for d in result.differences
        if d.school_code == "1301230002"
    ] == [(rc.SOURCE_CONDITIONS, None, 30, -30)]


def test_teachers_compare_full_time_teachers_per_stage():
    rows = [
        ("1301230001", make_id(1), "小学", "是"),
        ("1301230001", make_id(2), "小学", "专任教师"),
        ("1301230001", make_id(3), "初中", "专任教师"),
        ("1301230001", make_id(4), "小学", "行政人员"),
        ("1301230001", make_id(5), "幼儿园", "是"),
    ]
    positions = {"学校标识码": 0, "身份证号": 1, "任教学段": 2, "是否专任教师": 3}
    counts = rc.count_rows(TEACHERS, positions, rows)
    assert counts.by_school == {"1301230001": {"小学": 2, "初中": 1}}
    assert counts.not_counted == 1 and counts.problem_count == 1
    result = rc.reconcile(counts, OURS)
    assert [(d.stage, d.ours, d.system) for d in result.differences] == [("初中", 0, 1)]
