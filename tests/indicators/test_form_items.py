"""表Ⅳ, 表Ⅴ and the vetoes of the application form: each item's sentence filled from its inputs,
its verdict at and around its line, blanks listed, and the same verdict as the assessment's row."""

from decimal import Decimal as D

import pytest

from indicators.county_items import (
    BY_KEY,
    TABLE4_KEYS,
    TABLE5_KEYS,
    VETO_KEYS,
    Entered,
    check_inputs,
    collect_provided,
    evaluate,
    items_for,
    merge_items,
)
from indicators.engine import CountyItem, assess_units
from indicators.form_items import table4_rows, table5_rows, veto_rows
from tests.engine.test_honest_verdict import good_quality_units


def result_of(entered=None, provided=(), limits=None, checks=None, stages=None):
    """A stored quality-2017 document holding only what the form rows read."""
    rows = merge_items(
        "quality-2017",
        {k: Entered(inputs=v) if isinstance(v, dict) else v for k, v in (entered or {}).items()},
        collect_provided([("p", list(provided))]),
        limits,
    )
    return {
        "scheme": "quality-2017",
        "county_items": rows,
        "checks": checks or {"rooms": [], "school_size": [], "school_sizes": []},
        "stages": stages or {},
    }


def row(rows, key):
    return next(r for r in rows if r["key"] == key)


def t4(key, **kw):
    return row(table4_rows(result_of(**kw)), key)


def t5(key, **kw):
    return row(table5_rows(result_of(**kw)), key)


def test_the_tables_follow_the_forms_order_and_numbers():
    rows4, rows5, vetoes = table4_rows({}), table5_rows({}), veto_rows({})
    assert [r["no"] for r in rows4] == list(range(1, 16)) and [r["key"] for r in rows4] == list(TABLE4_KEYS)
    assert [r["no"] for r in rows5] == list(range(1, 10)) and [r["key"] for r in rows5] == list(TABLE5_KEYS)
    assert [r["no"] for r in vetoes] == list(range(1, 8)) and [r["key"] for r in vetoes] == list(VETO_KEYS)
    assert rows4[0]["name"] == "县域内义务教育学校规划布局合理，符合国家规定要求"
    assert rows5[7]["name"] == "无过重课业负担"
    assert vetoes[6]["name"] == "规范治理校外培训机构及减轻中小学课外负担不力"
    expected = {"no", "key", "name", "text", "passed", "passed_text", "blanks", "who", "evidence"}
    assert all(set(r) == expected for r in rows4 + rows5)
    assert all(set(r) == expected | {"fails_application"} for r in vetoes)


def test_an_empty_document_prints_every_blank_and_reads_not_entered():
    r = table4_rows({})[5]
    assert r["text"] == "不足 100 人的规模较小学校学生数＿人，公用经费＿元"
    assert r["passed"] is None and r["passed_text"] == "未录入"
    assert r["blanks"] == [
        "不足 100 人的规模较小学校学生数",
        "不足 100 人的规模较小学校公用经费",
        "是否均按不低于 100 人核定公用经费",
    ]
    assert r["who"] == "教育局录入"
    assert table4_rows({})[0]["blanks"] == ["是否达标", "简要结论"]


@pytest.mark.parametrize(
    ("funds_wan", "students", "passed", "shown"),
    [
        ("60", "100", True, "6,000"),  # exactly at the line passes
        ("59.9999", "100", False, "5,999.99"),  # 5999.99 fails and never prints 6,000
        ("84.5", "130", True, "6,500"),
    ],
)
def test_special_education_per_student_funds_at_the_line(funds_wan, students, passed, shown):
    r = t4(
        "special_education_funding",
        entered={"special_education_funding": {"funds_wan": D(funds_wan), "students": D(students)}},
    )
    assert r["passed"] is passed and r["passed_text"] == ("是" if passed else "否")
    assert r["text"].endswith(f"特殊教育学校生均公用经费为{shown}元")
    assert r["blanks"] == []


def test_special_education_with_no_students_is_not_judged_never_divided_by_zero():
    r = t4(
        "special_education_funding",
        entered={"special_education_funding": {"funds_wan": D(50), "students": D(0)}},
    )
    assert r["passed"] is None and "生均公用经费为＿元" in r["text"]


