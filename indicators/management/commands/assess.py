"""python manage.py assess --county CODE --year YEAR --scheme {basic-2012|quality-2017} [--json] [--store]

Computes from the current data through the same service as the Celery task. With --json it
prints exactly one JSON document (data-contract §3, unrounded numbers) and nothing else on
stdout; without it a readable Chinese summary. Unknown county or scheme: error, exit 1.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from domain import numbers
from indicators.engine import RULESETS, STAGE_LABELS, get_ruleset
from indicators.services import assessment_run_now, compute_assessment_result
from indicators.tables import value_digits
from indicators.verdict import missing_labels, verdict_text
from schools.models import County


class Command(BaseCommand):
    help = "计算一个区县某学年的均衡评估指标（差异系数、逐校达标、县级项目）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="6 位区县代码")
        parser.add_argument("--year", required=True, type=int, help="学年（起始年份，如 2025）")
        parser.add_argument("--scheme", required=True, choices=sorted(RULESETS), help="评估方案")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 文档（数据约定 §3）")
        parser.add_argument("--store", action="store_true", help="同时保存为一次评估记录（页面可见）")

    def handle(self, *args, county, year, scheme, json: bool, store: bool, **options):
        c = County.objects.filter(code=county).first()
        if c is None:
            raise CommandError(f"未找到区县：{county}")
        try:
            if store:
                assessment = assessment_run_now(county=c, year=year, scheme=scheme)
                result = assessment.result
            else:
                result = compute_assessment_result(c, year, scheme)
        except (ValidationError, ValueError) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(summary_text(result, c.name))
        if store:
            self.stdout.write(f"已保存为评估记录 #{assessment.pk}")


def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, allow_nan=False)


def summary_text(result: dict, county_name: str) -> str:
    """The readable Chinese summary printed without --json."""
    rs = get_ruleset(result["scheme"])
    lines = [
        f"{county_name}（{result['county']}） {result['year']}学年 {rs.label}（{rs.document}）",
        f"结论：{verdict_text(result)}",
    ]
    missing = missing_labels(result)
    if missing:
        lines.append(f"未完成：{len(missing)} 项评估项目尚无数据（{'、'.join(missing)}）")
    for stage, s in result["stages"].items():
        if not s["units"]:
            lines.append(f"【{STAGE_LABELS[stage]}】无学校单元")
            continue
        lines.append(
            f"【{STAGE_LABELS[stage]}】{s['units']} 个单元，在校生 {numbers.count(s['students'])} 人"
        )
        for ind in rs.indicators:
            row = s["indicators"][ind.key]
            mark = "" if row["cv_passed"] is None else ("  达标" if row["cv_passed"] else "  未达标")
            mean = numbers.num(row["mean"], value_digits(ind.key))
            lines.append(f"  {ind.label}：均值 {mean}，差异系数 {numbers.cv(row['cv'])}{mark}")
        limit = numbers.cv_limit(s.get("cv_threshold"))
        lines.append(f"  综合差异系数：{numbers.cv(s['composite_cv'])}（标准 ≤ {limit}）")
        c = s["classes"]
        lines.append(
            f"  班级 {c['total']} 个，超标准班额 {c['over_standard']}（其中大班额 {c['large']}，超大班额 {c['super_large']}）"
        )
    if result["reasons"]:
        lines.append("未达标原因：")
        lines.extend(f"  - {r}" for r in result["reasons"])
    if result.get("warnings"):
        lines.append("提示：")
        lines.extend(f"  - {w}" for w in result["warnings"])
    return "\n".join(lines)
