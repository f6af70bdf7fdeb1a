"""What dropout control sends to the other apps through balance_inspect.signals (connected in
DropoutControlConfig.ready): the assessment item 初中三年巩固率 and the readiness rows."""

from accounts.access import county_reader
from dropout_control import selectors


def county_items(sender, *, county, year, **kwargs) -> list[dict]:
    """``junior_retention`` from the county's cohort figures (selectors.county_retention)."""
    r = selectors.county_retention(county, year)
    return [
        {
            "key": "junior_retention",
            "label": "初中三年巩固率",
            "passed": r["passed"],
            "value": None if r["junior"] is None else r["junior"] * 100,
            "value_text": r["junior_text"],
            # 表Ⅴ-1's sentence: graduates, grade-7 entrants three years before, transfers in,
            # deaths and transfers out of the cohort (the rate itself is ``value``, by the formula).
            "inputs": r["inputs"],
            "detail": r["detail"],
            "evidence": [f"{r['year']} 年巩固率基础数据（控辍保学 › 巩固率；{r['formula_label']}）"],
        }
    ]


def readiness_rows(sender, *, county, year, **kwargs) -> list[dict]:
    """One row for the dropout cases: overdue open cases fail, other open cases are at risk."""
    summary = selectors.case_summary(county_reader(county), county)
    open_, overdue = summary["open"], summary["overdue"]
    if overdue:
        status, detail = "fail", f"在办 {open_} 件，其中逾期 {overdue} 件"
    elif open_:
        status, detail = "at_risk", f"在办 {open_} 件，均未逾期"
    else:
        status, detail = (
            "pass",
            f"无在办个案（累计 {summary['total']} 件，已复学销号 {summary['returned']} 件）",
        )
    return [{"area": "控辍保学", "item": "疑似辍学与辍学个案按时办结", "status": status, "detail": detail}]
