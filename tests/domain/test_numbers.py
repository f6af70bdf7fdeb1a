"""The one number formatter (domain.numbers): official rounding, grouping, units, undefined,
yes/no, and verdict text that never contradicts the verdict."""

from decimal import Decimal
from fractions import Fraction

import pytest

from domain import numbers as n


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.515257, 3, "0.515"),  # domain.md §3 worked example
        (0.5155, 3, "0.516"),  # stored as 0.51549999…: read through its repr, as printed
        (0.45, 3, "0.450"),  # the same CV prints 0.450 everywhere, never 0.45
        (2.675, 2, "2.68"),  # half up, not banker's and not the float's 2.67499…
        (2.665, 2, "2.67"),
        (Decimal("0.0005"), 3, "0.001"),
        (-0.0005, 3, "-0.001"),  # half away from zero
        (-0.0001, 3, "0.000"),  # no "-0.000"
        (Fraction(2, 3), 3, "0.667"),
        (Fraction(1, 8), 2, "0.13"),  # exact half of a Fraction goes up
        (2953148.835, 2, "2,953,148.84"),  # grouped thousands
        (1488.8888, 2, "1,488.89"),
        (999.995, 2, "1,000.00"),
        (12345, 0, "12,345"),
        (7, 2, "7.00"),
        ("1,234.5", 1, "1,234.5"),
    ],
)
def test_num_rounds_half_up_and_groups_thousands(value, digits, text):
    assert n.num(value, digits) == text


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), "", "abc"])
def test_every_undefined_value_prints_the_one_label(value):
    assert n.num(value) == n.UNDEFINED
    assert n.cv(value) == n.UNDEFINED
    assert n.pct(value) == n.UNDEFINED
    assert n.wan(value) == n.UNDEFINED
    assert n.yes_no(value) == n.UNDEFINED
    assert n.against(value, 85, 1) == n.UNDEFINED


@pytest.mark.parametrize(
    ("func", "value", "text"),
    [
        (n.mean, 6.334437, "6.33"),
        (n.cv, 0.45, "0.450"),
        (n.cv, 0.4504, "0.450"),
        (n.count, 1069, "1,069"),
        (n.pct, 0.9618, "96.2%"),  # 巩固率 prints as a percentage, 1 decimal
        (n.pct, 0.0285, "2.9%"),  # ×100 exactly, not 2.8499999…
        (n.pct, Fraction(1, 8), "12.5%"),
        (n.pct, 1, "100.0%"),
        (n.wan, 2953148.84, "295.31 万元"),
        (n.yuan, 2953148.84, "2,953,148.84 元"),
        (n.signed, 3, "+3"),
        (n.signed, -2, "-2"),
        (n.signed, 0, "0"),
        (n.line, 85, "85"),
        (n.line, 0.45, "0.45"),
        (n.line, 2000, "2,000"),
        (n.line, Decimal("4.50"), "4.5"),
    ],
)
def test_named_formats_use_the_official_places(func, value, text):
    assert func(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "是"),
        (False, "否"),
        (1, "是"),
        (1.0, "是"),
        (Decimal("1.0000"), "是"),
        (0, "否"),
        ("1", "是"),
        ("0", "否"),
        ("是", "是"),
        ("否", "否"),
    ],
)
def test_yes_no_items_print_yes_or_no_never_one(value, text):
    assert n.yes_no(value) == text


@pytest.mark.parametrize(
    ("value", "limit", "digits", "at_least", "text"),
    [
        (84.9998, 85, 1, True, "84.9998"),  # failing: never "85.0" beside "低于 85"
        (84.96, 85, 1, True, "84.96"),
        (84.94, 85, 1, True, "84.9"),  # already below the line at 1 place
        (85.0, 85, 1, True, "85.0"),  # exactly at the line passes and prints it
        (85.04, 85, 1, True, "85.0"),  # passing values keep the usual places
        (1999.996, 2000, 2, True, "1,999.996"),
        (0.4504, 0.45, 3, False, "0.4504"),  # a CV failing "≤ 0.45" never reads 0.450
        (0.45049, 0.45, 3, False, "0.4505"),
        (0.4496, 0.45, 3, False, "0.450"),  # passing CV at the line prints it
        (0.52, 0.45, 3, False, "0.520"),
    ],
)
def test_verdict_figure_never_contradicts_the_verdict(value, limit, digits, at_least, text):
    shown = n.against(value, limit, digits, at_least=at_least)
    assert shown == text
    passed = value >= limit if at_least else value <= limit
    printed = Decimal(shown.replace(",", ""))
    assert (printed >= Decimal(repr(limit)) if at_least else printed <= Decimal(repr(limit))) == passed


def test_verdict_given_by_the_engine_wins_over_a_recomputed_one():
    # The engine may judge a value within float noise of the line as reaching it.
    assert n.against(84.99999999999999, 85, 1, passed=True) == "85.0"
    assert n.against(85.0, 85, 1, passed=False) != "85.0"


@pytest.mark.parametrize(
    ("rate", "limit", "text"),
    [
        (0.849998, 0.85, "84.9998%"),
        (Fraction(8499, 10000), Fraction(85, 100), "84.99%"),
        (0.8534, 0.85, "85.3%"),
        (0.95, 0.95, "95.0%"),
        (None, 0.85, n.UNDEFINED),
    ],
)
def test_rate_verdicts_print_percentages_consistent_with_the_line(rate, limit, text):
    assert n.pct_against(rate, limit) == text


@pytest.mark.parametrize(
    ("value", "digits", "percent", "cell", "fmt"),
    [
        (0.45, 3, False, 0.45, "#,##0.000"),
        (0.4504, 3, False, 0.45, "#,##0.000"),
        (2953148.835, 2, False, 2953148.84, "#,##0.00"),
        (0.9618, 1, True, 0.962, "0.0%"),
        (1069, 0, False, 1069.0, "#,##0"),
        (None, 2, False, None, "#,##0.00"),
    ],
)
def test_workbook_cells_hold_the_rounded_number_with_a_matching_format(value, digits, percent, cell, fmt):
    assert n.xlsx_value(value, digits, percent=percent) == cell
    assert n.xlsx_format(digits, percent=percent) == fmt
