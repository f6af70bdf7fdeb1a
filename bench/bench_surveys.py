"""Benchmark: the public survey answer page under gunicorn (2 workers) on PostgreSQL.

A survey link reaches thousands of parents at once. This script creates a throwaway database
(bi_bench_surveys), migrates it, builds an open survey with one parent invitation, starts
gunicorn on a free loopback port and then, from a few client threads, measures in one run:

  baseline   GET of a bare Django view rendering a 100-row table (bench/surveys_bench_urls.py)
  page       GET of the answer page (form with a fresh one-time token)
  submit     POST of a completed questionnaire (validate, store response + ~11 answers, redirect)

Target: submissions per second ≥ 0.3 × the baseline's requests per second. Every 10th form is
posted twice at once (a double tap); afterwards the rows are counted: no answer may be lost or
doubled, and the quota must hold (extra forms after it is reached are all refused).

    .venv/bin/python bench/bench_surveys.py [--answers 1000] [--threads 8] [--seconds 60]
    BENCH_PG=postgres://postgres@127.0.0.1:5432 (server to create the database on)
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bi_bench_surveys"
TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


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


def bench_env(db_url: str, data_dir: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.surveys_bench_settings",
        "DATABASE_URL": db_url,
        "DATA_DIR": data_dir,
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "AXES_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        # lift the answer-page rate limits: every request comes from one address and one link
        "SURVEY_RATE_PER_IP_PER_HOUR": "0",
        "SURVEY_RATE_PER_INVITATION_PER_MINUTE": "0",
    }


def build_survey(quota: int):
    """An open template survey of a one-school county with one parent invitation (quota answers)."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Role, User
    from schools.models import County, School, Township
    from surveys import services
    from surveys.models import Question

    call_command("migrate", verbosity=0)
    county = County.objects.create(code="139999", name="基准县")
    township = Township.objects.create(county=county, name="城关镇")
    school = School.objects.create(
        code="1399990001",
        name="基准小学",
        county=county,
        township=township,
        school_type="小学",
        urban_rural="城区",
    )
    bureau = User.objects.create_user(
        "bench_bureau", password=secrets.token_urlsafe(16), role=Role.BUREAU, county=county
    )
    today = timezone.localdate()
    survey = services.survey_create_from_template(user=bureau, county=county, today=today)
    services.survey_open(user=bureau, survey=survey, today=today)
    invitation = services.invitation_create(
        user=bureau, survey=survey, school=school, group="parent", target=quota, quota=quota
    )
    answers = {}
    for q in survey.questions.all():
        if "parent" not in q.groups:
            continue
        if q.kind == Question.Kind.SCALE:
            answers[f"q{q.pk}"] = "4"
        elif q.kind == Question.Kind.AWARENESS:
            answers[f"q{q.pk}"] = "1"
        elif q.kind == Question.Kind.CHOICE:
            answers[f"q{q.pk}"] = "0"
        else:
            answers[f"q{q.pk}"] = "希望课后服务延长到六点"
    return survey, invitation, answers


class Client:
    """One HTTP/1.1 request per connection (gunicorn's sync workers close after each response)."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheader("Set-Cookie") or "", data
        finally:
            conn.close()


def run_pool(jobs, threads: int, deadline: float, work):
    """Run work(job) for each job on `threads` threads until done or the deadline; returns
    (results, elapsed seconds, latencies)."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    results, latencies = [], []

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            t0 = time.perf_counter()
            out = work(job)
            dt = time.perf_counter() - t0
            with lock:
                results.append(out)
                latencies.append(dt)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results, time.perf_counter() - started, latencies


def p(latencies, q):
    if not latencies:
        return float("nan")
    return statistics.quantiles(latencies, n=100)[q - 1] * 1000 if len(latencies) > 1 else latencies[0] * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--answers", type=int, default=1000, help="questionnaires to submit (the invitation's quota)"
    )
    ap.add_argument("--baseline", type=int, default=1500, help="baseline requests")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=60, help="time limit per phase")
    ap.add_argument("--keep-db", action="store_true")
    args = ap.parse_args()

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    try:
        db_url = recreate_database(server)
    except Exception as exc:  # noqa: BLE001 - any connection failure means: no PostgreSQL here
        print(f"SKIP: PostgreSQL not reachable at {server}: {exc}")
        return 0
    data_dir = tempfile.mkdtemp(prefix="bench_surveys_")
    env = bench_env(db_url, data_dir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from surveys.models import Answer, Invitation, Response

    survey, invitation, answer_fields = build_survey(args.answers)
    port = free_port()
    log = open(Path(data_dir) / "gunicorn.log", "w")  # noqa: SIM115 - open for gunicorn's lifetime
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
    client = Client(port)
    try:
        for _ in range(100):
            try:
                if client.request("GET", "/__bench__/table/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start:\n" + (Path(data_dir) / "gunicorn.log").read_text())
        return measure(args, client, survey, invitation, answer_fields, Response, Answer, Invitation)
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)
        log.close()
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            drop_database(server)
            shutil.rmtree(data_dir, ignore_errors=True)


