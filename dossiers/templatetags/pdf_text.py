"""Filters of the PDF templates."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Characters that end or break out of a double-quoted CSS string, or a <style> element.
_CSS_UNSAFE = re.compile(r"[\\\"'<>&\x00-\x1f\x7f]")


@register.filter
def css_string(value) -> str:
    """`value` for use inside a double-quoted CSS string (running heads in @page rules).

    HTML escaping does not apply inside <style>: "&lt;" would be printed as those four
    characters. Here every character that could end the string or the element becomes a
    six-digit CSS escape, which WeasyPrint prints as the character itself.
    """
    return mark_safe(_CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):06x}", str(value)))  # noqa: S308
