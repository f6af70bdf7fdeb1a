"""Gap plans, coefficient plans and the what-if at school level for multi-stage schools.

A 九年一贯制 / 十二年一贯制 school or 完全中学 shares its buildings, grounds, equipment, computers,
books and multimedia rooms among its parts by student-equivalents (domain.md §4: 小学 1 : 初中 1.1 :
高中 1.32; 1 : 1.1; 初中 1 : 高中 1.2). A part receives only its share of what is added to the school,
so a plan must state the addition to the whole school. Teachers belong to their stage: not split.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.engine import (
    SCHOOL,
    EngineSettings,
    UnitChange,
    apply_changes,
    assess,
    build_units,
    cv_plans,
    indicator_value,
    plan_changes,
    unit_gaps,
    what_if,
)
from indicators.engine.rules import RULESETS, within
from tests.engine.engine_factories import school, teachers

QUALITY = RULESETS["quality-2017"]
WHOLE = {"teachers", "rooms", "computers", "books"}
NINE, TWELVE, COMPLETE = "九年一贯制学校", "十二年一贯制学校", "完全中学"


def values(units, key):
    ind = next(i for rs in RULESETS.values() for i in rs.indicators if i.key == key)
    return {u.key: indicator_value(u, ind) for u in units}


def test_worked_split_example_of_domain_md_is_the_one_share_formula():
    built = build_units([school("1", NINE, primary=166, junior=210, books=23226)], [])
    primary, junior = built.units
    assert (round(primary.books, 1), round(junior.books, 1)) == (9711.6, 13514.4)
    split = built.splits["1"]
    # The plans and the what-if use the very same share: 166 / (166 + 1.1 × 210) of what is added.
    assert split.part_of(23226, "primary") == primary.books
    assert split.part_of(23226, "junior") == junior.books
    assert split.part_of(397, "primary") == pytest.approx(166)


def test_single_stage_schools_have_no_split():
    built = build_units([school("1", primary=100), school("2", "初中", junior=100)], [])
    assert built.splits == {}


# A nine-year school, 400 primary + 300 junior pupils, 3500 ㎡ of teaching rooms shared by
# 400 + 1.1 × 300 = 730 student-equivalents: the primary part gets 1917.81 ㎡ (4.79 ≥ 4.5), the
# junior part 1582.19 ㎡ (5.27 < 5.8). The junior part needs 1740 ㎡, i.e. 157.81 ㎡ more for
# itself, which it only gets from 157.81 × 730 / 330 = 349.08 ㎡ added to the whole school.
def nine_year_short_of_building_area():
    return build_units(
        [school("1", NINE, primary=400, junior=300, building_area=3500, multimedia_rooms=14)], []
    )


def test_nine_year_junior_part_gap_is_the_addition_to_the_whole_school():
    built = nine_year_short_of_building_area()
    rows = [
        r
        for r in unit_gaps(built.units, "quality-2017", built.splits)
        if r["indicator"] == "building_area_pp"
    ]
    assert [r["stage"] for r in rows] == ["junior"]
    row = rows[0]
    need_for_part = 5.8 * 300 - 3500 * 330 / 730
    assert row["school_level"] is True and row["counted"] is True
    assert row["share"] == pytest.approx(330 / 730)
    assert row["addition"] == pytest.approx(need_for_part * 730 / 330, abs=0.01)
    assert row["addition"] > need_for_part + 100  # not the part's own need (the old, wrong figure)
    assert row["part_addition"] == pytest.approx(row["addition"] * 330 / 730)
    assert row["change"] == {
        "school_code": "1",
        "stage": SCHOOL,
        "field": "building_area",
        "delta": row["addition"],
    }


def test_the_plans_school_addition_through_the_what_if_lifts_the_part_exactly():
    built = nine_year_short_of_building_area()
    row = next(
        r
        for r in unit_gaps(built.units, "quality-2017", built.splits)
        if r["indicator"] == "building_area_pp"
    )
    ind = QUALITY.indicator("building_area_pp")

    def junior_value(delta):
        result = what_if(
            built.units,
            [UnitChange("1", SCHOOL, "building_area", delta)],
            "quality-2017",
            splits=built.splits,
        )
        return next(u for u in result["units"] if u["stage"] == "junior")["values"][ind.key]

    assert junior_value(row["addition"]) >= 5.8 - 1e-12
    assert junior_value(row["addition"]) == pytest.approx(row["new_value"], abs=1e-12)
    assert junior_value(float(Decimal(str(row["addition"])) - Decimal("0.01"))) < 5.8
    # The part's own need, added to the school, is not enough: that was finding 5.
    assert junior_value(round(5.8 * 300 - 3500 * 330 / 730 + 0.005, 2)) < 5.8


def test_when_both_parts_fall_short_one_school_addition_lifts_both():
    # 14 multimedia rooms over 730 equivalents: primary 7.67 (1.92 per 100 < 2.3), junior 6.33
    # (2.11 < 2.4). Whole rooms: the larger need wins and is counted once.
    built = nine_year_short_of_building_area()
    rows = [
        r
        for r in unit_gaps(built.units, "quality-2017", built.splits)
        if r["indicator"] == "multimedia_rooms_per100"
    ]
    assert sorted(r["stage"] for r in rows) == ["junior", "primary"]
    assert len({r["addition"] for r in rows}) == 1 and isinstance(rows[0]["addition"], int)
    assert sum(r["counted"] for r in rows) == 1
    binding = next(r for r in rows if r["counted"])
    assert binding["addition"] == max(r["own_addition"] for r in rows)
    assert all(r["lifts"] == ["primary", "junior"] for r in rows)

    def per100(delta):
        result = what_if(
            built.units,
            [UnitChange("1", SCHOOL, "multimedia_rooms", delta)],
            "quality-2017",
            splits=built.splits,
        )
        return {u["stage"]: u["values"]["multimedia_rooms_per100"] for u in result["units"]}

    after = per100(binding["addition"])
    assert after["primary"] >= 2.3 and after["junior"] >= 2.4
    one_less = per100(binding["addition"] - 1)
    assert (
        one_less[binding["stage"]] < QUALITY.indicator("multimedia_rooms_per100").standard[binding["stage"]]
    )


def test_complete_middle_school_junior_part_shares_with_the_senior_part():
    # 完全中学: 初中 1 : 高中 1.2. 500 junior + 500 senior pupils: the junior part gets 500 / 1100 of
    # any addition; the senior share leaves the assessment.
    built = build_units([school("1", COMPLETE, junior=500, senior=500, sports_area=6000)], [])
    row = next(
        r for r in unit_gaps(built.units, "quality-2017", built.splits) if r["indicator"] == "sports_area_pp"
    )
    assert row["share"] == pytest.approx(500 / 1100)
    needed_part = 10.2 * 500 - 6000 * 500 / 1100
    assert row["addition"] == pytest.approx(needed_part * 1100 / 500, abs=0.01)
    result = what_if(built.units, plan_changes([row]), "quality-2017", splits=built.splits)
    assert result["units"][0]["values"]["sports_area_pp"] >= 10.2


def test_teacher_gaps_stay_with_their_part():
    built = build_units(
        [school("1", NINE, primary=400, junior=300)],
        [teachers("1", "小学", 10, education="本科"), teachers("1", "初中", 10, education="本科")],
    )
    rows = [
        r
        for r in unit_gaps(built.units, "quality-2017", built.splits)
        if r["indicator"] == "qualified_teachers_per100"
    ]
    assert {r["stage"] for r in rows} == {"primary", "junior"}
    for r in rows:
        assert r["school_level"] is False and r["change"]["stage"] == r["stage"] and r["counted"]
    # 4.2 × 4 = 16.8 → 7 more primary teachers; 5.3 × 3 = 15.9 → 6 more junior teachers.
    assert {r["stage"]: r["addition"] for r in rows} == {"primary": 7, "junior": 6}


def test_what_if_on_a_multi_stage_school_equals_rebuilding_from_the_changed_facts():
    facts = dict(primary=400, junior=300, building_area=3500, books=20000, computers=50)
    built = build_units([school("1", NINE, **facts), school("2", primary=300, books=9000)], [])
    changes = [
        UnitChange("1", "junior", "books", 1000),  # a part named: shared resources are the school's
        UnitChange("1", SCHOOL, "building_area", 250.5),
        UnitChange("1", "junior", "students", 60),  # more junior pupils: the school is re-split
    ]
    changed = apply_changes(built.units, changes, built.splits)
    rebuilt = build_units(
        [
            school("1", NINE, **{**facts, "books": 21000, "building_area": 3750.5, "junior": 360}),
            school("2", primary=300, books=9000),
        ],
        [],
    ).units
    assert [u.key for u in changed] == [u.key for u in rebuilt]
    for a, b in zip(changed, rebuilt, strict=True):
        assert a.students == b.students
        for name in ("books", "building_area", "computers"):
            assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-12), (a.key, name)


def test_whole_school_changes_of_students_or_teachers_are_refused():
    built = nine_year_short_of_building_area()
    for field in ("students", "full_time_teachers"):
        with pytest.raises(ValueError, match="须按学段调整"):
            apply_changes(built.units, [UnitChange("1", SCHOOL, field, 1)], built.splits)
    with pytest.raises(ValueError, match="为负数"):
        apply_changes(built.units, [UnitChange("1", SCHOOL, "building_area", -3501)], built.splits)


def test_without_splits_each_unit_is_its_own_school():
    built = nine_year_short_of_building_area()
    row = next(r for r in unit_gaps(built.units, "quality-2017") if r["indicator"] == "building_area_pp")
    assert row["school_level"] is False and row["change"]["stage"] == "junior"


def test_cv_plan_for_a_part_adds_to_its_whole_school_and_reaches_the_line():
    # Eight primary schools and a nine-year school whose primary part is far below the others on
    # equipment: the plan raises it through the whole school.
    schools = [school(str(i), primary=300, equipment_value=300 * 3000.0) for i in range(8)]
    schools.append(school("9", NINE, primary=1200, junior=400, equipment_value=200_000))
    schools.append(school("10", "初中", junior=400, equipment_value=400 * 3000.0))
    built = build_units(schools, [])
    plans = cv_plans(built.units, "quality-2017", built.splits)
    plan = next(p for p in plans if p["stage"] == "primary" and p["indicator"] == "equipment_value_pp")
    entry = next(s for s in plan["schools"] if s["school_code"] == "9")
    assert entry["school_level"] is True and entry["change"]["stage"] == SCHOOL
    assert entry["part_addition"] == pytest.approx(entry["addition"] * 1200 / 1640)
    after = what_if(built.units, plan_changes(plans=plans), "quality-2017", splits=built.splits)
    for p in plans:
        recomputed = after["stages"][p["stage"]]["indicators"][p["indicator"]]["cv"]
        assert recomputed == pytest.approx(p["new_cv"], abs=1e-12)
        assert within(recomputed, p["threshold"])


# --- property: random counties with multi-stage schools ---------------------------------------

TYPES = ("小学", "初中", NINE, TWELVE, COMPLETE)
STANDARD_PER_STUDENT = {  # quality-2017 primary standard per student (the junior one is close)
    "building_area": 4.5,
    "sports_area": 7.5,
    "equipment_value": 2000.0,
    "computers": 0.12,
    "books": 30.0,
    "multimedia_rooms": 0.023,
}
WHOLE_FIELDS = {"computers", "books", "multimedia_rooms"}


@st.composite
def counties(draw):
    n = draw(st.integers(min_value=2, max_value=9))
    schools, groups = [], []
    for i in range(n):
        kind = draw(st.sampled_from(TYPES))
        stages = {
            "小学": ("小学",),
            "初中": ("初中",),
            NINE: ("小学", "初中"),
            TWELVE: ("小学", "初中", "高中"),
            COMPLETE: ("初中", "高中"),
        }[kind]
        students = {s: draw(st.integers(min_value=1, max_value=1500)) for s in stages}
        total = sum(students.values())
        resources = {}
        for name, per_student in STANDARD_PER_STUDENT.items():
            # From far below the standard to far above: gaps, and coefficients well over their lines.
            amount = total * per_student * draw(st.sampled_from([0.01, 0.05, 0.3, 0.8, 1.2, 3.0, 20.0]))
            amount *= draw(st.floats(min_value=0.8, max_value=1.2))
            resources[name] = float(round(amount)) if name in WHOLE_FIELDS else round(amount, 2)
        code = f"{i:04d}"
        schools.append(
            school(
                code,
                kind,
                primary=students.get("小学", 0),
                junior=students.get("初中", 0),
                senior=students.get("高中", 0),
                **resources,
            )
        )
        for stage in stages:
            if stage == "高中":
                continue
            size = draw(st.integers(min_value=0, max_value=max(1, students[stage] // 8)))
            if size:
                groups.append(
                    teachers(
                        code,
                        stage,
                        size,
                        education=draw(st.sampled_from(["本科", "专科"])),
                        backbone=draw(st.sampled_from(["无", "县级"])),
                        subject=draw(st.sampled_from(["语文", "体育"])),
                        title=draw(st.sampled_from(["二级", "一级"])),
                    )
                )
    weights = draw(st.sampled_from([None, {"小学": 1, "初中": 1}, {"小学": 1, "初中": 1.3}]))
    settings_ = EngineSettings(nine_year_weights=weights) if weights else EngineSettings()
    return schools, groups, settings_


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counties())
def test_applying_every_addition_of_the_gap_plan_lifts_every_addressed_unit(county):
    schools, groups, engine_settings = county
    built = build_units(schools, groups, engine_settings)
    rows = unit_gaps(built.units, "quality-2017", built.splits)
    after = {u.key: u for u in apply_changes(built.units, plan_changes(rows), built.splits)}
    for row in rows:
        ind = QUALITY.indicator(row["indicator"])
        value = indicator_value(after[(row["school_code"], row["stage"])], ind)
        assert value >= row["standard"] * (1 - 1e-9), row
        assert value == pytest.approx(row["new_value"], rel=1e-12)
        if row["school_level"]:
            assert row["change"]["stage"] == SCHOOL and 0 < row["share"] <= 1
        else:
            assert row["change"]["stage"] == row["stage"] and row["share"] == 1
    # Each counted addition is the smallest: one step less leaves its binding part short.
    for row in (r for r in rows if r["counted"]):
        ind = QUALITY.indicator(row["indicator"])
        step = 1 if ind.kind in WHOLE else Decimal("0.01")
        less = float(Decimal(str(row["addition"])) - step)
        if less <= 0:
            continue
        others = [c for c in plan_changes(rows) if c != UnitChange(**row["change"])]
        short = {
            u.key: u
            for u in apply_changes(
                built.units, [*others, UnitChange(**{**row["change"], "delta": less})], built.splits
            )
        }
        assert indicator_value(short[(row["school_code"], row["stage"])], ind) < row["standard"] * (1 - 1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counties(), st.sampled_from(["quality-2017", "basic-2012"]))
def test_applying_every_cv_plan_brings_each_planned_coefficient_under_its_line(county, scheme):
    schools, groups, engine_settings = county
    built = build_units(schools, groups, engine_settings)
    plans = cv_plans(built.units, scheme, built.splits)
    result = what_if(
        built.units, plan_changes(plans=plans), scheme, settings=engine_settings, splits=built.splits
    )
    rs = RULESETS[scheme]
    for p in plans:
        cv = result["stages"][p["stage"]]["indicators"][p["indicator"]]["cv"]
        assert cv == pytest.approx(p["new_cv"], abs=1e-12)
        assert p["passes"] and within(cv, p["threshold"]), p
    for stage, doc in result["stages"].items():
        if not doc["units"]:
            continue
        cvs = {k: v["cv"] for k, v in doc["indicators"].items()}
        if None in cvs.values():
            continue  # undefined coefficients get no plan (nothing to raise from)
        if rs.cv_rule == "each":
            assert all(within(v, rs.cv_thresholds[stage]) for v in cvs.values()), (stage, cvs)
        else:
            assert within(sum(cvs.values()) / len(cvs), rs.cv_thresholds[stage]), (stage, cvs)


def test_assess_from_facts_agrees_with_the_split_the_plans_use():
    # The plans' share arithmetic and build_units' split are one formula: adding the plan's
    # addition to the school's facts and assessing again gives the plan's new value.
    facts = dict(primary=400, junior=300, building_area=3500)
    built = build_units([school("1", NINE, **facts)], [])
    row = next(
        r
        for r in unit_gaps(built.units, "quality-2017", built.splits)
        if r["indicator"] == "building_area_pp"
    )
    again = assess(
        [school("1", NINE, **{**facts, "building_area": 3500 + row["addition"]})], [], [], "quality-2017"
    )
    junior = next(u for u in again["units"] if u["stage"] == "junior")
    assert junior["values"]["building_area_pp"] >= 5.8
    assert junior["values"]["building_area_pp"] == pytest.approx(row["new_value"], rel=1e-12)
