"""The one number formatter: every figure on a page, in a PDF, a workbook or CLI output goes
through here, so a coefficient prints the same wherever an inspector reads it.

Rules (application-forms.md, domain.md §3): compute unrounded, round only for output, half up
(away from zero at .5), at these places:

- means and other values: 2 decimals (``MEAN``); counts: integers;
- difference coefficients: 3 decimals (``CV``);
- ratios and rates: 1 decimal, printed as a percentage (``RATE``);
- thousands grouped with "," (2,953,148.84); money in 万元 where a table asks for it;
- yes/no items print 是 / 否, never 1.0000;
- a value that cannot be computed (no students, no denominator, nothing entered) prints
  ``UNDEFINED`` — one label everywhere.

Inputs may be int, float, Decimal or Fraction. Floats are read through their shortest repr, so
0.5155 (stored as 0.515499999…) prints 0.516, as a person rounding the printed number would.
Fractions (the exact rates of workforce and surveys) are rounded exactly.

Verdict text: a verdict is judged on the unrounded value; the printed figure must not contradict
it. When rounding to the usual places would put the printed figure on the other side of the line
(84.9998 % failing "≥ 85 %" would print "85.0%"), :func:`against` adds decimals one at a time
until it does not: "84.9998%，低于 85%". A passing value never needs more places.

Nothing here imports Django; the template filters (``balance_inspect.numbers``) and the xlsx
writer wrap these functions.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

UNDEFINED = "—"
"""The one label of a value that cannot be computed or was not entered."""

MEAN = 2
"""Places of means, per-student values and other measured values (表Ⅱ, 表Ⅲ 全县平均值)."""
CV = 3
"""Places of difference coefficients (表Ⅲ 差异系数)."""
RATE = 1
"""Places of a ratio or rate printed as a percentage (表Ⅳ, 表Ⅴ, 表Ⅵ)."""
CV_LIMIT = 2
"""Places of a coefficient threshold, as the standards write it (≤ 0.50, ≤ 0.45, ≤ 0.65)."""

YES = "是"
NO = "否"

# A failing value equal to its line up to this many extra places is printed with all of them.
_MAX_EXTRA_PLACES = 8

Number = int | float | Decimal | Fraction


def exact(x) -> Fraction | None:
    """The exact value of ``x`` as a Fraction (floats through their shortest repr); None for None,
    NaN, infinities and text that is not a number."""
    if x is None:
        return None
    try:
        if isinstance(x, Fraction):
            return x
        if isinstance(x, float):
            if not math.isfinite(x):
                return None
            return Fraction(Decimal(repr(x)))
        if isinstance(x, Decimal):
            return Fraction(x) if x.is_finite() else None
        if isinstance(x, int):
            return Fraction(int(x))
        if isinstance(x, str):
            text = x.strip().replace(",", "")
            return exact(Decimal(text)) if text else None
        return exact(float(x))
    except (InvalidOperation, ValueError, TypeError, OverflowError):
        return None


def round_half_up(x, digits: int = MEAN) -> Decimal | None:
    """``x`` rounded half up (away from zero at .5) to ``digits`` places, as an exact Decimal that
    keeps trailing zeros; None when ``x`` is undefined. For output only: never compute with it."""
    value = exact(x)
    if value is None:
        return None
    scaled = abs(value) * 10**digits
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)  # floor(s + ½)
    if value < 0 and whole:
        whole = -whole
    return Decimal(whole).scaleb(-digits)


def _text(rounded: Decimal, group: bool) -> str:
    return format(rounded, ",f" if group else "f")


def num(x, digits: int = MEAN, *, group: bool = True) -> str:
    """Text of ``x`` rounded half up to ``digits`` places, thousands grouped: 2953148.835 →
    "2,953,148.84"; ``UNDEFINED`` for None."""
    rounded = round_half_up(x, digits)
    return UNDEFINED if rounded is None else _text(rounded, group)


def count(x) -> str:
    """A whole number, grouped: 12345 → "12,345"."""
    return num(x, 0)


def mean(x) -> str:
    """A mean or per-student value: 2 places."""
    return num(x, MEAN)


def cv(x) -> str:
    """A difference coefficient: 3 places (0.45 → "0.450")."""
    return num(x, CV)


def cv_limit(x) -> str:
    """A coefficient threshold as the standards write it: 0.5 → "0.50"."""
    return num(x, CV_LIMIT)


def pct(x, digits: int = RATE) -> str:
    """A ratio given as a fraction, printed as a percentage: 0.9618 → "96.2%"."""
    value = exact(x)
    return UNDEFINED if value is None else num(value * 100, digits) + "%"


def wan(yuan, digits: int = MEAN) -> str:
    """An amount in 元 printed in 万元 (where a table asks for it): 2953148.84 → "295.31 万元"."""
    value = exact(yuan)
    return UNDEFINED if value is None else f"{num(value / 10000, digits)} 万元"


def yuan(x, digits: int = MEAN) -> str:
    """An amount in 元: 2953148.84 → "2,953,148.84 元"."""
    text = num(x, digits)
    return text if text == UNDEFINED else f"{text} 元"


def yes_no(x) -> str:
    """是 / 否 for a yes/no item (True, 1, 1.0, "1" → 是); ``UNDEFINED`` when not entered."""
    if isinstance(x, str):
        x = x.strip()
        if x in (YES, NO):
            return x
    if isinstance(x, bool):
        return YES if x else NO
    value = exact(x)
    if value is None:
        return UNDEFINED
    return YES if value else NO


def signed(x, digits: int = 0) -> str:
    """A difference with its sign: +3, -2, 0; +0.012 with ``digits``=3."""
    rounded = round_half_up(x, digits)
    if rounded is None:
        return UNDEFINED
    text = _text(rounded, True)
    return f"+{text}" if rounded > 0 else text


def areas(values, sep: str = "、") -> str:
    """The area of each room, 2 places each: ["96", 102.5] → "96.00、102.50"; ``UNDEFINED`` when
    not entered (None or an empty list)."""
    if not values:
        return UNDEFINED
    return sep.join(num(v, MEAN) for v in values)


def line(x) -> str:
    """A standard or limit as it is written in the rules, without trailing zeros: 85, 0.45,
    2,000, 4.5."""
    value = exact(x)
    if value is None:
        return UNDEFINED
    d = Decimal(value.numerator) / Decimal(value.denominator)
    d = d.normalize()
    places = max(0, -d.as_tuple().exponent)
    return num(value, places)


def places_against(
    x, limit, digits: int = MEAN, *, at_least: bool = True, strict: bool = False, passed: bool | None = None
) -> int:
    """How many places :func:`against` prints ``x`` with: ``digits``, or more while fewer would
    put the printed figure on the wrong side of ``limit`` (a workbook cell uses the same count)."""
    value, bound = exact(x), exact(limit)
    if value is None or bound is None:
        return digits
    if passed is None:
        if strict:
            passed = value > bound if at_least else value < bound
        else:
            passed = value >= bound if at_least else value <= bound
    for places in range(digits, digits + _MAX_EXTRA_PLACES + 1):
        shown = Fraction(round_half_up(value, places))
        if strict:
            reads_passed = shown > bound if at_least else shown < bound
        else:
            reads_passed = shown >= bound if at_least else shown <= bound
        if reads_passed == passed:
            return places
    return digits + _MAX_EXTRA_PLACES


def against(
    x, limit, digits: int = MEAN, *, at_least: bool = True, strict: bool = False, passed: bool | None = None
) -> str:
    """``x`` printed so that it does not contradict its verdict against ``limit``.

    ``at_least``: the rule is ``x ≥ limit`` (False: ``x ≤ limit``, as for coefficients);
    ``strict``: ``>`` / ``<`` instead.
    ``passed``: the verdict as judged (unrounded, by the engine); judged here when omitted.
    Starts at ``digits`` places and adds places only while the printed figure would sit on the
    wrong side of the line: against(84.9998, 85, 1) → "84.9998"; against(0.4504, 0.45, 3,
    at_least=False) → "0.4504"; a passing or clearly failing value keeps ``digits`` places.
    """
    places = places_against(x, limit, digits, at_least=at_least, strict=strict, passed=passed)
    return num(x, places)


def pct_against(x, limit, digits: int = RATE, *, at_least: bool = True, passed: bool | None = None) -> str:
    """:func:`against` for a rate given as a fraction, printed as a percentage:
    pct_against(0.849998, 0.85) → "84.9998%"; pct_against(0.8534, 0.85) → "85.3%"."""
    value, bound = exact(x), exact(limit)
    if value is None:
        return UNDEFINED
    return (
        against(value * 100, None if bound is None else bound * 100, digits, at_least=at_least, passed=passed)
        + "%"
    )


def xlsx_value(x, digits: int = MEAN, *, percent: bool = False) -> float | None:
    """The number a workbook cell holds: rounded with the same rule as the text (a rate keeps its
    fraction form, rounded so that it shows ``digits`` places as a percentage); None when
    undefined. Pair with :func:`xlsx_format`."""
    rounded = round_half_up(x, digits + 2 if percent else digits)
    return None if rounded is None else float(rounded)


def xlsx_format(digits: int = MEAN, *, percent: bool = False) -> str:
    """The cell number format that prints ``digits`` places like the text: "#,##0.00",
    "#,##0.000" for coefficients, "0.0%" for rates."""
    places = "." + "0" * digits if digits > 0 else ""
    if percent:
        return f"0{places}%"
    return f"#,##0{places}"
