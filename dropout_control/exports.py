"""xlsx outputs of dropout control, all through balance_inspect.xlsx (the one safe writer):
the ledger (台账), blank import templates, the monthly school report and the quarterly summary."""

from django.db.models import Count, Max

from balance_inspect import tabular
from balance_inspect.xlsx import Flagged, Num, Sheet
from domain import numbers
from dropout_control.importing import COHORTS, LEDGER, allowed_values, ledger_values
from dropout_control.models import CaseResponsible, ResponsibleLevel
from dropout_control.selectors import REPORT_COLUMNS, mark_overdue

LEDGER_EXTRA_HEADERS = (
    "个案编号",
    "状态",
    "上报日期",
    "认定日期",
    "劝返次数",
    "最近劝返日期",
    "销号结果",
    "返回（安置）学校",
    "返校（安置）日期",
    "销号日期",
    "销号审核人",
    "逾期原因",
) + tuple(label for _value, label in ResponsibleLevel.choices)


def _template_sheets(template, notes) -> list[Sheet]:
    return tabular.template_sheets(template.label, template.template_columns(allowed=allowed_values), notes)


def ledger_template_sheets() -> list[Sheet]:
    return _template_sheets(
        LEDGER,
        (
            "第一个工作表第 1 行是表头，请勿修改表头文字；列的顺序可以调整，多余的列会被忽略，空行会被跳过。",
            "每行登记一名疑似辍学（或适龄未入学）儿童，导入后状态为“疑似辍学”。",
            "身份证号请设为文本格式；同一身份证号已有未销号个案的，不能重复导入，请在原个案中继续办理。",
            "整个文件要么全部导入，要么全部不导入：任何一行有错，系统列出所有错误的行号、列名和原因。",
        ),
    )


def cohort_template_sheets() -> list[Sheet]:
    return _template_sheets(
        COHORTS,
        (
            "每行是一所学校一个年份的数据；同一学校同一年份重复导入会更新原数据。",
            "转入、转出、死亡人数填本年毕业的这一届学生在初中三年间的累计数。",
            "整个文件要么全部导入，要么全部不导入。",
        ),
    )


def ledger_sheet(cases) -> Sheet:
    """The ledger of the given cases (already scoped): the import columns, then the workflow columns."""
    cases = mark_overdue(
        cases.select_related("township", "school", "outcome_school", "reviewer").annotate(
            visit_count=Count("visits", distinct=True), last_visit=Max("visits__visited_on")
        )
    )
    people: dict[int, dict[str, str]] = {}
    for r in CaseResponsible.objects.filter(case__in=[c.pk for c in cases]).select_related("user"):
        people.setdefault(r.case_id, {})[r.level] = f"{r.display_name} {r.display_phone}".strip()

    def rows():
        for c in cases:
            mine = people.get(c.pk, {})
            yield (
                ledger_values(c)
                + [
                    c.number,
                    c.get_status_display(),
                    c.reported_on,
                    c.confirmed_on,
                    c.visit_count,
                    c.last_visit,
                    c.get_outcome_display() if c.outcome else "",
                    c.outcome_school.name if c.outcome_school_id else "",
                    c.outcome_date,
                    c.closed_on,
                    str(c.reviewer) if c.reviewer_id else "",
                    Flagged("；".join(c.overdue_reasons)) if c.overdue else "",
                ]
                + [mine.get(level, "") for level in ResponsibleLevel.values]
            )

    return Sheet("控辍保学台账", LEDGER.headers + LEDGER_EXTRA_HEADERS, rows())


def monthly_sheets(report: dict) -> list[Sheet]:
    headers = (
        ("乡镇", "学校标识码", "学校")
        + tuple(label for _c, label in report["columns"])
        + (f"学籍清查（{report['term_label']}）在籍", "实际在校", "清查发现疑似辍学")
    )
    rows = []
    for r in report["rows"]:
        check = r["check"]
        rows.append(
            [r["school"].township.name, r["school"].code, r["school"].name]
            + [r["counts"][c] for c, _label in report["columns"]]
            + (
                [check.on_register, check.at_school, check.suspected_found]
                if check
                else [Flagged("未清查"), "", ""]
            )
        )
    rows.append(["合计", "", ""] + [report["totals"][c] for c, _label in report["columns"]])
    return [Sheet(f"{report['year']}年{report['month']}月", headers, rows)]


def quarterly_sheets(report: dict) -> list[Sheet]:
    headers = ("乡镇",) + tuple(label for _c, label in REPORT_COLUMNS) + ("当前逾期",)
    rows = [
        [r["township"].name]
        + [r["counts"][c] for c, _l in REPORT_COLUMNS]
        + [Flagged(r["overdue"]) if r["overdue"] else 0]
        for r in report["rows"]
    ]
    rows.append(["合计"] + [report["totals"][c] for c, _l in REPORT_COLUMNS] + [report["overdue_total"]])
    retention = report["retention"]
    rates = [
        ("年份", retention["year"] or "无数据"),
        ("九年义务教育巩固率", _pct(retention["nine_year"])),
        ("初中三年巩固率", _pct(retention["junior"])),
        ("计算口径", retention["formula_label"]),
    ]
    return [
        Sheet(f"{report['year']}年第{report['quarter']}季度", headers, rows),
        Sheet("期末未销号个案原因", ("辍学原因", "人数"), report["by_reason"]),
        Sheet("巩固率", ("项目", "数值"), rates),
    ]


def _pct(value):
    """A rate as a number shown as a percentage, rounded like the pages (1 place)."""
    return Num(value, numbers.RATE, percent=True)
