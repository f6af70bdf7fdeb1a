"""The review board of a city or province (/reviews/board/): who sees which counties, what a row
says (the same as the county's own assessment page), sorting, filtering, the xlsx of exactly the
shown table, and a query count that does not grow with the counties.

The personas' regions (tests/conftest.py): 河北省 130000 with 石家庄市 130100 and 唐山市 130200;
counties 石城一县 130101 and 石城二县 130102 (not yet assessed) in 石家庄市, 河谷一县 130201 in
唐山市, each a few schools (tests/dashboard/countydata.build_county) with a stored quality-2017
assessment.
"""

import io

import lxml.html
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from indicators.engine import STAGE_LABELS, get_ruleset
from reviews import board
from schools.models import County
from tests.dashboard.countydata import build_county
from tests.factories import UserFactory
from tests.reviews.boarddata import make_county

pytestmark = pytest.mark.django_db

URL = "/reviews/board/"
XLSX = "/reviews/board/xlsx/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(city, province, other_city):
    return {"province": province, "stone": city, "valley": other_city}


@pytest.fixture
def counties(regions):
    """Two counties in 石家庄市, one in 唐山市; 石城二县 not yet assessed."""
    return {
        "a": make_county("130101", "石城一县", schools=4, items=2, days=30),
        "b": make_county("130102", "石城二县", schools=3, assess=False, days=-3),
        "c": make_county("130201", "河谷一县", schools=5, items=1),
    }


def reviewer(role, region, name="reviewer"):
    return UserFactory(username=name, role=role, region=region, county=None)


# --- reading the page and the workbook as a person does ---------------------------------------------


def page_table(response) -> tuple[list[str], list[list[str]]]:
    """Header labels and the rows' cell texts of the board table (without sort arrows and the
    county cell's 进入 button)."""
    assert response.status_code == 200, response.status_code
    doc = lxml.html.fromstring(response.content.decode())
    table = doc.xpath("//table[contains(@class, 'sticky-cols')]")[0]
    header = [th.text_content().replace("▲", "").replace("▼", "").strip() for th in table.xpath("thead//th")]
    rows = []
    for tr in table.xpath("tbody/tr"):
        tds = tr.xpath("td")
        if len(tds) == 1:  # 没有符合条件的区县
            continue
        name = tds[0].xpath(".//span")[0]
        rows.append([name.text.strip(), *(td.text_content().strip() for td in tds[1:])])
    return header, rows


def workbook_table(response) -> tuple[list, list[list]]:
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "区县")
    return rows[start], [r for r in rows[start + 1 :] if r and r[0]]


def names(rows) -> list[str]:
    return [r[0] for r in rows]


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau", "inspector", "township_official", "reporter"])
def test_county_and_below_roles_are_refused_the_board_and_its_workbook(request, login, persona, counties):
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_an_admin_of_one_county_sees_only_that_county_as_on_the_area_page(login, counties):
    admin = UserFactory(username="county_admin", role=Role.ADMIN, county=counties["c"])
    response = login(admin).get(URL)
    _, rows = page_table(response)
    assert names(rows) == ["河谷一县"]
    assert b"formaction" not in response.content  # nothing to enter: it is their own county


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_city_reviewer_sees_only_the_counties_of_their_city_on_the_page_and_in_the_workbook(
    login, city_reviewer, counties
):
    client = login(city_reviewer)
    header, rows = page_table(client.get(URL))
    assert names(rows) == ["石城一县", "石城二县"]
    assert "所属市" not in header  # one city: no city column
    _, sheet = workbook_table(client.get(XLSX))
    assert names(sheet) == ["石城一县", "石城二县"]
    # Asking for another city's counties changes nothing.
    _, rows = page_table(client.get(URL, {"city": "1302", "q": "河谷"}))
    assert rows == []
    _, sheet = workbook_table(client.get(XLSX, {"region": "130200"}))
    assert names(sheet) == ["石城一县", "石城二县"]


def test_a_province_reviewer_sees_every_county_of_the_province_with_its_city(
    login, province_reviewer, counties
):
    County.objects.create(code="140101", name="外省县")
    header, rows = page_table(login(province_reviewer).get(URL))
    assert names(rows) == ["石城一县", "石城二县", "河谷一县"]
    city = header.index("所属市")
    assert [r[city] for r in rows] == ["石家庄市", "石家庄市", "唐山市"]


