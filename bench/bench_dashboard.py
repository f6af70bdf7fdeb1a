"""Benchmark: the county overview (/dashboard/) of a 300-school county under gunicorn (2 workers).

Creates a throwaway PostgreSQL database (bi_bench_dash; a SQLite file when PostgreSQL is not
reachable), migrates it, builds a 300-school county over two school years with dropout cases and
ledger items (tests/dashboard/countydata.py) and a stored assessment of each scheme, then:

1. in-process: queries of the overview for 10 and for 300 schools, cold (empty cache), and of a
   warm request (county figures and rendered figures cached, DASHBOARD_CACHE_SECONDS);
2. under gunicorn (2 sync workers, a free loopback port, bench-only URL conf
   bench/dashboard_bench_urls.py), from a few client threads, a bounded number of requests (and
   at most --seconds per phase) of:
     baseline       a bare Django view rendering a 100-row table, anonymous
     baseline+login the same view with the inspector's session cookie (same middleware work)
     overview       /dashboard/ as the inspector (signed in through a session made in the DB)
     schools        /dashboard/schools/ and trends /dashboard/trends/ (for information)
   and prints requests per second, p50/p95 latency and overview ÷ baseline (target ≥ 0.5).

    .venv/bin/python bench/bench_dashboard.py [--requests 1500] [--threads 4] [--seconds 60] [--redis]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 (server to create the database on)
"""

import argparse
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bi_bench_dash"
BASELINE = "/__bench__/table/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(server: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return f"{server}/{DB_NAME}"