def test_special_education_line_is_a_setting():
    entered = {"special_education_funding": {"funds_wan": D(65), "students": D(100)}}
    assert t4("special_education_funding", entered=entered)["passed"] is True
    assert (
        t4("special_education_funding", entered=entered, limits={"special_education_funding": 8000})["passed"]
        is False
    )
    stored = result_of(entered=entered, limits={"special_education_funding": 8000})["county_items"]
    assert row(stored, "special_education_funding")["threshold_text"] == "≥ 8,000 元"
    r = t4("special_education_funding", entered=entered, limits={"special_education_funding": 8000})
    assert r["name"] == "特殊教育学校生均公用经费不低于 8000 元"


def exchange(eligible, exchanged, backbone):
    """What the workforce provider sends: its verdict (both shares) and the sentence's numbers."""
    rate, share = D(exchanged) / D(eligible), (D(backbone) / D(exchanged) if exchanged else D(0))
    return {
        "key": "teacher_exchange",
        "label": "交流轮岗",
        "passed": rate >= D("0.1") and share >= D("0.2"),
        "inputs": {"eligible": eligible, "exchanged": exchanged, "backbone": backbone},
    }


@pytest.mark.parametrize(
    ("eligible", "exchanged", "backbone", "passed", "rate", "share"),
    [
        (1000, 100, 20, True, "10.0", "20.0"),
        (1000, 100, 19, False, "10.0", "19.0"),
        (1000, 99, 50, False, "9.9", "50.5"),
        (10000, 1000, 199, False, "10.0", "19.9"),  # 10% with backbone 19.9%
    ],
)
def test_exchange_needs_ten_percent_and_a_fifth_backbone(eligible, exchanged, backbone, passed, rate, share):
    r = t4("teacher_exchange", provided=[exchange(eligible, exchanged, backbone)])
    assert r["passed"] is passed and r["who"] == "自动：师资数据"
    assert r["text"] == (
        f"全县符合交流轮岗条件教师总数{eligible:,}名，上一年度交流轮岗教师{exchanged:,}名，占比{rate}%；"
        f"交流轮岗的骨干教师{backbone}名，占交流轮岗教师总数的{share}%"
    )


def test_the_exchange_rule_judges_both_shares_when_entered_figures_are_evaluated():
    spec = BY_KEY["teacher_exchange"]
    assert evaluate(spec, {"eligible": 1000, "exchanged": 100, "backbone": 20}).passed is True
    assert evaluate(spec, {"eligible": 10000, "exchanged": 1000, "backbone": 199}).passed is False
    assert evaluate(spec, {"eligible": 0, "exchanged": 0, "backbone": 0}).passed is None


@pytest.mark.parametrize(
    ("primary", "junior", "passed"),
    [("100", "95", True), ("99.9", "99", False), ("100", "94.99", False), ("100", None, None)],
)
def test_nearby_enrolment_needs_both_lines(primary, junior, passed):
    inputs = {"primary": D(primary)} | ({"junior": D(junior)} if junior else {})
    r = t4("nearby_enrolment", entered={"nearby_enrolment": inputs})
    assert r["passed"] is passed
    if junior == "94.99":
        assert r["text"].endswith("分别为100.0%、94.99%")  # never "95.0%" beside 否


@pytest.mark.parametrize(("allocated", "passed", "share"), [(900, True, "50.0"), (899, False, "49.9")])
def test_quota_allocation_at_half(allocated, passed, share):
    r = t4(
        "quota_allocation",
        entered={"quota_allocation": {"total": D(1800), "allocated": D(allocated), "rural": D(600)}},
    )
    assert r["passed"] is passed
    assert f"分配名额{allocated}人，占比{share}%" in r["text"] and "其中分配农村学校的名额600人" in r["text"]


@pytest.mark.parametrize(
    ("public", "care", "passed"), [(1700, 1, True), (1699, 1, False), (1900, 0, False), (1900, None, None)]
)
def test_migrant_children_need_85_percent_and_a_care_system(public, care, passed):
    inputs = {"eligible": D(2100), "public": D(public), "purchased": D(85)}
    if care is not None:
        inputs["care_system"] = D(care)
    r = t4(
        "migrant_children", entered={"migrant_children": Entered(inputs=inputs, conclusion="三级关爱体系")}
    )
    assert r["passed"] is passed
    assert f"合计{public + 85:,}人" in r["text"] and r["text"].endswith("三级关爱体系")


