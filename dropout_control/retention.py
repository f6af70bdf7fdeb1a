"""Retention rates (巩固率) from cohort figures, without Django.

Years are calendar years: entrants of year Y entered in the autumn of Y, graduates of year Y
left in the summer of Y. Transfers in/out and deaths stored for year Y belong to the junior
cohort graduating in Y (accumulated over its three junior years).

- nine-year rate (九年义务教育巩固率), year Y = junior graduates of Y / grade-1 entrants of Y−9
- junior three-year rate (初中三年巩固率), year Y, by settings.RETENTION_FORMULA:
  "transfers-adjusted" (default) = graduates of Y / (grade-7 entrants of Y−3 + transfers in
  − transfers out − deaths); "simple" = graduates of Y / grade-7 entrants of Y−3.

A missing year or a denominator of zero or less makes the rate undefined: None, never an error.
"""

from collections.abc import Iterable
from dataclasses import dataclass

TRANSFERS_ADJUSTED = "transfers-adjusted"
SIMPLE = "simple"
FORMULAS = (TRANSFERS_ADJUSTED, SIMPLE)
FORMULA_LABELS = {
    TRANSFERS_ADJUSTED: "调整口径：毕业生 ÷（入学人数 + 转入 − 转出 − 死亡）",
    SIMPLE: "简单口径：毕业生 ÷ 入学人数",
}
JUNIOR_TARGET = 0.95  # 优质均衡 education-quality item: 初中三年巩固率 ≥ 95%


def check_formula(formula: str) -> str:
    if formula not in FORMULAS:
        raise ValueError(f"RETENTION_FORMULA must be one of {', '.join(FORMULAS)}, got {formula!r}")
    return formula


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def nine_year_rate(graduates: int | None, grade1_entrants: int | None) -> float | None:
    return ratio(graduates, grade1_entrants)


def junior_rate(
    graduates: int | None,
    grade7_entrants: int | None,
    transfers_in: int = 0,
    transfers_out: int = 0,
    deaths: int = 0,
    formula: str = TRANSFERS_ADJUSTED,
) -> float | None:
    check_formula(formula)
    if grade7_entrants is None:
        return None
    if formula == SIMPLE:
        return ratio(graduates, grade7_entrants)
    return ratio(graduates, grade7_entrants + transfers_in - transfers_out - deaths)


@dataclass(frozen=True)
class CohortYear:
    """The figures of one year for one school or summed over an area."""

    year: int
    grade1_entrants: int = 0
    grade7_entrants: int = 0
    junior_graduates: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    deaths: int = 0


def sum_years(rows: Iterable[CohortYear]) -> dict[int, CohortYear]:
    """Add up the rows of several schools, per year."""
    totals: dict[int, list[int]] = {}
    for r in rows:
        t = totals.setdefault(r.year, [0] * 6)
        for i, v in enumerate(
            (
                r.grade1_entrants,
                r.grade7_entrants,
                r.junior_graduates,
                r.transfers_in,
                r.transfers_out,
                r.deaths,
            )
        ):
            t[i] += v
    return {y: CohortYear(y, *t) for y, t in totals.items()}


@dataclass(frozen=True)
class Rates:
    year: int
    nine_year: float | None
    junior: float | None
    graduates: int | None
    grade1_entrants: int | None  # of year − 9
    grade7_entrants: int | None  # of year − 3
    junior_denominator: int | None

    @property
    def junior_meets_target(self) -> bool | None:
        return None if self.junior is None else self.junior >= JUNIOR_TARGET


def rates_for(years: dict[int, CohortYear], year: int, formula: str = TRANSFERS_ADJUSTED) -> Rates:
    """Both rates for `year` from per-year totals of one area (a missing year is undefined)."""
    check_formula(formula)
    current = years.get(year)
    entry1 = years.get(year - 9)
    entry7 = years.get(year - 3)
    graduates = current.junior_graduates if current else None
    g1 = entry1.grade1_entrants if entry1 else None
    g7 = entry7.grade7_entrants if entry7 else None
    moves = (current.transfers_in, current.transfers_out, current.deaths) if current else (0, 0, 0)
    if g7 is None:
        denominator = None
    elif formula == SIMPLE:
        denominator = g7
    else:
        denominator = g7 + moves[0] - moves[1] - moves[2]
    return Rates(
        year=year,
        nine_year=nine_year_rate(graduates, g1),
        junior=junior_rate(graduates, g7, *moves, formula=formula),
        graduates=graduates,
        grade1_entrants=g1,
        grade7_entrants=g7,
        junior_denominator=denominator,
    )
