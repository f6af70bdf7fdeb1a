"""Validation of feedback-list rows, without a database."""

from datetime import date, datetime

from rectification.feedback import COLUMNS, parse_feedback

SOURCES = {"省级反馈": "provincial", "市级复核": "city", "自查": "self_check", "评估发现": "assessment"}
INDICATORS = {
    "生均体育运动场馆面积": "sports_area_pp",
    "sports_area_pp": "sports_area_pp",
    "2.5 班额": "2.5",
    "班额": "2.5",
}
SCHOOLS = {"1301230001", "1301230002"}


def row(**values):
    base = {
        "序号": 1,
        "反馈来源": "省级反馈",
        "反馈日期": datetime(2025, 3, 18),
        "问题描述": "运动场地不足",
        "涉及指标": "生均体育运动场馆面积",
        "涉及学校": "1301230001、1301230002",
        "整改目标": "达标",
        "整改措施": "扩建",
        "牵头单位": "计财股",
        "配合单位": "财政局",
        "责任人": "张三",
        "完成时限": "2025-06-30",
    }
    base.update(values)
    return [base[c] for c in COLUMNS]


def parse(*rows, header=COLUMNS):
    return parse_feedback([list(header), *rows], sources=SOURCES, indicators=INDICATORS, school_codes=SCHOOLS)


def test_a_valid_row_becomes_a_record():
    records, errors = parse(row())
    assert errors == []
    r = records[0]
    assert (r.source_no, r.source, r.source_date, r.deadline) == (
        1,
        "provincial",
        date(2025, 3, 18),
        date(2025, 6, 30),
    )
    assert r.indicator == "sports_area_pp"
    assert r.school_codes == ["1301230001", "1301230002"]


def test_school_codes_accept_commas_and_chinese_commas():
    records, errors = parse(
        row(**{"涉及学校": "1301230001,1301230002"}), row(序号=2, **{"涉及学校": "1301230002，"})
    )
    assert errors == []
    assert [r.school_codes for r in records] == [["1301230001", "1301230002"], ["1301230002"]]


def test_optional_cells_may_be_empty_and_numbers_may_be_floats():
    records, errors = parse(
        row(序号=3.0, 涉及指标=None, 涉及学校=None, 整改目标="", 配合单位=None, 责任人=None)
    )
    assert errors == []
    assert (records[0].source_no, records[0].indicator, records[0].school_codes) == (3, "", [])


def test_every_error_names_row_column_and_reason():
    _, errors = parse(
        row(),
        row(
            序号="一",
            反馈来源="国家反馈",
            反馈日期="昨天",
            涉及学校="1301230001、9999999999",
            完成时限="2025-02-30",
        ),
        row(序号=4, 问题描述="", 涉及指标="师生关系"),
    )
    found = {(e.row, e.column) for e in errors}
    assert found == {
        (3, "序号"),
        (3, "反馈来源"),
        (3, "反馈日期"),
        (3, "涉及学校"),
        (3, "完成时限"),
        (4, "问题描述"),
        (4, "涉及指标"),
    }
    school_error = next(e for e in errors if e.column == "涉及学校")
    assert "9999999999" in school_error.reason
    assert str(school_error).startswith("第 3 行，涉及学校：")


def test_deadline_before_the_feedback_date_is_refused():
    _, errors = parse(row(完成时限=date(2025, 1, 1)))
    assert [(e.row, e.column) for e in errors] == [(2, "完成时限")]


def test_duplicate_keys_in_one_file_are_refused():
    _, errors = parse(row(), row(问题描述="另一问题"))
    assert [(e.row, e.column) for e in errors] == [(3, "序号")]
    assert "第 2 行重复" in errors[0].reason


def test_missing_required_columns_are_reported_on_the_header_row():
    header = [c for c in COLUMNS if c not in ("牵头单位", "完成时限")]
    _, errors = parse(header=header)
    assert [(e.row, e.column) for e in errors] == [(1, "牵头单位"), (1, "完成时限")]


def test_column_order_is_free_unknown_columns_ignored_and_empty_rows_skipped():
    header = ["备用", *reversed(COLUMNS)]
    values = ["x", *reversed(row())]
    records, errors = parse(values, [None] * len(header), header=header)
    assert errors == []
    assert len(records) == 1


def test_the_school_header_may_spell_out_its_separator():
    header = [("涉及学校（标识码）" if c == "涉及学校" else c) for c in COLUMNS]
    records, errors = parse(row(), header=header)
    assert errors == [] and records[0].school_codes == ["1301230001", "1301230002"]


def test_a_file_without_data_rows_is_refused():
    _, errors = parse()
    assert [(e.row, e.column) for e in errors] == [(2, "全部")]
