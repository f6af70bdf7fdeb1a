"""Benchmark: the province review board (/reviews/board/) of a 150-county province under gunicorn
(2 workers) against a bare view rendering a 100-row table, in the same run.

Creates a throwaway PostgreSQL database (bi_bench_board; a SQLite file when PostgreSQL is not
reachable), migrates it and builds:

- a province 13 of ``--counties`` counties (10 per city) with schools, from the province
  generator (schools.province.generate_province, ``--schools`` per county) and a small province
  14 of ``--small`` counties;
- a stored quality-2017 assessment for every county: two counties are assessed for real
  (assessment_run_now) and their result documents are stored for the others (a bulk generator of
  finished runs: the board reads stored runs only, never the schools behind them), a few
  counties left unassessed; open ledger items and an inspection date for each county.

Then:

1. in-process: queries of the board for the small and the large province, cold (empty cache)
   and warm, and the xlsx's;
2. under gunicorn (2 sync workers, a free loopback port, the bench-only URL conf
   bench/dashboard_bench_urls.py with its bare 100-row table), from a few client threads:
   baseline (anonymous), baseline+login (the province reviewer's session), board (the province
   reviewer), board with every CV, and the xlsx; requests per second, p50/p95 latency,
   board ÷ baseline (target ≥ 0.5), and the workers' peak memory (VmHWM).

    flock /work/wt/bench.lock .venv/bin/python bench/bench_review_board.py [--counties 150] [--schools 147]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 (server to create the database on)
"""

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import BASELINE, Http, free_port, hammer, pct  # noqa: E402

DB_NAME = "bi_bench_board"
BOARD = "/reviews/board/"


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


def bench_env(db_url: str, data_dir: str) -> dict:
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
        "CACHE_URL": "",
    }


def province(code: str, counties: int, schools: int) -> list:
    """Counties with schools: the province generator, or (before it exists) a few schools each."""
    from schools.models import County

    started = time.perf_counter()
    try:
        from schools.province import generate_province
    except ImportError:
        from tests.dashboard.countydata import build_county

        for i in range(counties):
            county = County.objects.create(
                code=f"{code}{i // 10 + 1:02d}{i % 10 + 1:02d}", name=f"基准{code}省{i + 1}县"
            )
            build_county(county, min(schools, 20), cases=False)
        how = f"tests.dashboard.countydata, {min(schools, 20)} schools each"
    else:
        generate_province(code, counties=counties, schools_per_county=schools)
        how = f"schools.province.generate_province, ~{schools} schools each"
    found = list(County.objects.filter(code__startswith=code).order_by("code"))
    print(f"province {code}: {len(found)} counties ({how}) in {time.perf_counter() - started:.0f} s")
    return found


def regions(code: str, counties) -> None:
    from schools.models import Region

    Region.objects.get_or_create(code=f"{code}0000", defaults={"name": f"基准{code}省", "level": "province"})
    for prefix in sorted({c.code[:4] for c in counties}):
        Region.objects.get_or_create(
            code=f"{prefix}00", defaults={"name": f"基准{prefix}市", "level": "city"}
        )


def assessments(counties, *, unassessed_every: int = 25) -> None:
    """Two real runs, then their documents stored as finished runs of the other counties."""
    from django.utils import timezone

    from balance_inspect.jobs import JobStatus
    from indicators.models import Assessment
    from indicators.services import assessment_run_now
    from tests.dashboard.countydata import add_items

    started = time.perf_counter()
    templates = []
    for county in counties[:2]:
        county.target_scheme = "quality-2017"
        county.save(update_fields=["target_scheme"])
        templates.append(assessment_run_now(county=county, year=2025, scheme="quality-2017"))
    real = time.perf_counter() - started
    now = timezone.now()
    rows = []
    for i, county in enumerate(counties[2:], start=2):
        if i % unassessed_every == 0:
            continue
        t = templates[i % 2]
        rows.append(
            Assessment(
                county=county,
                year=t.year,
                scheme=t.scheme,
                fingerprint=secrets.token_hex(16),
                passed=t.passed,
                result=t.result,
                status=JobStatus.DONE,
                finished_at=now - timedelta(minutes=i),
            )
        )
    Assessment.objects.bulk_create(rows, batch_size=20)
    today = timezone.localdate()
    for i, county in enumerate(counties):
        add_items(county, i % 6)
        county.inspection_date = today + timedelta(days=20 + i % 90)
        county.target_scheme = "quality-2017"
        county.save(update_fields=["inspection_date", "target_scheme"])
    print(
        f"  {len(rows) + 2} stored runs ({real:.1f} s for the 2 real ones, the rest bulk-stored), "
        f"{sum(1 for i in range(2, len(counties)) if i % unassessed_every == 0)} counties unassessed"
    )


