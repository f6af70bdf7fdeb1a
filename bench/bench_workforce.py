"""Benchmark of the workforce pages and the recruitment plan on a 300-school, 10,000-teacher county.

Builds the county in a temporary SQLite database (migrated from scratch): 300 schools in 15
townships (a third each 城区 / 镇区 / 乡村, every tenth a nine-year school), their conditions and
classes, 10,000 teachers with years joined, five years of training hours, approved posts and
exchange records; rural schools lack music/art/PE/psychology teachers at random so the plan has
work to do. Then, as a bureau user through the Django test client, it prints queries and
milliseconds per request for each county page, shows that 10 and 300 schools need the same number
of queries, and times the recruitment plan alone (engine) and with loading the facts.

    .venv/bin/python bench/bench_workforce.py [--schools 300] [--teachers 10000] [--requests 10]

Targets: page queries do not grow with schools or teachers; the plan for the county < 1 s.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025
PAGES = (
    "workforce:overview",
    "workforce:coverage",
    "workforce:plan",
    "workforce:exchange",
    "workforce:training",
)


def setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DATA_DIR"] = str(tmp)
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["AXES_ENABLED"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


SUBJECTS = (
    ["语文"] * 6
    + ["数学"] * 5
    + ["英语"] * 2
    + ["科学", "体育", "体育", "音乐", "美术", "信息技术", "心理健康", "道德与法治"]
)
JUNIOR = (
    ["语文"] * 3
    + ["数学"] * 3
    + ["英语"] * 3
    + ["道德与法治", "历史", "地理", "物理", "化学", "生物", "体育", "音乐", "美术", "信息技术", "心理健康"]
)


def build_county(code: str, n_schools: int, n_teachers: int, rng: random.Random):
    from accounts.models import Role, User
    from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township
    from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord

    county = County.objects.create(code=code, name=f"基准{code}县")
    townships = [Township.objects.create(county=county, name=f"第{i + 1}乡镇") for i in range(15)]
    School.objects.bulk_create(
        School(
            code=f"{code}{i:04d}",
            name=f"基准第{i + 1}学校",
            county=county,
            township=townships[i % 15],
            school_type="九年一贯制学校" if i % 10 == 0 else "小学",
            urban_rural=("城区", "镇区", "乡村")[i % 3],
        )
        for i in range(n_schools)
    )
    schools = list(School.objects.filter(county=county).order_by("code"))
    per_school = n_teachers // n_schools
    conditions, classes, teachers, training, posts = [], [], [], [], []
    for i, s in enumerate(schools):
        rural = s.urban_rural == "乡村"
        small = rural and i % 2 == 0
        per_grade = 1 if small else 3
        junior = s.school_type == "九年一贯制学校"
        conditions.append(
            SchoolConditions(
                school=s,
                year=YEAR,
                primary_students=per_grade * 6 * (15 if small else 42),
                junior_students=9 * 45 if junior else 0,
            )
        )
        classes += [
            SchoolClass(school=s, year=YEAR, stage="小学", grade=g, name=f"{g}-{k}", students=40)
            for g in range(1, 7)
            for k in range(per_grade)
        ]
        if junior:
            classes += [
                SchoolClass(school=s, year=YEAR, stage="初中", grade=g, name=f"{g}-{k}", students=45)
                for g in range(7, 10)
                for k in range(3)
            ]
        missing = set(rng.sample(["体育", "音乐", "美术", "心理健康"], rng.randint(0, 3))) if rural else set()
        count = per_school + (1 if i < n_teachers - per_school * n_schools else 0)
        for k in range(count):
            stage = "初中" if junior and k % 3 == 0 else "小学"
            pool = JUNIOR if stage == "初中" else SUBJECTS
            subject = pool[k % len(pool)]
            if subject in missing:
                subject = "语文"
            teachers.append(
                Teacher(
                    school=s,
                    year=YEAR,
                    staff_no=f"T{k:04d}",
                    name=f"教师{k}",
                    stage=stage,
                    education="本科",
                    title="一级",
                    subject=subject,
                    backbone="县级" if k % 9 == 0 else "无",
                    joined_year=YEAR - rng.randint(0, 20),
                )
            )
            for y in range(YEAR - 4, YEAR + 1):
                training.append(
                    TrainingRecord(
                        school=s,
                        year=y,
                        staff_no=f"T{k:04d}",
                        hours=rng.randint(60, 90),
                        has_certificate=True,
                    )
                )
        posts.append(ApprovedPosts(school=s, year=YEAR, posts=count + rng.randint(-2, 3)))
    SchoolConditions.objects.bulk_create(conditions)
    SchoolClass.objects.bulk_create(classes, batch_size=2000)
    Teacher.objects.bulk_create(teachers, batch_size=2000)
    TrainingRecord.objects.bulk_create(training, batch_size=5000)
    ApprovedPosts.objects.bulk_create(posts)
    eligible = [t for t in Teacher.objects.filter(school__county=county, joined_year__lte=YEAR - 6)]
    rural = [s for s in schools if s.urban_rural == "乡村"]
    ExchangeRecord.objects.bulk_create(
        ExchangeRecord(
            year=YEAR,
            staff_no=t.staff_no,
            teacher_name=t.name,
            from_school_id=t.school_id,
            to_school=rng.choice(rural),
            start_date=date(YEAR, 9, 1),
            backbone=t.backbone != "无",
        )
        for t in rng.sample(eligible, len(eligible) // 9)
    )
    user = User.objects.create_user(
        username=f"bureau{code}", password="Bench-pass-2025", role=Role.BUREAU, county=county
    )
    return county, user


class QueryCounter:
    """Counts the statements a request runs (an execute wrapper survives the connection being
    closed and reopened between requests, which the query log does not)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, url: str, requests: int) -> tuple[int, list[float]]:
    from django.db import connection

    client.get(url, {"year": YEAR})  # warm the session
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = client.get(url, {"year": YEAR})
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, {"year": YEAR})
        times.append((time.perf_counter() - started) * 1000)
    return counter.count, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--teachers", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.test import Client
        from django.urls import reverse

        from workforce import engine, selectors

        rng = random.Random(2025)
        started = time.perf_counter()
        county, user = build_county("150100", args.schools, args.teachers, rng)
        small_county, small_user = build_county("150200", 10, 100, rng)
        print(
            f"built {args.schools} schools / {args.teachers} teachers in {time.perf_counter() - started:.1f} s"
        )

        client, small_client = Client(), Client()
        client.force_login(user)
        small_client.force_login(small_user)
        print(
            f"{'page':<22}{'queries (10 sch.)':>18}{'queries (' + str(args.schools) + ' sch.)':>20}"
            f"{'median ms':>12}{'max ms':>10}"
        )
        for name in PAGES:
            url = reverse(name)
            small_q, _ = measure(small_client, url, 1)
            queries, times = measure(client, url, args.requests)
            print(f"{name:<22}{small_q:>18}{queries:>20}{statistics.median(times):>12.0f}{max(times):>10.0f}")
            assert small_q == queries, f"{name}: queries grow with the county ({small_q} → {queries})"

        timings = []
        for _ in range(5):
            started = time.perf_counter()
            facts = selectors.load_facts(county, YEAR)
            loaded = time.perf_counter()
            wf = selectors.Workforce(facts)
            covs = wf.coverages
            plan = engine.recruitment_plan(covs, wf.rules)
            timings.append((loaded - started, time.perf_counter() - loaded))
        load_s = statistics.median(t[0] for t in timings)
        plan_s = statistics.median(t[1] for t in timings)
        print(
            f"recruitment plan: {plan.gaps} gaps → {plan.teachers} teachers ({plan.travelling} travelling, "
            f"{plan.movable} movable, {plan.hire} to hire)"
        )
        print(
            f"  load facts {load_s * 1000:.0f} ms + coverage and plan {plan_s * 1000:.0f} ms "
            f"= {(load_s + plan_s) * 1000:.0f} ms (target < 1000 ms)"
        )
        assert load_s + plan_s < 1.0, "the recruitment plan took a second or more"


if __name__ == "__main__":
    main()
