"""The 数据质量 row of the readiness board (dataquality.receivers.readiness_rows, connected to
balance_inspect.signals.readiness_requested): open blocking findings fail it."""

import pytest
from django.urls import reverse

from dataquality import receivers, services
from dataquality.models import Finding
from tests.factories import ClassFactory, ConditionsFactory

YEAR = 2025


def row(county):
    (r,) = receivers.readiness_rows(None, county=county, year=YEAR)
    return r


@pytest.fixture
def blocking(county, school_a):
    ConditionsFactory(school=school_a, year=YEAR, primary_students=85)
    ClassFactory(school=school_a, year=YEAR, students=40)
    services.run_checks(county, YEAR)
    return Finding.objects.get()


def test_a_year_never_checked_is_at_risk(county):
    r = row(county)
    assert r["status"] == "at_risk" and "尚未核查" in r["detail"]


def test_a_clean_check_passes(county, school_a):
    ConditionsFactory(school=school_a, year=YEAR, primary_students=40)
    ClassFactory(school=school_a, year=YEAR, students=40)
    services.run_checks(county, YEAR)
    assert row(county)["status"] == "pass"


def test_open_blocking_findings_fail_the_row(county, blocking):
    r = row(county)
    assert r["status"] == "fail" and "须修正 1 项未处理（涉及 1 所学校）" in r["detail"]


def test_an_explained_blocking_finding_no_longer_fails(county, blocking, bureau):
    services.finding_accept(blocking, user=bureau, reason="随班就读学生未编班")
    assert row(county)["status"] == "pass"


def test_open_warnings_put_the_row_at_risk(county, school_a):
    ConditionsFactory(school=school_a, year=YEAR, primary_students=3)
    ClassFactory(school=school_a, year=YEAR, students=3)
    services.run_checks(county, YEAR)
    assert row(county)["status"] == "at_risk"


def test_readiness_board_shows_the_blocking_findings(county, blocking, login, bureau):
    body = login(bureau).get(reverse("rectification:readiness")).content.decode()
    assert "数据质量核查" in body and "须修正 1 项未处理" in body
