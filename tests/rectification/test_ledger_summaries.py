"""Summaries for the dashboard and the dossier, and the readiness board."""

from datetime import date

import pytest
from django.urls import reverse

from balance_inspect.signals import readiness_requested
from rectification import selectors, services
from rectification.models import ArchivePoint
from tests.signals import only_receivers

pytestmark = pytest.mark.django_db

TODAY = date(2025, 5, 10)


def test_ledger_summary_counts_by_status_overdue_and_closed_rate(
    make_item, bureau, completed_item, other_item
):
    make_item(problem="逾期", deadline=date(2025, 5, 1))
    make_item(problem="即将到期", deadline=date(2025, 5, 15))
    services.item_close(user=bureau, item=completed_item, verification="已核查")
    summary = selectors.ledger_summary(completed_item.county, TODAY)
    assert summary["total"] == 3
    assert summary["by_status"]["closed"] == ("已销号", 1)
    assert summary["by_status"]["not_started"] == ("未启动", 2)
    assert (summary["open"], summary["overdue"], summary["due_soon"], summary["closed"]) == (2, 1, 1, 1)
    assert summary["closed_rate"] == pytest.approx(1 / 3)


def test_ledger_summary_of_an_empty_county(county):
    summary = selectors.ledger_summary(county, TODAY)
    assert summary["total"] == 0 and summary["closed_rate"] is None


def test_archive_completeness_counts_only_the_countys_files(
    bureau, other_bureau, county, other_county, pdf_upload
):
    point = ArchivePoint.objects.get(code="0.2")  # requires 1 document
    services.archive_file_add(user=bureau, county=county, point=point, upload=pdf_upload())
    services.archive_file_add(user=bureau, county=county, point=point, upload=pdf_upload())
    services.archive_file_add(
        user=other_bureau,
        county=other_county,
        point=ArchivePoint.objects.get(code="0.1"),
        upload=pdf_upload(),
    )
    comp = selectors.archive_completeness(county)
    folder0 = comp.folders[0]
    assert (folder0.folder, folder0.name, folder0.counted, folder0.complete_points) == ("0", "综合卷", 1, 1)
    assert (
        folder0.required
        == ArchivePoint.objects.filter(folder="0").values_list("required_count", flat=True)[0] + 1 + 3 + 2
    )
    assert comp.counted == 1
    assert [f.folder for f in comp.folders] == ["0", "1", "2", "3", "4", "5"]


def test_the_checklist_follows_the_indicator_tree():
    codes = list(ArchivePoint.objects.order_by("order").values_list("code", flat=True))
    assert [c for c in codes if c.startswith("1.")] == [f"1.{i}" for i in range(1, 8)]
    assert [c for c in codes if c.startswith("2.")] == [f"2.{i}" for i in range(1, 16)]
    assert [c for c in codes if c.startswith("3.")] == [f"3.{i}" for i in range(1, 10)]
    assert ArchivePoint.objects.get(code="1.1").name == "每百名学生拥有高于规定学历教师数"
    assert ArchivePoint.objects.get(code="1.1").indicator == "qualified_teachers_per100"
    assert all(p.required_count == len(p.document_list) > 0 for p in ArchivePoint.objects.all())


def rows_by_item(board):
    return {r.item: r for r in board["rows"]}


@pytest.fixture
def provider():
    calls = []

    def dropout_rows(sender, *, county, year, **kwargs):
        calls.append((county.code, year))
        return [
            {
                "area": "控辍保学",
                "item": "辍学个案",
                "status": "at_risk",
                "detail": "在办 2 件",
                "owner": "基教股",
                "deadline": date(2025, 5, 20),
            }
        ]

    with only_receivers(readiness_requested, dropout_rows):
        yield calls


def test_the_board_combines_assessment_items_tasks_archive_and_providers(
    make_assessment, make_item, bureau, county, school_a, school_b, provider
):
    make_assessment()
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=date(2025, 6, 30))
    county.refresh_from_db()
    services.plan_create(user=bureau, county=county)
    linked = make_item(problem="运动场不足", indicator="sports_area_pp", deadline=date(2025, 6, 1))
    make_item(problem="逾期问题", indicator="", deadline=date(2025, 5, 1))
    make_item(problem="来不及的问题", indicator="", deadline=date(2025, 7, 31))

    board = selectors.readiness_board(county, today=TODAY)
    rows = rows_by_item(board)

    assert board["days_left"] == 51
    cv = rows["小学 生均体育运动场馆面积"]
    assert (cv.area, cv.status, cv.owner, cv.deadline) == (
        "差异系数",
        "fail",
        "县教育局计财股",
        date(2025, 6, 1),
    )
    assert cv.url == reverse("rectification:detail", args=[linked.pk])
    assert rows["小学 生均教学及辅助用房面积"].status == "pass"
    assert rows["特殊教育学校生均公用经费"].status == "fail"
    assert rows["辍学个案"].status == "at_risk" and rows["辍学个案"].owner == "基教股"
    assert provider == [("130123", 2025)]
    assert rows["第2项 逾期问题"].status == "fail"
    assert "晚于国检日期" in rows["第3项 来不及的问题"].detail
    assert rows["第1项 运动场不足"].status == "at_risk"
    assert rows["T-60 成立迎检工作领导小组，印发迎检工作方案"].status == "fail"  # due 2025-05-01
    assert rows["T-7 迎检演练"].status == "pass"
    assert rows["0 综合卷"].status == "at_risk"  # 51 days left
    assert board["rows"][0].status == "fail"  # worst first
    assert sum(board["counts"].values()) == len(board["rows"])


def test_without_an_assessment_the_board_says_so(county):
    board = selectors.readiness_board(county, today=TODAY)
    assert rows_by_item(board)["差异系数与逐校达标"].status == "at_risk"
    assert board["year"] == 2024  # May 2025 is in 2024–2025


def test_archive_folders_fail_close_to_the_inspection(bureau, county):
    services.county_set_inspection_date(user=bureau, county=county, inspection_date=date(2025, 5, 25))
    county.refresh_from_db()
    assert rows_by_item(selectors.readiness_board(county, today=TODAY))["5 整改卷"].status == "fail"


def test_a_raising_readiness_receiver_shows_as_a_failing_row_and_the_others_still_count(county):
    def broken(sender, **kwargs):
        raise RuntimeError("boom")

    def fine(sender, **kwargs):
        return [{"area": "控辍保学", "item": "辍学个案", "status": "pass"}]

    with only_receivers(readiness_requested, broken, fine):
        rows = selectors.readiness_board(county, today=TODAY)["rows"]
    failed = [r for r in rows if r.area == "数据来源"]
    assert len(failed) == 1 and failed[0].status == "fail" and "RuntimeError" in failed[0].detail
    assert failed[0].item.endswith("broken")
    assert any(r.item == "辍学个案" and r.status == "pass" for r in rows)


def test_the_board_page_shows_the_countdown(make_assessment, bureau, county, login):
    make_assessment()
    page = login(bureau).get(reverse("rectification:readiness")).content.decode()
    assert "准备情况看板" in page and "小学 生均体育运动场馆面积" in page and "未达标" in page
