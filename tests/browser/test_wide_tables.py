"""表Ⅱ on screen: scrolled fully to the right, the school name and the verdict column are still in view;
printed, it goes onto A4 landscape pages (checked through Chromium's own PDF printing)."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from accounts.models import User
from indicators.models import Assessment

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def test_table2_keeps_school_and_verdict_in_view_and_prints_landscape(
    demo, live_server, page, browser_login, screenshot_dir
):
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(User.objects.get(username="bureau"))
    assessment = Assessment.objects.filter(scheme="quality-2017", status="done").order_by("-id").first()
    page.goto(f"{live_server.url}/indicators/{assessment.pk}/")
    wrap = page.locator(".table-wrap.sticky-cols")
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    wrap_box = wrap.bounding_box()
    assert page.evaluate("document.querySelector('.table-wrap.sticky-cols').scrollWidth") > wrap_box["width"]
    for selector in ("tbody td.stick-left", "tbody td.stick-right"):
        box = page.locator(selector).first.bounding_box()
        assert (
            wrap_box["x"] - 1 <= box["x"] and box["x"] + box["width"] <= wrap_box["x"] + wrap_box["width"] + 1
        ), selector
    wrap.screenshot(path=str(screenshot_dir / "bureau-table2-scrolled.png"))
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages}
    assert (842, 595) in sizes  # the table's pages are landscape
    text = "".join(p.extract_text() for p in pdf.pages if round(float(p.mediabox.width)) == 842)
    assert "达标" in text
