"""The weighted difference coefficient (domain.md §3) and its display rounding."""

import statistics
from decimal import Decimal

import pytest

from domain.numbers import UNDEFINED, num, round_half_up
from indicators.engine import WeightedStats, assess, weighted_stats
from tests.engine.engine_factories import school

# Training handout: 5 primary schools, students and books.
HANDOUT_STUDENTS = [45, 37, 89, 76, 55]
HANDOUT_BOOKS = [279, 137, 935, 160, 402]


def handout_pairs():
    return [(p, b / p) for p, b in zip(HANDOUT_STUDENTS, HANDOUT_BOOKS, strict=True)]


def test_cv_matches_training_handout_example():
    st = weighted_stats(handout_pairs())
    assert st.students == 302
    assert st.n == 5
    assert st.mean == pytest.approx(1913 / 302, abs=1e-12)
    assert st.mean == pytest.approx(6.334437, abs=1e-6)
    assert st.std**2 == pytest.approx(10.652787, abs=1e-6)
    assert st.std == pytest.approx(3.263861, abs=1e-6)
    assert st.cv == pytest.approx(0.515257, abs=1e-6)


def test_unweighted_sd_gives_the_known_wrong_answer():
    values = [x for _, x in handout_pairs()]
    wrong = statistics.pstdev(values) / statistics.mean(values)
    assert wrong == pytest.approx(0.4888, abs=1e-4)
    # An unweighted implementation could not pass the handout test above.
    assert abs(wrong - 0.515257) > 0.02


def test_handout_cv_through_full_assessment():
    schools = [
        school(f"00000000{i}", primary=p, books=b)
        for i, (p, b) in enumerate(zip(HANDOUT_STUDENTS, HANDOUT_BOOKS, strict=True))
    ]
    result = assess(schools, [], [], "basic-2012")
    books = result["stages"]["primary"]["indicators"]["books_pp"]
    assert books["cv"] == pytest.approx(0.515257, abs=1e-6)
    assert books["mean"] == pytest.approx(1913 / 302)


def test_mean_zero_leaves_cv_undefined_without_dividing():
    st = weighted_stats([(10, 0.0), (20, 0.0)])
    assert st.mean == 0
    assert st.std == 0
    assert st.cv is None


def test_no_students_leaves_everything_undefined():
    assert weighted_stats([]) == WeightedStats(mean=None, std=None, cv=None, students=0, n=0)
    st = weighted_stats([(0, 5.0)])
    assert (st.mean, st.std, st.cv, st.n) == (None, None, None, 1)


def test_negative_students_are_rejected():
    with pytest.raises(ValueError):
        weighted_stats([(-1, 2.0)])


def test_units_without_students_carry_no_weight():
    with_empty = weighted_stats([*handout_pairs(), (0, 1000.0)])
    assert with_empty.cv == pytest.approx(weighted_stats(handout_pairs()).cv, abs=1e-15)


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (0.515257, 3, "0.515"),
        (0.5155, 3, "0.516"),  # stored as 0.51549999…; half up on the printed digits
        (0.5125, 3, "0.513"),  # half up, not banker's rounding
        (2.675, 2, "2.68"),
        (0.59175, 3, "0.592"),
        (0.45, 3, "0.450"),
        (7, 3, "7.000"),
    ],
)
def test_display_rounds_half_up(value, digits, shown):
    assert round_half_up(value, digits) == Decimal(shown)
    assert num(value, digits) == shown


def test_display_of_undefined_is_the_one_label():
    assert round_half_up(None, 3) is None
    assert num(None, 3) == UNDEFINED
