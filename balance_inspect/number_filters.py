"""The number filters of every template, registered as builtins (settings.TEMPLATES), so no
{% load %} is needed: they only wrap :mod:`domain.numbers`, the one formatter.

    {{ x|num }} 2 places, grouped · {{ x|num:0 }} a count · {{ cv|cv }} 3 places
    {{ limit|cv_limit }} 0.50 · {{ standard|line }} 4.5, 2,000
    {{ rate|pct }} 0.9618 → 96.2% · {{ yuan|wan }} 295.31 万元 · {{ flag|yes_no }} 是/否
    {{ d|signed }} +3 · {{ c.music_room_areas|room_areas:"music" }} 96.00、88.50（不足）
"""

from django import template
from django.utils.html import format_html, format_html_join

from domain import numbers
from domain.vocabulary import ROOM_MIN_AREAS

register = template.Library()


def _places(digits, default: int) -> int:
    return default if digits in (None, "") else int(digits)


@register.filter
def num(value, digits=None) -> str:
    return numbers.num(value, _places(digits, numbers.MEAN))


@register.filter
def cv(value) -> str:
    return numbers.cv(value)


@register.filter
def cv_limit(value) -> str:
    return numbers.cv_limit(value)


@register.filter
def line(value) -> str:
    """A standard as the rules write it: 85, 4.5, 2,000."""
    return numbers.line(value)


@register.filter
def pct(value, digits=None) -> str:
    """A fraction as a percentage. A rate object with ``rate``, ``line`` and ``passed`` (the
    survey's Rate) prints consistently with its verdict (84.9998%, never 85.0% when failing)."""
    places = _places(digits, numbers.RATE)
    if hasattr(value, "rate"):
        line, passed = getattr(value, "line", None), getattr(value, "passed", None)
        if line is not None and passed is not None:
            return numbers.pct_against(value.rate, line, places, passed=passed)
        value = value.rate
    return numbers.pct(value, places)


@register.filter
def pct_vs(value, line) -> str:
    """A rate judged ``≥ line`` (both fractions), printed so that it never contradicts the
    verdict: {{ retention|pct_vs:0.95 }} → "94.996%" rather than "95.0%" when it fails."""
    return numbers.pct_against(value, line)


@register.filter
def wan(value, digits=None) -> str:
    return numbers.wan(value, _places(digits, numbers.MEAN))


@register.filter
def yuan(value, digits=None) -> str:
    return numbers.yuan(value, _places(digits, numbers.MEAN))


@register.filter
def yes_no(value) -> str:
    return numbers.yes_no(value)


@register.filter
def signed(value, digits=None) -> str:
    return numbers.signed(value, _places(digits, 0))


@register.filter
def room_areas(values, kind) -> str:
    """Each room's area ("music" or "art"), a room below the line marked 不足; — when not entered."""
    if not values:
        return numbers.UNDEFINED
    bound = ROOM_MIN_AREAS[kind]
    return format_html_join(
        "、",
        "{}",
        (
            (
                numbers.num(v)
                if numbers.exact(v) >= bound
                else format_html(
                    '<span class="area-short" title="不足 {} ㎡">{}（不足）</span>', bound, numbers.num(v)
                ),
            )
            for v in values
        ),
    )
