"""Benchmark of the assessment, end to end.

    .venv/bin/python bench/bench_assess.py

Uses a fresh SQLite database in a temporary directory (set BENCH_DATABASE_URL to use another,
e.g. an empty PostgreSQL database of your own). Prints:

1. the pure engine on a province-sized input: 15,000 units, quality-2017 (7 indicators) and
   basic-2012 (8), plus the gap plans and the fingerprint;
2. `manage.py assess --json` on the demo county, in process (load + compute + JSON), and the
   queries it makes;
3. generated counties of 30 and 300 schools: the query count must not grow with the schools
   (shown with and without the county-item providers other apps register);
4. the stored-result pages of the demo county (detail page, 表Ⅱ export).
"""

import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench_assess_")
os.environ["DATA_DIR"] = TMP
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")  # pages render without collectstatic

import django  # noqa: E402

django.setup()

# Room areas as the engine bench draws them (one generator per school, the other draws unchanged).
from bench_engine import room_areas, with_room_areas  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from indicators.engine import (  # noqa: E402
    ClassFacts,
    SchoolFacts,
    TeacherGroup,
    assess,
    build_units,
    cv_plans,
    input_fingerprint,
    unit_gaps,
)

SUBJECTS = ("语文", "数学", "英语", "体育", "音乐", "美术", "科学")


def best_of(fn, n=3):
    times = []
    value = None
    for _ in range(n):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return min(times), value


def stored_areas(code: str, kind: str, n: int) -> list[str]:
    return [f"{a:.2f}" for a in room_areas(code, kind, n) or ()]


