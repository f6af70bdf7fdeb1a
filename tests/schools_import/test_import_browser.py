"""Browser journey: bureau downloads the 学校 template, fills it, previews, confirms, sees the school."""

import pytest
from openpyxl import load_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_imports_a_school_through_the_browser(
    browser_login, live_server, bureau, school_a, screenshot_dir, tmp_path
):
    page = browser_login(bureau)
    page.goto(f"{live_server.url}/schools/import/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载学校模板").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    wb = load_workbook(template)
    assert wb.sheetnames == ["学校", "填写说明"]
    wb["学校"].append(
        ["1301230188", "滨河县实验小学", "130123", "滨河县", "城关镇", "小学", "城区", "公办", None, "否"]
    )
    filled = tmp_path / "学校名录.xlsx"
    wb.save(filled)

    page.select_option("select[name=kind]", "schools")
    page.set_input_files("input[name=file]", str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/schools/import/*/")
    assert "检查通过" in page.content()
    assert "滨河县实验小学" in page.content()
    page.screenshot(path=str(screenshot_dir / "schools_import_preview.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(f"{live_server.url}/schools/")
    body = page.content()
    assert "学校：新增 1 条，更新 0 条" in body
    assert "滨河县实验小学" in body
    page.screenshot(path=str(screenshot_dir / "schools_import_done.png"), full_page=True)
