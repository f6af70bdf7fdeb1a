"""Every main page of every role, at desktop (1280 px) and phone (390 px) width, opens without error
and is saved as a screenshot (test-artifacts/screenshots/pages/<role>-<page>-<width>.png) for a person
to look at. The pages are the ones a role's navigation offers, the home page among them."""

import io
import re

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.browser

ROLES = ("admin", "bureau", "inspector", "township", "school")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_of_a_role_opens_at_desktop_and_phone_width(
    demo, live_server, page, browser_login, screenshot_dir, role
):
    folder = screenshot_dir / "pages"
    folder.mkdir(exist_ok=True)
    browser_login(User.objects.get(username=role))
    links = [(a.inner_text().strip(), a.get_attribute("href")) for a in page.locator("nav.mainnav a").all()]
    assert len(links) > 2, "the navigation offers nothing"
    failures = []
    for label, href in links:
        path = href.replace(live_server.url, "")
        slug = re.sub(r"[^\w]+", "-", label).strip("-") or "page"
        for width_name, size in WIDTHS.items():
            page.set_viewport_size(size)
            response = page.goto(f"{live_server.url}{path}")
            if response is None or response.status >= 400:
                failures.append(f"{path} ({width_name}): {response.status if response else 'no response'}")
                continue
            page.screenshot(path=str(folder / f"{role}-{slug}-{width_name}.png"), full_page=True)
    assert not failures, failures
