"""xlsx exports of a stored assessment: 表Ⅱ and 表Ⅲ, through the one xlsx writer.

Numbers are written as numbers, rounded half up exactly as the pages print them (domain.numbers):
coefficients 3 places, values, means and SDs at their indicator's places (tables.value_digits),
each cell formatted to show those places. In 表Ⅱ every value below its per-school standard is a
Flagged (shaded) cell.
"""

from balance_inspect.xlsx import Flagged, Num, Sheet
from domain import numbers
from domain.vocabulary import SCHEME_LABELS

from .tables import table2, table3, value_digits


def _caption(result: dict, table: str, county_name: str) -> str:
    year = result["year"]
    return f"{table} · {county_name} · {year}—{year + 1}学年 · {SCHEME_LABELS.get(result['scheme'], result['scheme'])}"


def table2_sheet(result: dict, *, county_name: str = "", data_time=None) -> Sheet:
    """表Ⅱ 义务教育学校办学基本标准达标情况: one row per unit, value and standard side by side."""
    t = table2(result)
    headers = ["学校标识码", "学校名称", "乡镇", "学段", "在校生数"]
    for ind in t["indicators"]:
        headers += [f"{ind['label']}（{ind['unit']}）", f"{ind['label']} 标准"]
    headers += ["达标项数", "是否达标"]
    rows = []
    for r in t["rows"]:
        row = [r["school_code"], r["school_name"], r["township"], r["stage_label"], r["students"]]
        for cell in r["cells"]:
            value = Num(cell["value"], value_digits(cell["key"]))
            row.append(
                Flagged(value, level="warn" if cell["state"] == "warn" else "fail")
                if cell["state"]
                else value
            )
            row.append(cell["standard"])
        row.append(r["met"])
        row.append({True: "达标", False: "未达标"}.get(r["passed"], numbers.UNDEFINED))
        rows.append(row)
    widths = [14, 22, 10, 6, 9] + [14, 9] * len(t["indicators"]) + [9, 9]
    return Sheet(
        "表Ⅱ 学校达标情况",
        headers,
        rows,
        widths=widths,
        data_time=data_time,
        caption=_caption(result, "表Ⅱ 义务教育学校办学基本标准达标情况", county_name),
        note="红色：低于标准的 85%；黄色：达到 85% 但未达标准",
    )


def table3_sheet(result: dict, *, county_name: str = "", data_time=None) -> Sheet:
    """表Ⅲ 校际差异系数: per stage the indicators' mean, SD, CV and threshold, then the composite."""
    headers = [
        "学段",
        "指标",
        "单位",
        "单元数",
        "在校生数",
        "均值",
        "标准差",
        "差异系数",
        "标准（不超过）",
        "是否达标",
    ]
    rows = []
    for block in table3(result):
        if not block["units"]:
            continue
        for r in block["rows"]:
            cv = Num(r["cv"], numbers.CV)
            digits = value_digits(r["key"])
            rows.append(
                [
                    block["label"],
                    r["label"],
                    r["unit"],
                    block["units"],
                    block["students"],
                    Num(r["mean"], digits),
                    Num(r["std"], digits),
                    Flagged(cv) if r["cv_passed"] is False else cv,
                    Num(r["cv_threshold"], numbers.CV_LIMIT),
                    {True: "达标", False: "未达标"}.get(r["cv_passed"], numbers.UNDEFINED),
                ]
            )
        composite = Num(block["composite_cv"], numbers.CV)
        judged = block["rule"] == "composite"
        rows.append(
            [
                block["label"],
                "综合差异系数" + ("" if judged else "（仅供参考）"),
                "",
                block["units"],
                block["students"],
                None,
                None,
                Flagged(composite) if judged and block["passed"] is False else composite,
                Num(block["threshold"], numbers.CV_LIMIT) if judged else None,
                {True: "达标", False: "未达标"}.get(block["passed"], numbers.UNDEFINED)
                if judged
                else numbers.UNDEFINED,
            ]
        )
    return Sheet(
        "表Ⅲ 校际差异系数",
        headers,
        rows,
        widths=[6, 40, 6, 8, 10, 12, 12, 10, 12, 9],
        caption=_caption(result, "表Ⅲ 义务教育校际差异系数", county_name),
        data_time=data_time,
        note="差异系数保留 3 位小数（四舍五入）；红色为未达标",
    )
