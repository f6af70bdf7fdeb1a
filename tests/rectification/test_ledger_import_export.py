"""Feedback import (all-or-nothing) and the ledger export in the 整改台账 layout."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import AuditEntry
from rectification import services
from rectification.models import ItemStatus, RectificationItem

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "反馈来源",
    "反馈日期",
    "问题描述",
    "涉及指标",
    "涉及学校",
    "整改目标",
    "整改措施",
    "牵头单位",
    "配合单位",
    "责任人",
    "完成时限",
]
LEDGER_HEADER = [
    "序号",
    "问题来源",
    "问题描述",
    "涉及指标",
    "涉及学校",
    "整改目标",
    "整改措施",
    "牵头单位",
    "配合单位",
    "责任人",
    "完成时限",
    "进展情况",
    "整改状态",
    "佐证材料",
    "核查意见",
    "销号日期",
    "销号人",
    "备注",
]


def xlsx(rows, header=HEADER, name="反馈问题清单.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def good_row(no=1, **kw):
    row = {
        "序号": no,
        "反馈来源": "省级反馈",
        "反馈日期": date(2025, 3, 18),
        "问题描述": f"第{no}条问题",
        "涉及指标": "生均体育运动场馆面积",
        "涉及学校": "1301230001、1301230002",
        "整改目标": "达标",
        "整改措施": "扩建运动场",
        "牵头单位": "县教育局计财股",
        "配合单位": "县财政局",
        "责任人": "刘建国",
        "完成时限": date(2025, 9, 30),
    }
    row.update(kw)
    return [row[h] for h in HEADER]


def test_a_valid_file_creates_items_with_their_schools(bureau, county, school_a, school_b):
    summary = services.feedback_import(
        user=bureau,
        county=county,
        upload=xlsx([good_row(1), good_row(2, 涉及学校="1301230002", 涉及指标="2.5 班额")]),
    )
    assert (summary.created, summary.updated) == (2, 0)
    first, second = RectificationItem.objects.order_by("number")
    assert (first.source, first.source_no, first.indicator, first.deadline) == (
        "provincial",
        1,
        "sports_area_pp",
        date(2025, 9, 30),
    )
    assert {s.code for s in first.schools.all()} == {"1301230001", "1301230002"}
    assert second.indicator == "2.5"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, county=county).count() == 1


def test_one_bad_row_rejects_the_whole_file(bureau, county, school_a, school_b):
    upload = xlsx([good_row(1), good_row(2, 涉及学校="1301239999"), good_row(3, 完成时限="下个月")])
    with pytest.raises(services.ImportRefused) as refused:
        services.feedback_import(user=bureau, county=county, upload=upload)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "涉及学校"), (4, "完成时限")]
    assert "1301239999" in refused.value.errors[0].reason
    assert not RectificationItem.objects.exists()


def test_a_school_of_another_county_is_an_error(bureau, county, school_a, other_school):
    with pytest.raises(services.ImportRefused) as refused:
        services.feedback_import(
            user=bureau, county=county, upload=xlsx([good_row(1, 涉及学校=other_school.code)])
        )
    assert refused.value.errors[0].column == "涉及学校"


def test_reimporting_updates_the_same_items(bureau, county, school_a, school_b):
    services.feedback_import(user=bureau, county=county, upload=xlsx([good_row(1), good_row(2)]))
    summary = services.feedback_import(
        user=bureau, county=county, upload=xlsx([good_row(1, 整改措施="改为新建体育馆"), good_row(3)])
    )
    assert (summary.created, summary.updated) == (1, 1)
    assert RectificationItem.objects.count() == 3
    assert RectificationItem.objects.get(source_no=1).measures == "改为新建体育馆"


def test_a_closed_item_cannot_be_overwritten_by_an_import(bureau, county, school_a, school_b, pdf_upload):
    services.feedback_import(user=bureau, county=county, upload=xlsx([good_row(1)]))
    item = RectificationItem.objects.get()
    services.item_complete(user=bureau, item=item)
    services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    services.item_close(user=bureau, item=item, verification="已核查")
    with pytest.raises(services.ImportRefused) as refused:
        services.feedback_import(user=bureau, county=county, upload=xlsx([good_row(1, 问题描述="改写")]))
    assert refused.value.errors[0].reason == "对应事项已销号，不能通过导入修改"


def test_a_file_that_is_not_xlsx_is_refused_with_a_reason(bureau, county, pdf_upload):
    with pytest.raises(services.ImportRefused) as refused:
        services.feedback_import(user=bureau, county=county, upload=pdf_upload(name="清单.xlsx"))
    assert refused.value.errors[0].column == "文件"


def test_the_import_page_lists_every_error(bureau, county, school_a, school_b, login):
    response = login(bureau).post(
        reverse("rectification:import"), {"file": xlsx([good_row(1, 反馈来源="国家反馈", 牵头单位="")])}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "文件未导入，共 2 处错误" in page
    assert "国家反馈" in page and "牵头单位" in page


def test_the_import_page_reports_success(bureau, county, school_a, school_b, login):
    response = login(bureau).post(reverse("rectification:import"), {"file": xlsx([good_row(1)])}, follow=True)
    assert "新增 1 项" in response.content.decode()


def test_inspectors_cannot_import(inspector, login):
    assert login(inspector).get(reverse("rectification:import")).status_code == 403


def test_the_import_template_round_trips_its_header(bureau, login):
    response = login(bureau).get(reverse("rectification:import_template"))
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    header = next(wb.worksheets[0].iter_rows(values_only=True))
    assert list(header) == HEADER


def export(client, query=""):
    response = client.get(reverse("rectification:export") + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0].startswith("整改台账 · ") and rows[1][0].startswith(
        "数据时间："
    )  # a report's title rows
    return rows[2:]


def test_the_export_has_the_ledger_column_layout(bureau, login, completed_item, today):
    services.progress_add(user=bureau, item=completed_item, date=date(2025, 4, 1), text="已立项")
    services.progress_add(user=bureau, item=completed_item, date=date(2025, 5, 1), text="已完工")
    services.item_close(user=bureau, item=completed_item, verification="经核查整改到位", today=today)
    rows = export(login(bureau))
    assert rows[0] == LEDGER_HEADER
    row = dict(zip(LEDGER_HEADER, rows[1], strict=True))
    assert row["序号"] == 1
    assert row["问题来源"].startswith("省级反馈 省督导组第二组 2025-03-18 第1条")
    assert row["涉及指标"] == "生均体育运动场馆面积"
    assert row["涉及学校"] == "城关小学（1301230001）"
    assert row["进展情况"] == "2025-04-01 已立项\n2025-05-01 已完工"
    assert row["整改状态"] == "已销号"
    assert row["佐证材料"] == "evidence.pdf"
    assert row["核查意见"] == "经核查整改到位"
    assert row["销号日期"].date() == today
    assert row["销号人"] == "王科长"


def test_the_export_follows_the_list_filters_and_the_county(bureau, login, make_item, other_item):
    make_item(problem="推进中的问题")
    started = make_item(problem="另一个问题")
    services.item_start(user=bureau, item=started)
    rows = export(login(bureau), "?status=in_progress")
    assert [r[2] for r in rows[1:]] == ["另一个问题"]
    all_rows = export(login(bureau))
    assert "山前县的问题" not in [r[2] for r in all_rows[1:]]


def test_formulas_in_cells_are_neutralised(bureau, login, make_item):
    make_item(problem='=HYPERLINK("http://evil")')
    rows = export(login(bureau))
    assert rows[1][2].startswith("'=")


def test_inspectors_may_export_the_ledger(inspector, login, item):
    assert len(export(login(inspector))) == 2


def test_completed_item_fixture_is_completed(completed_item):
    assert completed_item.status == ItemStatus.COMPLETED
