"""Benchmark of the rectification app.

    .venv/bin/python bench/bench_rectification.py

Uses a fresh SQLite database in a temporary directory (BENCH_DATABASE_URL for another, e.g. an
empty PostgreSQL database of your own). Prints, for a county with 2,000 ledger items (each with
2 schools, 3 progress entries and 1 evidence file), a full backward plan and a filled archive:

1. item creation through the audited service (items/s);
2. the ledger list page (50 per page), the readiness board, the plan and archive pages:
   median and worst of 20 requests, and their query counts;
3. the ledger export (xlsx, all 2,000 rows) and a 500-row feedback import;
4. the pure functions: archive completeness over 10,000 points, proposals from 5,000 gaps.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench_rectification_")
os.environ["DATA_DIR"] = TMP
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")  # pages render without collectstatic

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from rectification import archive_tree, readiness, results, services  # noqa: E402
from rectification.demo import tiny_pdf  # noqa: E402
from rectification.feedback import COLUMNS  # noqa: E402
from rectification.models import (  # noqa: E402
    ArchivePoint,
    EvidenceFile,
    ProgressEntry,
    RectificationItem,
)
from schools.models import County, School, Township  # noqa: E402

ITEMS = 2000


def setup():
    call_command("migrate", verbosity=0)
    county = County.objects.create(
        code="130123", name="滨河县", inspection_date=date.today() + timedelta(days=40)
    )
    town = Township.objects.create(county=county, name="城关镇")
    schools = [
        School.objects.create(
            code=f"13012300{i:02d}",
            name=f"第{i}小学",
            county=county,
            township=town,
            school_type="小学",
            urban_rural="城区",
        )
        for i in range(40)
    ]
    user = User.objects.create_user(
        "bureau",
        password="Demo-pass-2025",
        role=Role.BUREAU,
        county=county,
        display_name="王科长",
        unit="县教育局计财股",
    )
    return county, schools, user


def seed(county, schools, user):
    data = {
        "source": "provincial",
        "problem": "生均体育运动场馆面积不足",
        "indicator": "sports_area_pp",
        "lead_unit": "县教育局计财股",
        "deadline": date.today() + timedelta(days=30),
        "measures": "扩建运动场",
    }
    t = time.perf_counter()
    for n in range(200):
        services.item_create(
            user=user, county=county, data={**data, "source_no": n + 1}, schools=schools[n % 40 : n % 40 + 2]
        )
    service_rate = 200 / (time.perf_counter() - t)
    # The rest in bulk: the pages, not the seeding, are measured.
    start = RectificationItem.objects.count()
    bulk = [
        RectificationItem(
            county=county,
            number=start + i + 1,
            source="self_check",
            problem=f"问题 {i}",
            indicator="sports_area_pp" if i % 3 else "",
            lead_unit="县教育局计财股" if i % 2 else "县教育局人事股",
            deadline=date.today() + timedelta(days=(i % 90) - 20),
            status=("not_started", "in_progress", "completed", "closed", "long_term")[i % 5],
        )
        for i in range(ITEMS - start)
    ]
    RectificationItem.objects.bulk_create(bulk, batch_size=500)
    items = list(RectificationItem.objects.filter(county=county))
    through = RectificationItem.schools.through
    through.objects.bulk_create(
        [
            through(rectificationitem_id=it.pk, school_id=schools[(it.number + k) % 40].pk)
            for it in items
            for k in range(2)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    ProgressEntry.objects.bulk_create(
        [
            ProgressEntry(item=it, date=date.today() - timedelta(days=30 * k), text="已推进", author=user)
            for it in items
            for k in range(3)
        ],
        batch_size=1000,
    )
    stored = services.evidence_add(
        user=user, item=items[0], upload=SimpleUploadedFile("e.pdf", tiny_pdf("e"))
    )
    EvidenceFile.objects.bulk_create(
        [
            EvidenceFile(
                item=it,
                file=stored.file.name,
                original_name="e.pdf",
                kind="pdf",
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=user,
            )
            for it in items[1:]
        ],
        batch_size=1000,
    )
    services.plan_create(user=user, county=county)
    for point in ArchivePoint.objects.all():
        services.archive_file_add(
            user=user, county=county, point=point, upload=SimpleUploadedFile("a.pdf", tiny_pdf("a"))
        )
    return service_rate


def _keep_connection():
    # As Django's own test runner does: keep one connection for the whole run, so that queries of
    # a request are captured and the timings do not include reconnecting to the database.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


def timed_get(client, url, n=20):
    times = []
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: the next request resets the query log
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times), count


def feedback_file(rows, schools):
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for n in range(rows):
        ws.append(
            [
                n + 1,
                "市级复核",
                date(2025, 3, 1),
                f"市级复核问题 {n}",
                "生均体育运动场馆面积",
                f"{schools[n % 40].code}、{schools[(n + 1) % 40].code}",
                "达标",
                "整改",
                "县教育局基教股",
                "",
                "张三",
                date(2025, 9, 30),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("feedback.xlsx", buf.getvalue())


def main():
    _keep_connection()
    county, schools, user = setup()
    rate = seed(county, schools, user)
    print(
        f"== rectification benchmark: {ITEMS} items, {County.objects.count()} county, database "
        f"{connection.vendor}"
    )
    print(f"item_create (audited service, 2 schools each): {rate:.0f} items/s")
    client = Client()
    client.force_login(user)
    for label, url in [
        ("ledger list, page 1 of 40", reverse("rectification:list")),
        ("ledger list, filtered (overdue)", reverse("rectification:list") + "?overdue=on"),
        ("readiness board (all open items listed)", reverse("rectification:readiness")),
        ("countdown / plan page", reverse("rectification:plan")),
        ("archive checklist page", reverse("rectification:archive")),
    ]:
        median, worst, queries = timed_get(client, url)
        print(f"{label:42s} median {median:6.1f} ms  max {worst:6.1f} ms  queries {queries}")
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("rectification:export"))
    elapsed = time.perf_counter() - t
    print(
        f"ledger export xlsx, {ITEMS} rows: {elapsed:.2f} s ({ITEMS / elapsed:.0f} rows/s, "
        f"{len(response.content) / 1024:.0f} KB, {len(queries)} queries)"
    )
    upload = feedback_file(500, schools)
    t = time.perf_counter()
    summary = services.feedback_import(user=user, county=county, upload=upload)
    elapsed = time.perf_counter() - t
    print(
        f"feedback import, 500 rows (all-or-nothing, audited): {elapsed:.2f} s ({500 / elapsed:.0f} rows/s, "
        f"created {summary.created})"
    )

    points = [readiness.PointFacts(f"{i}", str(i % 6), "x", required=3, uploaded=i % 5) for i in range(10000)]
    t = time.perf_counter()
    for _ in range(10):
        readiness.completeness(points, archive_tree.FOLDERS)
    print(f"pure completeness over 10,000 points: {(time.perf_counter() - t) / 10 * 1000:.1f} ms")
    gaps = {
        "gaps": {
            "units": [
                {
                    "school_code": f"{i:010d}",
                    "school_name": "学校",
                    "stage": "primary",
                    "indicator": "sports_area_pp",
                    "label": "生均体育运动场馆面积",
                    "unit": "㎡",
                    "current_value": 4.2,
                    "standard": 7.5,
                    "addition": 1650.0,
                    "new_value": 7.5,
                }
                for i in range(5000)
            ],
            "cv_plans": [],
        }
    }
    t = time.perf_counter()
    results.proposals_from_gaps(gaps)
    print(f"pure proposals from 5,000 gaps: {(time.perf_counter() - t) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
