"""The area of each music/art room in the 办学条件 template: parsed strictly, counted against the
rooms of the same row, all or nothing, and written back by the export as it was read."""

from decimal import Decimal

import pytest

from schools.columns import CellError, areas_text, parse_areas
from schools.models import SchoolConditions


@pytest.mark.parametrize(
    ("cell", "areas"),
    [
        ("96；102.5", ("96.00", "102.50")),
        ("96;102.5", ("96.00", "102.50")),
        ("96、102.5", ("96.00", "102.50")),
        ("96,102.5", ("96.00", "102.50")),
        ("96，102.5", ("96.00", "102.50")),
        (" 96 ； 102.5 ；", ("96.00", "102.50")),
        (95.99, ("95.99",)),
        (96, ("96.00",)),
    ],
)
def test_areas_are_read_with_any_of_the_separators(cell, areas):
    assert parse_areas(cell) == tuple(Decimal(a) for a in areas)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("96；0", "第 2 间面积应大于 0"),
        ("-5", "面积应大于 0"),
        ("96；；90", "第 2 间面积为空"),
        ("大约96", "面积应为数字"),
        ("95.995", "最多两位小数"),
        ("96 102", "面积应为数字"),
        ("12000", "面积过大"),
    ],
)
def test_a_bad_area_is_refused_with_a_chinese_reason(cell, reason):
    with pytest.raises(CellError, match=reason):
        parse_areas(cell)


def test_areas_print_back_as_they_are_read():
    assert areas_text(["96.00", "102.50", "88.00"]) == "96；102.5；88"
    assert parse_areas(areas_text(["96.00", "102.50"])) == (Decimal("96.00"), Decimal("102.50"))


def test_areas_are_imported_one_per_room(run_import, bureau, school_a, conditions_row):
    row = conditions_row(
        音乐专用教室数=2, 美术专用教室数=1, 音乐专用教室面积="96、102.5", 美术专用教室面积=89.99
    )
    outcome = run_import("conditions", [row], user=bureau)
    assert outcome.ok, outcome.errors
    c = SchoolConditions.objects.get(school=school_a, year=2025)
    assert c.music_room_areas == ["96.00", "102.50"]
    assert c.art_room_areas == ["89.99"]


def test_blank_areas_are_not_reported(run_import, bureau, school_a, conditions_row):
    outcome = run_import("conditions", [conditions_row(音乐专用教室数=2)], user=bureau)
    assert outcome.ok, outcome.errors
    assert SchoolConditions.objects.get().music_room_areas == []


def test_re_importing_changed_areas_updates_them(run_import, bureau, school_a, conditions_row):
    run_import("conditions", [conditions_row(音乐专用教室数=1, 音乐专用教室面积="96")], user=bureau)
    outcome = run_import(
        "conditions", [conditions_row(音乐专用教室数=1, 音乐专用教室面积="95.5")], user=bureau
    )
    assert (outcome.ok, outcome.updated) == (True, 1)
    assert SchoolConditions.objects.get().music_room_areas == ["95.50"]


def _has(outcome, row, column, text):
    return any(r == row and c == column and text in m for r, c, m in outcome.errors)


def test_areas_that_do_not_match_the_room_count_refuse_the_whole_file(
    run_import, bureau, school_a, school_b, conditions_row, snapshot
):
    before = snapshot()
    rows = [
        conditions_row(音乐专用教室数=1, 音乐专用教室面积="96"),
        conditions_row(学校标识码=school_b.code, 美术专用教室数=2, 美术专用教室面积="90；95；100"),
    ]
    outcome = run_import("conditions", rows, user=bureau)
    assert not outcome.ok
    assert _has(outcome, 3, "美术专用教室面积", "填写了 3 间教室的面积，与美术专用教室数（2）不一致")
    assert len(outcome.errors) == 1
    assert snapshot() == before


def test_areas_without_a_room_count_are_refused(run_import, bureau, school_a, conditions_row, snapshot):
    before = snapshot()
    outcome = run_import(
        "conditions", [conditions_row(美术专用教室数=None, 美术专用教室面积="92")], user=bureau
    )
    assert _has(outcome, 2, "美术专用教室面积", "与美术专用教室数（0）不一致")
    assert snapshot() == before


def test_a_bad_area_names_its_row_and_column(run_import, bureau, school_a, conditions_row, snapshot):
    before = snapshot()
    outcome = run_import(
        "conditions", [conditions_row(音乐专用教室数=2, 音乐专用教室面积="96；0")], user=bureau
    )
    assert _has(outcome, 2, "音乐专用教室面积", "第 2 间面积应大于 0")
    assert snapshot() == before
