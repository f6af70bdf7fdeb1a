"""Student-weighted statistics of the difference coefficient (差异系数) and display rounding.

The official coefficient (domain.md §3) weights every school unit by its students:

    P  = Σ Pᵢ
    X̄  = Σ Pᵢ·Xᵢ / P
    S  = sqrt( Σ (Pᵢ/P)·(Xᵢ − X̄)² )     population SD, no n−1
    CV = S / X̄

Everything here is computed unrounded; display rounding (half up, 3 decimals for coefficients)
is :mod:`domain.numbers`, the one formatter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import mul


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
    pairs = list(pairs)
    if not pairs:
        return WeightedStats(mean=None, std=None, cv=None, students=0, n=0)
    weights, values = zip(*pairs, strict=True)
    return weighted_stats_of(weights, values)


def weighted_stats_of(weights: Sequence[float], values: Sequence[float]) -> WeightedStats:
    """:func:`weighted_stats` on parallel sequences (saves building pairs for large counties)."""
    n = len(weights)
    if n != len(values):
        raise ValueError("学生数与指标值的个数不一致")
    if n and min(weights) < 0:
        raise ValueError(f"学生数不能为负数：{min(weights)}")
    # fsum keeps the sums exact enough that a county of 15,000 units loses no digits to order.
    total = math.fsum(weights)
    if total == 0:
        return WeightedStats(mean=None, std=None, cv=None, students=0, n=n)
    mean = math.fsum(map(mul, weights, values)) / total
    # Two-pass variance (around the known mean) avoids the cancellation of E[X²] − X̄².
    deviations = [x - mean for x in values]
    variance = math.fsum(map(mul, weights, map(mul, deviations, deviations))) / total
    std = math.sqrt(variance)
    cv = None if mean == 0 else std / mean
    return WeightedStats(mean=mean, std=std, cv=cv, students=total, n=n)
