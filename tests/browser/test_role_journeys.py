"""The main journey of each role in a real browser (Debian's chromium), on the seeded demo county.

Each test seeds the demo county (`seed_demo`, a few seconds) into the live server's database,
signs in through the login form and saves a screenshot of each main page into `screenshot_dir`.
Celery runs eagerly in the tests, so a requested assessment or dossier is finished when the
request that asked for it returns.
"""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from accounts.models import User
from dossiers.models import Dossier
from indicators.models import Assessment
from schools.models import SchoolConditions

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def user(name: str) -> User:
    return User.objects.get(username=name)


def shot(page, screenshot_dir, name: str) -> None:
    page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)


def test_bureau_reads_the_overview_runs_an_assessment_exports_and_builds_a_dossier(
    demo, live_server, page, browser_login, screenshot_dir
):
    page.set_default_timeout(120_000)  # the dossier is rendered inside its request (eager Celery)
    browser_login(user("bureau"))
    page.click("nav.mainnav >> text=总览")
    page.wait_for_url("**/dashboard/")
    assert page.locator(".verdict").count() == 2
    assert page.locator(".chart svg").count() == 4
    shot(page, screenshot_dir, "bureau-overview")

    page.click("nav.mainnav >> text=指标评估")
    page.wait_for_url("**/indicators/")
    shot(page, screenshot_dir, "bureau-assessments")
    page.fill("#id_year", "2024")
    page.select_option("#id_scheme", "quality-2017")
    page.click("text=开始评估")
    page.wait_for_url(re.compile(r".*/indicators/\d+/$"))
    page.locator(".verdict").wait_for()
    assessment = Assessment.objects.get(year=2024, scheme="quality-2017")
    assert assessment.status == "done"
    assert ("未达标" if not assessment.passed else "达标") in page.locator(".verdict").inner_text()
    shot(page, screenshot_dir, "bureau-assessment-detail")

    with page.expect_download() as info:
        page.click("text=导出表Ⅱ (xlsx)")
    download = info.value
    assert download.suggested_filename.startswith("表Ⅱ_滨河县_2024") and download.suggested_filename.endswith(
        ".xlsx"
    )
    with open(download.path(), "rb") as f:
        sheet = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows())) > 30  # one row per school unit, plus headers

    page.click("nav.mainnav >> text=迎检档案")
    page.wait_for_url("**/dossiers/")
    page.fill("#id_year", "2025")
    page.select_option("#id_scheme", "quality-2017")
    page.click("text=生成新版本")
    page.wait_for_url("**/dossiers/")
    link = page.locator("a", has_text="下载 PDF").first
    link.wait_for()
    shot(page, screenshot_dir, "bureau-dossiers")
    with page.expect_download() as info:
        link.click()
    pdf = info.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert Dossier.objects.get().status == "done"


def test_inspector_reads_the_dashboards_and_is_refused_any_change(
    demo, live_server, page, browser_login, screenshot_dir
):
    browser_login(user("inspector"))
    shot(page, screenshot_dir, "inspector-home")
    page.click("nav.mainnav >> text=总览")
    page.wait_for_url("**/dashboard/")
    shot(page, screenshot_dir, "inspector-overview")
    page.set_viewport_size({"width": 820, "height": 1180})
    shot(page, screenshot_dir, "inspector-overview-tablet")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.click("nav.tabs >> text=学校指标表")
    page.wait_for_url("**/dashboard/schools/")
    assert page.locator("tbody tr").count() == 36  # 24 primary + 12 junior units of the demo county
    page.click("th >> text=在校生")
    page.wait_for_url("**sort=students*")
    shot(page, screenshot_dir, "inspector-schools-table")
    page.select_option("#id_township", label="城关镇")
    page.wait_for_url("**township=*")
    assert all(t == "城关镇" for t in page.locator("tbody tr td:nth-child(2)").all_inner_texts())

    page.click("tbody tr >> nth=0 >> a")
    page.wait_for_url(re.compile(r".*/schools/\d{10}/\?year=2025$"))
    shot(page, screenshot_dir, "inspector-school-detail")
    code = re.search(r"/schools/(\d{10})/", page.url).group(1)
    response = page.goto(f"{live_server.url}/schools/{code}/conditions/2025/edit/")
    assert response.status == 403
    assert "无权访问" in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/dashboard/trends/")
    shot(page, screenshot_dir, "inspector-trends")

    page.goto(f"{live_server.url}/dropout/")
    names = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names and all(re.fullmatch(r".\*+", n) for n in names)
    assert page.locator("tbody a[href*='/dropout/']").count() == 0  # no case details
    shot(page, screenshot_dir, "inspector-dropout-list")


