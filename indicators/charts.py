"""Server-side SVG charts of an assessment (pygal), shared by the pages and the dossier PDFs.

The SVG carries no script (pygal's tooltip JS is turned off: CSP forbids it and PDFs ignore it)
and an explicit CJK font-family, so the same string renders in a browser and in WeasyPrint.
Text goes through pygal's XML builder, which escapes it; the result is safe to insert inline.
"""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from .engine import STAGE_LABELS, format_number, get_ruleset

FONT_FAMILY = '"Noto Sans CJK SC", sans-serif'
OK_COLOR = "#2e7d32"
FAIL_COLOR = "#c62828"
UNDEFINED_COLOR = "#9e9e9e"
THRESHOLD_COLOR = "#90a4ae"
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)

_STYLE = Style(
    font_family=FONT_FAMILY,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#333333",
    foreground_strong="#111111",
    foreground_subtle="#777777",
    colors=("#1f5fa8", THRESHOLD_COLOR),
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    legend_font_size=12,
    title_font_size=14,
    tooltip_font_size=11,
)


def _bar(value: float | None, passed: bool | None) -> dict:
    if value is None:
        return {"value": None, "color": UNDEFINED_COLOR}
    color = FAIL_COLOR if passed is False else OK_COLOR if passed else "#1f5fa8"
    return {"value": value, "color": color, "label": format_number(value, 3)}


def cv_chart_svg(stage_result: dict, scheme: str, *, title: str | None = None, stage: str | None = None) -> str:
    """An SVG (text, no XML declaration) of each CV of one stage against its threshold.

    ``stage_result`` is ``result["stages"][stage]`` of an assessment document; ``scheme`` its
    rule set key (the stage's ``cv_threshold``, which stored results carry, is the composite's
    line under basic-2012). quality-2017: each indicator's bar is red when above the threshold, and the
    threshold is drawn beside it. basic-2012: the single CVs are informative (blue) and a
    "综合差异系数" bar is judged against the threshold. Undefined CVs are left empty.
    """
    rs = get_ruleset(scheme)
    chart = pygal.HorizontalBar(
        style=_STYLE,
        js=[],
        width=760,
        height=90 + 34 * (len(rs.indicators) + (1 if rs.cv_rule == "composite" else 0)),
        disable_xml_declaration=True,
        print_values=True,
        print_values_position="top",
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        truncate_label=-1,
        value_formatter=lambda v: format_number(v, 3),
        title=title or (f"{STAGE_LABELS[stage]} 差异系数" if stage else "差异系数"),
        margin=12,
        zero=0,
    )
    labels = [ind.label for ind in rs.indicators]
    cvs = [_bar(stage_result["indicators"][ind.key]["cv"], stage_result["indicators"][ind.key]["cv_passed"])
           for ind in rs.indicators]
    limits: list[float | None]
    if rs.cv_rule == "composite":
        labels.append("综合差异系数")
        composite = stage_result.get("composite_cv")
        cvs.append(_bar(composite, stage_result.get("passed")))
        limits = [None] * len(rs.indicators) + [stage_result.get("cv_threshold")]
    else:
        limits = [stage_result["indicators"][ind.key]["cv_threshold"] for ind in rs.indicators]
    # Reversed so the first indicator is drawn at the top, in the order of 表Ⅲ.
    chart.x_labels = list(reversed(labels))
    chart.add("差异系数", list(reversed(cvs)))
    chart.add("标准（不超过）", list(reversed(limits)))
    # pygal always embeds its config as an inline <script> (even with js=[]); CSP would block it
    # and nothing needs it, so it is cut out of the well-formed output.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # An explicit attribute on the root as well: WeasyPrint applies it even where CSS is not read.
    return svg.replace("<svg ", f"<svg font-family='{FONT_FAMILY}' ", 1)

