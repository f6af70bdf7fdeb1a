"""Shared fixtures: named personas, service availability, a real Celery worker, the browser.

Personas (county 滨河县 130123 unless said otherwise):
  bureau            王科长, bureau staff of 滨河县
  inspector         赵督学, inspector of 滨河县 (read-only)
  township_official 李镇长, official of 城关镇 (township_a)
  other_township_official 周乡长, official of 河口乡 (township_b), same county
  reporter          陈老师, reporter of 城关小学 (school_a, in 城关镇)
  other_bureau      孙科长, bureau staff of another county 山前县
  admin_user        系统管理员
  city_reviewer     刘复核, city reviewer of 石家庄市 130100 (holds 滨河县 130123 and 山前县 130124)
  province_reviewer 何评估, province reviewer of 河北省 130000 (every county above)
  other_city_reviewer 郑复核, city reviewer of 唐山市 130200 (holds other_city_county 乐亭县 130225)
  other_province_county 清徐县 140121 (山西省): no reviewer above reaches it
A reviewer reads a county after choosing it: `acting(client, county)` posts to /area/enter/.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role
from tests.factories import CountyFactory, RegionFactory, SchoolFactory, TownshipFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live-server tests drive a sync browser


# --- personas ----------------------------------------------------------------------------------


@pytest.fixture
def county(db):
    return CountyFactory(code="130123", name="滨河县")


@pytest.fixture
def township_a(county):
    return TownshipFactory(county=county, name="城关镇")


@pytest.fixture
def township_b(county):
    return TownshipFactory(county=county, name="河口乡")


@pytest.fixture
def school_a(township_a):
    return SchoolFactory(township=township_a, code="1301230001", name="城关小学", urban_rural="城区")


@pytest.fixture
def school_b(township_b):
    return SchoolFactory(township=township_b, code="1301230002", name="河口小学")


@pytest.fixture
def other_county(db):
    return CountyFactory(code="130124", name="山前县")


@pytest.fixture
def other_school(other_county):
    township = TownshipFactory(county=other_county, name="山前镇")
    return SchoolFactory(township=township, code="1301240001", name="山前小学")


@pytest.fixture
def bureau(county):
    return UserFactory(username="bureau", display_name="王科长", role=Role.BUREAU, county=county)


@pytest.fixture
def inspector(county):
    return UserFactory(username="inspector", display_name="赵督学", role=Role.INSPECTOR, county=county)


@pytest.fixture
def township_official(township_a):
    return UserFactory(
        username="township",
        display_name="李镇长",
        role=Role.TOWNSHIP,
        county=township_a.county,
        township=township_a,
    )


@pytest.fixture
def other_township_official(township_b):
    return UserFactory(
        username="township_b",
        display_name="周乡长",
        role=Role.TOWNSHIP,
        county=township_b.county,
        township=township_b,
    )


@pytest.fixture
def reporter(school_a):
    return UserFactory(
        username="reporter",
        display_name="陈老师",
        role=Role.SCHOOL,
        county=school_a.county,
        township=school_a.township,
        school=school_a,
    )


@pytest.fixture
def other_bureau(other_county):
    return UserFactory(username="other_bureau", display_name="孙科长", role=Role.BUREAU, county=other_county)


@pytest.fixture
def admin_user(db):
    return UserFactory(
        username="admin", display_name="系统管理员", role=Role.ADMIN, is_staff=True, is_superuser=True
    )


@pytest.fixture
def city(db):
    return RegionFactory(code="130100", name="石家庄市", level="city")


@pytest.fixture
def province(db):
    return RegionFactory(code="130000", name="河北省", level="province")


@pytest.fixture
def other_city(db):
    return RegionFactory(code="130200", name="唐山市", level="city")


@pytest.fixture
def city_reviewer(city):
    return UserFactory(username="city_reviewer", display_name="刘复核", role=Role.CITY, region=city)


@pytest.fixture
def province_reviewer(province):
    return UserFactory(
        username="province_reviewer", display_name="何评估", role=Role.PROVINCE, region=province
    )


@pytest.fixture
def other_city_reviewer(other_city):
    return UserFactory(
        username="other_city_reviewer", display_name="郑复核", role=Role.CITY, region=other_city
    )


@pytest.fixture
def other_city_county(db):
    county = CountyFactory(code="130225", name="乐亭县")
    township = TownshipFactory(county=county, name="乐亭镇")
    SchoolFactory(township=township, code="1302250001", name="乐亭小学")
    return county


@pytest.fixture
def other_province_county(db):
    county = CountyFactory(code="140121", name="清徐县")
    township = TownshipFactory(county=county, name="清源镇")
    SchoolFactory(township=township, code="1401210001", name="清源小学")
    return county


@pytest.fixture
def acting():
    """acting(client, county) -> the client, now looking at `county` (as a reviewer chooses it)."""

    def enter(client, county):
        response = client.post(f"/area/enter/{county.code}/")
        assert response.status_code == 302, response.status_code
        return client

    return enter


@pytest.fixture
def login():
    """login(user) -> a test Client logged in as that user."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