def test_an_unscoped_admin_sees_every_county_or_chooses_a_region(login, admin_user, counties, county):
    client = login(admin_user)
    _, rows = page_table(client.get(URL))
    assert set(names(rows)) == {"石城一县", "石城二县", "河谷一县", "滨河县"}
    _, rows = page_table(client.get(URL, {"region": "130200"}))
    assert names(rows) == ["河谷一县"]


def test_the_area_page_is_the_board_and_says_which_county_is_being_read(
    login, acting, city_reviewer, counties
):
    client = login(city_reviewer)
    response = client.get("/area/", follow=True)
    assert response.redirect_chain == [("/reviews/board/", 302)]
    assert "正在查看" not in response.content.decode()
    acting(client, counties["a"])
    page = client.get(URL).content.decode()
    assert "正在查看" in page and "石城一县（130101）" in page and "/area/leave/" in page
    client.post("/area/leave/")
    assert "正在查看" not in client.get(URL).content.decode()


def test_each_county_has_an_enter_button_to_its_read_only_pages(login, province_reviewer, counties):
    client = login(province_reviewer)
    doc = lxml.html.fromstring(client.get(URL).content.decode())
    button = doc.xpath("//tbody/tr//button")[0]
    assert button.get("formaction") == "/area/enter/130101/"
    response = client.post(button.get("formaction"))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


# --- what a row says --------------------------------------------------------------------------------


def assessment_page(client, assessment) -> dict:
    """Verdict and every CV as the county's assessment page prints them."""
    doc = lxml.html.fromstring(client.get(f"/indicators/{assessment.pk}/").content.decode())
    out = {"verdict": doc.xpath("//div[contains(@class, 'verdict')]")[0].text_content().split("·")[0].strip()}
    labels = {i.label: i.key for i in get_ruleset(assessment.scheme).indicators}
    for stage in STAGE_LABELS:
        for tr in doc.xpath(f"//section[@id='stage-{stage}']//tbody/tr"):
            tds = tr.xpath("td")
            link = tds[0].xpath(".//a") if tds else []
            if link:
                out[(stage, labels[link[0].text_content().strip()])] = tds[3].text_content().strip()
    return out


def test_a_row_shows_the_verdict_and_every_cv_of_the_county_assessment_page(
    login, province_reviewer, counties
):
    county = counties["a"]
    assessment = county.assessments.get()
    bureau = UserFactory(username="a_bureau", role=Role.BUREAU, county=county)
    expected = assessment_page(login(bureau), assessment)

    header, rows = page_table(login(province_reviewer).get(URL, {"cvs": "all"}))
    row = dict(zip(header, next(r for r in rows if r[0] == county.name), strict=True))
    assert row["结论"] == expected["verdict"]
    rs = get_ruleset("quality-2017")
    for stage, stage_label in STAGE_LABELS.items():
        for ind in rs.indicators:
            assert row[f"{stage_label}{ind.short_label}"] == expected[(stage, ind.key)], (stage, ind.key)
        # The stage's figure under quality-2017 is its largest CV.
        cvs = [float(expected[(stage, i.key)]) for i in rs.indicators if expected[(stage, i.key)] != "—"]
        if cvs:
            assert float(row[f"{stage_label}差异系数"]) == max(cvs)


def test_a_row_counts_units_vetoes_missing_items_and_open_ledger_items(login, province_reviewer, counties):
    result = counties["a"].assessments.get().result
    judged = [u for u in result["units"] if u["passed"] is not None]
    header, rows = page_table(login(province_reviewer).get(URL))
    row = dict(zip(header, rows[0], strict=True))
    assert row["达标学校"] == f"{sum(u['passed'] for u in judged)} / {len(judged)}"
    assert row["一票否决"] == "0"  # nothing entered: no situation exists yet
    assert int(row["缺项"]) == len(result["missing"]) > 0  # county items not entered
    assert row["未销号整改"] == "2"
    assert row["距截止"] == "30"
    assert row["报送状态"] == "未报送"
    unassessed = dict(zip(header, rows[1], strict=True))
    assert unassessed["结论"] == "未评估"
    assert unassessed["评估日期"] == unassessed["缺项"] == "—"
    assert unassessed["距截止"] == "-3"


