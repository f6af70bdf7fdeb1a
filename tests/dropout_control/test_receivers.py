"""What dropout control sends through balance_inspect.signals: the assessment item 初中三年巩固率
(selectors.county_retention, domain.md §7 by settings.RETENTION_FORMULA) and a readiness row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dropout_control import receivers, selectors, services
from dropout_control.models import DropoutCase
from indicators.services import county_item_rows


def item(county, year=2025):
    return next(r for r in county_item_rows(county, year, "quality-2017") if r["key"] == "junior_retention")


def cohort(bureau, school, *, entrants, graduates, transfers_in=0, transfers_out=0, deaths=0):
    """Grade-7 entrants of 2022 and the junior graduates of 2025 (the cohort of school year 2025)."""
    services.cohort_save(user=bureau, school=school, year=2022, figures={"grade7_entrants": entrants})
    services.cohort_save(
        user=bureau,
        school=school,
        year=2025,
        figures={
            "junior_graduates": graduates,
            "transfers_in": transfers_in,
            "transfers_out": transfers_out,
            "deaths": deaths,
        },
    )


def test_a_county_with_80_percent_retention_fails_the_item(bureau, county, school_a):
    cohort(bureau, school_a, entrants=200, graduates=160)
    row = item(county)
    assert row["source"] == "provider" and row["passed"] is False
    assert row["value"] == pytest.approx(80) and row["value_text"] == "80.0%"
    assert "2025 年初中毕业生 160 人 ÷ 2022 年初一入学 + 转入 − 转出 − 死亡 200 人 = 80.0%" in row["detail"]


def test_transfers_and_deaths_adjust_the_denominator_by_the_formula_setting(
    bureau, county, school_a, settings
):
    # 190 / (200 + 4 − 12 − 1) = 190 / 191 = 99.5 %; the simple formula gives 190 / 200 = 95 %, still passing.
    cohort(bureau, school_a, entrants=200, graduates=190, transfers_in=4, transfers_out=12, deaths=1)
    assert (item(county)["passed"], item(county)["value_text"]) == (True, "99.5%")
    settings.RETENTION_FORMULA = "simple"
    row = item(county)
    assert (row["passed"], row["value_text"]) == (True, "95.0%")
    assert "÷ 2022 年初一入学 200 人" in row["detail"]


def test_just_below_the_line_prints_a_figure_that_does_not_round_up_to_it(bureau, county, school_a):
    cohort(bureau, school_a, entrants=2000, graduates=1899)  # 94.95 %
    row = item(county)
    assert row["passed"] is False and row["value_text"] == "94.95%"


def test_every_school_of_the_county_counts(bureau, county, school_a, school_b):
    cohort(bureau, school_a, entrants=100, graduates=100)
    cohort(bureau, school_b, entrants=100, graduates=80)
    assert item(county)["value"] == pytest.approx(90) and item(county)["passed"] is False


@pytest.mark.parametrize("entered", ["nothing", "entrants only", "graduates only"])
def test_without_a_whole_cohort_the_item_is_no_data_not_passed(bureau, county, school_a, entered):
    if entered == "entrants only":
        services.cohort_save(user=bureau, school=school_a, year=2022, figures={"grade7_entrants": 100})
    if entered == "graduates only":
        services.cohort_save(user=bureau, school=school_a, year=2025, figures={"junior_graduates": 96})
    row = item(county)
    assert row["source"] == "provider" and row["passed"] is None and row["value"] is None
    assert "尚未填报" in row["detail"]


def test_the_readiness_row_fails_with_an_overdue_case(county, case_a, case_b):
    (row,) = receivers.readiness_rows(None, county=county, year=2025)
    assert (row["area"], row["status"], row["detail"]) == ("控辍保学", "at_risk", "在办 2 件，均未逾期")
    # Reported 30 days ago and nobody visited: overdue by the one definition (selectors.overdue_now).
    reported = timezone.localdate() - timedelta(days=30)
    DropoutCase.objects.filter(pk=case_a.pk).update(reported_on=reported, absent_since=reported)
    (row,) = receivers.readiness_rows(None, county=county, year=2025)
    assert (row["status"], row["detail"]) == ("fail", "在办 2 件，其中逾期 1 件")


def test_the_readiness_row_passes_without_open_cases(county):
    (row,) = receivers.readiness_rows(None, county=county, year=2025)
    assert row["status"] == "pass"


def test_county_retention_is_what_the_item_shows(bureau, county, school_a):
    cohort(bureau, school_a, entrants=103, graduates=100)
    figure = selectors.county_retention(county, 2025)
    row = item(county)
    assert row["value_text"] == figure["junior_text"] and row["passed"] is figure["passed"] is True
