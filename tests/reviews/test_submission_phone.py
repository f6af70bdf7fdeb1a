"""At a phone's width (390 px) the 报送 pages never scroll sideways and their main action is in
view: the county's list and answer form, the reviewer's detail with its comment and step forms,
and the side-by-side diff. Screenshots go to `screenshot_dir` (phone-submission-*.png)."""

import pytest

from indicators.services import assessment_run_now
from reviews import submissions as services
from schools.models import SchoolConditions

from .conftest import YEAR, build_package

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _check(page, live_server, screenshot_dir, path, name, action=None):
    page.goto(f"{live_server.url}{path}")
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=str(screenshot_dir / f"phone-submission-{name}.png"), full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30))"
    )
    assert width <= viewport, f"{path}: page is {width} px wide in a {viewport} px phone: {wide}"
    if action:
        box = page.locator(action).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport, action


def test_submission_pages_fit_a_phone(
    live_server,
    page,
    browser_login,
    screenshot_dir,
    built_package,
    small_county,
    bureau,
    city_reviewer,
    school_b,
):
    first = services.submission_submit(user=bureau, county=small_county)
    services.comment_add(
        user=city_reviewer,
        submission=first,
        target_kind="school",
        target_key="1301230002",
        text="河口小学生均校舍不足",
    )
    page.set_viewport_size(PHONE)
    browser_login(city_reviewer)
    _check(page, live_server, screenshot_dir, "/reviews/submissions/review/", "queue")
    _check(page, live_server, screenshot_dir, f"/reviews/submissions/{first.pk}/", "review", "text=添加意见")
    services.submission_city_return(user=city_reviewer, submission=first, reason="请补正校舍面积")
    SchoolConditions.objects.filter(school=school_b, year=YEAR).update(building_area=810)
    assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")
    build_package(small_county, bureau)
    page.context.clear_cookies()
    browser_login(bureau)
    _check(page, live_server, screenshot_dir, "/reviews/submissions/", "county", "text=保存答复")
    services.comment_answer(user=bureau, comment=first.comments.get(), text="已补正")
    second = services.submission_submit(user=bureau, county=small_county)
    _check(page, live_server, screenshot_dir, f"/reviews/submissions/{second.pk}/diff/", "diff")
