"""The dashboards run the same number of queries for 10 and for 300 schools."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from indicators.services import assessment_run_now
from tests.dashboard.countydata import build_county
from tests.factories import CountyFactory, UserFactory

PAGES = ["dashboard:overview", "dashboard:schools", "dashboard:trends", "home"]


@pytest.fixture
def small_and_large(db):
    """Two counties, 10 and 300 schools, each with both schemes assessed and an inspector."""
    out = {}
    for code, n in (("130201", 10), ("130202", 300)):
        county = CountyFactory(code=code, name=f"{n}校县")
        build_county(county, n, years=(2024, 2025))
        for scheme in ("quality-2017", "basic-2012"):
            assessment_run_now(county=county, year=2025, scheme=scheme)
        out[n] = UserFactory(username=f"inspector{n}", role=Role.INSPECTOR, county=county)
    return out


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_each_cold_page_runs_as_many_queries_for_300_schools_as_for_10(login, small_and_large):
    for name in PAGES:
        counts = {}
        for n, user in small_and_large.items():
            cache.clear()
            counts[n] = count_queries(login(user), reverse(name))
        assert counts[10] == counts[300], (name, counts)
        assert counts[300] <= 60, (name, counts)


# What every signed-in request costs (session, user, OTP device check, idle-timeout write).
MIDDLEWARE_TABLES = ("django_session", "accounts_user", "otp_totp_totpdevice")


def test_with_the_county_cache_the_overview_reads_only_the_users_county(login, inspector, assessed, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    client = login(inspector)
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("dashboard:overview"))
    with CaptureQueriesContext(connection) as warm:
        assert client.get(reverse("dashboard:overview")).status_code == 200
    own = [
        q["sql"]
        for q in warm.captured_queries
        if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT"))
        and not any(t in q["sql"] for t in MIDDLEWARE_TABLES)
    ]
    assert len(own) == 1 and "schools_county" in own[0]
    assert len(cold.captured_queries) > len(warm.captured_queries) + 10


def test_cached_pages_follow_their_filters_and_still_report_bad_values(login, inspector, assessed, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    client = login(inspector)
    url = reverse("dashboard:overview")

    def page(**params):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(url, params).content.decode()))

    assert "逐校达标单元 3 / 4" in page()
    assert "逐校达标单元 1 / 1" in page(township="河口乡")
    assert "逐校达标单元 3 / 4" in page()
    bad = page(township="不存在乡")
    assert "选择一个有效的选项" in bad and "逐校达标单元 3 / 4" in bad
    schools = reverse("dashboard:schools")
    first = client.get(schools, {"sort": "students", "dir": "desc"}).content.decode()
    second = client.get(schools, {"sort": "students", "dir": "asc"}).content.decode()
    assert first.index("城关小学") < first.index("东关小学")
    assert second.index("东关小学") < second.index("城关小学")