def build(n_large: int, n_small: int, schools: int):
    from django.core.management import call_command

    from accounts.models import Role, User
    from schools.models import Region

    call_command("migrate", verbosity=0)
    users = {}
    for code, n in (("14", n_small), ("13", n_large)):
        counties = province(code, n, schools)
        regions(code, counties)
        assessments(counties)
        users[n] = User.objects.create_user(
            f"bench_province{code}",
            password=secrets.token_urlsafe(16),
            role=Role.PROVINCE,
            region=Region.objects.get(code=f"{code}0000"),
        )
    return users


def query_counts(users) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return len(ctx.captured_queries)

    for url in (BOARD, BOARD + "?cvs=all&sort=cv_primary&dir=desc", BOARD + "xlsx/"):
        cold = {}
        for n, user in users.items():
            client = Client()
            client.force_login(user)
            cache.clear()
            started = time.perf_counter()
            cold[n] = count(client, url)
            cold_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            warm = count(client, url)
            warm_ms = (time.perf_counter() - started) * 1000
            print(
                f"{url:<45} {n:>3} counties: queries cold {cold[n]} ({cold_ms:.0f} ms in-process), "
                f"warm {warm} ({warm_ms:.0f} ms)"
            )
        print("  same count at both sizes:", "yes" if len(set(cold.values())) == 1 else f"NO {cold}")
    cache.clear()


def breakdown(user) -> None:
    """Where an unshared board request of the large province spends its time (in-process, warm
    digests): each bulk read, the rows, and rendering the table."""
    from django.core.cache import cache
    from django.template.loader import render_to_string
    from django.utils import timezone

    from indicators.selectors import data_years, latest_target_assessments
    from rectification.selectors import open_item_counts
    from reviews import board
    from reviews.selectors import submission_states
    from schools.selectors import counties_in_region

    counties = list(counties_in_region(user.region).order_by("code"))
    ids = [c.pk for c in counties]
    refs = latest_target_assessments(ids)
    cache.clear()
    started = time.perf_counter()
    board.digests(refs.values())
    cold = (time.perf_counter() - started) * 1000

    def ms(fn, n=5):
        fn()
        started = time.perf_counter()
        for _ in range(n):
            out = fn()
        return (time.perf_counter() - started) * 1000 / n, out

    parts = {
        "latest runs": lambda: latest_target_assessments(ids),
        "digests (cached)": lambda: board.digests(refs.values()),
        "data years": lambda: data_years(ids),
        "open ledger items": lambda: open_item_counts(ids),
        "submission states": lambda: submission_states(ids),
        "board_rows (all of these)": lambda: board.board_rows(counties, today=timezone.localdate()),
    }
    line = [f"digests cold {cold:.0f}"]
    rows = None
    for label, fn in parts.items():
        took, rows = ms(fn)
        line.append(f"{label} {took:.1f}")
    cols = board.columns(rows, with_city=True, every_cv=False)
    for row in rows:
        row["cells"] = [board.cell(row, c.key) for c in cols]
        row["enter_url"] = "/area/enter/000000/"
    headers = [{"label": c.label, "title": c.title, "css": "", "url": "?", "dir": ""} for c in cols]
    took, _ = ms(
        lambda: render_to_string(
            "reviews/_board_table.html", {"headers": headers, "rows": rows, "may_enter": True}
        )
    )
    line.append(f"table render {took:.1f}")
    print(f"{len(counties)} counties, ms in-process: " + "; ".join(line))


def session_cookie(user) -> str:
    """The reviewer's session, having chosen a county (else the middleware sends every page but
    the area pages, the baseline too, to the board)."""
    from django.test import Client

    from schools.selectors import counties_in_region

    client = Client()
    client.force_login(user)
    response = client.post(f"/area/enter/{counties_in_region(user.region).order_by('code').first().code}/")
    assert response.status_code == 302, response.status_code
    return f"sessionid={client.cookies['sessionid'].value}"


def peak_rss_mb(master: int) -> dict[int, float]:
    """VmHWM (peak resident memory) of gunicorn's workers, in MB."""
    out = {}
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out[pid] = int(line.split()[1]) / 1024
    return out


