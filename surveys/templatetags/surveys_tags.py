from django import template

from surveys import engine

register = template.Library()


@register.filter
def rate_class(rate):
    """CSS class for a rate against the 85 % line: ok, fail, or '' when undefined.

    (Rates print through the builtin ``pct`` filter of domain.numbers.)"""
    passed = rate.passed if isinstance(rate, engine.Rate) else None
    return "" if passed is None else ("ok" if passed else "fail")
