"""`manage.py seed_demo`: (re)build the demo county 滨河县 (130123)."""

import random
import time

from django.core.management.base import BaseCommand

from schools.demo import DEMO_COUNTY_CODE, DEMO_YEARS, SEED, seed_demo_county


class Command(BaseCommand):
    help = "建立（或重建）演示县 滨河县（130123）：学校、三个学年的办学条件、教师、班级和各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-apps",
            action="store_true",
            help="只生成学校基础数据，不通知各功能模块补充演示数据（不发送 demo_seeded 信号）",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="演示县已存在时不重建（make run 使用，重启不会丢失演示中的修改）",
        )

    def handle(self, *args, **options):
        from schools.models import County

        if options["if_missing"] and County.objects.filter(code=DEMO_COUNTY_CODE).exists():
            self.stdout.write("演示县已存在，未重建（需要重建请运行 python manage.py seed_demo）。")
            return
        started = time.perf_counter()
        result = seed_demo_county(rng=random.Random(SEED), notify_apps=not options["no_apps"])
        county = result.county
        self.stdout.write(
            self.style.SUCCESS(
                f"演示县 {county.name}（{county.code}）已重建：{result.schools} 所学校，"
                f"{DEMO_YEARS[-1]} 学年义务教育在校生 {result.students} 人、教职工（花名册全部）{result.teachers} 人、"
                f"班级 {result.classes} 个；学年 {'、'.join(map(str, DEMO_YEARS))}；"
                f"国检日期 {county.inspection_date:%Y-%m-%d}；用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
        self.stdout.write("查看演示账号：python manage.py demo_logins")