def test_a_run_older_than_the_county_data_is_marked(login, province_reviewer, counties):
    county = counties["c"]
    build_county(county, 2, years=(2026,), first_code=50, cases=False)
    header, rows = page_table(login(province_reviewer).get(URL, {"q": "河谷"}))
    row = dict(zip(header, rows[0], strict=True))
    assert row["评估日期"].endswith("已有新学年数据")


# --- sorting and filtering ------------------------------------------------------------------------------


def test_sorting_by_a_column_either_way_keeps_counties_without_a_value_last(
    login, province_reviewer, counties
):
    client = login(province_reviewer)
    rows = board.board_rows(list(County.objects.order_by("code")), today=timezone.localdate())
    by_cv = sorted((r for r in rows if r["assessment_id"]), key=lambda r: r["stages"]["primary"]["value"])
    _, shown = page_table(client.get(URL, {"sort": "cv_primary", "dir": "asc"}))
    assert names(shown) == [r["name"] for r in by_cv] + ["石城二县"]
    _, shown = page_table(client.get(URL, {"sort": "cv_primary", "dir": "desc"}))
    assert names(shown) == [r["name"] for r in reversed(by_cv)] + ["石城二县"]
    _, shown = page_table(client.get(URL, {"sort": "days", "dir": "asc"}))
    assert names(shown) == ["石城二县", "石城一县", "河谷一县"]  # -3, 30, no date
    _, shown = page_table(client.get(URL, {"sort": "ledger", "dir": "desc"}))
    assert names(shown) == ["石城一县", "河谷一县", "石城二县"]


def test_an_unknown_sort_column_falls_back_to_county_order(login, province_reviewer, counties):
    _, shown = page_table(login(province_reviewer).get(URL, {"sort": "password", "dir": "desc"}))
    assert names(shown) == ["石城一县", "石城二县", "河谷一县"][::-1]


def test_filters_by_city_verdict_submission_state_and_name(login, province_reviewer, counties):
    client = login(province_reviewer)
    _, shown = page_table(client.get(URL, {"city": "1302"}))
    assert names(shown) == ["河谷一县"]
    _, shown = page_table(client.get(URL, {"verdict": "none"}))
    assert names(shown) == ["石城二县"]
    _, shown = page_table(client.get(URL, {"q": "一县"}))
    assert names(shown) == ["石城一县", "河谷一县"]
    _, shown = page_table(client.get(URL, {"state": "-"}))
    assert len(shown) == 3  # nothing submitted yet
    _, shown = page_table(client.get(URL, {"city": "9999"}))  # not a choice: ignored
    assert len(shown) == 3


# --- the workbook -------------------------------------------------------------------------------------


def test_the_workbook_is_the_filtered_sorted_page_with_every_cv(login, province_reviewer, counties):
    client = login(province_reviewer)
    query = {"sort": "cv_junior", "dir": "desc", "q": "县"}
    page_header, page_rows = page_table(client.get(URL, {**query, "cvs": "all"}))
    sheet_header, sheet_rows = workbook_table(client.get(XLSX, query))
    assert sheet_header[0] == "区县" and sheet_header[1] == "区县代码"
    assert sheet_header[2:] == page_header[1:]
    assert len(sheet_rows) == len(page_rows)
    for page_row, sheet_row in zip(page_rows, sheet_rows, strict=True):
        assert sheet_row[0] == page_row[0]
        for label, text, value in zip(page_header[1:], page_row[1:], sheet_row[2:], strict=True):
            if isinstance(value, int | float) and "." in text:
                assert f"{value:.3f}" == text, label  # a CV, rounded as the page prints it
            elif isinstance(value, int | float):
                assert str(value) == text, label
            else:
                assert (value or "") == text, label


def test_the_workbook_export_is_private_and_audited(login, province_reviewer, counties):
    from accounts.models import AuditEntry

    response = login(province_reviewer).get(XLSX)
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(object_type="reviews.board")
    assert entry.action == AuditEntry.Action.EXPORT and "河北省" in entry.object_repr


