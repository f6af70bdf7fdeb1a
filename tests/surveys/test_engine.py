"""The survey arithmetic, table-driven, without a database."""

from fractions import Fraction

import pytest
from django.template import engines

from surveys import engine
from surveys.engine import Rate, Tally, awareness_rate, progress, satisfaction_rate, summarise


@pytest.mark.parametrize(
    ("counts", "formula", "rate", "passed"),
    [
        # exactly 85 % passes: 17 of 20 said 满意 or 比较满意
        ({5: 10, 4: 7, 3: 3}, "top2", Fraction(17, 20), True),
        # 84.99 % fails
        ({5: 8499, 2: 1501}, "top2", Fraction(8499, 10000), False),
        # 85.01 % passes
        ({4: 8501, 1: 1499}, "top2", Fraction(8501, 10000), True),
        ({5: 1}, "top2", Fraction(1), True),
        ({1: 3, 2: 1}, "top2", Fraction(0), False),
        # weighted: scores 100/80/60/40/0 averaged, divided by 100
        ({5: 1, 4: 1}, "weighted", Fraction(9, 10), True),
        ({4: 1}, "weighted", Fraction(4, 5), False),  # 全部“比较满意” = 80 分, below the line
        ({5: 3, 3: 1}, "weighted", Fraction(360, 400), True),  # (300 + 60) / 4 = 90
        ({5: 1, 4: 2, 3: 1}, "weighted", Fraction(320, 400), False),
        ({5: 17, 1: 3}, "weighted", Fraction(85, 100), True),  # exactly 85 points passes
    ],
)
def test_satisfaction_rate_at_the_boundaries(counts, formula, rate, passed):
    result = satisfaction_rate(counts, formula)
    assert result.rate == rate
    assert result.passed is passed
    assert result.valid == sum(counts.values())


@pytest.mark.parametrize("counts", [{}, {5: 0, 4: 0}, {9: 4, 0: 2}, {None: 3}])
@pytest.mark.parametrize("formula", ["top2", "weighted"])
def test_zero_valid_answers_is_undefined_not_an_error(counts, formula):
    result = satisfaction_rate(counts, formula)
    assert result.rate is None
    assert result.passed is None
    assert result.valid == 0
    assert result.value is None


def test_values_outside_the_scale_do_not_count_as_valid():
    assert satisfaction_rate({5: 17, 3: 3, 7: 100, 0: 50}).rate == Fraction(17, 20)


def test_an_unknown_formula_is_refused():
    with pytest.raises(ValueError, match="unknown satisfaction formula"):
        satisfaction_rate({5: 1}, "average")


@pytest.mark.parametrize(
    ("counts", "rate"),
    [
        ({1: 17, 0: 3}, Fraction(17, 20)),
        ({1: 0, 0: 4}, Fraction(0)),
        ({}, None),
        ({5: 3}, None),  # scale values are not awareness answers
    ],
)
def test_awareness_rate(counts, rate):
    assert awareness_rate(counts).rate == rate


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Fraction(17, 20), "85.0%"),
        (Fraction(8499, 10000), "84.99%"),
        (Fraction(84999, 100000), "84.999%"),  # failing: more places, never "85.0%"
        (Fraction(1), "100.0%"),
        (Fraction(0), "0.0%"),
        (Fraction(2, 3), "66.7%"),  # half up, 1 place like every rate
        (None, "—"),
    ],
)
def test_a_rate_prints_one_place_and_never_as_the_line_when_it_fails(rate, text):
    r = Rate(rate=rate, valid=1 if rate is not None else 0)
    assert engines["django"].from_string("{{ r|pct }}").render({"r": r}) == text


def T(question, group, school, township, value, count, kind="scale"):  # noqa: N802 - reads like a table row
    return Tally(
        question=question, kind=kind, group=group, school=school, township=township, value=value, count=count
    )


