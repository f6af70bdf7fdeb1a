"""The archive checklist states the same lines as the rule sets the assessment judges by."""

from rectification.archive_tree import POINTS

BY_CODE = {p.code: p for p in POINTS}


def test_resource_points_state_the_2017_per_school_standards():
    # 教督〔2017〕6号, as printed in the official checklist.
    assert BY_CODE["1.1"].criterion == "小学 ≥ 4.2 人，初中 ≥ 5.3 人"
    assert BY_CODE["1.2"].criterion == "小学、初中均 ≥ 1 人"
    assert BY_CODE["1.6"].criterion == "小学 ≥ 2000 元，初中 ≥ 2500 元"
    assert BY_CODE["1.7"].criterion == "小学 ≥ 2.3 间，初中 ≥ 2.4 间"


def test_class_size_school_size_and_room_points_state_the_vocabulary_limits():
    assert BY_CODE["2.5"].criterion == "小学、初中所有班级学生数分别不超过45人、50人"
    assert "不超过2000人" in BY_CODE["2.4"].criterion and "不超过2500人" in BY_CODE["2.4"].criterion
    assert BY_CODE["2.3"].criterion.startswith("每12个班级配备音乐、美术专用教室1间以上")
