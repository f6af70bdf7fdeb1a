"""Retention rates (pure) and the formula setting."""

import pytest

from dropout_control import retention
from dropout_control.retention import CohortYear, junior_rate, nine_year_rate, rates_for


@pytest.mark.parametrize(
    ("graduates", "entrants", "rate"),
    [
        (950, 1000, 0.95),
        (0, 1000, 0.0),
        (10, 0, None),
        (None, 100, None),
        (10, None, None),
    ],
)
def test_nine_year_rate_is_graduates_over_grade1_entrants(graduates, entrants, rate):
    assert nine_year_rate(graduates, entrants) == rate


@pytest.mark.parametrize(
    ("args", "formula", "rate"),
    [
        ((485, 500, 10, 20, 0), "transfers-adjusted", 485 / 490),
        ((485, 500, 10, 20, 0), "simple", 485 / 500),
        ((490, 500, 0, 0, 1), "transfers-adjusted", 490 / 499),
        ((5, 0, 0, 0, 0), "simple", None),
        ((5, 10, 0, 10, 0), "transfers-adjusted", None),  # denominator 0
        ((5, 10, 0, 12, 1), "transfers-adjusted", None),  # denominator negative
        ((5, None, 0, 0, 0), "transfers-adjusted", None),
    ],
)
def test_junior_rate_by_formula(args, formula, rate):
    result = junior_rate(*args, formula=formula)
    if rate is None:
        assert result is None
    else:
        assert result == pytest.approx(rate)


def test_junior_rate_zero_denominator_is_undefined_not_an_error():
    assert junior_rate(0, 0, 0, 0, 0) is None


def test_an_unknown_formula_is_refused():
    with pytest.raises(ValueError, match="RETENTION_FORMULA"):
        junior_rate(1, 2, formula="fancy")


def test_rates_for_a_year_use_entrants_nine_and_three_years_earlier():
    years = retention.sum_years(
        [
            CohortYear(2016, grade1_entrants=600),
            CohortYear(2016, grade1_entrants=400),
            CohortYear(2022, grade7_entrants=980),
            CohortYear(2025, junior_graduates=950, transfers_in=12, transfers_out=20, deaths=2),
        ]
    )
    rates = rates_for(years, 2025)
    assert rates.nine_year == pytest.approx(0.95)
    assert rates.junior_denominator == 970
    assert rates.junior == pytest.approx(950 / 970)
    assert rates.junior_meets_target is True
    assert rates_for(years, 2025, "simple").junior == pytest.approx(950 / 980)


def test_missing_years_make_rates_undefined():
    rates = rates_for({2025: CohortYear(2025, junior_graduates=100)}, 2025)
    assert (rates.nine_year, rates.junior, rates.junior_meets_target) == (None, None, None)


def test_below_95_percent_misses_the_junior_target():
    years = {2022: CohortYear(2022, grade7_entrants=100), 2025: CohortYear(2025, junior_graduates=94)}
    assert rates_for(years, 2025).junior_meets_target is False


def test_a_mistyped_formula_setting_fails_the_system_check(settings):
    from dropout_control.apps import check_retention_formula

    settings.RETENTION_FORMULA = "simpel"
    assert [e.id for e in check_retention_formula()] == ["dropout_control.E001"]
    settings.RETENTION_FORMULA = "simple"
    assert check_retention_formula() == []
