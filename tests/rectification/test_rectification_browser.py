"""A bureau user's journey through the ledger in a real browser (Debian chromium)."""

import random
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from rectification.demo import seed_rectification
from rectification.models import ItemStatus, RectificationItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_ledger(county, bureau, school_a, school_b):
    seed_rectification(None, county=county, users={Role.BUREAU: bureau}, year=2025, rng=random.Random(3))
    return county


def test_bureau_closes_a_completed_item_and_sees_the_board(
    demo_ledger, bureau, browser_login, live_server, screenshot_dir
):
    page = browser_login(bureau)
    page.goto(live_server.url + reverse("rectification:list"))
    page.screenshot(path=str(screenshot_dir / "rectification-ledger.png"), full_page=True)
    assert page.locator("table tbody tr").count() == 15

    item = RectificationItem.objects.filter(county=demo_ledger, status=ItemStatus.COMPLETED).first()
    page.goto(live_server.url + reverse("rectification:detail", args=[item.pk]))
    page.fill("textarea[name=verification]", "经县督导室实地核查，整改到位。")
    page.once("dialog", lambda dialog: dialog.accept())  # data-confirm asks before closing
    page.click("text=核查通过，销号")
    page.wait_for_selector("text=已销号。")
    page.screenshot(path=str(screenshot_dir / "rectification-closed.png"), full_page=True)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.closed_by == bureau

    page.goto(live_server.url + reverse("rectification:readiness"))
    assert re.search(r"距国检", page.content())
    page.screenshot(path=str(screenshot_dir / "rectification-readiness.png"), full_page=True)
    page.goto(live_server.url + reverse("rectification:plan"))
    page.screenshot(path=str(screenshot_dir / "rectification-plan.png"), full_page=True)
    page.goto(live_server.url + reverse("rectification:archive"))
    page.screenshot(path=str(screenshot_dir / "rectification-archive.png"), full_page=True)
    assert page.locator("tr#p1").count() == 1 or page.locator("tbody tr").count() > 40
