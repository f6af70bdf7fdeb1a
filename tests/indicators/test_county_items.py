"""The county-item catalogue and the merge of entered values with provider items (pure)."""

from decimal import Decimal

import pytest

from indicators.county_items import (
    BY_KEY,
    CATALOGUE,
    Entered,
    collect_provided,
    items_for,
    judge,
    merge_items,
    parse_value,
    value_text,
)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("social_recognition", Decimal("85"), True),  # exactly at the line passes
        ("social_recognition", Decimal("84.99"), False),
        ("training_funds", Decimal("5"), True),  # the lowest school's share
        ("training_funds", Decimal("4.99"), False),
        ("school_layout", Decimal(1), True),
        ("school_layout", Decimal(0), False),
        ("veto_key_schools", Decimal(0), True),  # a veto passes when 否 is entered
        ("veto_key_schools", Decimal(1), False),
        ("government_work_score", None, None),
    ],
)
def test_judge_compares_an_entered_value_with_the_item_line(key, value, expected):
    assert judge(BY_KEY[key], value) is expected


def test_each_scheme_has_its_own_items_and_shares_satisfaction():
    basic = {s.key for s in items_for("basic-2012")}
    quality = {s.key for s in items_for("quality-2017")}
    assert basic == {"province_standards", "government_work_score", "social_recognition"}
    assert "social_recognition" in quality and "teacher_exchange" in quality
    # class size, school size and rooms are judged from the data by the engine, never entered
    assert not any(k in BY_KEY for k in ("class_size", "school_size", "music_art_rooms"))
    assert BY_KEY["junior_retention"].entry is False


def test_parse_value_reads_yes_no_and_numbers_in_chinese():
    assert parse_value(BY_KEY["school_layout"], "是") == 1
    assert parse_value(BY_KEY["veto_safety_accident"], "否") == 0
    assert parse_value(BY_KEY["social_recognition"], "92.5%") == Decimal("92.5")
    with pytest.raises(ValueError, match="不是数字"):
        parse_value(BY_KEY["social_recognition"], "很高")
    with pytest.raises(ValueError, match="是”或“否"):
        parse_value(BY_KEY["school_layout"], "也许")


def test_value_text_shows_units():
    assert value_text(BY_KEY["social_recognition"], Decimal("92.50")) == "92.5%"
    assert value_text(BY_KEY["special_education_funding"], Decimal("6500")) == "6,500 元"
    assert value_text(BY_KEY["veto_exam_admission"], Decimal(0)) == "否"
    assert value_text(BY_KEY["government_work_score"], None) == "未录入"


@pytest.mark.parametrize(
    ("key", "entered", "text"),
    [
        ("school_layout", Decimal("1.0000"), "是"),  # a yes/no item never reads 1.0000
        ("social_recognition", Decimal("84.9998"), "84.9998%"),  # fails ≥ 85%: never "85.0%"
        ("social_recognition", Decimal("85.04"), "85.0%"),
        ("special_education_funding", Decimal("5999.6"), "5,999.6 元"),  # fails ≥ 6000: never "6,000 元"
        ("special_education_funding", Decimal("2953148.84"), "2,953,149 元"),  # 表Ⅳ: integers, grouped
    ],
)
def test_entered_values_print_officially_and_never_contradict_their_verdict(key, entered, text):
    assert value_text(BY_KEY[key], entered) == text


def test_merge_uses_entered_values_and_marks_missing_ones():
    rows = merge_items("basic-2012", {"government_work_score": Entered(Decimal("80"), "省评分")}, [])
    by_key = {r["key"]: r for r in rows}
    assert [r["key"] for r in rows] == [s.key for s in CATALOGUE if "basic-2012" in s.schemes]
    score = by_key["government_work_score"]
    assert score["passed"] is False and score["source"] == "entered"
    assert score["detail"] == "录入值 80 分，要求 ≥ 85 分"
    assert by_key["social_recognition"]["passed"] is None and by_key["social_recognition"]["source"] == "none"


def test_provider_items_win_over_entered_values_for_the_same_key():
    provided = [
        {
            "key": "social_recognition",
            "label": "社会认可度",
            "passed": True,
            "detail": "调查 91.2%",
            "evidence": ["问卷统计表"],
            "provider": "p",
        }
    ]
    rows = merge_items("quality-2017", {"social_recognition": Entered(Decimal("50"))}, provided)
    row = next(r for r in rows if r["key"] == "social_recognition")
    assert row["source"] == "provider" and row["passed"] is True and row["detail"] == "调查 91.2%"
    assert row["evidence"] == ["问卷统计表"]


def test_two_providers_of_one_key_combine_any_failure_fails():
    provided = [
        {
            "key": "teacher_exchange",
            "label": "交流",
            "passed": True,
            "detail": "a",
            "evidence": [],
            "provider": "p",
        },
        {
            "key": "teacher_exchange",
            "label": "交流",
            "passed": False,
            "detail": "b",
            "evidence": [],
            "provider": "q",
        },
    ]
    row = next(r for r in merge_items("quality-2017", {}, provided) if r["key"] == "teacher_exchange")
    assert row["passed"] is False and row["detail"] == "a；b"


def test_provider_keys_of_another_scheme_are_ignored():
    provided = [
        {
            "key": "teacher_exchange",
            "label": "交流",
            "passed": False,
            "detail": "",
            "evidence": [],
            "provider": "p",
        }
    ]
    assert all(r["key"] != "teacher_exchange" for r in merge_items("basic-2012", {}, provided))


def test_entered_value_of_a_data_item_is_not_used():
    rows = merge_items("quality-2017", {"junior_retention": Entered(Decimal(99))}, [])
    row = next(r for r in rows if r["key"] == "junior_retention")
    assert row["passed"] is None and row["source"] == "none"


def test_collect_provided_validates_the_contract():
    good = [{"key": "social_recognition", "label": "社会认可度", "passed": None}]
    bad = [{"key": "social_recognition", "passed": "yes", "label": "x"}]
    not_a_number = [{"key": "junior_retention", "label": "巩固率", "passed": True, "value": "96%"}]

    assert collect_provided([("good", good)])[0]["evidence"] == []
    with pytest.raises(ValueError, match="passed 须为"):
        collect_provided([("bad", bad)])
    with pytest.raises(ValueError, match="value 须为数字"):
        collect_provided([("text", not_a_number)])


def test_a_provider_figure_is_the_rows_value_and_text():
    provided = collect_provided(
        [
            (
                "surveys",
                [
                    {
                        "key": "social_recognition",
                        "label": "社会认可度",
                        "passed": True,
                        "value": 88.25,
                        "value_text": "88.25%",
                        "detail": "满意度 88.25%",
                    }
                ],
            )
        ]
    )
    row = next(r for r in merge_items("quality-2017", {}, provided) if r["key"] == "social_recognition")
    assert (row["value"], row["value_text"], row["detail"]) == (88.25, "88.25%", "满意度 88.25%")
