"""Benchmark of the school list (`/schools/`) on a 300-school county.

Builds the county in a temporary SQLite database (migrated from scratch), then requests the
list with the Django test client as a bureau user and prints queries per page and
milliseconds per request. Also shows that 30 and 300 schools need the same number of queries.

    .venv/bin/python bench/bench_school_list.py [--schools 300] [--requests 50]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def build_county(code: str, n: int):
    """A county of n schools in 10 townships; each with 3 years of conditions, 30 teachers, 12 classes."""
    from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township

    county = County.objects.create(code=code, name=f"基准{code}县")
    townships = [Township.objects.create(county=county, name=f"第{i + 1}镇") for i in range(10)]
    School.objects.bulk_create(
        School(
            code=f"{code}{i:04d}",
            name=f"基准第{i + 1}小学",
            county=county,
            township=townships[i % 10],
            school_type="小学",
            urban_rural=("城区", "镇区", "乡村")[i % 3],
        )
        for i in range(n)
    )
    schools = list(School.objects.filter(county=county))
    for year in (2023, 2024, 2025):
        SchoolConditions.objects.bulk_create(
            SchoolConditions(
                school=s,
                year=year,
                primary_students=300 + i,
                building_area=1500,
                sports_area=2500,
                equipment_value=700000,
                computers=40,
                books=9000,
                multimedia_rooms=14,
            )
            for i, s in enumerate(schools)
        )
    Teacher.objects.bulk_create(
        (
            Teacher(
                school=s,
                year=2025,
                staff_no=f"T{k:03d}",
                name=f"教师{k}",
                stage="小学",
                education="本科",
                title="一级",
                subject="语文",
            )
            for s in schools
            for k in range(30)
        ),
        batch_size=2000,
    )
    SchoolClass.objects.bulk_create(
        (
            SchoolClass(
                school=s, year=2025, stage="小学", grade=k % 6 + 1, name=f"{k}班", students=40 + k % 20
            )
            for s in schools
            for k in range(12)
        ),
        batch_size=2000,
    )
    return county


def measure(client, url: str, requests: int) -> tuple[int, list[float]]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and the session
    reset_queries()  # the log holds at most 9000 entries: start from 0 so the slice is right
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # now: the next request resets the query log
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return queries, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 20 first-page requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-schools-") as tmp:
        setup_django(Path(tmp))
        from django.test import Client
        from django.test.utils import setup_test_environment

        from accounts.models import Role, User

        setup_test_environment()  # lets the test client run against the temporary database
        started = time.perf_counter()
        big = build_county("990001", args.schools)
        small = build_county("990002", 30)
        print(f"built {args.schools} + 30 schools in {time.perf_counter() - started:.1f} s")
        results = []
        for county in (small, big):
            user = User.objects.create(username=f"bureau{county.code}", role=Role.BUREAU, county=county)
            client = Client()
            client.force_login(user)
            for label, url in (
                ("home (baseline)", "/"),  # the same middleware, no school query: the floor
                ("first page", "/schools/"),
                ("sorted by teachers", "/schools/?sort=-teacher_count"),
                ("filtered + search", "/schools/?urban_rural=乡村&q=小学&sort=-max_class_size"),
                ("last page", "/schools/?page=999"),
            ):
                queries, times = measure(client, url, args.requests)
                schools = county.schools.count()
                results.append((schools, label, queries, times))
        if args.profile:
            import cProfile
            import pstats

            with cProfile.Profile() as prof:
                for _ in range(20):
                    client.get("/schools/")
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        print(f"{'schools':>7}  {'page':<20} {'queries':>7}  {'mean ms':>8}  {'p50 ms':>7}  {'p95 ms':>7}")
        for schools, label, queries, times in results:
            p95 = sorted(times)[int(len(times) * 0.95) - 1]
            print(
                f"{schools:>7}  {label:<20} {queries:>7}  {statistics.mean(times):>8.1f}  "
                f"{statistics.median(times):>7.1f}  {p95:>7.1f}"
            )
        by_page = {}
        for _schools, label, queries, _times in results:
            by_page.setdefault(label, set()).add(queries)
        constant = all(len(q) == 1 for label, q in by_page.items() if label != "home (baseline)")
        print("queries independent of the number of schools:", "yes" if constant else "NO")


if __name__ == "__main__":
    main()