def drop_database(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def bench_env(db_url: str, data_dir: str, cache_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.dashboard_bench_settings",
        "DATABASE_URL": db_url,
        "DATA_DIR": data_dir,
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATIC_MANIFEST": "false",
        "AXES_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": cache_url,
    }


def build(n_large: int):
    """Migrate, build a small (10) and a large (n) county with both schemes assessed; return the
    large county's inspector and the inspectors by size."""
    from django.core.management import call_command

    from accounts.models import Role, User
    from indicators.services import assessment_run_now
    from schools.models import County
    from tests.dashboard.countydata import build_county

    call_command("migrate", verbosity=0)
    inspectors = {}
    for code, n in (("139901", 10), ("139902", n_large)):
        county = County.objects.create(code=code, name=f"基准{n}校县")
        started = time.perf_counter()
        build_county(county, n, years=(2024, 2025))
        built = time.perf_counter() - started
        started = time.perf_counter()
        for scheme in ("quality-2017", "basic-2012"):
            assessment_run_now(county=county, year=2025, scheme=scheme)
        print(
            f"county of {n:>3} schools: data {built:.1f} s, two assessments {time.perf_counter() - started:.1f} s"
        )
        inspectors[n] = User.objects.create_user(
            f"bench_inspector{n}", password=secrets.token_urlsafe(16), role=Role.INSPECTOR, county=county
        )
    return inspectors


def query_counts(inspectors) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(client):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/").status_code == 200
        return len(ctx.captured_queries)

    cold = {}
    for n, user in inspectors.items():
        client = Client()
        client.force_login(user)
        cache.clear()
        started = time.perf_counter()
        cold[n] = count(client)
        cold_ms = (time.perf_counter() - started) * 1000
        warm = count(client)
        print(f"overview queries, {n:>3} schools: cold {cold[n]} ({cold_ms:.0f} ms in-process), warm {warm}")
    print(
        "  same cold count for 10 and 300 schools:", "yes" if len(set(cold.values())) == 1 else f"NO {cold}"
    )
    cache.clear()


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


class Http:
    """One request per connection (gunicorn's sync workers close after each response)."""

    def __init__(self, port: int):
        self.port = port

    def get(self, path: str, cookie: str = "") -> tuple[int, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, len(body)
        finally:
            conn.close()


def hammer(http_client: Http, path: str, cookie: str, requests: int, threads: int, seconds: float):
    """GET path `requests` times from `threads` threads (stopping at the time limit); returns
    (requests done, elapsed s, latencies, statuses)."""
    lock = threading.Lock()
    left = [requests]
    latencies, statuses = [], []
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            t0 = time.perf_counter()
            status, _ = http_client.get(path, cookie)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                statuses.append(status)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(latencies), time.perf_counter() - started, latencies, statuses


def pct(latencies, q: int) -> float:
    if len(latencies) < 2:
        return latencies[0] * 1000 if latencies else float("nan")
    return statistics.quantiles(latencies, n=100)[q - 1] * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=300)
    ap.add_argument("--requests", type=int, default=1500, help="requests per measured URL")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60, help="time limit per measured URL")
    ap.add_argument(
        "--redis", action="store_true", help="shared Redis cache (CACHE_URL) instead of per-worker locmem"
    )
    ap.add_argument("--keep-db", action="store_true")
    args = ap.parse_args()

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    data_dir = tempfile.mkdtemp(prefix="bench_dash_")
    try:
        db_url = recreate_database(server)
        backend = "PostgreSQL"
    except Exception as exc:  # noqa: BLE001 - any connection failure means: no PostgreSQL here
        print(f"PostgreSQL not reachable at {server} ({exc}); using a SQLite file")
        db_url, server, backend = f"sqlite:///{data_dir}/bench.sqlite3", "", "SQLite"
    cache_url = "redis://127.0.0.1:6379/14" if args.redis else ""
    env = bench_env(db_url, data_dir, cache_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    print(
        f"database: {backend}; cache: {'Redis' if cache_url else 'locmem (per worker)'}; "
        f"DASHBOARD_CACHE_SECONDS={settings.DASHBOARD_CACHE_SECONDS}"
    )
    inspectors = build(args.schools)
    query_counts(inspectors)
    if cache_url:
        from django.core.cache import cache

        cache.clear()
    cookie = session_cookie(inspectors[args.schools])

    port = free_port()
    log_path = Path(data_dir) / "gunicorn.log"
    log = open(log_path, "w")  # noqa: SIM115 - open for gunicorn's lifetime
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "balance_inspect.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    http_client = Http(port)
    try:
        for _ in range(100):
            try:
                if http_client.get(BASELINE)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start:\n" + log_path.read_text())
        return measure(args, http_client, cookie)
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)
        log.close()
        from django.db import connections

        connections.close_all()
        if server and not args.keep_db:
            drop_database(server)
        if not args.keep_db:
            shutil.rmtree(data_dir, ignore_errors=True)


def measure(args, http_client: Http, cookie: str) -> int:
    phases = [
        ("baseline", BASELINE, ""),
        ("baseline+login", BASELINE, cookie),
        ("overview", "/dashboard/", cookie),
        ("schools", "/dashboard/schools/", cookie),
        ("trends", "/dashboard/trends/", cookie),
    ]
    # Warm both workers: the first overview request of a worker computes and caches the figures.
    for _ in range(10):
        for _, path, c in phases:
            status, size = http_client.get(path, c)
            assert status == 200, (path, status)
    results = {}
    print(f"\n{'page':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for name, path, c in phases:
        done, elapsed, latencies, statuses = hammer(
            http_client, path, c, args.requests, args.threads, args.seconds
        )
        assert set(statuses) == {200}, (name, sorted(set(statuses)))
        results[name] = done / elapsed
        print(f"{name:<16}{done:>9}{results[name]:>9.0f}{pct(latencies, 50):>9.1f}{pct(latencies, 95):>9.1f}")
    ratio = results["overview"] / results["baseline"]
    print(
        f"\noverview ÷ baseline (anonymous 100-row table): {ratio:.2f}  (target ≥ 0.5: "
        f"{'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(
        f"overview ÷ baseline+login (same session middleware): {results['overview'] / results['baseline+login']:.2f}"
    )
    return 0 if ratio >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
