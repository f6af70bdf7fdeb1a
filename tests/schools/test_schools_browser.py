"""Bureau staff find a school in the demo county, read it and correct its conditions in a browser."""

import random

import pytest

from accounts.models import AuditEntry, User
from schools.demo import SEED, seed_demo_county
from schools.models import SchoolConditions
from tests.schools.conftest import TODAY


@pytest.fixture
def live_demo(transactional_db):
    return seed_demo_county(rng=random.Random(SEED), today=TODAY, notify_apps=False)


@pytest.mark.browser
def test_bureau_filters_opens_and_corrects_a_school(
    live_demo, live_server, page, browser_login, screenshot_dir
):
    browser_login(User.objects.get(username="bureau"))
    page.goto(f"{live_server.url}/schools/")
    assert page.locator("tbody tr").count() == 40
    page.screenshot(path=str(screenshot_dir / "schools-list.png"), full_page=True)

    # the township select submits itself (static/js/app.js, no inline script)
    page.select_option("#id_township", label="城关镇")
    page.wait_for_url("**/schools/?*township=*")
    assert page.locator("tbody tr").count() == 6
    page.click("th >> text=小学在校生")
    page.wait_for_url("**sort=primary_students*")
    page.click("th >> text=小学在校生")
    page.wait_for_url("**sort=-primary_students*")
    assert page.locator("tbody tr").first.locator("td").nth(1).inner_text() == "城关小学"
    page.screenshot(path=str(screenshot_dir / "schools-list-filtered.png"), full_page=True)

    page.click("text=城关小学")
    page.wait_for_url("**/schools/1301230001/*")
    assert page.locator(".badge.bad", has_text="大班额").count() == 3
    page.screenshot(path=str(screenshot_dir / "schools-detail.png"), full_page=True)

    page.click("a[href='/schools/1301230001/conditions/2025/edit/']")
    page.fill("#id_books", "-3")
    page.click("main button.primary")
    assert "不能为负数" in page.locator(".has-error").inner_text()
    page.screenshot(path=str(screenshot_dir / "schools-conditions-error.png"), full_page=True)
    page.fill("#id_books", "45000")
    page.click("main button.primary")
    page.wait_for_url("**/schools/1301230001/?year=2025")
    assert "已保存" in page.locator(".messages").inner_text()
    assert SchoolConditions.objects.get(school__code="1301230001", year=2025).books == 45000
    assert AuditEntry.objects.get(action="update").changes["books"][1] == 45000
