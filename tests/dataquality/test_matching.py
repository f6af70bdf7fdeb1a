"""四查三比对 over crafted plain lists (no database)."""

from datetime import date

import pytest

from dataquality import matching as m
from schools.idcard import id_check_digit


def make_id(birth: str, seq: str = "123", area: str = "130123") -> str:
    first17 = f"{area}{birth}{seq}"
    return first17 + id_check_digit(first17)


def wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


HH = ("姓名", "身份证号", "出生日期", "乡镇", "村")
REG = ("学校标识码", "姓名", "身份证号", "年级", "班级", "学籍状态")
ATT = ("身份证号", "缺勤天数")
FAM = ("户主姓名", "姓名", "身份证号", "乡镇")

YEAR = 2024  # cut-off 2024-08-31


def run(household=(), register=(), attendance=(), family=(), *, absence_days=10, open_cases=None):
    return m.match_lists(
        household=m.parse_list(m.HOUSEHOLD, HH, household),
        register=m.parse_list(m.REGISTER, REG, register),
        attendance=m.parse_list(m.ATTENDANCE, ATT, attendance),
        family=m.parse_list(m.FAMILY, FAM, family),
        school_year=YEAR,
        absence_days=absence_days,
        open_cases=open_cases,
    )


def ids_of(result, kind):
    return [h.id_number for h in result.hits if h.kind == kind]


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(2018, 8, 31), True),  # turns 6 on the cut-off day
        (date(2018, 9, 1), False),  # turns 6 the day after
        (date(2009, 9, 1), True),  # 14 on the cut-off day
        (date(2008, 9, 1), True),  # 15 on the cut-off day, turns 16 the day after
        (date(2008, 8, 31), False),  # turns 16 on the cut-off day
        (date(2008, 9, 2), True),
    ],
)
def test_school_age_is_6_to_15_on_31_august(birth, expected):
    assert m.is_school_age(birth, YEAR) is expected


def test_age_on_counts_whole_years():
    assert m.age_on(date(2018, 8, 31), date(2024, 8, 31)) == 6
    assert m.age_on(date(2018, 9, 1), date(2024, 8, 31)) == 5
    assert m.age_on(date(2016, 2, 29), date(2024, 2, 28)) == 7


def test_child_with_household_but_no_register_is_listed_per_township():
    a, b, c = make_id("20150301", "101"), make_id("20150302", "102"), make_id("20150303", "103")
    result = run(
        household=[
            ("张一", a, None, "城关镇", "东村"),
            ("张二", b, None, "河口乡", "西村"),
            ("张三", c, None, "城关镇", ""),
        ],
        register=[("2130000001", "张三", c, "3", "2", "在读")],
    )
    assert ids_of(result, m.NO_REGISTER) == [a, b]
    by_town = result.by_township()
    assert [h.name for h in by_town["城关镇"][m.NO_REGISTER]] == ["张一"]
    assert [h.village for h in by_town["河口乡"][m.NO_REGISTER]] == ["西村"]


@pytest.mark.parametrize(
    ("birth", "listed"),
    [
        ("20180831", True),
        ("20180901", False),
        ("20080831", False),
        ("20080901", True),
    ],
)
def test_children_turning_6_or_16_around_the_cut_off_are_listed_only_within_school_age(birth, listed):
    number = make_id(birth)
    result = run(household=[("李四", number, None, "城关镇", "")])
    assert (ids_of(result, m.NO_REGISTER) == [number]) is listed


def test_wrong_check_digit_is_reported_with_the_failed_check_and_never_matched():
    good = make_id("20150301")
    bad = wrong_check(good)
    household = m.parse_list(m.HOUSEHOLD, HH, [("王五", bad, None, "城关镇", "")])
    assert household.records == []
    assert household.invalid_ids[0]["row"] == 2
    assert "校验码" in household.invalid_ids[0]["problem"]
    assert bad not in household.invalid_ids[0]["id_number"]  # listed masked
    # The register row with the wrong digit does not "find" the child of the correct number either.
    result = run(
        household=[("王五", good, None, "城关镇", "")],
        register=[("2130000001", "王五", bad, "3", "1", "在读")],
    )
    assert ids_of(result, m.NO_REGISTER) == [good]


@pytest.mark.parametrize(
    ("value", "check"),
    [
        ("13012320150301123", "18 位"),
        ("1301232015030112AX", "前 17 位"),
        ("13012320151301123" + "0", "出生日期"),
    ],
)
def test_each_gb11643_check_names_itself(value, check):
    parsed = m.parse_list(m.HOUSEHOLD, HH, [("某", value, None, "城关镇", "")])
    assert check in parsed.invalid_ids[0]["problem"]


def test_duplicate_id_keeps_the_first_row_and_reports_the_second():
    number = make_id("20150301")
    parsed = m.parse_list(
        m.HOUSEHOLD, HH, [("甲", number, None, "城关镇", ""), ("乙", number, None, "河口乡", "")]
    )
    assert [r["姓名"] for r in parsed.records] == ["甲"]
    assert "与第 2 行" in str(parsed.errors[0]) and "第 3 行" in str(parsed.errors[0])


