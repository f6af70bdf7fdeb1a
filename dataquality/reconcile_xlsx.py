"""The 对账 workbooks: the result as a report (school totals, differences, unknown schools,
problem rows) and the blank list templates with their 填写说明 (from reconcile.LIST_KINDS)."""

from balance_inspect import tabular
from balance_inspect.xlsx import Sheet, as_report, write_xlsx
from dataquality import reconcile
from dataquality.models import ReconcileRun

TEMPLATE_NOTES = (
    "第一行为表头，每行一名学生（教师）；列的顺序不限，模板以外的列（姓名、班级等）可保留，系统不读取。",
    "可直接上传国家系统导出的文件：表头不同时，上传后逐项选择对应的列（如“证件号码”对应“身份证号”），本县下次自动沿用。",
    "只保存各校、各学段、各年级的人数和有问题的行号；姓名和身份证号只用于校验，不保存。",
    "身份证号按 GB 11643 校验：校验不通过的仍计入人数并列出行号；同一身份证号重复出现只计一次。",
    "学校标识码、身份证号请设为文本格式，以免丢失前导零或末几位。",
)

# Kept as text in the template: leading zeros of the school code, all 18 ID digits.
TEXT_HEADERS = ("学校标识码", "身份证号")


def _ours(value):
    return "未导入" if value is None else value


def result_sheets(run: ReconcileRun, result: reconcile.Reconciliation, counts) -> list[Sheet]:
    """The result page as a workbook: school totals, every difference, unknown schools, problems."""
    sources = result.kind.sources
    totals = [
        (
            s.code,
            s.name,
            s.system,
            *[x for _, ours, diff in s.ours for x in (_ours(ours), diff)],
            s.differences,
        )
        for s in result.schools
    ]
    diffs = [
        (
            d.school_code,
            d.school_name,
            d.stage,
            d.grade or "",
            d.source,
            _ours(d.ours),
            d.system,
            d.difference,
        )
        for d in result.differences
    ]
    return as_report(
        [
            Sheet(
                "各校合计",
                ["学校标识码", "学校名称", f"{result.kind.label}人数"]
                + [h for source in sources for h in (f"本平台{source}", "差（本平台−系统）")]
                + ["差异项数"],
                totals,
                widths=[14, 24, 12] + [16, 12] * len(sources) + [10],
            ),
            Sheet(
                "差异明细",
                [
                    "学校标识码",
                    "学校名称",
                    "学段",
                    "年级",
                    "本平台数据",
                    "本平台人数",
                    "系统人数",
                    "差（本平台−系统）",
                ],
                diffs,
                widths=[14, 24, 8, 6, 20, 12, 12, 16],
            ),
            Sheet(
                "本县以外的学校",
                ["学校标识码", "学校名称（名单所填）", "人数"],
                [(u.code, u.name, u.count) for u in result.unknown],
                widths=[14, 30, 10],
            ),
            Sheet("有问题的行", ["行号", "问题"], counts.problems, widths=[8, 80]),
        ],
        f"{run.county.name} {run.year}—{run.year + 1}学年 {result.kind.label}对账",
        data_time=run.compared_at,
    )


def template_columns(list_kind: reconcile.ListKind) -> list[tabular.TemplateColumn]:
    """The list's fields (reconcile.LIST_KINDS) as template columns; the 说明 names the headers
    the national system's export commonly uses for the field."""
    return [
        tabular.TemplateColumn(
            header=f.header,
            required="是" if f.required else "否",
            allowed=f.values,
            note="国家系统导出文件中的常见列名：" + "、".join(f.synonyms) if f.synonyms else "",
            text=f.header in TEXT_HEADERS,
        )
        for f in list_kind.fields
    ]


def template(list_kind: reconcile.ListKind) -> bytes:
    """A blank list: the header row, and the 填写说明 with each column and its common export names."""
    return write_xlsx(tabular.template_sheets(list_kind.label, template_columns(list_kind), TEMPLATE_NOTES))
