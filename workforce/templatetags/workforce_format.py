"""Display of workforce numbers: exact fractions in, rounded text out (half up, display only)."""

from fractions import Fraction

from django import template

from workforce.engine import percent_text

register = template.Library()


@register.filter
def pct(value, digits=1):
    """{{ rate|pct }} → "12.5%"; "—" for None (no denominator)."""
    if value is None or value == "":
        return "—"
    return percent_text(Fraction(value), int(digits))


@register.filter
def dec(value, digits=1):
    """{{ fraction|dec }} → "10.5" (half up); "—" for None."""
    if value is None or value == "":
        return "—"
    scaled = Fraction(value) * 10 ** int(digits)
    rounded = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return f"{rounded / 10 ** int(digits):.{int(digits)}f}"


@register.filter
def signed(value):
    """+3 / -2 / 0 for a difference."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)
