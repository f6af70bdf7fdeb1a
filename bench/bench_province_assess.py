"""Benchmark: assessing every county of a generated province with 1 and with 2 workers
(PostgreSQL + Redis).

Generates a province (`schools.province`, default 150 counties × 147 schools, ~270,000 roster
rows) into its own database, then for each entry of --workers starts that many
`celery worker -P solo` processes, asks for the province run through the service (as the command
does) and prints the wall time (request → run done), the speed-up over the mean of the one-worker
runs, the mean time of one county's step, the peak RSS (VmHWM) of the largest worker and the
load average around each run. Runs alternate (1 2 1 2) on a shared machine. Every run assesses
afresh: the previous runs' Assessments are deleted first (an unchanged county would otherwise be
reused at once). Aim: speed-up ≥ 1.7 with 2 workers on 2 cores.

    flock /work/wt/bench.lock .venv/bin/python bench/bench_province_assess.py [--counties 150] [--workers 1 2 1 2] [--keep]
    BENCH_PG=postgres://postgres@127.0.0.1:5432  BENCH_REDIS=redis://127.0.0.1:6379/12
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR, SCHEME = 2025, "quality-2017"


def database(server: str, name: str, *, create: bool, drop: bool) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        if drop:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if create and not exists:
            conn.execute(f"CREATE DATABASE {name}")


def start_workers(n: int, env: dict, logs: Path) -> list[tuple[subprocess.Popen, Path]]:
    workers = []
    for i in range(n):
        log = logs / f"worker-{n}-{i}-{time.time():.0f}.log"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "balance_inspect",
                "worker",
                "-P",
                "solo",
                "-Q",
                env["CELERY_QUEUE"],
                "-n",
                f"province{n}-{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        workers.append((proc, log))
    # -l WARNING prints no "ready": wait until each worker answers a ping.
    from balance_inspect.celery import app

    deadline = time.time() + 60
    while True:
        replies = app.control.ping(timeout=1.0) or []
        names = {name for reply in replies for name in reply}
        if sum(1 for name in names if name.startswith(f"province{n}-")) >= n:
            return workers
        if time.time() > deadline or any(proc.poll() is not None for proc, _ in workers):
            raise SystemExit("workers did not start:\n" + "\n".join(log.read_text() for _, log in workers))


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def run(n: int, region, env: dict, logs: Path) -> dict:
    from django.db import transaction
    from django.db.models import Avg

    from indicators.models import Assessment
    from indicators.services import region_assessment_request

    Assessment.objects.all().delete()  # assess afresh: no county may be reused from an earlier run
    workers = start_workers(n, env, logs)
    load_before = os.getloadavg()
    try:
        started = time.perf_counter()
        with transaction.atomic():
            province_run = region_assessment_request(region=region, year=YEAR, scheme=SCHEME, user=None)
        while True:
            province_run.refresh_from_db()
            if province_run.is_finished:
                break
            time.sleep(0.2)
        wall = time.perf_counter() - started
        rss = [peak_rss_mb(proc.pid) for proc, _ in workers]
    finally:
        for proc, _ in workers:
            proc.terminate()
        for proc, _ in workers:
            proc.wait(30)
    if province_run.status != "done":
        raise SystemExit(f"run failed: {province_run.error}")
    mean = province_run.counties.aggregate(m=Avg("seconds"))["m"]
    return {
        "workers": n,
        "wall": wall,
        "counties": province_run.summary["counties"],
        "mean": mean,
        "rss": rss,
        "load": (load_before, os.getloadavg()),
        "summary": province_run.summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=150)
    parser.add_argument("--schools-per-county", type=int, default=147)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 1, 2])
    parser.add_argument("--keep", action="store_true", help="keep the database (reused next time)")
    args = parser.parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/12")
    db_name = f"bench_province_{args.counties}_{args.schools_per_county}"
    tmp = tempfile.mkdtemp(prefix="bench-province-")
    database(server, db_name, create=True, drop=False)
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{db_name}",
        "DATA_DIR": tmp,
        "MEDIA_ROOT": f"{tmp}/files",
        "STATIC_MANIFEST": "false",
        "CELERY_BROKER_URL": redis,
        "CELERY_QUEUE": f"bench-province-{os.getpid()}",
        "DJANGO_SETTINGS_MODULE": "balance_inspect.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from schools.models import Region, School, Teacher
        from schools.province import generate_province, plan_province

        call_command("migrate", verbosity=0)
        _, plans = plan_province(
            "13", counties=args.counties, schools_per_county=args.schools_per_county, per_city=10, seed=2026
        )
        from schools.models import County

        if County.objects.filter(code__in=[p.code for p in plans]).count() == len(plans):
            print(f"reusing the generated province in {db_name}")
        else:
            result = generate_province(
                "13", counties=args.counties, schools_per_county=args.schools_per_county
            )
            print(
                f"generated {result.counties} counties, {result.schools} schools, {result.teachers} roster rows "
                f"in {result.seconds:.1f} s (load {os.getloadavg()[0]:.2f})"
            )
        print(
            f"province: {County.objects.count()} counties, {School.objects.count()} schools, "
            f"{Teacher.objects.count()} roster rows; {os.cpu_count()} cores; "
            f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        region = Region.objects.get(code="130000")
        results = [run(n, region, env, Path(tmp)) for n in args.workers]
        ones = [r["wall"] for r in results if r["workers"] == 1] or [results[0]["wall"]]
        base = sum(ones) / len(ones)
        print(
            f"{'run':>4}{'workers':>8}{'counties':>9}{'wall s':>9}{'speed-up':>10}{'county s':>10}"
            f"{'max RSS MB':>12}  load 1m/5m before → after"
        )
        for i, r in enumerate(results, start=1):
            (b1, b5, _), (a1, a5, _) = r["load"]
            print(
                f"{i:>4}{r['workers']:>8}{r['counties']:>9}{r['wall']:>9.1f}{base / r['wall']:>10.2f}"
                f"{r['mean']:>10.3f}{max(r['rss']):>12.0f}  {b1:.2f}/{b5:.2f} → {a1:.2f}/{a5:.2f}"
            )
        s = results[-1]["summary"]
        print(
            f"verdicts (last run): passed {s['passed']}, not passed {s['not_passed']}, "
            f"incomplete {s['incomplete']}, failed {s['failed']}"
        )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("aim: speed-up ≥ 1.70 with 2 workers on 2 cores (figures are upper bounds on a shared machine)")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database(server, db_name, create=False, drop=True)


if __name__ == "__main__":
    main()
