"""Trends across school years: counts from the school data, CVs from stored assessments."""

import re

import pytest
from django.urls import reverse

from dashboard.selectors import trend_rows
from indicators.services import assessment_run_now

URL = reverse("dashboard:trends")


@pytest.fixture
def two_years(small_county, school_a, school_b, township_a, bureau):
    """The small county in 2024 as well (same schools and data), both years assessed (quality-2017)."""
    from schools.models import SchoolClass, SchoolConditions, Teacher

    for model in (SchoolConditions, Teacher, SchoolClass):
        rows = list(model.objects.filter(year=2025))
        for row in rows:
            row.pk = None
            row.year = 2024
        model.objects.bulk_create(rows)
    # 2024 had 100 fewer pupils at 城关小学
    SchoolConditions.objects.filter(year=2024, school=school_a).update(primary_students=900)
    for year in (2024, 2025):
        assessment_run_now(county=small_county.county, year=year, scheme="quality-2017", user=bureau)
    return small_county


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_officials_and_reporters_are_refused(request, login, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_rows_sum_the_school_data_of_each_year(inspector, two_years):
    rows = trend_rows(inspector, two_years.county)
    assert [r["year"] for r in rows] == [2024, 2025]
    r2024, r2025 = rows
    assert (r2025["primary"], r2025["junior"], r2025["compulsory"]) == (1900, 600, 2500)
    assert r2024["primary"] == 1800
    assert r2025["teachers"] == 50 + 25 + 20 + 36
    assert (r2025["classes"], r2025["over_standard"], r2025["large"], r2025["super_large"]) == (50, 23, 2, 1)
    # building area per student over all schools: (4500 + 2000 + 1200 + 3600) / 2500
    assert r2025["indicators"][0] == pytest.approx(11300 / 2500)


def test_township_and_urban_rural_filters_limit_the_rows(inspector, two_years):
    (row,) = trend_rows(inspector, two_years.county, township="河口乡")[1:]
    assert row["primary"] == 500
    (row,) = trend_rows(inspector, two_years.county, urban_rural="城区")[1:]
    assert (row["primary"], row["junior"]) == (1000, 600)


def test_the_page_draws_line_charts_and_the_cvs_of_each_assessed_year(login, inspector, two_years):
    response = login(inspector).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # students, teachers/classes, then CVs of 小学 and 初中 under quality-2017
    assert html.count("<svg") == 4
    assert "<script" not in "".join(re.findall(r"<svg.*?</svg>", html, flags=re.S))
    assert "2024—2025学年" in html and "2025—2026学年" in html
    assert "小学 差异系数（2017 优质均衡）" in html


def test_a_single_assessed_year_gets_a_table_but_no_cv_chart(login, inspector, assessed):
    html = login(inspector).get(URL).content.decode()
    assert "只有一个学年有评估结果" in html
    assert html.count("<svg") == 0  # one year of school data as well: no trend chart


def test_another_countys_data_is_not_counted(login, other_bureau, other_school, two_years):
    response = login(other_bureau).get(URL)
    assert "尚无学校数据" in response.content.decode()
