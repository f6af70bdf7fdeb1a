"""Benchmark: a 300-school dossier rendered by 1 and by 2 workers (PostgreSQL + Redis).

The dossier job fans out one task per part (main part + appendix parts of DOSSIER_PART_SCHOOLS
schools) and the part that finishes last sends the join. For each number of workers this starts
that many `celery worker -P solo` processes, requests a dossier through the service (as the page
does) and prints the wall time (request → done), the speed-up over one worker, each worker's peak
RSS (VmHWM), the join step's share of the wall time and the load average around each run (run
1 and 2 workers alternately on a shared machine). Every run's dossier is dated alike, so all must
be the same bytes; the bench checks that and the page texts. Aims: speed-up ≥ 1.7 with 2
workers on 2 cores, ≤ 1.5 GB per worker, join < 5 %.

    flock /work/wt/bench.lock .venv/bin/python bench/bench_dossier_parallel.py [--schools 300] [--workers 1 2 1 2]
    BENCH_PG=postgres://postgres@127.0.0.1:5432  BENCH_REDIS=redis://127.0.0.1:6379/12

The last line (SUMMARY) gives the cleanest 1-then-2-workers pair; every pair is printed above it.
"""

import argparse
import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
DB_NAME = f"bench_dossier_parallel_{os.getpid()}"
YEAR, SCHEME = 2025, "quality-2017"
CREATED = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


def database(server: str, create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def start_workers(n: int, env: dict, logs: Path) -> list[tuple[subprocess.Popen, Path]]:
    workers = []
    for i in range(n):
        log = logs / f"worker-{n}-{i}.log"
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
                f"bench{n}-{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        workers.append((proc, log))
    deadline = time.time() + 60
    for proc, log in workers:
        while "ready" not in log.read_text():
            if proc.poll() is not None or time.time() > deadline:
                raise SystemExit("worker did not start:\n" + log.read_text())
            time.sleep(0.2)
    return workers


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (a solo worker runs its tasks in itself)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def run(n: int, county, user, env: dict, logs: Path) -> dict:
    from django.db import transaction

    from balance_inspect.jobs import JobStatus
    from dossiers.models import Dossier
    from dossiers.services import dossier_request

    workers = start_workers(n, env, logs)
    load_before = os.getloadavg()[0]
    cpu_before = [cpu_seconds(proc.pid) for proc, _ in workers]
    try:
        started = time.perf_counter()
        with transaction.atomic():  # sent on commit, so dated before any worker sees it
            dossier = dossier_request(county=county, year=YEAR, scheme=SCHEME, user=user)
            # Every run dated alike: the documents of all runs must then be the same bytes.
            Dossier.objects.filter(pk=dossier.pk).update(created_at=CREATED)
        while True:
            dossier.refresh_from_db()
            if dossier.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.1)
        wall = time.perf_counter() - started
        if dossier.status != JobStatus.DONE:
            raise SystemExit(
                f"dossier failed: {dossier.error}\n"
                + "\n".join(log.read_text()[-3000:] for _, log in workers)
            )
        rss = [peak_rss_mb(proc.pid) for proc, _ in workers]
        cpu = sum(
            cpu_seconds(proc.pid) - before for (proc, _), before in zip(workers, cpu_before, strict=True)
        )
        tasks = [
            (name.rsplit(".", 1)[-1], float(seconds))
            for _, log in workers
            for name, seconds in re.findall(
                r"Task ([\w.]+)\[[^\]]+\] succeeded in ([\d.]+)s", log.read_text()
            )
        ]
    finally:
        for proc, _ in workers:
            proc.terminate()
        for proc, _ in workers:
            proc.wait(30)
    join = float(re.search(r"合并 ([\d.]+) 秒", dossier.progress_note).group(1))
    parts = int(re.search(r"(\d+) 部分", dossier.progress_note).group(1))
    return {
        "workers": n,
        "wall": wall,
        "pages": dossier.pages,
        "parts": parts,
        "join": join,
        "rss": rss,
        "pdf": dossier.file.open("rb").read(),
        "load": (load_before, os.getloadavg()[0]),
        "longest_part": max(t for name, t in tasks if name == "render_dossier_part_task"),
        "work": sum(t for _, t in tasks),
        # The share of the run's n cores its workers got: well under 100 % means other processes
        # took the CPUs (or the workers waited for work); such a run says little about the speed-up.
        "cpu": 100 * cpu / (n * wall),
    }