def measure(args, client, survey, invitation, answer_fields, Response, Answer, Invitation):  # noqa: N803
    url = f"/surveys/a/{invitation.token}/"
    # warm both workers
    for _ in range(20):
        client.request("GET", "/__bench__/table/")
        client.request("GET", url)

    def baseline(_):
        return client.request("GET", "/__bench__/table/")[0]

    statuses, base_s, base_lat = run_pool(
        list(range(args.baseline)), args.threads, time.monotonic() + args.seconds, baseline
    )
    assert set(statuses) == {200}, statuses[:5]
    base_rps = len(statuses) / base_s

    def load_page(_):
        status, cookie, body = client.request("GET", url)
        html = body.decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        return status, csrf_cookie, CSRF_RE.search(html).group(1), TOKEN_RE.search(html).group(1)

    # 2 % more forms than the quota: the surplus must be refused, never stored
    surplus = max(10, args.answers // 50)
    forms, page_s, page_lat = run_pool(
        list(range(args.answers + surplus)), args.threads, time.monotonic() + args.seconds, load_page
    )
    assert all(f[0] == 200 for f in forms)
    page_rps = len(forms) / page_s

    # every 10th form is double-tapped: the same body posted twice, back to back
    jobs = []
    for i, form in enumerate(forms):
        jobs.append(form)
        if i % 10 == 0:
            jobs.append(form)

    def submit(form):
        _, csrf_cookie, csrf_field, token = form
        body = urllib.parse.urlencode(
            {**answer_fields, "csrfmiddlewaretoken": csrf_field, "form_token": token}
        )
        status, _, data = client.request(
            "POST",
            url,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie}",
            },
        )
        return token, status, "答卷名额已满" in data.decode()

    posted, post_s, post_lat = run_pool(jobs, args.threads, time.monotonic() + args.seconds, submit)
    post_rps = len(posted) / post_s
    ok_tokens = {token for token, status, _ in posted if status == 302}
    refused_full = {token for token, status, full in posted if status == 200 and full} - ok_tokens
    other = [status for _, status, full in posted if status != 302 and not (status == 200 and full)]

    rows = Response.objects.filter(survey=survey).count()
    counter = Invitation.objects.get(pk=invitation.pk).answers_count
    answers = Answer.objects.filter(response__survey=survey).count()
    per_form = len(answer_fields)

    print(f"survey answer page under gunicorn -w 2 on PostgreSQL, {args.threads} client threads")
    print(
        f"  baseline (100-row table)  {len(statuses):5d} req   {base_rps:7.1f} req/s   "
        f"p50 {p(base_lat, 50):6.1f} ms  p95 {p(base_lat, 95):6.1f} ms"
    )
    print(
        f"  answer page GET           {len(forms):5d} req   {page_rps:7.1f} req/s   "
        f"p50 {p(page_lat, 50):6.1f} ms  p95 {p(page_lat, 95):6.1f} ms   ratio {page_rps / base_rps:.2f}x"
    )
    print(
        f"  answer POST (submit)      {len(posted):5d} req   {post_rps:7.1f} req/s   "
        f"p50 {p(post_lat, 50):6.1f} ms  p95 {p(post_lat, 95):6.1f} ms   ratio {post_rps / base_rps:.2f}x "
        f"(target >= 0.30x)"
    )
    cycle = len(forms) / (page_s + post_s)
    print(f"  full answers (GET + POST) {cycle:7.1f} answers/s")
    print(
        f"  forms {len(forms)} (quota {invitation.quota}), posts {len(posted)} "
        f"(incl. {len(posted) - len({t for t, _, _ in posted})} double taps); stored {len(ok_tokens)}, "
        f"refused as over quota {len(refused_full)}, other statuses {len(other)}"
    )
    print(
        f"  rows: responses {rows}, expected {len(ok_tokens)}; counter {counter}; answers {answers}, "
        f"expected {rows * per_form}"
    )
    ok = (
        rows == len(ok_tokens) == counter == invitation.quota
        and answers == rows * per_form
        and not other
        and len(ok_tokens) + len(refused_full) == len(forms)
    )
    target = post_rps / base_rps >= 0.3
    print(
        f"  no lost or doubled answers: {'OK' if ok else 'FAILED'}; submit ratio target: "
        f"{'OK' if target else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
