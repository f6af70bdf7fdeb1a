"""Per-school gaps, coefficient plans and what-if (the 整改 arithmetic)."""

import copy
import random
from decimal import Decimal

import pytest

from indicators.engine import (
    UnitChange,
    assess_units,
    cv_plans,
    indicator_value,
    unit_gaps,
    what_if,
)
from indicators.engine.rules import RULESETS, reaches
from tests.engine.engine_factories import unit

QUALITY = RULESETS["quality-2017"]
BASIC = RULESETS["basic-2012"]
WHOLE = {"teachers", "rooms", "computers", "books"}


def half_of_every_standard(code="1", stage="primary", students=517):
    resources = {ind.resource: ind.standard[stage] * students / ind.per / 2 for ind in QUALITY.indicators}
    # Whole-unit resources must be whole in real data.
    for ind in QUALITY.indicators:
        if ind.kind in WHOLE:
            resources[ind.resource] = float(int(resources[ind.resource]))
    return unit(code, stage, students, **resources)


@pytest.mark.parametrize("stage", ["primary", "junior"])
@pytest.mark.parametrize("ind", QUALITY.indicators, ids=lambda i: i.key)
def test_gap_addition_is_the_smallest_that_meets_the_standard(stage, ind):
    u = half_of_every_standard(stage=stage)
    rows = {r["indicator"]: r for r in unit_gaps([u], "quality-2017")}
    row = rows[ind.key]
    standard = ind.standard[stage]
    step = 1 if ind.kind in WHOLE else Decimal("0.01")
    current = getattr(u, ind.resource)

    def value_after(addition):
        return (current + float(addition)) * ind.per / u.students

    assert reaches(value_after(row["addition"]), standard)
    assert not reaches(value_after(Decimal(str(row["addition"])) - step), standard)
    assert row["new_value"] == pytest.approx(value_after(row["addition"]))
    assert row["needed_resource"] == pytest.approx(standard * u.students / ind.per)
    assert row["standard"] == standard
    assert row["kind"] == ind.kind
    assert row["unit"] == ind.resource_unit
    if ind.kind in WHOLE:
        assert isinstance(row["addition"], int)
    else:
        assert Decimal(str(row["addition"])) == Decimal(str(row["addition"])).quantize(Decimal("0.01"))


def test_teacher_gap_example_rounds_up_to_whole_teachers():
    # 510 students need 4.2 × 5.1 = 21.42 qualified teachers: from 20, add 2 (21 would give 4.118).
    u = unit("1", "primary", 510, qualified_teachers=20)
    row = next(r for r in unit_gaps([u], "quality-2017") if r["indicator"] == "qualified_teachers_per100")
    assert row["addition"] == 2
    assert row["needed_resource"] == pytest.approx(21.42)


def test_units_at_the_standard_have_no_gap():
    u = unit("1", "primary", 500, qualified_teachers=21)
    assert not [r for r in unit_gaps([u], "quality-2017") if r["indicator"] == "qualified_teachers_per100"]


def test_gaps_from_an_assessment_result_match_gaps_from_units():
    units = [half_of_every_standard("1"), half_of_every_standard("2", "junior", 803)]
    from_units = unit_gaps(units, "quality-2017")
    from_result = unit_gaps(assess_units(units, [], "quality-2017"), "quality-2017")
    assert [(r["school_code"], r["indicator"], r["addition"]) for r in from_result] == [
        (r["school_code"], r["indicator"], r["addition"]) for r in from_units
    ]


def test_basic_2012_has_no_national_per_school_standards_to_gap():
    assert unit_gaps([half_of_every_standard()], "basic-2012") == []


RESOURCE_KIND = {i.resource: i.kind for rs in (QUALITY, BASIC) for i in rs.indicators}
PER_STUDENT_BASE = {  # comfortable per-student amounts (× per) of every resource
    "building_area": 7.0,
    "sports_area": 12.0,
    "equipment_value": 3000.0,
    "computers": 15.0,
    "books": 35.0,
    "multimedia_rooms": 3.5,
    "full_time_teachers": 0.07,
    "qualified_teachers": 6.0,
    "senior_title_teachers": 0.03,
    "backbone_teachers": 1.5,
    "pe_art_teachers": 1.4,
}
PER = {i.resource: i.per for rs in (QUALITY, BASIC) for i in rs.indicators}


def spread_county(wild=("sports_area", "backbone_teachers"), stage="primary", n=40, seed=7):
    """A county where the ``wild`` resources are very unequal and the rest is even."""
    rng = random.Random(seed)
    units = []
    for i in range(n):
        students = rng.randint(60, 900)
        resources = {}
        for resource, base in PER_STUDENT_BASE.items():
            factor = rng.choice([0.0, 0.2, 0.6, 1.5, 6.0]) if resource in wild else 1.0
            amount = base * factor * students / PER[resource]
            resources[resource] = float(round(amount)) if RESOURCE_KIND[resource] in WHOLE else amount
        units.append(unit(f"{i:010d}", stage, students, **resources))
    return units


def apply_plans(units, plans):
    changes = [
        UnitChange(s["school_code"], p["stage"], QUALITY_OR_BASIC_RESOURCE[p["indicator"]], s["addition"])
        for p in plans
        for s in p["schools"]
    ]
    return changes


QUALITY_OR_BASIC_RESOURCE = {i.key: i.resource for rs in (QUALITY, BASIC) for i in rs.indicators}


