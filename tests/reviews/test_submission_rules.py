"""The pure parts of submissions: the workflow table (reviews.transitions) and the diff of two
snapshots (reviews.diff), without a database."""

import pytest

from reviews import transitions as flow
from reviews.diff import diff_snapshots, figure_text


@pytest.mark.parametrize(
    ("action", "state", "target"),
    [
        (flow.SUBMIT, None, flow.PENDING_CITY),
        (flow.SUBMIT, flow.CITY_RETURNED, flow.PENDING_CITY),
        (flow.SUBMIT, flow.PROVINCE_RETURNED, flow.PENDING_CITY),
        (flow.CITY_PASS, flow.PENDING_CITY, flow.PENDING_PROVINCE),
        (flow.PROVINCE_PASS, flow.PENDING_PROVINCE, flow.PROVINCE_PASSED),
    ],
)
def test_allowed_steps_lead_to_their_state(action, state, target):
    assert flow.check(action, state).target == target


@pytest.mark.parametrize(
    ("action", "state", "message"),
    [
        (flow.SUBMIT, flow.PENDING_CITY, "已有报送（待市级复核）尚未退回，不能再次报送"),
        (flow.SUBMIT, flow.PROVINCE_PASSED, "申报材料已通过省级评估，无需再次报送"),
        (flow.CITY_PASS, flow.PENDING_PROVINCE, "当前状态为“待省级评估”，不能市级复核通过，报省级评估"),
        (flow.PROVINCE_PASS, flow.PENDING_CITY, "当前状态为“待市级复核”，不能省级评估通过"),
        (flow.CITY_RETURN, flow.CITY_RETURNED, "当前状态为“市级退回”，不能市级退回"),
        (flow.PROVINCE_RETURN, flow.PROVINCE_PASSED, "当前状态为“省级通过”，不能省级退回"),
    ],
)
def test_illegal_steps_are_refused_in_chinese(action, state, message):
    with pytest.raises(flow.TransitionError, match=message):
        flow.check(action, state, reason="理由")


@pytest.mark.parametrize("action", [flow.CITY_RETURN, flow.PROVINCE_RETURN])
def test_returning_requires_a_reason(action):
    state = flow.TRANSITIONS[action].source[0]
    with pytest.raises(flow.TransitionError, match="须填写退回理由"):
        flow.check(action, state, reason="  ")
    assert flow.check(action, state, reason="表Ⅳ-7 缺佐证").target in flow.RETURNED


def test_the_reviewing_level_follows_the_state():
    assert flow.reviewing_level(flow.PENDING_CITY) == flow.CITY
    assert flow.reviewing_level(flow.PENDING_PROVINCE) == flow.PROVINCE
    assert flow.reviewing_level(flow.CITY_RETURNED) is None
    assert flow.may_submit(None) and flow.may_submit(flow.PROVINCE_RETURNED)
    assert not flow.may_submit(flow.PENDING_PROVINCE)


def _fig(label, value, fmt="num", **kw):
    return {"label": label, "value": value, "fmt": fmt, **kw}


def _snapshot(area=700.0, cv=0.104, teacher_pay=None, schools=("1301230002",)):
    school_entries = {
        code: {
            "label": f"学校（{code}）",
            "figures": {
                "primary.students": _fig("小学 在校生数", 180, "count", unit="人"),
                "primary.building_area": _fig("小学 教学及辅助用房面积", area, "num", unit="㎡"),
            },
        }
        for code in schools
    }
    return {
        "county_figures": {"facts.villages": _fig("表Ⅰ 行政村数（个） L4", "120", "num", digits=2)},
        "assessment": {
            "figures": {
                "verdict": _fig("评估结论", "未达标", "text"),
                "primary.cv.building_area_pp": _fig("小学 生均教学及辅助用房面积 差异系数", cv, "cv"),
            }
        },
        "schools": school_entries,
        "items": {
            "teacher_pay": {
                "label": "表Ⅳ-7 教师工资",
                "figures": {
                    "input.ratio": _fig("教师平均工资与公务员之比", teacher_pay, "num", digits=1, unit="%"),
                    "verdict": _fig("是否达标", "未录入" if teacher_pay is None else "是", "text"),
                },
            }
        },
        "evidence": {"file.form_pdf": _fig("申报材料 申报表.pdf", "a" * 64, "hash")},
    }


def test_identical_snapshots_have_an_empty_diff():
    assert diff_snapshots(_snapshot(), _snapshot()).empty


def test_the_diff_names_exactly_the_changed_figures_with_their_label_paths():
    old, new = _snapshot(), _snapshot(area=810.0, cv=0.0712345, teacher_pay="102.5")
    diff = diff_snapshots(old, new)
    assert [c.key for c in diff.figures] == [
        "assessment.primary.cv.building_area_pp",
        "school.1301230002.primary.building_area",
        "item.teacher_pay.input.ratio",
        "item.teacher_pay.verdict",
    ]
    school = diff.schools[0]
    assert (school.key, school.status, school.status_label) == ("1301230002", "changed", "有变化")
    area = school.changes[0]
    assert area.label == "学校 / 学校（1301230002） / 小学 教学及辅助用房面积"
    assert (area.old_text, area.new_text) == ("700.00 ㎡", "810.00 ㎡")
    cv = diff.assessment[0]
    assert (cv.old_text, cv.new_text) == ("0.104", "0.071")
    ratio = diff.items[0].changes[0]
    assert (ratio.old_text, ratio.new_text) == ("—", "102.5 %")


def test_added_and_removed_schools_are_named_with_all_their_figures():
    diff = diff_snapshots(_snapshot(schools=("A", "B")), _snapshot(schools=("B", "C")))
    assert [(s.key, s.status) for s in diff.schools] == [("C", "added"), ("A", "removed")]
    added = diff.schools[0]
    assert [c.old for c in added.changes] == [None, None]
    assert added.changes[1].new_text == "700.00 ㎡" and added.changes[1].old_text == "—"


def test_a_changed_evidence_file_is_named_by_its_hash():
    new = _snapshot()
    new["evidence"]["file.form_pdf"] = _fig("申报材料 申报表.pdf", "b" * 64, "hash")
    diff = diff_snapshots(_snapshot(), new)
    assert [(c.label, c.old_text, c.new_text) for c in diff.evidence] == [
        ("佐证材料 / 申报材料 申报表.pdf", "a" * 12, "b" * 12)
    ]


@pytest.mark.parametrize(
    ("fig", "text"),
    [
        (_fig("x", 0.5155, "cv"), "0.516"),
        (_fig("x", 2953148.835, "num", unit="元"), "2,953,148.84 元"),
        (_fig("x", 12, "count", unit="个"), "12 个"),
        (_fig("x", "1", "yesno"), "是"),
        (_fig("x", "3", "level"), "Ⅲ"),
        (_fig("x", False, "pass"), "未达标"),
        (_fig("x", [], "list"), "无"),
        (_fig("x", ["甲", "乙"], "list"), "甲、乙"),
        (_fig("x", None, "num", unit="㎡"), "—"),
        (None, "—"),
    ],
)
def test_figures_print_with_the_project_formatter(fig, text):
    assert figure_text(fig) == text
