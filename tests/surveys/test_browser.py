"""A parent answers on a phone-sized screen; bureau staff see the result."""

import pytest

from surveys.models import Answer, Response


@pytest.mark.browser
def test_a_parent_answers_on_a_phone(transactional_db, live_server, page, parent_invitation, screenshot_dir):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/surveys/a/{parent_invitation.token}/")
    assert page.locator("h1").inner_text().endswith("社会认可度调查问卷")
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(screenshot_dir / "surveys-answer-phone-empty.png"), full_page=True)

    # submitting with nothing chosen shows which questions are missing
    page.click("button.answer-submit")
    assert page.locator(".answer-q.has-error").count() > 0
    for fieldset in page.locator("fieldset.answer-q").all():
        options = fieldset.locator("label.answer-option")
        if options.count():
            options.first.click()  # 满意 / 知晓 / the first choice
    page.fill("textarea", "希望课后服务延长到六点")
    page.screenshot(path=str(screenshot_dir / "surveys-answer-phone-filled.png"), full_page=True)
    page.click("button.answer-submit")
    page.wait_for_url(f"{live_server.url}/surveys/a/{parent_invitation.token}/done/")
    assert "提交成功" in page.content()
    page.screenshot(path=str(screenshot_dir / "surveys-answer-phone-done.png"), full_page=True)

    assert Response.objects.count() == 1
    assert Answer.objects.filter(text="希望课后服务延长到六点").count() == 1


@pytest.mark.browser
def test_bureau_staff_read_the_results(
    transactional_db, live_server, page, parent_invitation, bureau, browser_login, respond, screenshot_dir
):
    for _ in range(3):
        respond(parent_invitation, scale=4)
    browser_login(bureau)
    page.goto(f"{live_server.url}/surveys/{parent_invitation.survey_id}/results/")
    assert "社会认可度 100.0%" in page.locator(".verdict").inner_text()
    page.screenshot(path=str(screenshot_dir / "surveys-results.png"), full_page=True)
