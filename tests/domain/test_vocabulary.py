"""The shared vocabulary: one definition of each band, stage set and teacher count."""

import pytest

from domain import vocabulary as vocab


@pytest.mark.parametrize(
    ("stage", "size", "band"),
    [
        ("小学", 45, "standard"),
        ("小学", 46, "over"),
        ("primary", 55, "over"),
        ("初中", 50, "standard"),
        ("初中", 51, "over"),
        ("junior", 55, "over"),
        ("小学", 56, "large"),
        ("初中", 65, "large"),
        ("小学", 66, "super_large"),
        ("初中", 90, "super_large"),
    ],
)
def test_class_band_follows_the_stage_standard_and_the_statistical_bands(stage, size, band):
    assert vocab.class_band(stage, size) == band


def test_over_standard_is_every_band_above_the_standard_including_large_ones():
    assert not vocab.is_over_standard("初中", 50)
    assert all(vocab.is_over_standard("小学", n) for n in (46, 56, 66))


def test_class_counts_report_over_standard_as_the_sum_of_the_three_upper_bands():
    counts = vocab.count_classes(
        [("小学", 44), ("小学", 47), ("初中", 51), ("小学", 58), ("初中", 67), ("初中", 50)]
    )
    assert counts.as_dict() == {"total": 6, "over_standard": 4, "over_only": 2, "large": 1, "super_large": 1}


def test_unknown_stage_is_refused_in_chinese():
    with pytest.raises(ValueError, match="学段"):
        vocab.class_band("高中", 40)


def test_type_stages_give_the_parts_of_multi_stage_schools():
    assert vocab.has_stage(vocab.NINE_YEAR, "primary") and vocab.has_stage(vocab.NINE_YEAR, "初中")
    assert not vocab.has_stage(vocab.COMPLETE_MIDDLE, "小学")
    assert vocab.has_stage(vocab.TEACHING_POINT, "小学")
    assert set(vocab.MULTI_STAGE_TYPES) == {vocab.NINE_YEAR, vocab.TWELVE_YEAR, vocab.COMPLETE_MIDDLE}


def test_teacher_kinds_count_the_roster_rows_they_say_they_count():
    rows = [("小学", True)] * 5 + [("小学", False)] * 2 + [("初中", True)] * 3 + [("高中", True)] * 4
    assert vocab.count_teachers(rows) == {"staff": 14, "full_time": 8, "in_post": 10}


def test_school_models_and_import_templates_offer_the_vocabulary_choices():
    from schools import columns, models

    assert tuple(models.SchoolType.values) == vocab.SCHOOL_TYPES == columns.SCHOOL_TYPES
    assert tuple(models.Backbone.values) == vocab.BACKBONE_LEVELS
