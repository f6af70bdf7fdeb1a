"""The 2017 per-school rule: 6 of 7 standards met, any other at ≥ 85% (domain.md §2.2)."""

from fractions import Fraction

import pytest

from indicators.engine import EngineSettings, assess_units, unit_compliance
from indicators.engine.rules import RULESETS
from tests.engine.engine_factories import unit

QUALITY = RULESETS["quality-2017"]
STUDENTS = 1000


def resources_at(stage: str, share: Fraction = Fraction(1), **overrides: Fraction) -> dict[str, float]:
    """Resources putting every indicator at ``share`` of its standard (per key overrides)."""
    out = {}
    for ind in QUALITY.indicators:
        s = overrides.get(ind.key, share)
        out[ind.resource] = float(Fraction(str(ind.standard[stage])) * s * STUDENTS / ind.per)
    return out


@pytest.mark.parametrize("stage", ["primary", "junior"])
def test_values_exactly_at_each_standard_meet_it(stage):
    c = unit_compliance(unit("1", stage, STUDENTS, **resources_at(stage)), QUALITY)
    assert c.meets == dict.fromkeys([i.key for i in QUALITY.indicators], True)
    assert c.met == 7
    assert c.passed is True


@pytest.mark.parametrize("stage", ["primary", "junior"])
def test_values_a_hair_below_a_standard_do_not_meet_it(stage):
    c = unit_compliance(unit("1", stage, STUDENTS, **resources_at(stage, Fraction(9999, 10000))), QUALITY)
    assert c.met == 0


@pytest.mark.parametrize("key", [i.key for i in QUALITY.indicators])
@pytest.mark.parametrize(
    ("share", "passes"),
    [(Fraction(85, 100), True), (Fraction(849, 1000), False), (Fraction(90, 100), True)],
)
def test_six_of_seven_pass_when_the_seventh_reaches_85_percent(key, share, passes):
    c = unit_compliance(unit("1", "primary", STUDENTS, **resources_at("primary", **{key: share})), QUALITY)
    assert c.met == 6
    assert c.meets[key] is False
    assert c.passed is passes


def test_a_unit_below_the_margin_names_the_indicator_and_its_share():
    c = unit_compliance(
        unit("1", "primary", STUDENTS, **resources_at("primary", building_area_pp=Fraction(849, 1000))),
        QUALITY,
    )
    assert c.reason == "学校1（小学）教学及辅助用房面积 为标准的 84.9%，低于 85%"


def test_five_of_seven_fail_even_when_both_others_are_close():
    shares = {"sports_area_pp": Fraction(99, 100), "multimedia_rooms_per100": Fraction(99, 100)}
    c = unit_compliance(unit("1", "junior", STUDENTS, **resources_at("junior", **shares)), QUALITY)
    assert c.met == 5
    assert c.passed is False
    assert c.reason == "学校1（初中）仅 5 项达标（未达标：体育运动场馆面积、网络多媒体教室数）"


def test_the_rule_follows_the_settings():
    u = unit("1", "primary", STUDENTS, **resources_at("primary", building_area_pp=Fraction(80, 100)))
    assert unit_compliance(u, QUALITY).passed is False
    assert unit_compliance(u, QUALITY, EngineSettings(unit_rule_margin=0.8)).passed is True
    assert (
        unit_compliance(u, QUALITY, EngineSettings(unit_rule_min_met=7, unit_rule_margin=0.8)).passed is False
    )


def test_basic_2012_has_no_per_school_rule():
    c = unit_compliance(unit("1", "primary", STUDENTS, **resources_at("primary")), RULESETS["basic-2012"])
    assert (c.meets, c.met, c.passed, c.reason) == (None, None, None, None)
    assert set(c.values) == {i.key for i in RULESETS["basic-2012"].indicators}


def test_failing_units_fail_the_quality_county_with_their_reason():
    units = [
        unit("1", "primary", STUDENTS, **resources_at("primary")),
        unit("2", "primary", STUDENTS, **resources_at("primary", Fraction(1), sports_area_pp=Fraction(1, 2))),
    ]
    result = assess_units(units, [], "quality-2017")
    rows = {row["school_code"]: row for row in result["units"]}
    assert rows["1"]["passed"] is True
    assert rows["2"]["passed"] is False
    assert rows["2"]["meets"]["sports_area_pp"] is False
    assert rows["2"]["values"]["sports_area_pp"] == pytest.approx(3.75)
    assert "学校2（小学）体育运动场馆面积 为标准的 50.0%，低于 85%" in result["reasons"]
    assert result["passed"] is False
