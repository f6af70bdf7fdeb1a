"""The one pygal look and the one way to turn a chart into inline SVG, for pages and PDFs.

Every chart (indicators' coefficient bars, the dashboard's trend lines) is built with
:func:`style` and finished with :func:`svg`: no script in the output (pygal's tooltip JS is off
and its inline config is cut, since CSP forbids inline scripts and PDFs ignore them) and an
explicit CJK font-family on the root, so the same string renders in a browser and in WeasyPrint.
Text goes through pygal's XML builder, which escapes it; the result is safe to insert inline.
Values printed on a chart go through :mod:`domain.numbers`, like every other figure.
The chart's element id (pygal draws a random uuid per chart) is replaced by one derived from the
chart's own content, so the same chart gives the same SVG text and the same PDF bytes every time.
"""

from __future__ import annotations

import hashlib
import re

from pygal.style import Style

FONT_FAMILY = '"Noto Sans CJK SC", sans-serif'
BLUE = "#1f5fa8"
OK_COLOR = "#2e7d32"
FAIL_COLOR = "#c62828"
UNDEFINED_COLOR = "#9e9e9e"
THRESHOLD_COLOR = "#90a4ae"
SERIES_COLORS = (BLUE, OK_COLOR, FAIL_COLOR, "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#546e7a", "#ad1457")

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)

_BASE = {
    "font_family": FONT_FAMILY,
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#333333",
    "foreground_strong": "#111111",
    "foreground_subtle": "#777777",
    "colors": SERIES_COLORS,
    "label_font_size": 12,
    "major_label_font_size": 12,
    "value_font_size": 11,
    "legend_font_size": 12,
    "title_font_size": 14,
    "guide_stroke_color": "#dddddd",
}


def style(**overrides) -> Style:
    """The shared pygal Style, with a chart kind's own guides or strokes on top."""
    return Style(**{**_BASE, **overrides})


def svg(chart) -> str:
    """The chart as inline SVG text: no XML declaration, no script, CJK font on the root.

    The chart must be built with ``js=[]`` and ``disable_xml_declaration=True``; pygal still
    embeds its config as an inline <script>, which is cut out of the well-formed output.
    """
    text = _SCRIPT.sub("", chart.render(is_unicode=True))
    # The same chart twice in one page shares the id: harmless, its scoped styles are the same.
    text = text.replace(chart.uuid, "\0")  # NUL never occurs in XML text
    text = text.replace("\0", hashlib.sha256(text.encode()).hexdigest()[:32])
    return text.replace("<svg ", f"<svg font-family='{FONT_FAMILY}' ", 1)