def test_teacher_pay_compares_with_civil_servants_and_needs_performance_pay():
    def judged(teacher, civil, perf):
        return t4(
            "teacher_pay",
            entered={
                "teacher_pay": {"teacher_pay": D(teacher), "civil_pay": D(civil), "performance_pay": D(perf)}
            },
        )

    assert judged(100000, 100000, 1)["passed"] is True
    assert judged(99999, 100000, 1)["passed"] is False
    assert judged(120000, 100000, 0)["passed"] is False
    assert judged(98600, 101200, 1)["text"].startswith(
        "全县义务教育学校教师年平均工资收入为98,600元，当地公务员年平均工资收入101,200元"
    )


@pytest.mark.parametrize(("enrolled", "passed", "rate"), [(95, True, "95.0"), (94, False, "94.0")])
def test_disabled_enrolment_at_95(enrolled, passed, rate):
    r = t5(
        "disabled_enrolment",
        entered={
            "disabled_enrolment": {"children": D(100), "enrolled": D(enrolled), "special_school": D(40)}
        },
    )
    assert r["passed"] is passed and f"入学率为{rate}%" in r["text"]


def test_monitoring_needs_level_three_and_difference_below_015_in_six_subjects():
    subjects = ("chinese", "math", "science", "pe", "art", "moral")
    good = {f"{s}_level": D(3) for s in subjects} | {f"{s}_diff": D("0.14") for s in subjects}
    assert t5("quality_monitoring", entered={"quality_monitoring": good})["passed"] is True
    assert (
        t5("quality_monitoring", entered={"quality_monitoring": good | {"art_diff": D("0.15")}})["passed"]
        is False
    )
    assert (
        t5("quality_monitoring", entered={"quality_monitoring": good | {"pe_level": D(2)}})["passed"] is False
    )
    partial = {k: v for k, v in good.items() if k != "moral_diff"}
    r = t5("quality_monitoring", entered={"quality_monitoring": partial})
    assert r["passed"] is None and r["blanks"] == ["德育校际差异率"]
    assert r["text"].startswith("语文Ⅲ级、校际差异率0.14；数学Ⅲ级") and r["text"].endswith(
        "德育Ⅲ级、校际差异率＿"
    )


def test_training_funds_at_five_percent():
    assert (
        t5(
            "training_funds",
            entered={"training_funds": {"schools": D(42), "reaching": D(42), "lowest": D(5)}},
        )["passed"]
        is True
    )
    assert t5("training_funds", entered={"training_funds": {"lowest": D("4.99")}})["passed"] is False


def test_retention_prints_the_providers_rate_and_cohort():
    provided = {
        "key": "junior_retention",
        "label": "初中三年巩固率",
        "passed": True,
        "value": 96.0,
        "inputs": {"graduates": 960, "entrants": 1000, "transfers_in": 10, "deaths": 2, "transfers_out": 8},
    }
    r = t5("junior_retention", provided=[provided])
    assert r["passed"] is True and r["who"] == "自动：控辍保学"
    assert r["text"] == (
        "全县初中毕业班学生数为960人，三年前该年级入学学生数为1,000人，毕业年级三年转入学生数为10人，"
        "死亡学生数为2人，转出学生数为8人，全县初中三年巩固率为96.0%"
    )


def test_a_conclusion_item_prints_its_conclusion_and_evidence():
    r = t4(
        "school_layout",
        entered={
            "school_layout": Entered(inputs={"value": D(1)}, conclusion="布局合理。", evidence=("规划.pdf",))
        },
    )
    assert (r["text"], r["passed_text"], r["blanks"], r["evidence"]) == ("布局合理", "是", [], ["规划.pdf"])


def test_veto_yes_fails_the_application_and_no_does_not():
    vetoes = veto_rows(
        result_of(entered={"veto_off_campus_training": {"value": D(1)}, "veto_key_schools": {"value": D(0)}})
    )
    off, key, other = (
        row(vetoes, "veto_off_campus_training"),
        row(vetoes, "veto_key_schools"),
        row(vetoes, "veto_falsified_data"),
    )
    assert (off["passed_text"], off["fails_application"], off["passed"]) == ("是", True, False)
    assert (key["passed_text"], key["fails_application"], key["passed"]) == ("否", False, True)
    assert (other["passed_text"], other["fails_application"], other["blanks"]) == (
        "未录入",
        False,
        ["是否存在"],
    )