def province_facts(n_units=15_000, seed=7):
    """10,000 primary and 5,000 junior schools with teachers grouped as the loader does."""
    rng = random.Random(seed)
    schools, teachers, classes = [], [], []
    for i in range(n_units):
        junior = i % 3 == 2
        n = rng.randint(80, 2400)
        code = f"{1000000000 + i}"
        schools.append(
            SchoolFacts(
                code=code,
                name=f"学校{i}",
                township=f"乡镇{i % 900}",
                school_type="初中" if junior else "小学",
                urban_rural=rng.choice(("城区", "镇区", "乡村")),
                primary_students=0 if junior else n,
                junior_students=n if junior else 0,
                building_area=n * rng.uniform(3.5, 8.0),
                sports_area=n * rng.uniform(5, 14),
                equipment_value=n * rng.uniform(1500, 5000),
                computers=int(n * rng.uniform(0.08, 0.2)),
                books=int(n * rng.uniform(20, 50)),
                multimedia_rooms=max(1, int(n * rng.uniform(0.018, 0.04))),
                music_rooms=rng.randint(0, 3),
                art_rooms=rng.randint(0, 3),
            )
        )
        schools[-1] = with_room_areas(schools[-1])
        stage = "初中" if junior else "小学"
        staff = max(4, int(n / rng.uniform(12, 20)))
        for subject in SUBJECTS:
            share = max(1, staff // len(SUBJECTS))
            teachers.append(
                TeacherGroup(
                    code,
                    stage,
                    True,
                    rng.choice(("本科", "专科")),
                    rng.choice(("一级", "二级")),
                    rng.choice(("无", "无", "县级")),
                    subject,
                    share,
                )
            )
        for _ in range(max(1, n // 45)):
            classes.append(ClassFacts(code, stage, 7 if junior else 1, rng.randint(30, 58)))
    return schools, teachers, classes


def bench_engine():
    schools, teachers, classes = province_facts()
    print(
        f"1. 引擎（纯计算）：{len(schools):,} 个单元，{len(teachers):,} 个教师分组，{len(classes):,} 个班级"
    )
    t, built = best_of(lambda: build_units(schools, teachers))
    print(f"   build_units                       {t * 1000:8.0f} ms  ({len(built.units):,} 单元)")
    for scheme in ("quality-2017", "basic-2012"):
        t, result = best_of(lambda s=scheme: assess(schools, teachers, classes, s))
        keys = len(result["stages"]["primary"]["indicators"])
        print(f"   assess {scheme:<13} ({keys} 项)        {t * 1000:8.0f} ms")
    t, gaps = best_of(lambda: unit_gaps(built.units, "quality-2017", built.splits))
    print(f"   unit_gaps quality-2017            {t * 1000:8.0f} ms  ({len(gaps):,} 条缺口)")
    t, plans = best_of(lambda: cv_plans(built.units, "quality-2017", built.splits))
    print(f"   cv_plans quality-2017             {t * 1000:8.0f} ms  ({len(plans)} 个方案)")
    t, _ = best_of(lambda: input_fingerprint(schools, teachers, classes, "quality-2017"))
    print(f"   input_fingerprint                 {t * 1000:8.0f} ms")


def run_assess(code: str, scheme: str, providers: bool = True) -> tuple[float, int, int]:
    from balance_inspect.signals import county_items_requested

    # providers=False: the assessment alone, without the items other apps send.
    saved = list(county_items_requested.receivers)
    if not providers:
        county_items_requested.receivers = []
        county_items_requested.sender_receivers_cache.clear()
    out = io.StringIO()
    try:
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            call_command(
                "assess", "--county", code, "--year", "2025", "--scheme", scheme, "--json", stdout=out
            )
            elapsed = time.perf_counter() - t
    finally:
        county_items_requested.receivers = saved
        county_items_requested.sender_receivers_cache.clear()
    return elapsed, len(ctx.captured_queries), len(out.getvalue())


def make_county(n_schools: int = 300, code: str = "139999", seed: int = 3):
    """A county of n primary/junior schools with conditions, a teacher roster, classes and one
    entered county item (so the item queries run as they do for the demo county)."""
    from decimal import Decimal

    from indicators.services import county_item_save
    from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township

    rng = random.Random(seed)
    county = County.objects.create(code=code, name=f"基准测试县{n_schools}")
    county_item_save(county=county, year=2025, key="government_work_score", value=Decimal(90), user=None)
    towns = [Township.objects.create(county=county, name=f"第{i}镇") for i in range(15)]
    schools = School.objects.bulk_create(
        [
            School(
                code=f"{code}{i:04d}",
                name=f"测试学校{i}",
                county=county,
                township=towns[i % 15],
                school_type="初中" if i % 3 == 2 else "小学",
                urban_rural="乡村",
            )
            for i in range(n_schools)
        ]
    )
    conditions, teachers, classes = [], [], []
    for s in schools:
        n = rng.randint(150, 1500)
        junior = s.school_type == "初中"
        conditions.append(
            SchoolConditions(
                school=s,
                year=2025,
                primary_students=0 if junior else n,
                junior_students=n if junior else 0,
                building_area=round(n * rng.uniform(4, 8), 2),
                sports_area=round(n * rng.uniform(6, 14), 2),
                equipment_value=round(n * rng.uniform(1800, 4000), 2),
                computers=n // 8,
                books=n * 30,
                multimedia_rooms=n // 35,
                music_rooms=2,
                art_rooms=2,
                music_room_areas=stored_areas(s.code, "music", 2),
                art_room_areas=stored_areas(s.code, "art", 2),
            )
        )
        stage = "初中" if junior else "小学"
        for j in range(n // 15):
            teachers.append(
                Teacher(
                    school=s,
                    year=2025,
                    staff_no=f"T{j:04d}",
                    name=f"教师{j}",
                    stage=stage,
                    full_time=j % 20 != 0,
                    education=rng.choice(("本科", "专科", "研究生")),
                    title=rng.choice(("一级", "二级", "高级")),
                    backbone=rng.choice(("无", "无", "无", "县级")),
                    subject=SUBJECTS[j % len(SUBJECTS)],
                )
            )
        for j in range(max(1, n // 42)):
            classes.append(
                SchoolClass(
                    school=s,
                    year=2025,
                    stage=stage,
                    grade=7 if junior else 1 + j % 6,
                    name=f"{j + 1}班",
                    students=rng.randint(35, 52),
                )
            )
    SchoolConditions.objects.bulk_create(conditions)
    Teacher.objects.bulk_create(teachers, batch_size=2000)
    SchoolClass.objects.bulk_create(classes, batch_size=2000)
    return county, len(teachers), len(classes)


def bench_django():
    from schools.models import School, Teacher

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"\n   （准备：migrate + seed_demo {time.perf_counter() - t:.1f} s，数据库 {connection.vendor}）")
    demo_schools = School.objects.filter(county__code="130123").count()
    demo_teachers = Teacher.objects.filter(school__county__code="130123", year=2025).count()
    print(
        f"2. manage.py assess --json（同进程：读取 + 计算 + JSON），演示县 {demo_schools} 所学校、{demo_teachers} 名教师"
    )
    for scheme in ("quality-2017", "basic-2012"):
        run_assess("130123", scheme)  # warm
        times = []
        for _ in range(5):
            elapsed, queries, size = run_assess("130123", scheme)
            times.append(elapsed)
        own = run_assess("130123", scheme, providers=False)
        print(
            f"   {scheme:<13} 最快 {min(times) * 1000:6.0f} ms，中位 {sorted(times)[2] * 1000:6.0f} ms，"
            f"JSON {size / 1024:.0f} KB；查询 {queries} 次（不含其他模块的自动项目 {own[1]} 次，{own[0] * 1000:.0f} ms）"
        )

    print("3. 查询次数不随学校数增长（生成的县：同样的数据形态，30 所与 300 所学校）")
    rows = [("演示县", "130123", demo_schools)]
    for n, code in ((30, "139998"), (300, "139999")):
        county, n_teachers, n_classes = make_county(n, code)
        rows.append((f"生成县（{n_teachers:,} 名教师、{n_classes:,} 个班级）", code, n))
    for scheme in ("quality-2017", "basic-2012"):
        for label, code, n in rows:
            run_assess(code, scheme)
            times, queries = [], 0
            for _ in range(3):
                elapsed, queries, _size = run_assess(code, scheme)
                times.append(elapsed)
            own_time, own_queries, _ = run_assess(code, scheme, providers=False)
            print(
                f"   {scheme:<13} {n:>4} 所 {label:<26} 查询 {queries:>3} 次（本模块 {own_queries} 次），"
                f"最快 {min(times) * 1000:6.0f} ms（本模块 {own_time * 1000:.0f} ms）"
            )


def bench_pages():
    from django.test import Client

    from accounts.models import User
    from indicators.models import Assessment

    client = Client()
    client.force_login(User.objects.filter(role="bureau", county__code="130123").first())
    assessment = Assessment.objects.filter(
        county__code="130123", scheme="quality-2017", status="done"
    ).first()
    print("4. 页面（读取已保存结果）")
    for label, url in (
        ("评估结论页（表Ⅱ、表Ⅲ、图表）", f"/indicators/{assessment.pk}/"),
        ("表Ⅱ xlsx 导出", f"/indicators/{assessment.pk}/table2.xlsx"),
        (
            "模拟测算（1 项调整）",
            f"/indicators/{assessment.pk}/what-if/?unit_0="
            f"{assessment.inputs['units'][0]['school_code']}:primary&field_0=books&delta_0=500",
        ),
    ):
        client.get(url)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
        print(f"   {label:<22} 中位 {sorted(times)[2] * 1000:6.0f} ms，{len(ctx.captured_queries)} 次查询")


if __name__ == "__main__":
    bench_engine()
    bench_django()
    bench_pages()
