from fractions import Fraction

from django import template

from surveys import engine

register = template.Library()


@register.filter
def pct(value):
    """A Rate, Fraction or float as '88.12%' (truncated, see engine.percent); '—' when undefined."""
    if isinstance(value, engine.Rate):
        value = value.rate
    if value is None or value == "":
        return engine.percent(None)
    return engine.percent(value if isinstance(value, Fraction) else Fraction(value).limit_denominator(10**9))


@register.filter
def rate_class(rate):
    """CSS class for a rate against the 85 % line: ok, fail, or '' when undefined."""
    passed = rate.passed if isinstance(rate, engine.Rate) else None
    return "" if passed is None else ("ok" if passed else "fail")
