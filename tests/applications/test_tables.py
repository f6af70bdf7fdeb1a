"""applications.tables: the form's rules without a database (eligibility, rounding, layout)."""

from fractions import Fraction

import pytest

from applications import tables
from applications.tables import Figure, SurveyGroup, Visits


@pytest.mark.parametrize(
    ("recognised", "eligible"), [(2021, True), (2023, True), (2024, False), (2026, False)]
)
def test_a_county_is_eligible_three_years_after_its_basic_recognition(recognised, eligible):
    # Data of school year 2025 (2025—2026) support the application filed by March 2026.
    out = tables.eligibility(recognised, 2025)
    assert out["application_year"] == 2026
    assert out["eligible"] is eligible
    assert str(recognised) in out["text"]


def test_eligibility_without_a_recognition_year_is_unknown_and_says_what_is_needed():
    out = tables.eligibility(None, 2025)
    assert out["eligible"] is None
    assert "2023 年或以前" in out["text"]


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(0.5155, 3, "0.516"), (2.675, 2, "2.68"), (1234.5, 0, "1,235"), (None, 2, "＿"), (0, 0, "0")],
)
def test_figures_round_half_up_only_when_printed(value, digits, text):
    figure = Figure(value, digits)
    assert figure.text == text
    assert figure.value == value  # kept unrounded


def test_table_6_prints_rates_to_one_place_and_leaves_missing_visits_blank():
    table = tables.table_6(
        SurveyGroup(questionnaires=600, valid=590, rate=Fraction(5293, 6000), satisfied=520, passed=True),
        SurveyGroup(questionnaires=300, valid=298, rate=0.9, satisfied=280, passed=True),
        Visits(visited=120, satisfied=113),
    )
    total, parents = table.rows
    assert [c.text for c in total[1:]] == ["600", "590", "88.2", "520", "120", "113", "94.2"]
    assert [c.text for c in parents[1:]] == ["300", "298", "90.0", "280", "＿", "＿", "＿"]
    assert table.codes == ["", "L1", "L2", "L3", "L4", "L5", "L6", "L7"]
    assert tables.blank_cells(table) == ["L5", "L6", "L7"]


def test_a_failing_rate_is_never_printed_as_the_85_percent_line():
    table = tables.table_6(
        SurveyGroup(questionnaires=10, valid=10, rate=Fraction(849998, 1000000), satisfied=8, passed=False),
        SurveyGroup(questionnaires=0, valid=0, rate=None, satisfied=0),
        Visits(),
    )
    assert table.rows[0][3].text == "84.9998"


def test_header_spans_cover_every_column_of_table_1_once():
    counts = tables.CountyCounts(
        townships=8,
        schools_by_type={"小学": 3},
        teaching_points=1,
        teaching_points_50=1,
        classes={"小学": 20, "初中": 0},
        students={"小学": 900, "初中": 0},
        staff={"小学": 60, "初中": 0},
        full_time={"小学": 57, "初中": 0},
    )
    table = tables.table_1(counts, dict.fromkeys(tables.FACT_FIELDS))
    covered = {}
    for s in table.header:
        for r in range(s.row, s.row + s.rowspan):
            for c in range(s.col, s.col + s.colspan):
                assert (r, c) not in covered, (r, c)
                covered[(r, c)] = s.text
    assert len(covered) == table.header_rows * table.columns == 3 * 24
    assert table.codes == [f"L{i}" for i in range(1, 25)]
    row = table.rows[0]
    assert len(row) == 24
    assert [c.text for c in row[20:]] == ["60", "57", "0", "0"]
    assert row[0].text == "＿" and row[13].text == "＿"  # population, special schools: entered facts
