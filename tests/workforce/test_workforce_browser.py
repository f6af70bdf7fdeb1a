"""Browser journey: bureau staff read the workforce pages and switch between them."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_walks_through_the_workforce_pages(
    browser_login, live_server, bureau, staffed, screenshot_dir
):
    page = browser_login(bureau)
    page.goto(f"{live_server.url}/workforce/")
    assert page.locator("h1").inner_text().startswith("师资队伍")
    page.screenshot(path=str(screenshot_dir / "workforce_overview.png"), full_page=True)
    page.click("text=学科配备")
    assert page.locator("tbody tr").first.inner_text().startswith("河口小学")  # no PE/music/art teacher
    page.screenshot(path=str(screenshot_dir / "workforce_coverage.png"), full_page=True)
    page.click("text=补充计划")
    assert "需补充教师" in page.content()
    page.screenshot(path=str(screenshot_dir / "workforce_plan.png"), full_page=True)
    page.click("text=交流轮岗")
    page.screenshot(path=str(screenshot_dir / "workforce_exchange.png"), full_page=True)
    page.click("text=河口小学")
    assert "班师比" in page.content()
    page.screenshot(path=str(screenshot_dir / "workforce_school.png"), full_page=True)
