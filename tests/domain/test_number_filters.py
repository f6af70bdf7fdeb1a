"""The number filters are available in every template without {% load %} and print exactly
what domain.numbers prints."""

from fractions import Fraction

import pytest
from django.template import engines

from domain import numbers
from surveys.engine import Rate


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("source", "value", "text"),
    [
        ("{{ v|num }}", 2953148.835, "2,953,148.84"),
        ("{{ v|num:0 }}", 1069, "1,069"),
        ("{{ v|cv }}", 0.45, "0.450"),
        ("{{ v|pct }}", 0.9618, "96.2%"),
        ("{{ v|pct:2 }}", Fraction(1, 3), "33.33%"),
        ("{{ v|wan }}", 2953148.84, "295.31 万元"),
        ("{{ v|yes_no }}", 1.0, "是"),
        ("{{ v|signed }}", 3, "+3"),
        ("{{ v|num }}", None, numbers.UNDEFINED),
    ],
)
def test_filters_need_no_load_and_match_the_formatter(source, value, text):
    assert render(source, v=value) == text


def test_a_failing_survey_rate_never_prints_as_the_line():
    failing = Rate(rate=Fraction(849998, 1000000), valid=1000000)
    passing = Rate(rate=Fraction(8534, 10000), valid=10000)
    assert render("{{ r|pct }}", r=failing) == "84.9998%"
    assert render("{{ r|pct }}", r=passing) == "85.3%"
    assert render("{{ r|pct }}", r=Rate(rate=None, valid=0)) == numbers.UNDEFINED


def test_workbook_figures_stay_numbers_rounded_like_the_page():
    import io

    from openpyxl import load_workbook

    from balance_inspect.xlsx import Flagged, Num, Sheet, write_xlsx

    data = write_xlsx(
        [
            Sheet(
                "t",
                ["cv", "rate", "money"],
                [[Flagged(Num(0.4504, 3)), Num(0.9618, percent=True, digits=1), Num(2953148.835)]],
            )
        ]
    )
    ws = load_workbook(io.BytesIO(data)).active
    cv_cell, rate_cell, money_cell = ws[2]
    assert (cv_cell.value, cv_cell.number_format) == (0.45, "#,##0.000")
    assert cv_cell.fill.fgColor.rgb.endswith("F8D7DA")
    assert (rate_cell.value, rate_cell.number_format) == (0.962, "0.0%")
    assert (money_cell.value, money_cell.number_format) == (2953148.84, "#,##0.00")
