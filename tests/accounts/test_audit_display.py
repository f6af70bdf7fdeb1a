"""The audit log speaks Chinese: kinds of objects by name, changed fields by label, choices by text."""

import pytest

from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def entry(**fields) -> AuditEntry:
    return AuditEntry.objects.create(action="transition", username="bureau", **fields)


def test_a_status_change_reads_as_labels_not_keys():
    e = entry(object_type="rectification.RectificationItem", changes={"status": ["not_started", "completed"]})
    assert e.object_type_label == "整改事项"
    assert e.changes_display == [("整改状态", "未启动", "已完成")]


def test_yes_no_and_empty_values_are_written_out():
    e = entry(object_type="schools.School", changes={"boarding": [False, True], "parent": [None, 3]})
    assert e.changes_display == [("是否寄宿制", "否", "是"), ("所属中心校", "（空）", "3")]


def test_an_unknown_kind_keeps_its_recorded_name():
    e = entry(object_type="个案列表", changes={"备注": "已核实"})
    assert e.object_type_label == "个案列表"
    assert e.changes_display == [("备注", "", "已核实")]