def test_the_seventh_veto_fails_the_county_verdict():
    rows = merge_items("quality-2017", {"veto_off_campus_training": Entered(inputs={"value": D(1)})}, [])
    items = [CountyItem(r["key"], r["label"], r["passed"], r["detail"]) for r in rows]
    result = assess_units(good_quality_units(), [], "quality-2017", county_items=items)
    assert result["verdict"] == "failed"
    assert "规范治理校外培训机构及减轻中小学课外负担不力 未达标：录入值 是，要求 否" in result["reasons"]


def test_the_forms_verdict_is_the_assessments_row_verdict():
    entered = {
        "special_education_funding": {"funds_wan": D("59.9999"), "students": D(100)},
        "nearby_enrolment": {"primary": D(100), "junior": D(96)},
        "school_layout": {"value": D(1)},
        "veto_key_schools": {"value": D(0)},
    }
    result = result_of(entered=entered, provided=[exchange(1000, 100, 19)])
    stored = {r["key"]: r["passed"] for r in result["county_items"]}
    for r in table4_rows(result) + table5_rows(result) + veto_rows(result):
        if r["key"] in stored:
            assert r["passed"] is stored[r["key"]], r["key"]


ROOM = {
    "code": "1",
    "name": "一小",
    "classes": 24,
    "required": 2,
    "music_rooms": 2,
    "art_rooms": 2,
    "passed": True,
}


def test_rooms_read_the_checks_before_and_after_room_areas_are_recorded():
    before = t4("music_art_rooms", checks={"rooms": [ROOM]})
    assert before["passed"] is True and before["who"] == "自动：学校数据（评估）"
    assert "专用教室小于 96 平方米" in before["text"] and before["text"].endswith("＿所")
    assert before["blanks"] == ["专用教室面积（1 所学校未填报）"]
    short = dict(
        ROOM,
        music_areas=[96, 95.99],
        art_areas=[90, 90],
        music_ok=1,  # rooms reaching 96 ㎡: 95.99 does not
        art_ok=2,
        areas_missing=False,
        passed=False,
    )
    after = t4(
        "music_art_rooms",
        checks={"rooms": [ROOM | {"code": "2", "music_ok": 2, "art_ok": 2, "areas_missing": False}, short]},
    )
    assert after["passed"] is False and after["blanks"] == []
    assert after["text"].endswith("美术专用教室小于 90 平方米的学校1所")
    assert t4("music_art_rooms")["passed"] is None


def test_school_and_class_size_read_the_engines_checks():
    sizes = [
        {"code": "1", "school_type": "小学", "students": 2100, "over": True},
        {"code": "2", "school_type": "九年一贯制学校", "students": 2400, "over": False},
        {"code": "3", "school_type": "完全中学", "students": 2300, "over": True},
    ]
    r = t4("school_size", checks={"rooms": [], "school_size": [sizes[0], sizes[2]], "school_sizes": sizes})
    assert r["text"] == "超过 2000 人的小学1所，初中1所，超过 2500 人的一贯制学校0所" and r["passed"] is False
    stages = {
        "primary": {"classes": {"total": 30, "over_standard": 0}},
        "junior": {"classes": {"total": 20, "over_standard": 2}},
    }
    c = t4("class_size", stages=stages)
    assert c["text"] == "超过 45 人的小学班级0个，超过 50 人的初中班级2个" and c["passed"] is False


def test_contradicting_inputs_are_refused_in_chinese():
    assert check_inputs(BY_KEY["quota_allocation"], {"total": "100", "allocated": "120"}) == [
        "分配名额不能多于全县优质高中招生名额总数"
    ]
    assert check_inputs(BY_KEY["school_charter"], {"schools": "42", "charter": "40", "value": "1"}) == [
        "已建立章程的学校少于全县学校数，不能判定为达标"
    ]


def test_every_entered_quality_item_is_on_the_form_or_is_social_recognition():
    keys = {s.key for s in items_for("quality-2017")}
    assert keys == (set(TABLE4_KEYS) - {"music_art_rooms", "school_size", "class_size"}) | set(
        TABLE5_KEYS
    ) | set(VETO_KEYS) | {"social_recognition"}


def test_retention_under_the_simple_formula_prints_the_providers_rate():
    provided = {
        "key": "junior_retention",
        "label": "初中三年巩固率",
        "passed": True,
        "value": 96.0,  # 960 / 1000: transfers are not counted by the simple formula
        "inputs": {"graduates": 960, "entrants": 1000, "transfers_in": 0, "deaths": 0, "transfers_out": 30},
    }
    assert t5("junior_retention", provided=[provided])["text"].endswith("全县初中三年巩固率为96.0%")