def test_quality_cv_plan_brings_each_failing_cv_under_its_threshold():
    units = spread_county()
    base = assess_units(units, [], "quality-2017")
    failing = {k for k, v in base["stages"]["primary"]["indicators"].items() if not v["cv_passed"]}
    assert failing == {"sports_area_pp", "backbone_teachers_per100"}

    plans = cv_plans(units, "quality-2017")
    assert {p["indicator"] for p in plans} == failing
    for plan in plans:
        assert plan["threshold"] == 0.5
        assert plan["passes"] is True
        assert plan["new_cv"] <= plan["threshold"]
        assert plan["current_cv"] > plan["threshold"]
        assert plan["total_addition"] == pytest.approx(sum(s["addition"] for s in plan["schools"]))
        assert all(s["new_value"] >= plan["floor_value"] - 1e-9 for s in plan["schools"])
        assert all(s["current_value"] < plan["floor_value"] for s in plan["schools"])
        if plan["kind"] in WHOLE:
            assert all(isinstance(s["addition"], int) and s["addition"] > 0 for s in plan["schools"])

    # Verified independently: the what-if with the plan's additions passes those coefficients.
    after = what_if(units, apply_plans(units, plans), "quality-2017")
    for plan in plans:
        recomputed = after["stages"]["primary"]["indicators"][plan["indicator"]]
        assert recomputed["cv"] == pytest.approx(plan["new_cv"], abs=1e-12)
        assert recomputed["cv_passed"] is True


def test_cv_plan_floor_is_the_lowest_that_works():
    units = spread_county()
    plan = next(p for p in cv_plans(units, "quality-2017") if p["indicator"] == "sports_area_pp")
    ind = QUALITY.indicator("sports_area_pp")
    lower = plan["floor_value"] * 0.99
    raised = [
        unit(u.school_code, u.stage, u.students, sports_area=max(indicator_value(u, ind), lower) * u.students)
        for u in units
    ]
    cv = assess_units(raised, [], "quality-2017")["stages"]["primary"]["indicators"]["sports_area_pp"]["cv"]
    assert cv > 0.5


def test_basic_cv_plans_cap_the_highest_cvs_until_the_composite_passes():
    wild = ("sports_area", "equipment_value", "books", "computers", "senior_title_teachers", "building_area")
    units = spread_county(wild, n=30, seed=3)
    base = assess_units(units, [], "basic-2012")["stages"]["primary"]
    assert base["composite_cv"] > 0.65

    plans = cv_plans(units, "basic-2012")
    assert plans
    cap = plans[0]["threshold"]
    assert all(p["threshold"] == cap for p in plans)
    planned = {p["indicator"] for p in plans}
    # The planned indicators are exactly those whose CV is above the common cap.
    assert planned == {k for k, v in base["indicators"].items() if v["cv"] > cap}
    assert all(p["new_cv"] <= cap for p in plans)
    assert plans[0]["composite_cv"] == pytest.approx(base["composite_cv"])
    assert plans[0]["composite_cv_after"] <= 0.65

    after = what_if(units, apply_plans(units, plans), "basic-2012")
    assert after["stages"]["primary"]["composite_cv"] <= 0.65
    assert after["stages"]["primary"]["composite_cv"] == pytest.approx(
        plans[0]["composite_cv_after"], abs=1e-12
    )
    assert after["passed"] is True


def test_no_plans_when_everything_passes():
    even = [
        unit(str(i), "primary", 100 + i, **{r: 500.0 for r in QUALITY_OR_BASIC_RESOURCE.values()})
        for i in range(3)
    ]
    assert cv_plans(even, "quality-2017") == []
    assert cv_plans(even, "basic-2012") == []


def test_what_if_does_not_touch_its_inputs():
    units = spread_county(n=5)
    snapshot = copy.deepcopy(units)
    changes = [UnitChange(units[0].school_code, "primary", "books", 1000)]
    before = assess_units(units, [], "basic-2012")
    after = what_if(units, changes, "basic-2012")
    assert units == snapshot
    assert changes == [UnitChange(units[0].school_code, "primary", "books", 1000)]
    assert after["units"][0]["values"]["books_pp"] == pytest.approx(
        before["units"][0]["values"]["books_pp"] + 1000 / units[0].students
    )


def test_what_if_changes_students_and_adds_up_repeated_changes():
    units = [unit("1", "primary", 100, books=1000), unit("2", "primary", 100, books=3000)]
    changes = [
        UnitChange("1", "primary", "students", 100),
        UnitChange("1", "primary", "books", 500),
        UnitChange("1", "primary", "books", 500),
    ]
    row = what_if(units, changes, "basic-2012")["units"][0]
    assert row["students"] == 200
    assert row["values"]["books_pp"] == 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (UnitChange("9", "primary", "books", 1), "找不到单元"),
        (UnitChange("1", "junior", "books", 1), "找不到单元"),
        (UnitChange("1", "primary", "school_name", 1), "不能调整的字段"),
        (UnitChange("1", "primary", "students", 0.5), "须为整数"),
        (UnitChange("1", "primary", "books", -2000), "为负数"),
    ],
)
def test_what_if_rejects_impossible_changes(change, message):
    with pytest.raises(ValueError, match=message):
        what_if([unit("1", "primary", 100, books=1000)], [change], "basic-2012")


def test_what_if_leaves_out_a_unit_whose_students_drop_to_zero():
    units = [unit("1", "primary", 100, books=1000), unit("2", "primary", 100, books=3000)]
    result = what_if(units, [UnitChange("1", "primary", "students", -100)], "basic-2012")
    assert [r["school_code"] for r in result["units"]] == ["2"]
    assert result["warnings"] == ["学校1（1）小学部分在校生为 0，未计入差异系数"]
