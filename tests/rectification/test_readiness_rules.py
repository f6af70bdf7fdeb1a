"""Readiness rules and archive completeness, without a database."""

from datetime import date

import pytest

from rectification.readiness import (
    AT_RISK,
    FAIL,
    PASS,
    PointFacts,
    ReadinessRow,
    archive_status,
    completeness,
    item_status,
    provided_rows,
    row_from_mapping,
    sort_rows,
    task_status,
    worst,
)

FOLDERS = {"0": "综合卷", "1": "资源配置", "5": "整改卷"}


def test_completeness_counts_at_most_the_required_files_per_point():
    points = [
        PointFacts("0.1", "0", "申请报告", required=2, uploaded=5),  # 3 extra files do not count
        PointFacts("0.2", "0", "自评报告", required=1, uploaded=0),
        PointFacts("1.1", "1", "高学历教师", required=2, uploaded=1),
        PointFacts("5.1", "5", "整改台账", required=2, uploaded=2),
    ]
    result = completeness(points, FOLDERS)
    by_folder = {f.folder: f for f in result.folders}
    assert (by_folder["0"].counted, by_folder["0"].required, by_folder["0"].complete_points) == (2, 3, 1)
    assert by_folder["0"].percent == 66
    assert by_folder["1"].percent == 50
    assert by_folder["5"].ratio == 1.0
    assert (result.counted, result.required) == (5, 7)
    assert result.percent == 71
    assert [f.folder for f in result.folders] == ["0", "1", "5"]


def test_completeness_never_rounds_up_to_a_full_archive():
    points = [PointFacts(f"1.{i}", "1", "x", required=1, uploaded=1) for i in range(299)]
    points.append(PointFacts("1.999", "1", "x", required=1, uploaded=0))
    assert completeness(points, FOLDERS).percent == 99


def test_empty_checklist_is_complete_and_folders_without_points_are_left_out():
    result = completeness([], FOLDERS)
    assert result.folders == ()
    assert result.ratio == 1.0


@pytest.mark.parametrize(
    ("ratio", "days", "expected"),
    [
        (1.0, 3, PASS),
        (0.9, 60, AT_RISK),
        (0.9, None, AT_RISK),
        (0.9, 21, AT_RISK),
        (0.9, 20, FAIL),
        (0.0, 0, FAIL),
    ],
)
def test_archive_status(ratio, days, expected):
    assert archive_status(ratio, days) == expected


TODAY = date(2025, 5, 10)
INSPECTION = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("status", "deadline", "expected"),
    [
        ("closed", date(2025, 1, 1), PASS),
        ("long_term", date(2025, 1, 1), PASS),
        ("in_progress", date(2025, 5, 9), FAIL),  # overdue
        ("in_progress", date(2025, 7, 1), FAIL),  # cannot be done before the inspection
        ("in_progress", date(2025, 6, 1), AT_RISK),
        ("completed", date(2025, 6, 1), AT_RISK),  # awaiting verification
        ("not_started", date(2025, 5, 12), AT_RISK),
    ],
)
def test_item_status(status, deadline, expected):
    assert item_status(status=status, deadline=deadline, inspection_date=INSPECTION, today=TODAY) == expected


@pytest.mark.parametrize(
    ("done", "deadline", "expected"),
    [
        (True, date(2025, 5, 1), PASS),
        (False, date(2025, 5, 9), FAIL),
        (False, date(2025, 5, 15), AT_RISK),
        (False, date(2025, 6, 15), PASS),
        (False, None, AT_RISK),
    ],
)
def test_task_status(done, deadline, expected):
    assert task_status(done=done, deadline=deadline, today=TODAY, due_soon_days=7) == expected


def test_worst_status():
    assert worst([PASS, AT_RISK, PASS]) == AT_RISK
    assert worst([PASS, FAIL, AT_RISK]) == FAIL
    assert worst([]) is None


def test_a_row_breaking_the_provider_contract_shows_as_a_failure():
    row = row_from_mapping({"area": "控辍保学", "item": "辍学", "status": "green"}, source="dropout")
    assert row.status == FAIL
    assert "不符合约定" in row.detail
    good = row_from_mapping(
        {
            "area": "控辍保学",
            "item": "疑似辍学个案",
            "status": "at_risk",
            "owner": "基教股",
            "deadline": date(2025, 5, 20),
        },
        source="dropout",
    )
    assert good == ReadinessRow(
        area="控辍保学", item="疑似辍学个案", status=AT_RISK, owner="基教股", deadline=date(2025, 5, 20)
    )


def test_rows_are_sorted_worst_first_then_by_deadline():
    rows = [
        ReadinessRow("a", "x", PASS),
        ReadinessRow("b", "y", FAIL, deadline=date(2025, 6, 1)),
        ReadinessRow("c", "z", FAIL, deadline=date(2025, 5, 1)),
        ReadinessRow("d", "w", AT_RISK),
    ]
    assert [r.area for r in sort_rows(rows)] == ["c", "b", "d", "a"]


def test_a_raising_receiver_becomes_one_failing_row_naming_it():
    rows = provided_rows("dropout_control.receivers.readiness_rows", RuntimeError("数据库连接中断"))
    assert rows == [
        ReadinessRow(
            area="数据来源",
            item="dropout_control.receivers.readiness_rows",
            status=FAIL,
            detail="读取失败：RuntimeError：数据库连接中断",
        )
    ]
    assert provided_rows("x", None) == []
