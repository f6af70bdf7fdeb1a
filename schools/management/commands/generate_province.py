"""`manage.py generate_province`: a generated province for scale work (see schools.province)."""

from django.core.management.base import BaseCommand, CommandError

from schools.province import (
    DEFAULT_COUNTIES,
    DEFAULT_COUNTIES_PER_CITY,
    DEFAULT_SCHOOLS_PER_COUNTY,
    DEFAULT_SEED,
    generate_province,
    plan_province,
    province_prefix,
)


class Command(BaseCommand):
    help = (
        "生成一个省的模拟数据（默认 150 个区县、约 2.2 万所学校、约 25 万条教师花名册），"
        "用于全省评估和性能测试；同代码的区县先删除再生成，同一种子结果相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", default="13", help="省级代码：2 位（如 13）或 6 位（如 130000）")
        parser.add_argument("--counties", type=int, default=DEFAULT_COUNTIES, help="区县数")
        parser.add_argument(
            "--schools-per-county", type=int, default=DEFAULT_SCHOOLS_PER_COUNTY, help="每县学校数（约数）"
        )
        parser.add_argument(
            "--counties-per-city", type=int, default=DEFAULT_COUNTIES_PER_CITY, help="每个市的区县数"
        )
        parser.add_argument("--years", type=int, default=1, help="学年数：1 = 2025，3 = 2023–2025")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（同一种子数据相同）")
        parser.add_argument(
            "--if-missing", action="store_true", help="这些区县已全部存在时不重建（基准测试复用数据）"
        )

    def handle(self, *args, **o):
        from schools.models import County

        try:
            prefix = province_prefix(o["code"])
            if o["if_missing"]:
                _, plans = plan_province(
                    prefix,
                    counties=o["counties"],
                    schools_per_county=o["schools_per_county"],
                    per_city=o["counties_per_city"],
                    seed=o["seed"],
                )
                codes = [p.code for p in plans]
                if County.objects.filter(code__in=codes).count() == len(codes):
                    self.stdout.write(f"这 {len(codes)} 个区县已存在，未重建。")
                    return

            def progress(done, total, plan, counts):
                if done == total or done % 10 == 0 or o["verbosity"] > 1:
                    self.stdout.write(
                        f"  {done}/{total} {plan.name}（{plan.code}）：学校 {counts['schools']} 所，"
                        f"花名册 {counts['teachers']} 条"
                    )

            result = generate_province(
                o["code"],
                counties=o["counties"],
                schools_per_county=o["schools_per_county"],
                per_city=o["counties_per_city"],
                years=o["years"],
                seed=o["seed"],
                on_county=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成省 {result.province_code}：市 {result.cities} 个、区县 {result.counties} 个、"
                f"学校 {result.schools} 所、教师花名册 {result.teachers} 条、班级 {result.classes} 个、"
                f"办学条件 {result.conditions} 条、义务教育在校生 {result.students} 人；"
                f"用时 {result.seconds:.1f} 秒（{result.schools / max(result.seconds, 1e-9):.0f} 所/秒）。"
            )
        )