def test_city_reviewer_chooses_the_county_reads_it_masked_and_leaves(
    demo, live_server, page, browser_login, screenshot_dir
):
    browser_login(user("city_reviewer"))
    page.click("nav.mainnav >> text=复核看板")
    page.wait_for_url("**/reviews/board/")
    assert "石家庄市" in page.locator("h1").inner_text()
    shot(page, screenshot_dir, "city-reviewer-area")
    page.click("tr:has-text('滨河县') >> text=进入")
    page.wait_for_url("**/dashboard/")
    banner = page.locator(".acting-county")
    assert "正在以只读方式查看：滨河县" in banner.inner_text()
    assert page.locator(".verdict").count() == 2
    shot(page, screenshot_dir, "city-reviewer-overview")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, screenshot_dir, "city-reviewer-overview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/dropout/")
    names = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names and all(re.fullmatch(r".\*+", n) for n in names)

    banner.locator("a", has_text="返回区域列表").click()
    page.wait_for_url("**/reviews/board/")
    page.click("text=结束查看当前区县")
    page.wait_for_url("**/reviews/board/")
    assert page.locator(".acting-county").count() == 0
    page.goto(f"{live_server.url}/dashboard/")
    assert page.url.endswith("/reviews/board/")
    assert "请先在区域列表中选择要查看的区县" in page.locator("main").inner_text()


def test_township_official_files_and_follows_only_own_cases(
    demo, live_server, page, browser_login, screenshot_dir
):
    official = user("township")
    browser_login(official)
    shot(page, screenshot_dir, "township-home")
    page.click("nav.mainnav >> text=控辍保学")
    page.wait_for_url("**/dropout/")
    townships = page.locator("tbody tr td:nth-child(4)").all_inner_texts()
    assert townships and set(townships) == {official.township.name}
    assert not re.search(r"\*", " ".join(page.locator("tbody tr td:nth-child(2)").all_inner_texts()))
    shot(page, screenshot_dir, "township-dropout-list")
    page.goto(f"{live_server.url}/dropout/new/")
    assert page.locator("form #id_name").is_visible()
    assert page.locator("form #id_id_number").is_visible()
    shot(page, screenshot_dir, "township-case-form")


def test_school_reporter_corrects_the_own_schools_conditions(
    demo, live_server, page, browser_login, screenshot_dir
):
    reporter = user("school")
    browser_login(reporter)
    shot(page, screenshot_dir, "school-home")
    code = reporter.school.code
    page.goto(f"{live_server.url}/schools/{code}/")
    assert reporter.school.name in page.locator("h1").inner_text()
    shot(page, screenshot_dir, "school-detail")
    page.click(f"a[href='/schools/{code}/conditions/2025/edit/']")
    page.fill("#id_books", "-1")
    page.click("main button.primary")
    assert page.locator(".has-error .error").count() == 1
    shot(page, screenshot_dir, "school-conditions-error")
    page.fill("#id_books", "43210")
    page.click("main button.primary")
    page.wait_for_url(f"**/schools/{code}/?year=2025")
    assert "43,210" in page.locator("main").inner_text()  # counts print grouped
    assert SchoolConditions.objects.get(school=reporter.school, year=2025).books == 43210
    shot(page, screenshot_dir, "school-detail-saved")


def test_admin_manages_users(demo, live_server, page, browser_login, screenshot_dir):
    browser_login(user("admin"))
    page.click("nav.mainnav >> text=用户")
    page.wait_for_url("**/accounts/users/")
    text = page.locator("main").inner_text()
    for name in ("王科长", "赵督学", "李镇长", "陈老师"):
        assert name in text
    shot(page, screenshot_dir, "admin-users")
