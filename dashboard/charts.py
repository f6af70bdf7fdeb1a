"""Server-side SVG line charts of the trends page (pygal), styled like indicators.charts.

As there: no script in the SVG (pygal's tooltip JS is off and its inline config is cut: CSP
forbids inline scripts), an explicit CJK font-family, and text escaped by pygal's XML builder, so
the string is safe to insert inline.
"""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from indicators.charts import FONT_FAMILY
from indicators.engine import format_number

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
_STYLE = Style(
    font_family=FONT_FAMILY,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#777777",
    colors=("#1f5fa8", "#2e7d32", "#c62828", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#546e7a", "#ad1457"),
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    legend_font_size=12,
    title_font_size=14,
    guide_stroke_color="#e3e7ed",
    major_guide_stroke_color="#cfd6df",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    stroke_width=2.5,
    stroke_opacity=1,
)


def line_chart_svg(title: str, x_labels: list[str], series: list[tuple[str, list]], *, digits: int = 0,
                   print_values: bool = True, limit: tuple[str, float] | None = None) -> str:
    """An SVG (text, no XML declaration) with one line per ``(name, values)`` over ``x_labels``;
    a None value leaves a gap. ``digits`` is the number of decimals of the values printed on the
    points (``print_values``, only up to 6 points); ``limit`` (name, value) adds a dashed grey
    line at that value, e.g. a CV threshold."""
    chart = pygal.Line(
        style=_STYLE,
        js=[],
        width=760,
        height=340,
        disable_xml_declaration=True,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2 if len(series) > 4 else 3,
        print_values=print_values and len(x_labels) <= 6,
        truncate_label=-1,
        truncate_legend=-1,
        value_formatter=lambda v: format_number(v, digits),
        title=title,
        margin=12,
        margin_right=48,  # room for the value printed on the last point
        dots_size=4,
        allow_interruptions=True,
    )
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    if limit is not None:
        chart.add(limit[0], [limit[1]] * len(x_labels), stroke_style={"dasharray": "6,4"}, show_dots=False,
                  print_values=False, color="#90a4ae")
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return svg.replace("<svg ", f"<svg font-family='{FONT_FAMILY}' ", 1)
