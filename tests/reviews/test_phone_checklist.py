"""The visiting team's checklist on a 375 px phone: nothing scrolls sideways, every choice is in
view, and ticking 不符合 and saving files the finding (screenshots: phone-site-visit-*.png)."""

import pytest

from rectification.models import RectificationItem
from reviews import services

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def drawn(transactional_db, visit_county, bureau):
    record = services.draw_create(user=bureau, county=visit_county, seed=11)
    return record.schools.select_related("school").order_by("position").first()


def fits(page, screenshot_dir, name):
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=str(screenshot_dir / f"phone-site-visit-{name}.png"), full_page=True)
    assert width <= viewport, f"{name}: {width} px wide in a {viewport} px phone"


def in_view_sideways(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector


def test_the_checklist_fits_a_phone_and_files_a_finding(
    drawn, bureau, live_server, page, browser_login, screenshot_dir
):
    page.set_viewport_size(PHONE)
    browser_login(bureau)
    page.goto(f"{live_server.url}/reviews/{drawn.draw_id}/")
    fits(page, screenshot_dir, "draw")
    page.goto(f"{live_server.url}/reviews/visit/{drawn.pk}/")
    fits(page, screenshot_dir, "checklist")
    for selector in (
        "fieldset.check-item label.choice",
        "input[name=n_sports_area_pp]",
        "input[name=interviewed]",
    ):
        in_view_sideways(page, selector)
    page.check("input[name=v_sports_area_pp][value=fails]")
    page.fill("input[name=n_sports_area_pp]", "运动场被占用")
    page.fill("input[name=interviewed]", "6")
    page.fill("input[name=satisfied]", "5")
    in_view_sideways(page, "button:has-text('保存核查记录')")
    page.click("button:has-text('保存核查记录')")
    page.wait_for_selector("text=已登记为整改事项")
    fits(page, screenshot_dir, "checklist-saved")
    item = RectificationItem.objects.get()
    assert item.county_id == drawn.draw.county_id and drawn.school.name in item.problem


def test_an_inspector_reads_the_checklist_on_a_phone(
    drawn, inspector, live_server, page, browser_login, screenshot_dir
):
    page.set_viewport_size(PHONE)
    browser_login(inspector)
    page.goto(f"{live_server.url}/reviews/visit/{drawn.pk}/")
    fits(page, screenshot_dir, "checklist-inspector")
    assert page.locator("button:has-text('保存核查记录')").count() == 0
    page.goto(f"{live_server.url}/reviews/visit/{drawn.pk}/brief/")
    fits(page, screenshot_dir, "brief")
