"""Formatting filters of the dashboards and the key figures on the home page."""

from django import template
from django.utils import timezone

from dashboard import selectors
from indicators.engine import format_number

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.8534 → "85.3%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{format_number(float(value) * 100, int(digits))}%"


@register.filter
def decimals(value, digits: int = 2) -> str:
    """A number rounded half up for display; None → "—"."""
    if value is None or value == "":
        return "—"
    return format_number(value, int(digits))


@register.inclusion_tag("dashboard/_home_figures.html", takes_context=True)
def home_figures(context):
    """Key figures for the signed-in user's role (see dashboard.selectors.home_figures)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"stats": []}
    return {"stats": selectors.home_figures(user, today=timezone.localdate())}
