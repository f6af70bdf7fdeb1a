"""The pure validation rules (dataquality.rules): each rule on a minimal county that triggers it and
on one that does not, plus the fingerprint that tells identical figures from changed ones."""

from decimal import Decimal

import pytest

from dataquality import rules as r

YEAR = 2025
A = r.SchoolRow(1, "4211000001", "城关小学", "小学")
B = r.SchoolRow(2, "4211000002", "东关小学", "小学")
CENTRE = r.SchoolRow(3, "4211000003", "中心小学", "小学")


def point(parent_id=3):
    return r.SchoolRow(4, "4211000004", "李村教学点", "教学点", parent_id)


def cond(school_id=1, year=YEAR, **kw):
    return r.ConditionsRow(school_id=school_id, year=year, **{"primary_students": 80, **kw})


def klass(name, students=40, grade=1, school_id=1, stage="小学"):
    return r.ClassRow(school_id, stage, grade, name, students)


def county(**kw):
    return r.CountyData(year=YEAR, schools=kw.pop("schools", [A, B, CENTRE]), **kw)


def two_classes(**kw):
    """80 students in two classes, matching cond()."""
    return [klass("1班", 40), klass("2班", 40, grade=2)]


CASES = [
    # (case id, county, expected (rule, school id, subject) findings)
    (
        "backbone above full-time",
        county(teacher_counts=[r.TeacherCounts(1, "小学", full_time=5, qualified=5, backbone=6)]),
        {("teacher_subsets", 1, "小学:backbone")},
    ),
    (
        "qualified and PE/art above full-time",
        county(teacher_counts=[r.TeacherCounts(1, "初中", full_time=3, qualified=4, pe_art=4)]),
        {("teacher_subsets", 1, "初中:qualified"), ("teacher_subsets", 1, "初中:pe_art")},
    ),
    (
        "subsets equal to full-time",
        county(teacher_counts=[r.TeacherCounts(1, "小学", full_time=5, qualified=5, backbone=5, pe_art=5)]),
        set(),
    ),
    ("class of 4", county(classes=[klass("1班", 4)]), {("class_size", 1, "class:1班")}),
    ("class of 67", county(classes=[klass("1班", 67)]), {("class_size", 1, "class:1班")}),
    ("classes of 5 and 66", county(classes=[klass("1班", 5), klass("2班", 66)]), set()),
    (
        "teaching point without parent",
        county(schools=[A, point(None)]),
        {("teaching_point_parent", 4, "parent")},
    ),
    (
        "teaching point under a teaching point",
        county(schools=[r.SchoolRow(3, "4211000003", "王村教学点", "教学点", 1), point(3), A]),
        {("teaching_point_parent", 4, "parent")},
    ),
    (
        "teaching point with four grades",
        county(
            schools=[CENTRE, point()], classes=[klass(f"{g}年级", 8, g, school_id=4) for g in (1, 2, 3, 4)]
        ),
        {("teaching_point_grades", 4, "grades")},
    ),
    (
        "teaching point with three grades and a parent",
        county(schools=[CENTRE, point()], classes=[klass(f"{g}年级", 8, g, school_id=4) for g in (1, 2, 3)]),
        set(),
    ),
    (
        "a primary school with six grades is no teaching point",
        county(
            classes=[klass(f"{g}年级", 40, g) for g in range(1, 7)], conditions=[cond(primary_students=240)]
        ),
        set(),
    ),
    (
        "roster count differs from the conditions' count",
        county(
            conditions=[cond(full_time_teachers={"小学": 9})],
            teacher_counts=[r.TeacherCounts(1, "小学", full_time=8)],
        ),
        {("roster_vs_conditions", 1, "小学:count")},
    ),
    (
        "students but no full-time teacher of the stage",
        county(
            conditions=[cond(junior_students=120)], teacher_counts=[r.TeacherCounts(1, "小学", full_time=8)]
        ),
        {("roster_vs_conditions", 1, "初中:presence")},
    ),
    (
        "full-time teachers of a stage without students",
        county(
            conditions=[cond()],
            teacher_counts=[r.TeacherCounts(1, "小学", full_time=8), r.TeacherCounts(1, "初中", full_time=2)],
        ),
        {("roster_vs_conditions", 1, "初中:presence")},
    ),
    (
        "roster agrees with the conditions",
        county(
            conditions=[cond(full_time_teachers={"小学": 8})], teacher_counts=[r.TeacherCounts(1, "小学", 8)]
        ),
        set(),
    ),
    ("no roster yet for the school", county(conditions=[cond(junior_students=120)]), set()),
    (
        "the conditions' 专任教师数 differs from the roster's 专任教师",
        county(
            conditions=[cond(full_time_total=10)],
            teacher_counts=[r.TeacherCounts(1, "小学", full_time=8)],
            roster_full_time={1: 8},
        ),
        {("full_time_total", 1, "total")},
    ),
    (
        "the conditions' 专任教师数 agrees with the roster, senior teachers included",
        county(
            conditions=[cond(full_time_total=12)],
            teacher_counts=[r.TeacherCounts(1, "小学", full_time=8)],
            roster_full_time={1: 12},
        ),
        set(),
    ),
    (
        "an empty 专任教师数 is not compared",
        county(
            conditions=[cond(full_time_total=None)],
            teacher_counts=[r.TeacherCounts(1, "小学", full_time=8)],
            roster_full_time={1: 8},
        ),
        set(),
    ),
    (
        "classes hold fewer students than the conditions",
        county(conditions=[cond(primary_students=85)], classes=two_classes()),
        {("classes_vs_conditions", 1, "小学")},
    ),
    (
        "junior students reported but only primary classes",
        county(conditions=[cond(junior_students=50)], classes=two_classes()),
        {("classes_vs_conditions", 1, "初中")},
    ),
    ("classes agree with the conditions", county(conditions=[cond()], classes=two_classes()), set()),
    ("a school without classes is not compared", county(conditions=[cond(primary_students=999)]), set()),
    (
        "students up by 50 %",
        county(
            previous_conditions=[cond(year=YEAR - 1, primary_students=100)],
            conditions=[cond(primary_students=150)],
        ),
        {("year_jump", 1, "primary_students")},
    ),
    (
        "equipment value down by 40 %",
        county(
            previous_conditions=[cond(year=YEAR - 1, equipment_value=Decimal("100000.00"))],
            conditions=[cond(equipment_value=Decimal("60000.00"))],
        ),
        {("year_jump", 1, "equipment_value")},
    ),
    (
        "building area from 0",
        county(
            previous_conditions=[cond(year=YEAR - 1, building_area=0)], conditions=[cond(building_area=1200)]
        ),
        {("year_jump", 1, "building_area")},
    ),
    (
        "rooms up from 2 to 4",
        county(
            previous_conditions=[cond(year=YEAR - 1, multimedia_rooms=2)],
            conditions=[cond(multimedia_rooms=4)],
        ),
        {("year_jump", 1, "multimedia_rooms")},
    ),
    (
        "one room more is no jump (3 to 4, +33 %), nor a first music room",
        county(
            previous_conditions=[cond(year=YEAR - 1, multimedia_rooms=3, music_rooms=0)],
            conditions=[cond(multimedia_rooms=4, music_rooms=1)],
        ),
        set(),
    ),
    (
        "changes within 30 % and a blank optional room count",
        county(
            previous_conditions=[
                cond(year=YEAR - 1, primary_students=100, sports_area=1000, music_rooms=None)
            ],
            conditions=[cond(primary_students=130, sports_area=Decimal("700.00"), music_rooms=1)],
        ),
        set(),
    ),
    (
        "a 50 % jump within a setting of 60 %",
        county(
            previous_conditions=[cond(year=YEAR - 1, primary_students=100)],
            conditions=[cond(primary_students=150)],
            jump_percent=60,
        ),
        set(),
    ),
    ("no previous year", county(conditions=[cond(primary_students=150)]), set()),
    (
        "one ID number on two schools' rosters",
        county(
            id_rows=[
                r.IdRow(1, "T01", "42110119800101001X"),
                r.IdRow(2, "T07", "42110119800101001x"),
                r.IdRow(2, "T08", "421101198001010028"),
            ]
        ),
        {("duplicate_id_number", 1, "id:T01"), ("duplicate_id_number", 2, "id:T07")},
    ),
    (
        "distinct ID numbers and blanks",
        county(
            id_rows=[
                r.IdRow(1, "T01", "42110119800101001X"),
                r.IdRow(2, "T07", "421101198001010028"),
                r.IdRow(1, "T02", ""),
                r.IdRow(2, "T09", "  "),
            ]
        ),
        set(),
    ),
    (
        "a stage figure differing from the uploaded 学籍名单 and 教师名单",
        county(
            system_figures=[
                r.SystemFigure(1, "学籍名单", "小学", "办学条件在校生数", 80, 79),
                r.SystemFigure(2, "教师名单", "小学", "教师花名册专任教师数", None, 12),
            ]
        ),
        {("national_lists", 1, "学籍名单:小学"), ("national_lists", 2, "教师名单:小学")},
    ),
    ("no national list uploaded (or no difference)", county(system_figures=[]), set()),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_triggers_exactly_where_the_data_are_wrong(data, expected):
    found = {(f.rule, f.school_id, f.subject) for f in r.run_rules(data)}
    assert found == expected


def test_every_rule_is_exercised_by_a_case():
    triggered = {key for _, _, expected in CASES for key, _, _ in expected}
    assert triggered == set(r.RULES)


def test_finding_states_the_values_and_a_chinese_message():
    data = county(conditions=[cond(primary_students=85)], classes=two_classes())
    (finding,) = r.run_rules(data)
    assert finding.severity == r.BLOCKING
    assert finding.target == r.TARGET_CONDITIONS
    assert finding.values == {"stage": "小学", "班级合计": 80, "办学条件": 85}
    assert "各班学生数合计 80 人" in finding.message and "85" in finding.message


def test_jump_message_names_both_years_and_the_change():
    data = county(
        previous_conditions=[cond(year=YEAR - 1, primary_students=100)],
        conditions=[cond(primary_students=150)],
    )
    (finding,) = r.run_rules(data)
    assert "由上一学年的 100 变为 150" in finding.message and "增加 50.0%" in finding.message


def test_duplicate_id_is_masked_in_values_and_message():
    data = county(id_rows=[r.IdRow(1, "T01", "42110119800101001X"), r.IdRow(2, "T07", "42110119800101001X")])
    for finding in r.run_rules(data):
        assert "19800101" not in finding.message
        assert "19800101" not in str(finding.values)
        assert finding.values["身份证号"] == "421101********001X"


def test_blocking_findings_come_first():
    data = county(classes=[klass("1班", 3)], schools=[A, point(None)])
    findings = r.run_rules(data)
    assert [f.severity for f in findings] == [r.BLOCKING, r.WARNING]
    assert r.counts(findings) == {r.BLOCKING: 1, r.WARNING: 1}


def test_fingerprint_is_stable_for_equal_figures_and_changes_with_them():
    def only(data):
        (finding,) = r.run_rules(data)
        return finding.fingerprint

    same_a = only(county(conditions=[cond(primary_students=85)], classes=two_classes()))
    same_b = only(county(conditions=[cond(primary_students=85)], classes=two_classes()))
    changed = only(county(conditions=[cond(primary_students=86)], classes=two_classes()))
    assert same_a == same_b != changed
    # Decimal and int spellings of one figure are the same figure.
    dec = only(
        county(
            previous_conditions=[cond(year=YEAR - 1, building_area=Decimal("1000.00"))],
            conditions=[cond(building_area=Decimal("1500.00"))],
        )
    )
    flt = only(
        county(
            previous_conditions=[cond(year=YEAR - 1, building_area=1000)],
            conditions=[cond(building_area=1500.0)],
        )
    )
    assert dec == flt


def test_duplicate_fingerprint_changes_with_the_id_number_though_the_mask_does_not():
    def fp(id_number):
        data = county(id_rows=[r.IdRow(1, "T01", id_number), r.IdRow(2, "T07", id_number)])
        return r.run_rules(data)[0].fingerprint

    assert fp("421101198001010011") != fp("421101199901010011")


def test_a_differing_full_time_count_is_a_warning_with_both_figures_and_the_conditions_to_fix():
    data = county(
        conditions=[cond(full_time_total=10)],
        teacher_counts=[r.TeacherCounts(1, "小学", full_time=8)],
        roster_full_time={1: 8},
    )
    (finding,) = r.run_rules(data)
    assert (finding.rule, finding.severity, finding.target) == (
        "full_time_total",
        r.WARNING,
        r.TARGET_CONDITIONS,
    )
    assert finding.values == {"花名册": 8, "办学条件": 10}
    assert finding.message == "办学条件填报专任教师 10 人，教师花名册专任教师 8 人，相差 2 人"