def summary(results: list[dict], same: bool) -> None:
    """Each 1-worker run paired with the 2-worker run after it; the cleanest pair is the one whose
    workers got the largest share of their cores (CPU %, the lower of its two runs): the load
    average also counts the bench's own workers. One line the lead can compare."""
    pairs = [
        (a, b) for a, b in zip(results, results[1:], strict=False) if a["workers"] == 1 and b["workers"] == 2
    ]
    for a, b in pairs:
        print(
            f"pair: 1 worker {a['wall']:.1f} s, 2 workers {b['wall']:.1f} s, speed-up {a['wall'] / b['wall']:.2f} "
            f"(CPU {a['cpu']:.0f} % / {b['cpu']:.0f} %, load {max(*a['load'], *b['load']):.2f})"
        )
    if not pairs:
        return
    a, b = max(pairs, key=lambda p: min(p[0]["cpu"], p[1]["cpu"]))
    peak = max(m for r in results for m in r["rss"])
    join = max(100 * r["join"] / r["wall"] for r in results)
    met = a["wall"] / b["wall"] >= 1.7 and peak <= 1536 and join < 5 and same
    print(
        f"SUMMARY cleanest pair (CPU {a['cpu']:.0f} % / {b['cpu']:.0f} % of its cores, load ≤ "
        f"{max(*a['load'], *b['load']):.2f} on {os.cpu_count()} cores): "
        f"1 worker {a['wall']:.1f} s, 2 workers {b['wall']:.1f} s, speed-up {a['wall'] / b['wall']:.2f}; "
        f"peak RSS {peak:.0f} MB per worker; join ≤ {join:.1f} %; same bytes: {same}; aims met: {met}"
    )


def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 1, 2])
    args = parser.parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    redis = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/12")
    tmp = tempfile.mkdtemp(prefix="bench-dossier-parallel-")
    database(server, create=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{DB_NAME}",
        "DATA_DIR": tmp,
        "MEDIA_ROOT": f"{tmp}/files",
        "STATIC_MANIFEST": "false",
        "CELERY_BROKER_URL": redis,
        "CELERY_QUEUE": f"bench-dossier-{os.getpid()}",
        "DJANGO_SETTINGS_MODULE": "balance_inspect.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from bench_dossier import clone_county
        from django.conf import settings
        from django.core.management import call_command

        from accounts.models import User
        from indicators.services import assessment_run_now

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        county = clone_county("130123", "130999", args.schools)
        assessment_run_now(county=county, year=YEAR, scheme=SCHEME)  # stored, as in normal use
        user = User.objects.filter(is_superuser=True).first() or User.objects.first()
        print(
            f"{args.schools} schools, parts of {settings.DOSSIER_PART_SCHOOLS} schools; "
            f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
        )
        results = [run(n, county, user, env, Path(tmp)) for n in args.workers]
        # Speed-up against the mean of the one-worker runs (run alternately: --workers 1 2 1 2).
        ones = [r["wall"] for r in results if r["workers"] == 1] or [results[0]["wall"]]
        base = sum(ones) / len(ones)
        print(
            f"{'run':>4}{'workers':>8}{'parts':>7}{'pages':>7}{'wall s':>9}{'speed-up':>10}{'join s':>8}"
            f"{'join %':>8}{'longest part s':>16}{'task s':>8}{'CPU %':>7}{'load 1m before/after':>22}  peak RSS per worker (MB)"
        )
        for i, r in enumerate(results, start=1):
            print(
                f"{i:>4}{r['workers']:>8}{r['parts']:>7}{r['pages']:>7}{r['wall']:>9.1f}{base / r['wall']:>10.2f}"
                f"{r['join']:>8.2f}{100 * r['join'] / r['wall']:>8.1f}{r['longest_part']:>16.1f}{r['work']:>8.1f}{r['cpu']:>7.0f}"
                f"{r['load'][0]:>14.2f} / {r['load'][1]:<5.2f}  {', '.join(f'{m:.0f}' for m in r['rss'])}"
            )
        texts = [page_texts(r["pdf"]) for r in results]
        same = all(t == texts[0] for t in texts)
        print(f"same page count and page texts in every run: {same}")
        digests = {hashlib.sha256(r["pdf"]).hexdigest()[:16] for r in results}
        print(
            f"same bytes in every run (1 and 2 workers): {len(digests) == 1} ({', '.join(sorted(digests))})"
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        print("aim: speed-up ≥ 1.70 with 2 workers; peak ≤ 1536 MB per worker; join < 5 %")
        summary(results, same and len(digests) == 1)
    finally:
        from django.db import connections

        connections.close_all()
        database(server, create=False)


if __name__ == "__main__":
    main()
