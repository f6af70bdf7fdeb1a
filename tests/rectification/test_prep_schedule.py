"""Backward scheduling and deadline states, without a database."""

from datetime import date

import pytest

from rectification.schedule import (
    DEFAULT_TASK_TEMPLATES,
    TaskTemplateSpec,
    backward_plan,
    days_left,
    deadline_for,
    due_state,
)

INSPECTION = date(2025, 11, 20)


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (0, date(2025, 11, 20)),
        (7, date(2025, 11, 13)),
        (20, date(2025, 10, 31)),
        (30, date(2025, 10, 21)),
        (60, date(2025, 9, 21)),
    ],
)
def test_deadline_is_counted_back_from_the_inspection(days_before, expected):
    assert deadline_for(INSPECTION, days_before) == expected


def test_a_negative_offset_is_refused():
    with pytest.raises(ValueError, match="不能为负数"):
        deadline_for(INSPECTION, -1)


def test_backward_plan_lists_earliest_deadline_first():
    templates = [
        TaskTemplateSpec("drill", "迎检演练", 7, "县教育局"),
        TaskTemplateSpec("report", "自评报告", 30, "督导室"),
        TaskTemplateSpec("archive", "档案整理", 20, "督导室"),
    ]
    plan = backward_plan(INSPECTION, templates)
    assert [(t.key, d) for t, d in plan] == [
        ("report", date(2025, 10, 21)),
        ("archive", date(2025, 10, 31)),
        ("drill", date(2025, 11, 13)),
    ]


def test_default_templates_include_the_documented_offsets():
    offsets = {t.title: t.days_before for t in DEFAULT_TASK_TEMPLATES}
    assert offsets["县级自评报告定稿"] == 30
    assert offsets["迎检档案整理归档"] == 20
    assert offsets["迎检演练"] == 7
    assert len({t.key for t in DEFAULT_TASK_TEMPLATES}) == len(DEFAULT_TASK_TEMPLATES)


@pytest.mark.parametrize(
    ("inspection", "today", "expected"),
    [
        (date(2025, 11, 20), date(2025, 11, 1), 19),
        (date(2025, 11, 20), date(2025, 11, 20), 0),
        (date(2025, 11, 20), date(2025, 11, 22), -2),
        (None, date(2025, 11, 1), None),
    ],
)
def test_days_left(inspection, today, expected):
    assert days_left(inspection, today) == expected


TODAY = date(2025, 5, 10)


@pytest.mark.parametrize(
    ("deadline", "done", "expected"),
    [
        (date(2025, 5, 9), False, "overdue"),
        (date(2025, 5, 10), False, "due_soon"),  # due today is not yet overdue
        (date(2025, 5, 17), False, "due_soon"),  # exactly 7 days away
        (date(2025, 5, 18), False, "open"),
        (date(2025, 5, 1), True, "done"),
        (None, False, "no_deadline"),
    ],
)
def test_due_state(deadline, done, expected):
    assert due_state(deadline, done=done, today=TODAY, due_soon_days=7) == expected


def test_due_soon_window_follows_the_setting():
    assert due_state(date(2025, 5, 20), done=False, today=TODAY, due_soon_days=10) == "due_soon"
    assert due_state(date(2025, 5, 20), done=False, today=TODAY, due_soon_days=3) == "open"
