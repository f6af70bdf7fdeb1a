"""对账 in the browser: bureau staff upload the 学籍 system's own export, pick the columns once (the
guess preselected), read the differences; screenshots at desktop and phone width."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from accounts.models import User
from schools.idcard import id_check_digit
from schools.models import School, SchoolClass

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def export_file(path, county) -> None:
    """One row per student of the demo's 2025 classes, each grade-1 class of the first school one
    child short, and a school the county does not have."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "学校名称", "学校代码", "学生姓名", "证件号码", "年级名称", "班级名称", "学籍状态"])
    serial = 0
    first = School.objects.filter(county=county).order_by("code").first()
    for klass in SchoolClass.objects.filter(school__county=county, year=2025).select_related("school"):
        short = klass.school_id == first.pk and klass.grade == 1
        for _ in range(klass.students - (1 if short else 0)):
            serial += 1
            first17 = f"1301{serial // 1000:02d}20150301{serial % 1000:03d}"
            number = first17 + id_check_digit(first17)
            ws.append(
                [
                    serial,
                    klass.school.name,
                    klass.school.code,
                    "学生",
                    number,
                    f"{klass.grade}",
                    klass.name,
                    "在籍",
                ]
            )
    ws.append([serial + 1, "新建学校", "9999999999", "学生", "", "一年级", "1班", "在籍"])
    wb.save(path)


def test_bureau_maps_the_system_export_once_and_reads_the_differences(
    demo, live_server, page, browser_login, screenshot_dir, tmp_path
):
    bureau = User.objects.get(username="bureau")
    path = tmp_path / "学籍系统导出.xlsx"
    export_file(path, bureau.county)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(bureau)
    page.goto(f"{live_server.url}/dataquality/")
    page.click("text=与国家系统名单对账")
    page.check("input[name=kind][value=register]")
    page.fill("input[name=year]", "2025")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('上传并比对')")
    page.wait_for_url("**/mapping/")
    assert page.locator("select[name=col2]").input_value() == "4"  # 身份证号 ← 证件号码
    page.screenshot(path=str(screenshot_dir / "bureau-reconcile-mapping-desktop.png"), full_page=True)
    page.click("button:has-text('保存对应关系并比对')")
    page.wait_for_selector("text=差异明细")
    body = page.content()
    assert "9999999999" in body and "本县以外的学校标识码" in body
    page.screenshot(path=str(screenshot_dir / "bureau-reconcile-result-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(screenshot_dir / "bureau-reconcile-result-phone.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    assert not overflow, "the result page scrolls sideways on a phone"
