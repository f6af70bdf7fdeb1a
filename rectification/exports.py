"""The ledger as plain rows in the 整改台账 column layout (domain.md §8), and the import template.

Rows are written by balance_inspect.xlsx, which neutralises formulas and illegal characters.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from balance_inspect import tabular
from balance_inspect.xlsx import Sheet
from rectification.feedback import COLUMNS as FEEDBACK_COLUMNS
from rectification.feedback import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, TEXT_LIMITS
from rectification.models import EvidenceFile, ProgressEntry, Source
from rectification.selectors import indicator_label

LEDGER_HEADERS = (
    "序号",
    "问题来源",
    "问题描述",
    "涉及指标",
    "涉及学校",
    "整改目标",
    "整改措施",
    "牵头单位",
    "配合单位",
    "责任人",
    "完成时限",
    "进展情况",
    "整改状态",
    "佐证材料",
    "核查意见",
    "销号日期",
    "销号人",
    "备注",
)
LEDGER_WIDTHS = (6, 22, 40, 20, 24, 30, 40, 16, 20, 10, 12, 50, 10, 30, 30, 12, 10, 20)


def _source_text(item) -> str:
    parts = [item.get_source_display()]
    if item.source_team:
        parts.append(item.source_team)
    if item.source_date:
        parts.append(item.source_date.isoformat())
    if item.source_no:
        parts.append(f"第{item.source_no}条")
    text = " ".join(parts)
    return f"{text}：{item.source_item}" if item.source_item else text


def ledger_rows(items) -> Iterator[list]:
    """One row per item, columns as LEDGER_HEADERS; progress entries oldest first, one per line.

    Progress and evidence are read as plain tuples (two queries), not model instances: a county's
    ledger carries thousands of them and the export should not build an object for each.
    """
    items = list(items.select_related("closed_by").prefetch_related("schools"))
    ids = [i.pk for i in items]
    progress: dict[int, list[str]] = defaultdict(list)
    for item_id, day, text in (
        ProgressEntry.objects.filter(item_id__in=ids)
        .order_by("date", "id")
        .values_list("item_id", "date", "text")
    ):
        progress[item_id].append(f"{day.isoformat()} {text}")
    evidence: dict[int, list[str]] = defaultdict(list)
    for item_id, name in (
        EvidenceFile.objects.filter(item_id__in=ids)
        .order_by("uploaded_at", "id")
        .values_list("item_id", "original_name")
    ):
        evidence[item_id].append(name)
    for item in items:
        yield [
            item.number,
            _source_text(item),
            item.problem,
            indicator_label(item.indicator) if item.indicator else "",
            "、".join(f"{s.name}（{s.code}）" for s in item.schools.all()),
            item.target,
            item.measures,
            item.lead_unit,
            item.cooperating_units,
            item.responsible_person,
            item.deadline,
            "\n".join(progress[item.pk]),
            item.get_status_display(),
            "\n".join(evidence[item.pk]),
            item.verification_opinion,
            item.closed_on,
            str(item.closed_by) if item.closed_by_id else "",
            item.remarks,
        ]


def ledger_sheet(items, county_name: str) -> Sheet:
    return Sheet(f"{county_name}整改台账", LEDGER_HEADERS, ledger_rows(items), widths=LEDGER_WIDTHS)


_DATE = "日期，如 2025-03-18（也可用 2025/3/18、2025年3月18日）"
# What each column of the feedback list holds; required columns and text limits are those the
# parser (rectification.feedback) enforces.
_FEEDBACK_ALLOWED = {
    "序号": "正整数，反馈清单中的序号",
    "反馈来源": "、".join(label for _, label in Source.choices),
    "反馈日期": _DATE,
    "涉及指标": "指标名称或代码，如 生均体育运动场馆面积、sports_area_pp、2.5 班额",
    "涉及学校": "本县学校标识码，多个用“、”或“,”分隔",
    "完成时限": _DATE + "，不早于反馈日期",
}
_FEEDBACK_NOTES = {
    "序号": "序号 + 反馈来源 + 反馈日期 相同的行再次导入时更新原事项",
}


def feedback_template_columns() -> list[tabular.TemplateColumn]:
    def allowed(header):
        if header in _FEEDBACK_ALLOWED:
            return _FEEDBACK_ALLOWED[header]
        return f"文本，不超过 {TEXT_LIMITS[header]} 个字" if header in TEXT_LIMITS else "文本"

    return [
        tabular.TemplateColumn(
            header=header,
            required="是" if header in REQUIRED_COLUMNS else "否",
            allowed=allowed(header),
            note=_FEEDBACK_NOTES.get(header, ""),
            choices=tuple(label for _, label in Source.choices) if header == "反馈来源" else (),
            text=header == "涉及学校",
        )
        for header in FEEDBACK_COLUMNS
    ]


def feedback_template_sheets() -> Iterable[Sheet]:
    """The feedback import template: the header row with one example, and the 填写说明."""
    example = [
        1,
        Source.PROVINCIAL.label,
        "2025-03-18",
        "部分学校生均体育运动场馆面积未达标",
        "生均体育运动场馆面积",
        "1301230001、1301230002",
        "2025 年 9 月前全部达标",
        "新建、改扩建运动场",
        "县教育局计财股",
        "县发改局、县财政局",
        "张三",
        "2025-09-30",
    ]
    return tabular.template_sheets(
        "反馈问题清单",
        feedback_template_columns(),
        (
            "第 2 行是示例，导入前请删除或改写。",
            "可另加“" + "”“".join(OPTIONAL_COLUMNS) + "”两列（文本，可空）。",
            "任一行有错则整个文件不导入，错误会列出行号、列名和原因。",
        ),
        example_rows=[example],
    )
