"""Server-side SVG line charts of the trends page (pygal), in the one chart style.

Style and SVG output (no script, CJK font) are those of :mod:`balance_inspect.charts`; values on
the points print through :mod:`domain.numbers`.
"""

from __future__ import annotations

import pygal

from balance_inspect.charts import THRESHOLD_COLOR, style, svg
from domain import numbers

_STYLE = style(
    guide_stroke_color="#e3e7ed",
    major_guide_stroke_color="#cfd6df",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    stroke_width=2.5,
    stroke_opacity=1,
)


def line_chart_svg(
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list]],
    *,
    digits: int = 0,
    print_values: bool = True,
    limit: tuple[str, float] | None = None,
) -> str:
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
        value_formatter=lambda v: numbers.num(v, digits),
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
        chart.add(
            limit[0],
            [limit[1]] * len(x_labels),
            stroke_style={"dasharray": "6,4"},
            show_dots=False,
            print_values=False,
            color=THRESHOLD_COLOR,
        )
    return svg(chart)
