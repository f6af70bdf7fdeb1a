"""The workflow graph, the closing rule, deadlines and periods — pure functions, no database."""

from datetime import date

import pytest

from dropout_control import rules
from dropout_control.rules import (
    CLOSED,
    CONFIRMED,
    LEGAL,
    NOTICE_SERVED,
    PERSUADING,
    SUSPECTED,
    CaseFacts,
    DeadlineRules,
)

ALL = (SUSPECTED, CONFIRMED, PERSUADING, NOTICE_SERVED, LEGAL, CLOSED)
ALLOWED = {
    (SUSPECTED, CONFIRMED),
    (SUSPECTED, CLOSED),
    (CONFIRMED, PERSUADING),
    (CONFIRMED, CLOSED),
    (PERSUADING, NOTICE_SERVED),
    (PERSUADING, CLOSED),
    (NOTICE_SERVED, LEGAL),
    (NOTICE_SERVED, CLOSED),
    (LEGAL, CLOSED),
}  # reopening a closed case is a separate step (services.case_reopen), not an edge of the graph


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_the_transition_graph_is_exactly_the_documented_one(source, target):
    assert rules.can_transition(source, target) == ((source, target) in ALLOWED)


TODAY = date(2025, 10, 20)


def problems(**kw):
    base = {
        "status": PERSUADING,
        "outcome": rules.RETURNED,
        "has_return_school": True,
        "return_date": date(2025, 10, 10),
        "has_proof_file": False,
        "proof_note": "",
        "absent_since": date(2025, 9, 1),
        "today": TODAY,
    }
    base.update(kw)
    return rules.closing_problems(**base)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, []),
        ({"has_return_school": False}, ["返校复学须填写返回的学校"]),
        ({"return_date": None}, ["返校复学须填写返校日期"]),
        ({"return_date": date(2025, 10, 21)}, ["返校日期不能晚于今天"]),
        ({"return_date": date(2025, 8, 31)}, ["返校日期不能早于缺课起始日期"]),
        ({"outcome": rules.HOME_TEACHING, "has_return_school": False, "return_date": None}, ["除返校复学外"]),
        ({"outcome": rules.HOME_TEACHING, "proof_note": "县专家委员会评估意见"}, []),
        ({"outcome": rules.DEFERRAL, "has_proof_file": True}, []),
        ({"outcome": rules.OTHER, "proof_note": "   "}, ["除返校复学外"]),
        ({"status": SUSPECTED}, []),
        ({"status": SUSPECTED, "outcome": rules.TRANSFERRED, "has_proof_file": True}, []),
        ({"status": SUSPECTED, "outcome": rules.HOME_TEACHING, "has_proof_file": True}, ["疑似辍学尚未认定"]),
        ({"status": CLOSED}, ["当前状态不能申请销号"]),
        ({"outcome": "vanished"}, ["请选择销号结果"]),
    ],
)
def test_closing_needs_proof_that_fits_the_outcome(kw, expected):
    found = problems(**kw)
    assert len(found) == len(expected)
    for message, start in zip(found, expected, strict=True):
        assert message.startswith(start)


RULES = DeadlineRules(
    report_after_days=7, confirm_after_days=30, first_visit_days=3, notice_deadline_days=15, review_days=7
)


def facts(**kw):
    base = {
        "status": SUSPECTED,
        "absent_since": date(2025, 10, 1),
        "reported_on": date(2025, 10, 6),
        "first_contact_on": date(2025, 10, 6),
    }
    base.update(kw)
    return CaseFacts(**base)


@pytest.mark.parametrize(
    ("kw", "today", "keys"),
    [
        ({}, date(2025, 10, 10), []),
        ({"reported_on": date(2025, 10, 9)}, date(2025, 10, 10), ["late_report"]),
        ({"reported_on": date(2025, 10, 8)}, date(2025, 10, 10), []),  # exactly 7 days is on time
        ({}, date(2025, 10, 31), []),  # 30 days absent: still within the limit
        ({}, date(2025, 11, 1), ["unconfirmed"]),
        ({"status": CONFIRMED}, date(2025, 11, 20), []),
        ({"first_contact_on": None}, date(2025, 10, 9), []),
        ({"first_contact_on": None}, date(2025, 10, 10), ["no_contact"]),
        ({"status": NOTICE_SERVED, "notice_deadline": date(2025, 11, 1)}, date(2025, 11, 1), []),
        (
            {"status": NOTICE_SERVED, "notice_deadline": date(2025, 11, 1)},
            date(2025, 11, 2),
            ["notice_expired"],
        ),
        ({"status": LEGAL, "notice_deadline": date(2025, 11, 1)}, date(2025, 12, 2), []),
        ({"status": PERSUADING, "close_requested_on": date(2025, 10, 20)}, date(2025, 10, 27), []),
        (
            {"status": PERSUADING, "close_requested_on": date(2025, 10, 20)},
            date(2025, 10, 28),
            ["review_pending"],
        ),
        (
            {"status": CLOSED, "first_contact_on": None, "reported_on": date(2025, 10, 20)},
            date(2026, 5, 1),
            [],
        ),
    ],
)
def test_overdue_reasons_depend_on_today(kw, today, keys):
    assert [r.key for r in rules.overdue_reasons(facts(**kw), today, RULES)] == keys


def test_overdue_reasons_follow_the_configured_days():
    strict = DeadlineRules(confirm_after_days=10)
    assert [r.key for r in rules.overdue_reasons(facts(), date(2025, 10, 12), strict)] == ["unconfirmed"]


def test_overdue_reason_texts_are_chinese_and_name_the_days():
    (reason,) = rules.overdue_reasons(facts(), date(2025, 11, 5), RULES)
    assert reason.text == "疑似辍学已缺课 35 天，超过 30 天仍未认定或销号"


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2025, 9, 1), (2025, 1)),
        (date(2025, 8, 1), (2025, 1)),
        (date(2026, 1, 15), (2025, 1)),
        (date(2026, 2, 1), (2025, 2)),
        (date(2026, 7, 31), (2025, 2)),
    ],
)
def test_terms_follow_the_school_calendar(day, term):
    assert rules.term_of(day) == term


def test_term_labels_are_chinese():
    assert rules.term_label(2025, 1) == "2025—2026学年秋季学期"
    assert rules.term_label(2025, 2) == "2025—2026学年春季学期"


@pytest.mark.parametrize(
    ("quarter", "bounds"),
    [
        (1, (date(2025, 1, 1), date(2025, 3, 31))),
        (4, (date(2025, 10, 1), date(2025, 12, 31))),
    ],
)
def test_quarter_bounds(quarter, bounds):
    assert rules.quarter_bounds(2025, quarter) == bounds


def test_month_bounds_handle_december_and_february():
    assert rules.month_bounds(2025, 12) == (date(2025, 12, 1), date(2025, 12, 31))
    assert rules.month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("", "")]
)
def test_names_are_masked_after_the_first_character(name, masked):
    assert rules.mask_name(name) == masked
