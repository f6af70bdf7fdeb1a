"""Browser journey: a township official files a case, logs a visit, issues and serves the notice
and files the return; bureau staff (a second login) review and close it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dropout_control.models import CaseStatus, DropoutCase
from tests.dropout_control.casedata import make_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_action(page, label):
    page.locator("#case-actions").get_by_role("link", name=label).click()


def test_a_case_from_report_to_return(
    browser_login, live_server, township_official, bureau, school_a, screenshot_dir, tmp_path
):
    shot = lambda name: page.screenshot(path=str(screenshot_dir / f"dropout_{name}.png"), full_page=True)  # noqa: E731
    today = timezone.localdate()

    page = browser_login(township_official)
    page.goto(f"{live_server.url}/dropout/new/")
    page.fill("input[name=name]", "赵小燕")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=birth_date]", "2012-03-05")
    page.fill("input[name=id_number]", make_id(male=False))
    page.select_option("select[name=school]", str(school_a.pk))
    page.fill("input[name=grade]", "6")
    page.fill("input[name=household_address]", "滨河县城关镇东村 8 号")
    page.fill("input[name=absent_since]", (today - timedelta(days=6)).isoformat())
    page.fill("input[name=guardian_name]", "赵大海")
    page.fill("input[name=guardian_relation]", "父亲")
    page.select_option("select[name=reason]", "work")
    shot("1_form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/dropout/*/")
    assert "已登记个案" in page.content() and "疑似辍学" in page.content()
    case = DropoutCase.objects.get()

    click_action(page, "认定辍学")
    page.fill("textarea[name=note]", "缺课超过规定天数，入户核实确认辍学")
    page.get_by_role("button", name="提交").click()
    click_action(page, "启动劝返")
    page.get_by_role("button", name="提交").click()
    click_action(page, "添加劝返记录")
    page.select_option("select[name=method]", "home_visit")
    page.fill("input[name=gov_people]", "李镇长、东村村委会主任")
    page.fill("input[name=edu_people]", "陈老师")
    page.select_option("select[name=result]", "undecided")
    page.fill("textarea[name=result_detail]", "监护人在外务工，孩子由祖母照看，答应考虑")
    page.get_by_role("button", name="提交").click()
    assert "劝返记录已保存" in page.content()
    shot("2_persuading")

    click_action(page, "开具复学通知书")
    page.get_by_role("button", name="提交").click()
    assert "已开具" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = tmp_path / "notice.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.locator("#case-actions a", has_text="登记送达").click()
    page.select_option("select[name=delivery_method]", "in_person")
    page.fill("input[name=receiver]", "赵大海")
    page.get_by_role("button", name="提交").click()
    assert "已发复学通知" in page.content()
    shot("3_notice_served")

    click_action(page, "申请销号")
    page.select_option("select[name=outcome]", "returned")
    page.select_option("select[name=outcome_school]", str(school_a.pk))
    page.fill("input[name=outcome_date]", today.isoformat())
    page.get_by_role("button", name="提交").click()
    assert "待销号审核" in page.content()
    assert (
        page.locator("#case-actions").get_by_role("link", name="审核销号").count() == 0
    )  # not their own request
    shot("4_close_requested")

    page.get_by_role("button", name="退出").click()
    page = browser_login(bureau)
    page.goto(f"{live_server.url}/dropout/{case.pk}/")
    click_action(page, "审核销号")
    page.fill("textarea[name=note]", "经电话核实已到校上课")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"**/dropout/{case.pk}/")
    assert "已销号" in page.content() and "审核销号" in page.content()
    shot("5_closed")

    case.refresh_from_db()
    assert (case.status, case.outcome, case.close_requested_by, case.reviewer) == (
        CaseStatus.CLOSED,
        "returned",
        township_official,
        bureau,
    )
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "confirmed",
        "persuasion_started",
        "visit",
        "notice_issued",
        "notice_served",
        "close_requested",
        "closed",
    ]