# --- queries ----------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("cache_seconds", [0, 60], ids=["table built each time", "table cached"])
def test_the_query_count_does_not_grow_with_the_counties(login, regions, settings, cache_seconds):
    settings.DASHBOARD_CACHE_SECONDS = cache_seconds
    stone = reviewer(Role.CITY, regions["stone"], "stone")
    valley = reviewer(Role.CITY, regions["valley"], "valley")
    for i in range(3):
        make_county(f"1301{i + 1:02d}", f"石城{i + 1}县", schools=2, items=1)
    for i in range(12):
        make_county(f"1302{i + 1:02d}", f"河谷{i + 1}县", schools=2, items=i % 3)
    few, many = login(stone), login(valley)
    for url in (URL, URL + "?cvs=all&sort=cv_primary", XLSX):
        cache.clear()
        cold = (_queries(few, url), _queries(many, url))
        warm = (_queries(few, url), _queries(many, url))
        assert cold[0] == cold[1], (url, cold)
        assert warm[0] == warm[1], (url, warm)
        assert warm[0] <= cold[0]


# --- submission states ------------------------------------------------------------------------------


def submit(county, version: int, state: str):
    """A submission row of ``county`` (a package row is all it needs here)."""
    from applications.models import ApplicationPackage
    from reviews.models import Submission

    user = UserFactory(username=f"sub_{county.code}_{version}", role=Role.BUREAU, county=county)
    package = ApplicationPackage.objects.create(county=county, year=2025, version=version, requested_by=user)
    return Submission.objects.create(
        county=county,
        version=version,
        year=2025,
        package=package,
        snapshot={"format": 1, "version": version},
        fingerprint=f"{version:064d}",
        submitted_by=user,
        submitted_at=timezone.now(),
        state=state,
    )


def test_the_submission_state_is_the_latest_versions_and_filters_the_rows(login, province_reviewer, counties):
    from reviews import transitions as flow

    submit(counties["a"], 1, flow.CITY_RETURNED)
    submit(counties["a"], 2, flow.PENDING_PROVINCE)
    submit(counties["c"], 1, flow.PENDING_CITY)
    client = login(province_reviewer)
    header, rows = page_table(client.get(URL))
    state = header.index("报送状态")
    assert [r[state] for r in rows] == ["待省级评估", "未报送", "待市级复核"]
    _, shown = page_table(client.get(URL, {"state": flow.PENDING_CITY}))
    assert names(shown) == ["河谷一县"]
    _, shown = page_table(client.get(URL, {"state": "-"}))
    assert names(shown) == ["石城二县"]
    _, sheet = workbook_table(client.get(XLSX, {"state": flow.PENDING_PROVINCE}))
    assert names(sheet) == ["石城一县"]


def test_a_row_reads_the_run_the_county_stands_at_never_a_comparison_run(login, province_reviewer, counties):
    from indicators.selectors import current_assessment, latest_target_assessments
    from indicators.services import assessment_run_now
    from indicators.verdict import verdict_text

    county = counties["a"]
    target = current_assessment(county).assessment
    assessment_run_now(county=county, year=2025, scheme="basic-2012")  # 对比评估, finished later
    rows = latest_target_assessments([c.pk for c in counties.values()])
    assert rows[county.pk]["id"] == target.pk
    assert counties["b"].pk not in rows  # never assessed
    header, shown = page_table(login(province_reviewer).get(URL, {"q": county.name}))
    assert dict(zip(header, shown[0], strict=True))["结论"] == verdict_text(target.result)


def test_the_assessment_date_is_the_local_date(login, province_reviewer, counties):
    from datetime import UTC, datetime

    from indicators.models import Assessment

    # 20:30 UTC is 04:30 the next morning in Beijing.
    Assessment.objects.filter(county=counties["a"]).update(
        finished_at=datetime(2025, 10, 20, 20, 30, tzinfo=UTC)
    )
    header, rows = page_table(login(province_reviewer).get(URL, {"q": "石城一县"}))
    assert dict(zip(header, rows[0], strict=True))["评估日期"].startswith("2025-10-21（2025—2026学年）")


def test_a_digest_of_the_parts_read_equals_that_of_the_whole_document(counties):
    from indicators.selectors import assessment_result_parts

    run = counties["a"].assessments.get()
    parts = assessment_result_parts([run.pk], board.DIGEST_PARTS)[run.pk]
    assert set(parts) < set(run.result)  # checks, warnings and gap plans are left in the database
    assert board.assessment_digest(parts) == board.assessment_digest(run.result)
