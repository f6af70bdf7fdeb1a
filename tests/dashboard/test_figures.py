"""Table-driven tests of the pure dashboard computations (no database)."""

from datetime import date

import pytest

from dashboard import figures


@pytest.mark.parametrize(
    ("target", "today", "expected"),
    [
        (date(2027, 1, 28), date(2026, 11, 29), 60),
        (date(2026, 11, 29), date(2026, 11, 29), 0),
        (date(2026, 11, 28), date(2026, 11, 29), -1),
        (None, date(2026, 11, 29), None),
    ],
)
def test_days_until(target, today, expected):
    assert figures.days_until(target, today) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 4, 0.25),
        (0, 4, 0.0),
        (3, 0, None),
        (None, 4, None),
        (2, None, None),
    ],
)
def test_ratio_never_divides_by_zero(part, whole, expected):
    assert figures.ratio(part, whole) == expected


ROWS = [
    {"stage": "primary", "township": "城关镇", "urban_rural": "城区", "passed": True},
    {"stage": "primary", "township": "河口乡", "urban_rural": "乡村", "passed": False},
    {"stage": "junior", "township": "城关镇", "urban_rural": "城区", "passed": True},
    {"stage": "junior", "township": "城关镇", "urban_rural": "镇区", "passed": None},
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"passed": 2, "total": 3, "failed": 1, "ratio": 2 / 3}),
        ({"stage": "primary"}, {"passed": 1, "total": 2, "failed": 1, "ratio": 0.5}),
        ({"township": "城关镇"}, {"passed": 2, "total": 2, "failed": 0, "ratio": 1.0}),
        ({"urban_rural": "镇区"}, {"passed": 0, "total": 0, "failed": 0, "ratio": None}),
        ({"township": "河口乡", "stage": "junior"}, {"passed": 0, "total": 0, "failed": 0, "ratio": None}),
    ],
)
def test_unit_rule_counts_follow_the_filters_and_skip_unjudged_units(filters, expected):
    kept = [r for r in ROWS if figures.keep_row(r, **filters)]
    assert figures.unit_rule_counts(kept) == expected


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([], {"over_standard": 0, "large": 0, "super_large": 0}),
        (["超标准班额", "大班额", "超大班额", "大班额"], {"over_standard": 4, "large": 2, "super_large": 1}),
    ],
)
def test_class_band_counts(bands, expected):
    assert figures.class_band_counts({"band": b} for b in bands) == expected


def row(code, students, value):
    return {
        "school_code": code,
        "stage": "primary",
        "students": students,
        "cells": [{"key": "books_pp", "value": value}],
    }


@pytest.mark.parametrize(
    ("field", "descending", "expected"),
    [
        ("students", False, ["3", "1", "2", "4"]),
        ("students", True, ["4", "2", "1", "3"]),
        ("books_pp", False, ["2", "1", "3", "4"]),  # None (school 4) last
        ("books_pp", True, ["3", "1", "2", "4"]),  # None last in both directions
        ("unknown", False, ["1", "2", "3", "4"]),  # nothing to sort on: code order
    ],
)
def test_sort_rows(field, descending, expected):
    rows = [row("2", 300, 10.0), row("1", 200, 20.0), row("3", 100, 30.0), row("4", 400, None)]
    assert [r["school_code"] for r in figures.sort_rows(rows, field, descending)] == expected


def test_top_subject_gaps_keeps_required_subjects_missing_somewhere_most_schools_first():
    subjects = [
        {"stage": "小学", "subject": "音乐", "required": True, "schools_without": 3},
        {"stage": "小学", "subject": "书法", "required": False, "schools_without": 9},
        {"stage": "初中", "subject": "物理", "required": True, "schools_without": 0},
        {"stage": "初中", "subject": "美术", "required": True, "schools_without": 5},
    ]
    assert [s["subject"] for s in figures.top_subject_gaps(subjects)] == ["美术", "音乐"]
    assert [s["subject"] for s in figures.top_subject_gaps(subjects, limit=1)] == ["美术"]


def test_latest_per_keeps_the_first_ref_of_each_key():
    refs = [
        {"id": 3, "scheme": "q", "year": 2025},
        {"id": 2, "scheme": "q", "year": 2025},
        {"id": 1, "scheme": "b", "year": 2024},
    ]
    assert figures.latest_per(refs, "scheme") == {("q",): refs[0], ("b",): refs[2]}
    assert set(figures.latest_per(refs, "year", "scheme")) == {(2025, "q"), (2024, "b")}


@pytest.mark.parametrize(
    ("total", "students", "per", "expected"),
    [
        (4500, 1000, 1, 4.5),
        (60, 1000, 100, 6.0),
        (10, 0, 1, None),
        (None, 10, 1, None),
    ],
)
def test_per_student(total, students, per, expected):
    assert figures.per_student(total, students, per) == expected
