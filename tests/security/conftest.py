"""Fixtures of the security tests: rows of "another area" in every app, and file helpers.

Naming: `*_b` rows belong to 河口乡 / 河口小学 (same county, other township and school);
`other_*` rows belong to 山前县 (another county).
"""

from pathlib import Path

import pytest
from django.core.cache import cache

from tests.security import world


@pytest.fixture(autouse=True)
def _fresh_state(request):
    """Survey rate limits and axes counters live in the locmem cache / database; the checklist rows
    of rectification come from a data migration that a transactional test of any app may flush."""
    cache.clear()
    names = set(request.fixturenames)
    if names & {"db", "transactional_db"} or request.node.get_closest_marker("django_db"):
        from rectification import services
        from rectification.models import ArchivePoint, PrepTaskTemplate

        request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
        if not ArchivePoint.objects.exists():
            services.archive_points_ensure()
        if not PrepTaskTemplate.objects.exists():
            services.task_templates_ensure()
    yield
    cache.clear()


# --- dropout control --------------------------------------------------------------------------


@pytest.fixture
def paper_b(other_township_official, township_b, school_b):
    """A case of 河口乡 / 河口小学 with a visit (attachment) and an issued notice."""
    return world.case_with_paperwork(other_township_official, township_b, school_b, name="李小红", male=False)


@pytest.fixture
def proof_case_b(other_township_official, township_b, school_b):
    """A case of 河口乡 whose close request carries a proof file."""
    return world.closed_request_case(other_township_official, township_b, school_b, name="赵小刚")


@pytest.fixture
def letter_b(other_township_official, township_b):
    return world.letter_with_scan(other_township_official, township_b)


@pytest.fixture
def other_case(other_bureau, other_school):
    from dropout_control import services
    from tests.dropout_control.casedata import ledger_data

    return services.case_create(
        user=other_bureau, data=ledger_data(other_school.township, other_school, name="钱小多")
    )


# --- other county -----------------------------------------------------------------------------


@pytest.fixture
def other_rect(other_bureau, other_county):
    return world.rectification_rows(other_bureau, other_county, problem="山前县的问题")


@pytest.fixture
def other_county_item(other_bureau, other_county):
    return world.county_item_with_evidence(other_bureau, other_county)


@pytest.fixture
def other_assessment(other_county):
    return world.done_assessment(other_county)


@pytest.fixture
def other_dossier(other_county, other_bureau):
    return world.done_dossier(other_county, other_bureau)


@pytest.fixture
def other_package(other_county, other_bureau):
    return world.done_package(other_county, other_bureau)


@pytest.fixture
def other_survey(other_bureau, other_county, other_school):
    return world.survey_rows(other_bureau, other_county, other_school)


@pytest.fixture
def other_import(other_bureau, other_county):
    return world.import_record(other_bureau, other_county)


@pytest.fixture
def other_proposal(other_county, other_assessment):
    from rectification.models import Proposal

    return Proposal.objects.create(
        county=other_county,
        assessment=other_assessment,
        key="sports:primary",
        indicator="sports_area_pp",
        stage="primary",
        problem="运动场不足",
        target="达到 7.5 ㎡",
    )


@pytest.fixture
def other_reconcile(other_bureau, other_county):
    """A finished and a waiting 对账 upload of 山前县 (counts only; the waiting one has no file)."""
    from datetime import timedelta

    from django.utils import timezone

    from dataquality.models import ReconcileRun

    common = {
        "county": other_county,
        "kind": "register",
        "year": 2025,
        "file_name": "山前县学籍.xlsx",
        "created_by": other_bureau,
        "expires_at": timezone.now() + timedelta(days=7),
    }
    done = ReconcileRun.objects.create(
        **common,
        status=ReconcileRun.Status.DONE,
        headers=["学校标识码", "身份证号", "年级", "学籍状态"],
        counts={"kind": "register", "rows_read": 1, "counted": 1, "by_school": {"1301240001": {"1": 1}}},
        compared_at=timezone.now(),
    )
    pending = ReconcileRun.objects.create(
        **common, status=ReconcileRun.Status.PENDING, headers=["学校代码", "证件号码", "年级名称", "学籍状态"]
    )
    return done, pending


@pytest.fixture
def other_county_rows(
    other_school,
    other_rect,
    other_county_item,
    other_assessment,
    other_dossier,
    other_package,
    other_survey,
    other_import,
    other_proposal,
    other_case,
    other_reconcile,
    other_bureau,
):
    from reviews.services import draw_create
    from tests.factories import ConditionsFactory

    ConditionsFactory(school=other_school, year=2025)
    draw = draw_create(user=other_bureau, county=other_school.county, seed=1)
    return {
        "draw": draw,
        "drawn": draw.schools.get(),
        "school": other_school,
        "rect": other_rect,
        "county_item": other_county_item,
        "assessment": other_assessment,
        "dossier": other_dossier,
        "package": other_package,
        "survey": other_survey,
        "import": other_import,
        "proposal": other_proposal,
        "case": other_case,
        "reconcile": other_reconcile,
    }


# --- files ------------------------------------------------------------------------------------


@pytest.fixture
def media_files(settings):
    """media_files() -> the set of every file path under MEDIA_ROOT (to prove nothing was written)."""

    def listing():
        root = Path(settings.MEDIA_ROOT)
        return (
            {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
            if root.exists()
            else set()
        )

    return listing


# --- faults: the broker down, a real worker, a table lock (test_faults, test_jobs) ---------------


@pytest.fixture
def broker_down(settings, monkeypatch):
    """Celery pointed at a port where nothing listens, not eager: sending fails at once."""
    from django.core.cache import cache

    from balance_inspect.celery import app

    url = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = url
    # Celery reads the CELERY_BROKER_URL environment variable before its own configuration (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    saved = (
        app.conf.broker_url,
        app.conf.task_always_eager,
        app.conf.broker_transport_options,
        app.conf.broker_connection_retry,
        app.conf.broker_connection_max_retries,
    )
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
    app._pool = None
    app.amqp._producer_pool = None
    cache.clear()
    yield url
    (
        app.conf.broker_url,
        app.conf.task_always_eager,
        app.conf.broker_transport_options,
        app.conf.broker_connection_retry,
        app.conf.broker_connection_max_retries,
    ) = saved
    app._pool = None
    app.amqp._producer_pool = None
    cache.clear()


@pytest.fixture
def worker(celery_worker_process):
    """The shared fixture resets the connection pool but not the producer pool (see
    tests/indicators/test_integration_worker.py); drop it so tasks reach the real worker."""
    from balance_inspect.celery import app

    app.amqp._producer_pool = None
    yield celery_worker_process
    app.amqp._producer_pool = None


@pytest.fixture
def table_lock(on_postgres):
    """lock(table) holds ACCESS EXCLUSIVE on `table` from a second connection until release();
    a worker that reads the table waits there, in the middle of its job."""
    import psycopg

    s = on_postgres.settings_dict
    conn = psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"] or "postgres",
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        password=s["PASSWORD"] or None,
    )

    class Lock:
        def lock(self, table):
            conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # inside psycopg's implicit BEGIN

        def end_waiters(self):
            """End the database sessions still waiting for the lock (their client is dead)."""
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )

        def release(self):
            conn.rollback()

    yield Lock()
    conn.rollback()
    conn.close()
