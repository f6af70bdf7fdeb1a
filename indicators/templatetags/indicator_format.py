"""Display rounding for assessment numbers: half up, as published tables print them."""

from django import template

from indicators.engine import format_number

register = template.Library()


@register.filter
def half_up(value, digits=3):
    """{{ cv|half_up }} → "0.515"; {{ x|half_up:2 }}; "—" for None (undefined)."""
    if value is None or value == "":
        return "—"
    return format_number(value, int(digits))
