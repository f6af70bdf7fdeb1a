"""The review board in a browser: at a phone's width the page never scrolls sideways, the table
scrolls inside its container with the county column kept in view, and 进入 opens the county's
overview (desktop and phone screenshots: board-*.png)."""

import pytest
from django.core.cache import cache

from accounts.models import Role
from tests.factories import RegionFactory, UserFactory
from tests.reviews.boarddata import make_county

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def province_board(transactional_db):
    cache.clear()  # no table rendered by an earlier test for the same region
    province = RegionFactory(code="130000", name="河北省", level="province")
    RegionFactory(code="130100", name="石家庄市", level="city")
    make_county("130101", "石城一县", items=2, days=30)
    make_county("130102", "石城二县", assess=False, days=-3)
    return UserFactory(username="province_board", role=Role.PROVINCE, region=province)


def test_the_board_scrolls_inside_its_container_on_a_phone_and_enters_a_county(
    province_board, live_server, page, browser_login, screenshot_dir
):
    browser_login(province_board)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/reviews/board/?cvs=all")
    page.screenshot(path=str(screenshot_dir / "board-desktop.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reviews/board/")
    page.screenshot(path=str(screenshot_dir / "board-phone.png"), full_page=True)
    scroll_width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= viewport, f"the page is {scroll_width} px wide in a {viewport} px phone"
    wrap = page.locator(".table-wrap.sticky-cols")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    name = page.locator("tbody td.stick-left").first.bounding_box()
    assert name["x"] >= 0 and name["x"] + name["width"] <= viewport

    page.locator("tbody tr").first.locator("button", has_text="进入").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert "石城一县" in page.content()
