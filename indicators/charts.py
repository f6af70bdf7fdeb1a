"""Server-side SVG charts of an assessment (pygal), shared by the pages and the dossier PDFs.

Style and SVG output (no script, CJK font) are those of :mod:`balance_inspect.charts`; values
print as :mod:`domain.numbers` prints coefficients, so a bar reads like the table beside it.
"""

from __future__ import annotations

import pygal

from balance_inspect.charts import BLUE, FAIL_COLOR, OK_COLOR, UNDEFINED_COLOR, style, svg
from domain import numbers

from .engine import STAGE_LABELS, get_ruleset

# The threshold is the one major guide: a solid red line across the bars.
_STYLE = style(colors=(BLUE,), major_guide_stroke_color=FAIL_COLOR, major_guide_stroke_dasharray="0")


def _bar(value: float | None, passed: bool | None) -> dict:
    if value is None:
        return {"value": None, "color": UNDEFINED_COLOR}
    color = FAIL_COLOR if passed is False else OK_COLOR if passed else BLUE
    return {"value": value, "color": color, "label": numbers.cv(value)}


def _ticks(top: float, threshold: float | None) -> list[float]:
    step = 0.1 if top <= 1.0 else 0.2 if top <= 2.0 else 0.5
    ticks = [round(i * step, 2) for i in range(int(top / step) + 2)]
    if threshold is not None and threshold not in ticks:
        ticks = sorted([*ticks, threshold])
    return ticks


def cv_chart_svg(
    stage_result: dict, scheme: str, *, title: str | None = None, stage: str | None = None
) -> str:
    """An SVG (text, no XML declaration) of each CV of one stage against its threshold.

    ``stage_result`` is ``result["stages"][stage]`` of an assessment document; ``scheme`` its
    rule set key (the stage's ``cv_threshold``, which stored results carry, is the line; without
    it, the indicators' own ``cv_threshold``). The threshold is a red line. quality-2017: a bar
    above it is red, others green. basic-2012: the single CVs are informative (blue) and the
    "综合差异系数" bar is the one judged against the line. Undefined CVs are left empty.
    """
    rs = get_ruleset(scheme)
    indicators = stage_result["indicators"]
    threshold = stage_result.get("cv_threshold")
    if threshold is None:
        threshold = next(
            (
                indicators[i.key].get("cv_threshold")
                for i in rs.indicators
                if indicators[i.key].get("cv_threshold") is not None
            ),
            None,
        )
    labels = [ind.label for ind in rs.indicators]
    bars = [_bar(indicators[ind.key]["cv"], indicators[ind.key]["cv_passed"]) for ind in rs.indicators]
    if rs.cv_rule == "composite":
        labels.append("综合差异系数")
        bars.append(_bar(stage_result.get("composite_cv"), stage_result.get("passed")))
    values = [b["value"] for b in bars if b["value"] is not None]
    top = max([*values, threshold or 0, 0.1])
    heading = title or (f"{STAGE_LABELS[stage]} 差异系数" if stage else "差异系数")
    if threshold is not None:
        heading += f"（红线：标准 ≤ {numbers.cv_limit(threshold)}）"
    chart = pygal.HorizontalBar(
        style=_STYLE,
        js=[],
        width=760,
        height=80 + 34 * len(labels),
        disable_xml_declaration=True,
        print_values=True,
        show_legend=False,
        truncate_label=-1,
        value_formatter=numbers.cv,
        title=heading,
        margin=12,
        margin_left=36,  # pygal measures CJK labels as narrower than they render
        y_labels=_ticks(top, threshold),
        y_labels_major=[threshold] if threshold is not None else [],
        show_minor_y_labels=True,
        range=(0, _ticks(top, threshold)[-1]),
    )
    # Reversed so the first indicator is drawn at the top, in the order of 表Ⅲ.
    chart.x_labels = list(reversed(labels))
    chart.add("差异系数", list(reversed(bars)))
    return svg(chart)
