"""The key figures on the home page (numbers print through the builtin number filters)."""

from django import template
from django.utils import timezone

from dashboard import selectors

register = template.Library()


@register.inclusion_tag("dashboard/_home_figures.html", takes_context=True)
def home_figures(context):
    """Key figures for the signed-in user's role (see dashboard.selectors.home_figures)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"stats": []}
    return {"stats": selectors.home_figures(user, today=timezone.localdate())}
