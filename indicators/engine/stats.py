"""Student-weighted statistics of the difference coefficient (差异系数) and display rounding.

The official coefficient (domain.md §3) weights every school unit by its students:

    P  = Σ Pᵢ
    X̄  = Σ Pᵢ·Xᵢ / P
    S  = sqrt( Σ (Pᵢ/P)·(Xᵢ − X̄)² )     population SD, no n−1
    CV = S / X̄

Everything here is computed unrounded; only :func:`round_half_up` and :func:`format_number`
round, and they are for display (published tables print 3 decimals, half up).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

UNDEFINED_LABEL = "未定义"


@dataclass(frozen=True, slots=True)
class WeightedStats:
    """Weighted mean, weighted population SD and CV of one indicator over one stage.

    ``mean``/``std`` are None when there are no students at all (P = 0); ``cv`` is None when
    the coefficient is undefined (P = 0 or mean = 0). ``students`` is P, ``n`` the number of
    pairs given (units with 0 students count in ``n`` but carry no weight).
    """

    mean: float | None
    std: float | None
    cv: float | None
    students: float
    n: int


def weighted_stats(pairs: Iterable[tuple[float, float]]) -> WeightedStats:
    """Return the student-weighted statistics of ``(students, value)`` pairs.

    Raises ValueError for negative student counts: a negative weight would silently produce a
    meaningless (or imaginary) SD rather than an error.
    """
    weights: list[float] = []
    values: list[float] = []
    for students, value in pairs:
        if students < 0:
            raise ValueError(f"学生数不能为负数：{students}")
        weights.append(students)
        values.append(value)
    n = len(weights)
    # fsum keeps the sums exact enough that a county of 15,000 units loses no digits to order.
    total = math.fsum(weights)
    if total == 0:
        return WeightedStats(mean=None, std=None, cv=None, students=0, n=n)
    mean = math.fsum(p * x for p, x in zip(weights, values, strict=True)) / total
    # Two-pass variance (around the known mean) avoids the cancellation of E[X²] − X̄².
    variance = math.fsum(p * (x - mean) ** 2 for p, x in zip(weights, values, strict=True)) / total
    std = math.sqrt(variance)
    cv = None if mean == 0 else std / mean
    return WeightedStats(mean=mean, std=std, cv=cv, students=total, n=n)


def round_half_up(x: float | int | Decimal | None, digits: int = 3) -> Decimal | None:
    """Round for display the way published tables do: half up, to ``digits`` decimals.

    Floats are read through their shortest repr, so 0.5155 (stored as 0.51549999…) prints as
    0.516, matching what a person rounding the printed number would write. Returns a Decimal
    (exact, keeps trailing zeros) or None for None. Never use the result in further computation.
    """
    if x is None:
        return None
    d = x if isinstance(x, Decimal) else Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    return d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_number(x: float | int | Decimal | None, digits: int = 3) -> str:
    """Display text of a number rounded half up to ``digits`` decimals; "未定义" for None."""
    rounded = round_half_up(x, digits)
    return UNDEFINED_LABEL if rounded is None else str(rounded)
