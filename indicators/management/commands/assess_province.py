"""python manage.py assess_province --region CODE [--year YEAR] [--scheme SCHEME] [--inline | --no-wait]

Assesses every county of a province or city (schools.Region) as one run: one task per county on
the Celery workers, then a finish step (indicators.services, region_…). Prints progress until the
run ends; exit 1 when a county failed (the run lists them; `--retry RUN_ID` assesses only those).

Who may start it: an administrator on the command line (or in the admin). City and province
reviewers only read the counties' results; the run writes an Assessment for every county.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from balance_inspect.jobs import JobStatus
from domain.schemes import DEFAULT_TARGET_SCHEME
from indicators.engine import RULESETS
from indicators.models import ProvinceAssessmentRun
from indicators.services import (
    region_assessment_request,
    region_assessment_retry,
    region_assessment_run_here,
    region_counts,
    runs_in_one_process,
)
from schools.models import Region, SchoolConditions
from schools.selectors import counties_in_region

QUEUED_WARNING_SECONDS = 60


class Command(BaseCommand):
    help = "评估一个省（或市）全部区县：每个区县一个后台任务，多个处理进程并行，最后汇总"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="省或市的 6 位区划代码（如 130000、130100）")
        parser.add_argument("--year", type=int, help="学年（默认：该区域最新的学年）")
        parser.add_argument(
            "--scheme", choices=sorted(RULESETS), default=DEFAULT_TARGET_SCHEME, help="评估方案"
        )
        parser.add_argument("--inline", action="store_true", help="在本进程中逐县评估（不经后台队列）")
        parser.add_argument("--no-wait", action="store_true", help="提交后立即返回，不等待完成")
        parser.add_argument("--retry", type=int, metavar="RUN_ID", help="重试一次区域评估中未完成的区县")
        parser.add_argument("--poll", type=float, default=1.0, help="查询进度的间隔（秒）")

    def handle(self, *args, **o):
        try:
            run = self._retry(o["retry"]) if o["retry"] else self._request(o)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        total = run.counties.count()
        self.stdout.write(
            f"区域评估 #{run.pk}：{run.region.name}（{run.region.code}）{run.year}学年，"
            f"{run.get_scheme_display()}，{total} 个区县"
        )
        started = time.perf_counter()
        if o["inline"]:
            self.stdout.write("在本进程中逐县评估（不经后台队列）。")
            run = region_assessment_run_here(run, on_county=self._print_counts)
        else:
            if runs_in_one_process():
                self.stdout.write(
                    "当前为内置队列（未配置 CELERY_BROKER_URL，make run）或即时执行："
                    "各区县由一个后台进程依次评估。多进程、多台机器并行请配置 Redis（见 README「生产部署」）。"
                )
            if o["no_wait"]:
                self.stdout.write(f"已提交区域评估 #{run.pk}；进度见管理后台「区域评估」。")
                return
            run = self._wait(run, o["poll"])
        self._print_end(run, time.perf_counter() - started)

    def _request(self, o) -> ProvinceAssessmentRun:
        if not o["region"]:
            raise CommandError("请用 --region 指定省或市的区划代码，或用 --retry 指定要重试的区域评估")
        region = Region.objects.filter(code=o["region"]).first()
        if region is None:
            raise CommandError(
                f"未找到区域：{o['region']}（先运行 generate_province，或在管理后台添加省市区域）"
            )
        year = o["year"] or (
            SchoolConditions.objects.filter(school__county__in=counties_in_region(region))
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if year is None:
            raise CommandError(f"{region.name} 没有任何学年的办学条件数据，请用 --year 指定学年")
        return region_assessment_request(region=region, year=year, scheme=o["scheme"], user=None)

    def _retry(self, pk: int) -> ProvinceAssessmentRun:
        run = ProvinceAssessmentRun.objects.filter(pk=pk).first()
        if run is None:
            raise CommandError(f"未找到区域评估 #{pk}")
        return region_assessment_retry(run=run, user=None)

    def _print_counts(self, counts: dict) -> None:
        finished = counts["done"] + counts["failed"]
        failed = f"（失败 {counts['failed']} 个）" if counts["failed"] else ""
        self.stdout.write(f"  已评估 {finished} / {counts['total']} 个区县{failed}")

    def _wait(self, run: ProvinceAssessmentRun, poll: float) -> ProvinceAssessmentRun:
        last, warned = None, False
        while True:
            run.refresh_from_db()
            if run.is_finished:
                return run
            if run.looks_delayed and not warned:
                warned = True
                self.stdout.write(
                    f"排队已超过 {QUEUED_WARNING_SECONDS} 秒：后台处理进程可能没有运行"
                    "（make worker / make run），也可按 Ctrl+C 后用 --retry 配合 --inline 在本进程中评估。"
                )
            note = run.progress_note
            if note and note != last:
                self.stdout.write(f"  {note}")
                last = note
            time.sleep(poll)

    def _print_end(self, run: ProvinceAssessmentRun, seconds: float) -> None:
        counts = region_counts(run.pk)
        line = (
            f"通过 {counts['passed']} 个，未通过 {counts['not_passed']} 个，未完成 {counts['incomplete']} 个；"
            f"用时 {seconds:.1f} 秒"
        )
        if run.status == JobStatus.DONE:
            self.stdout.write(
                self.style.SUCCESS(f"区域评估 #{run.pk} 已完成：{counts['done']} 个区县，{line}")
            )
            return
        raise CommandError(f"区域评估 #{run.pk} 失败：{run.error}（{line}）")