def measure(args, http_client: Http, cookie: str, master: int, *, full: bool = True) -> int:
    phases = [
        ("baseline", BASELINE, ""),
        ("baseline+login", BASELINE, cookie),
        ("board", BOARD, cookie),
        ("board every CV", BOARD + "?cvs=all&sort=cv_primary&dir=desc", cookie),
    ]
    if full:
        phases.append(("board xlsx", BOARD + "xlsx/", cookie))
    # Warm both workers: the first board request of a worker reads the runs' results and caches
    # their digests.
    for _ in range(6):
        for _, path, c in phases:
            status, _ = http_client.get(path, c)
            assert status == 200, (path, status)
    # The machine is shared: the phases take turns in rounds, so a burst of load elsewhere hits
    # them alike instead of whichever ran at that moment.
    totals = {name: [0, 0.0, []] for name, _, _ in phases}
    for _ in range(args.rounds):
        for name, path, c in phases:
            requests = args.requests if "xlsx" not in name else max(20, args.requests // 10)
            done, elapsed, latencies, statuses = hammer(
                http_client,
                path,
                c,
                max(1, requests // args.rounds),
                args.threads,
                args.seconds / args.rounds,
            )
            assert set(statuses) == {200}, (name, sorted(set(statuses)))
            totals[name][0] += done
            totals[name][1] += elapsed
            totals[name][2] += latencies
    results = {}
    print(
        f"\n{'page':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}   ({args.rounds} rounds, interleaved)"
    )
    for name, (done, elapsed, latencies) in totals.items():
        results[name] = done / elapsed
        print(f"{name:<16}{done:>9}{results[name]:>9.1f}{pct(latencies, 50):>9.1f}{pct(latencies, 95):>9.1f}")
    ratio = results["board"] / results["baseline"]
    print(
        f"\nboard ÷ baseline (anonymous 100-row table): {ratio:.2f}  (target ≥ 0.5: "
        f"{'met' if ratio >= 0.5 else 'NOT met'})"
    )
    print(
        f"board ÷ baseline+login (same session middleware): {results['board'] / results['baseline+login']:.2f}"
    )
    rss = peak_rss_mb(master)
    print("peak memory of the workers (VmHWM): " + ", ".join(f"{mb:.0f} MB" for mb in rss.values()))
    print(f"load average: {os.getloadavg()}")
    return 0 if ratio >= 0.5 else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=150)
    ap.add_argument("--small", type=int, default=15, help="counties of the small province (query counts)")
    ap.add_argument("--schools", type=int, default=147, help="schools per county")
    ap.add_argument("--requests", type=int, default=600, help="requests per measured URL")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=6, help="the phases take turns this many times")
    ap.add_argument("--seconds", type=float, default=40, help="time limit per measured URL")
    ap.add_argument("--keep-db", action="store_true")
    ap.add_argument(
        "--no-uncached",
        dest="uncached",
        action="store_false",
        help="skip the run with DASHBOARD_CACHE_SECONDS=0",
    )
    args = ap.parse_args()

    print(f"load average at start: {os.getloadavg()}")
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    data_dir = tempfile.mkdtemp(prefix="bench_board_")
    try:
        db_url = recreate_database(server)
        backend = "PostgreSQL"
    except Exception as exc:  # noqa: BLE001 - any connection failure means: no PostgreSQL here
        print(f"PostgreSQL not reachable at {server} ({exc}); using a SQLite file")
        db_url, server, backend = f"sqlite:///{data_dir}/bench.sqlite3", "", "SQLite"
    env = bench_env(db_url, data_dir)
    os.environ.update(env)
    import django

    django.setup()
    print(f"database: {backend}; cache: locmem (per worker)")
    try:
        users = build(args.counties, args.small, args.schools)
        query_counts(users)
        breakdown(users[args.counties])
        cookie = session_cookie(users[args.counties])
        status = serve_and_measure(args, env, data_dir, cookie, cached=True)
        if args.uncached:
            serve_and_measure(args, {**env, "DASHBOARD_CACHE_SECONDS": "0"}, data_dir, cookie, cached=False)
        return status
    finally:
        from django.db import connections

        connections.close_all()
        if server and not args.keep_db:
            drop_database(server)
        if not args.keep_db:
            shutil.rmtree(data_dir, ignore_errors=True)


def serve_and_measure(args, env: dict, data_dir: str, cookie: str, *, cached: bool) -> int:
    """Start gunicorn (2 sync workers) with ``env`` and measure; ``cached`` False: the rendered
    table is not shared (DASHBOARD_CACHE_SECONDS=0), every board request reads and renders it."""
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
        print(
            "\n== gunicorn, 2 workers, "
            + (
                "table shared for DASHBOARD_CACHE_SECONDS (the default)"
                if cached
                else "DASHBOARD_CACHE_SECONDS=0: every request reads the rows and renders the table"
            )
        )
        return measure(args, http_client, cookie, gunicorn.pid, full=cached)
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
