"""At a phone's width (390 px) the pages a township official, a school reporter and a survey
respondent use on the road never scroll sideways, and their main action is in view.

Screenshots of each page go to `screenshot_dir` (phone-*.png) to be looked at.
"""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from dropout_control.models import DropoutCase
from surveys.models import Invitation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def no_sideways_scroll(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def check_page(page, live_server, screenshot_dir, path: str, name: str, action: str | None = None):
    page.goto(f"{live_server.url}{path}")
    scroll_width, viewport = no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / f"phone-{name}.png"), full_page=True)
    assert scroll_width <= viewport, f"{path}: page is {scroll_width} px wide in a {viewport} px phone"
    if action:
        box = page.locator(action).first.bounding_box()
        assert box is not None, f"{path}: {action} not shown"
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, (
            f"{path}: {action} is off-screen sideways"
        )


def test_a_township_officials_pages_fit_a_phone(demo, live_server, page, browser_login, screenshot_dir):
    page.set_viewport_size(PHONE)
    official = User.objects.get(username="township")
    browser_login(official)
    case = DropoutCase.objects.filter(township=official.township).first()
    check_page(page, live_server, screenshot_dir, "/", "township-home")
    check_page(page, live_server, screenshot_dir, "/dropout/", "township-cases", "a:has-text('登记个案')")
    assert page.locator("select[name=township]").count() == 0  # one township: no township filter
    for cell in ("编号", "姓名", "状态"):  # on screen, not behind a sideways scroll of the table
        box = page.locator(f"td[data-label='{cell}']").first.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"], cell
    check_page(page, live_server, screenshot_dir, f"/dropout/{case.pk}/", "township-case")
    check_page(page, live_server, screenshot_dir, "/dropout/new/", "township-new-case", "button[type=submit]")
    check_page(page, live_server, screenshot_dir, "/dropout/overdue/", "township-overdue")


def test_a_school_reporters_pages_fit_a_phone(demo, live_server, page, browser_login, screenshot_dir):
    page.set_viewport_size(PHONE)
    reporter = User.objects.get(username="school")
    browser_login(reporter)
    check_page(page, live_server, screenshot_dir, "/", "reporter-home")
    check_page(page, live_server, screenshot_dir, f"/schools/{reporter.school.code}/", "reporter-school")
    check_page(page, live_server, screenshot_dir, "/dropout/", "reporter-cases")
    check_page(page, live_server, screenshot_dir, "/dropout/new/", "reporter-new-case", "button[type=submit]")


def test_the_survey_fits_a_phone(demo, live_server, page, screenshot_dir):
    page.set_viewport_size(PHONE)
    invitation = Invitation.objects.filter(active=True, survey__status="open").first()
    check_page(
        page,
        live_server,
        screenshot_dir,
        f"/surveys/a/{invitation.token}/",
        "survey-answer",
        "button[type=submit]",
    )