SAMPLE = [
    T(1, "parent", 10, 100, 5, 6),
    T(1, "parent", 10, 100, 4, 2),
    T(1, "parent", 10, 100, 2, 2),
    T(1, "teacher", 11, 101, 5, 5),
    T(2, "parent", 10, 100, 3, 4),
    T(2, "parent", 10, 100, 4, 6),
    T(2, "deputy", None, None, 5, 2),
    T(2, "deputy", None, None, 1, 1),
    T(3, "parent", 10, 100, 1, 9, kind="awareness"),
    T(3, "parent", 10, 100, 0, 1, kind="awareness"),
    T(3, "deputy", None, None, 1, 3, kind="awareness"),
    T(4, "parent", 10, 100, 2, 7, kind="choice"),
]


def test_summarise_pools_every_scale_answer_once():
    res = summarise(SAMPLE, "top2", question_order=[1, 2, 3, 4])
    # scale answers: q1 10+5, q2 10+3 = 28; 满意/比较满意: 6+2+5 + 6+2 = 21
    assert res.satisfaction == Rate(Fraction(21, 28), 28, {5: 13, 4: 8, 3: 4, 2: 2, 1: 1})
    assert res.awareness.rate == Fraction(12, 13)


@pytest.mark.parametrize(
    ("attr", "key", "rate", "valid"),
    [
        ("by_question", 1, Fraction(13, 15), 15),
        ("by_question", 2, Fraction(8, 13), 13),
        ("by_question", 3, Fraction(12, 13), 13),
        ("by_group", "parent", Fraction(14, 20), 20),
        ("by_group", "teacher", Fraction(1), 5),
        ("by_group", "deputy", Fraction(2, 3), 3),
        ("awareness_by_group", "parent", Fraction(9, 10), 10),
        ("by_school", 10, Fraction(14, 20), 20),
        ("by_school", 11, Fraction(1), 5),
        ("by_township", 100, Fraction(14, 20), 20),
        ("by_question_group", (1, "parent"), Fraction(8, 10), 10),
        ("by_question_group", (3, "deputy"), Fraction(1), 3),
    ],
)
def test_summarise_splits_by_question_group_school_and_township(attr, key, rate, valid):
    res = summarise(SAMPLE, "top2")
    got = getattr(res, attr)[key]
    assert (got.rate, got.valid) == (rate, valid)


def test_county_wide_answers_are_in_the_county_rate_but_in_no_school():
    res = summarise(SAMPLE, "top2")
    assert None not in res.by_school and None not in res.by_township
    assert sum(r.valid for r in res.by_school.values()) + 3 == res.satisfaction.valid


def test_weakest_items_come_first_and_choice_questions_have_no_rate():
    res = summarise(SAMPLE, "top2", question_order=[1, 2, 3, 4])
    assert res.weakest == [2, 1, 3]
    assert 4 not in res.by_question


def test_weakest_puts_undefined_last_and_keeps_the_given_order_on_ties():
    tallies = [T(7, "parent", 1, 1, 5, 1), T(8, "parent", 1, 1, 5, 1), T(9, "parent", 1, 1, 9, 1)]
    assert summarise(tallies, question_order=[8, 7, 9]).weakest == [8, 7, 9]


def test_the_weighted_formula_applies_to_every_breakdown():
    res = summarise(SAMPLE, "weighted")
    # q1 teacher: five 满意 = 100 points
    assert res.by_question_group[(1, "teacher")].rate == 1
    # q2 parent: 4×60 + 6×80 = 720 over 10 answers
    assert res.by_question_group[(2, "parent")].rate == Fraction(72, 100)


def test_an_empty_survey_summarises_to_undefined_rates():
    res = summarise([], "top2")
    assert res.satisfaction.rate is None and res.awareness.rate is None
    assert res.weakest == [] and res.by_group == {}


@pytest.mark.parametrize(
    ("targets", "answers", "key", "share", "reached"),
    [
        ({"a": 10}, {"a": 5}, "a", Fraction(1, 2), False),
        ({"a": 10}, {"a": 12}, "a", Fraction(6, 5), True),
        ({}, {"b": 3}, "b", None, True),
        ({"c": 4}, {}, "c", Fraction(0), False),
    ],
)
def test_progress_against_sample_targets(targets, answers, key, share, reached):
    p = progress(targets, answers)[key]
    assert (p.share, p.reached) == (share, reached)


def test_the_pass_line_is_85_percent():
    assert Fraction(85, 100) == engine.PASS_LINE