def test_lower_case_x_matches_upper_case_x():
    number = next(
        make_id("20150301", f"{s:03d}") for s in range(1000) if make_id("20150301", f"{s:03d}").endswith("X")
    )
    result = run(
        household=[("赵六", number.lower(), None, "城关镇", "")],
        register=[("1", "赵六", number, "3", "1", "在读")],
    )
    assert result.hits == []


def test_name_mismatch_on_the_same_id_is_flagged():
    number = make_id("20150301")
    result = run(
        household=[("张三", number, None, "城关镇", "")], register=[("1", "张叁", number, "3", "1", "在读")]
    )
    assert result.hits == []
    assert result.name_mismatches[0]["note"] == "户籍：张三；学籍：张叁"
    same = run(
        household=[("张 三", number, None, "城关镇", "")], register=[("1", "张三", number, "3", "1", "在读")]
    )
    assert same.name_mismatches == []


@pytest.mark.parametrize(
    ("days", "threshold", "listed"), [(11, 10, True), (10, 10, False), (3, 2, True), (0, 0, False)]
)
def test_absence_beyond_the_setting_lists_the_registered_child(days, threshold, listed):
    number = make_id("20130301")
    result = run(
        household=[("钱七", number, None, "河口乡", "南村")],
        register=[("2130000009", "钱七", number, "5", "2", "在读")],
        attendance=[(number, days)],
        absence_days=threshold,
    )
    hits = [h for h in result.hits if h.kind == m.ABSENT]
    assert bool(hits) is listed
    if listed:
        assert (hits[0].township, hits[0].school_code, hits[0].absence_days) == ("河口乡", "2130000009", days)


def test_attendance_may_name_the_child_by_student_number():
    number = make_id("20130301")
    register = m.parse_list(
        m.REGISTER, (*REG, "学籍号"), [("1", "钱七", number, "5", "2", "在读", "G" + number)]
    )
    attendance = m.parse_list(m.ATTENDANCE, ("学籍号", "缺勤天数"), [("G" + number, 30)])
    result = m.match_lists(
        household=m.parse_list(m.HOUSEHOLD, HH, []),
        register=register,
        attendance=attendance,
        family=None,
        school_year=YEAR,
        absence_days=10,
        school_townships={"1": "城关镇"},
    )
    assert [(h.kind, h.township) for h in result.hits] == [(m.ABSENT, "城关镇")]


def test_poverty_children_of_school_age_without_register():
    child, adult, enrolled = (
        make_id("20120301", "201"),
        make_id("19800301", "203"),
        make_id("20120302", "205"),
    )
    result = run(
        register=[("1", "孙九", enrolled, "6", "1", "在读")],
        family=[
            ("孙大", "孙大", adult, "城关镇"),
            ("孙大", "孙八", child, "城关镇"),
            ("孙大", "孙九", enrolled, "城关镇"),
        ],
    )
    assert ids_of(result, m.POVERTY) == [child]


def test_a_child_who_left_the_register_counts_as_not_registered():
    number = make_id("20150301")
    result = run(
        household=[("周十", number, None, "城关镇", "")], register=[("1", "周十", number, "3", "1", "转出")]
    )
    assert ids_of(result, m.NO_REGISTER) == [number]


def test_child_with_an_open_case_is_marked_and_not_offered_for_filing():
    number, other = make_id("20150301", "301"), make_id("20150301", "303")
    result = run(
        household=[("吴一", number, None, "城关镇", ""), ("吴二", other, None, "城关镇", "")],
        open_cases={number: "KC130123-2024-0007"},
    )
    marked = {h.id_number: (h.open_case, h.fileable) for h in result.hits}
    assert marked == {number: ("KC130123-2024-0007", False), other: ("", True)}


def test_missing_column_is_one_error_on_the_header_row():
    parsed = m.parse_list(m.REGISTER, ("姓名", "身份证号"), [("a", "b")])
    assert parsed.fatal and "学校标识码" in str(parsed.errors[0])
    attendance = m.parse_list(m.ATTENDANCE, ("姓名", "缺勤天数"), [])
    assert "身份证号或学籍号" in str(attendance.errors[0])


def test_birth_date_column_disagreeing_with_the_id_is_reported():
    number = make_id("20150301")
    parsed = m.parse_list(m.HOUSEHOLD, HH, [("甲", number, date(2015, 3, 2), "城关镇", "")])
    assert "不一致" in str(parsed.errors[0])
    assert parsed.records[0]["birth_date"] == date(2015, 3, 1)


def test_negative_absence_is_a_row_error():
    parsed = m.parse_list(m.ATTENDANCE, ATT, [(make_id("20150301"), -1)])
    assert parsed.records == [] and "非负数" in str(parsed.errors[0])