# --- fast, real defaults -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Cached digests and rendered tables are keyed by row ids, which SQLite reuses after a
    # rolled-back test: each test starts from an empty cache so it never reads another's figures.
    from django.core.cache import cache

    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "files")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from balance_inspect.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


# --- real services -----------------------------------------------------------------------------


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (with a printed reason) outside CI when the service is absent; fail in CI."""
    if _port_open(host, port):
        return
    reason = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(f"{reason}, and CI must run service-backed tests")
    print(f"SKIP: {reason} (CI unset)")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    """The Redis broker both the test process and the worker use.

    When the app is already configured for Redis (CI sets CELERY_BROKER_URL), that very URL is
    used: Celery lets that environment variable win over its configuration, so the sending side
    could not be pointed elsewhere anyway. Otherwise TEST_REDIS_URL.
    """
    from django.conf import settings

    require_service("Redis", "127.0.0.1", 6379)
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        return settings.CELERY_BROKER_URL
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def on_postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        reason = "test database is not PostgreSQL (set DATABASE_URL=postgres://…)"
        if IN_CI:
            pytest.fail(reason + "; CI runs the suite on PostgreSQL")
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return connection


@pytest.fixture
def celery_worker_process(transactional_db, on_postgres, redis_url, tmp_path):
    """A real `celery worker` process on Redis, using the test database.

    Yields a dict with the Popen object; the test process sends tasks to the same Redis.
    """
    from django.db import connection

    from balance_inspect.celery import app

    s = connection.settings_dict
    db_url = (
        f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )
    queue = f"test-{os.getpid()}-{int(time.time() * 1000)}"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": queue,
        "DATA_DIR": str(tmp_path / "worker-data"),
    }
    from django.conf import settings as dj_settings

    env["MEDIA_ROOT"] = str(dj_settings.MEDIA_ROOT)  # files the worker writes are visible to the test
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - kept open for the worker's lifetime
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
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    old = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    # An earlier eager test may have bound the pools to the filesystem broker: rebuild them.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            if "ready" in (tmp_path / "worker.log").read_text():
                break
            if proc.poll() is not None:
                pytest.fail("celery worker exited:\n" + (tmp_path / "worker.log").read_text())
            time.sleep(0.2)
        else:
            pytest.fail("celery worker did not start:\n" + (tmp_path / "worker.log").read_text())
        yield {"process": proc, "log": tmp_path / "worker.log", "queue": queue}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = old
        app._pool = None
        app.amqp._producer_pool = None


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll until predicate() is truthy; returns its value or fails."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


# --- browser -----------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
_RUN_STARTED = time.time()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        reason = f"Debian chromium not found at {CHROMIUM}"
        if IN_CI:
            pytest.fail(reason)
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots are saved in {SCREENSHOT_DIR}")
    return SCREENSHOT_DIR


@pytest.fixture
def browser_login(live_server, page):
    """browser_login(user) logs `user` in through the real login form; returns the page."""

    def do(user, password="Demo-pass-2025"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do


@pytest.fixture(scope="session")
def _live_server_media_url():
    """settings.MEDIA_URL is None (files are served only by access-checked views), but Django's
    live server builds a media handler from it and fails on every request; give that test-only
    handler a path nothing uses."""
    from django.conf import settings
    from django.test.testcases import _MediaFilesHandler

    if settings.MEDIA_URL is not None:
        yield
        return
    original = _MediaFilesHandler.get_base_url
    _MediaFilesHandler.get_base_url = lambda self: "/__media_not_served__/"
    yield
    _MediaFilesHandler.get_base_url = original


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    return live_server


def pytest_terminal_summary(terminalreporter):
    """Name the screenshot folder in the run's output (captured prints of passing tests are hidden)."""
    shots = (
        [p for p in SCREENSHOT_DIR.glob("*.png") if p.stat().st_mtime >= _RUN_STARTED]
        if SCREENSHOT_DIR.exists()
        else []
    )
    if shots:
        terminalreporter.write_line(f"browser screenshots ({len(shots)}) saved in {SCREENSHOT_DIR}")
