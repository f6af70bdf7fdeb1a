"""Benchmark of dropout control on a large county.

    .venv/bin/python bench/bench_dropout_control.py [--cases 10000]

Uses a fresh SQLite database in a temporary directory (set BENCH_DATABASE_URL to use another,
e.g. an empty PostgreSQL database of your own). Builds one county with 20 townships, 200 schools
and N cases in every state, then prints:

1. the pure overdue rules over N cases (no database);
2. the daily scan (services.cases_scan_overdue) over all cases: seconds and queries;
3. the case list page (first page, 50 rows) and the overdue page as bureau staff: median ms and
   queries (the query count must not depend on N);
4. the quarterly summary and the monthly school report (page + xlsx);
5. the ledger export (xlsx of every case) and an import of 1,000 rows (read + validate + write);
6. one notice PDF (WeasyPrint, warm).
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench_dropout_")
os.environ["DATA_DIR"] = TMP
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from balance_inspect.pdf import render_pdf  # noqa: E402
from dropout_control import rules, services  # noqa: E402
from dropout_control.importing import LEDGER, read_ledger  # noqa: E402
from dropout_control.models import CaseStatus, DropoutCase, PersuasionLog, ReturnNotice  # noqa: E402
from schools.idcard import id_check_digit  # noqa: E402
from schools.models import County, School, Township  # noqa: E402

STATUSES = (
    CaseStatus.SUSPECTED,
    CaseStatus.CONFIRMED,
    CaseStatus.PERSUADING,
    CaseStatus.NOTICE_SERVED,
    CaseStatus.LEGAL,
    CaseStatus.CLOSED,
)


def timed(fn, n=5):
    times, value = [], None
    for _ in range(n):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), value


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def make_id(rng, seq):
    birth = date(2010, 1, 1) + timedelta(days=rng.randint(0, 2500))
    first17 = f"130123{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_digit(first17), birth


def build(n_cases: int):
    rng = random.Random(7)
    county = County.objects.create(code="130123", name="滨河县")
    townships = [Township.objects.create(county=county, name=f"第{i}镇") for i in range(20)]
    schools = School.objects.bulk_create(
        [
            School(
                code=f"130123{i:04d}",
                name=f"第{i}学校",
                county=county,
                township=townships[i % 20],
                school_type="九年一贯制学校",
                urban_rural="乡村",
            )
            for i in range(200)
        ]
    )
    bureau = User.objects.create(username="bureau", role=Role.BUREAU, county=county, display_name="王科长")
    today = timezone.localdate()
    cases, seen = [], set()
    for i in range(n_cases):
        number, birth = make_id(rng, i)
        while number in seen:
            number, birth = make_id(rng, rng.randint(0, 10**6))
        seen.add(number)
        school = schools[i % 200]
        status = STATUSES[i % len(STATUSES)]
        absent = today - timedelta(days=rng.randint(5, 200))
        cases.append(
            DropoutCase(
                number=f"KC130123-{today.year}-{i + 1:05d}",
                county=county,
                township=school.township,
                school=school,
                name=f"学生{i}",
                sex="male",
                birth_date=birth,
                id_number=number,
                household_address="某村",
                absent_since=absent,
                reported_on=absent + timedelta(days=6),
                grade=5,
                guardian_name="监护人",
                guardian_relation="父亲",
                reason="learning",
                status=status,
                closed_on=today if status == CaseStatus.CLOSED else None,
                outcome="returned" if status == CaseStatus.CLOSED else "",
            )
        )
    DropoutCase.objects.bulk_create(cases, batch_size=2000)
    ids = list(DropoutCase.objects.values_list("pk", "status", "absent_since"))
    PersuasionLog.objects.bulk_create(
        [
            PersuasionLog(
                case_id=pk,
                visited_on=absent + timedelta(days=7),
                method="home_visit",
                gov_people="干部",
                result="undecided",
            )
            for pk, status, absent in ids
            if status != CaseStatus.SUSPECTED
        ],
        batch_size=2000,
    )
    ReturnNotice.objects.bulk_create(
        [
            ReturnNotice(
                case_id=pk,
                county=county,
                year=today.year,
                seq=n + 1,
                number=f"滨教控辍〔{today.year}〕第 {n + 1:05d} 号",
                school=schools[0],
                issued_on=absent + timedelta(days=20),
                deadline=absent + timedelta(days=35),
                delivered_on=absent + timedelta(days=21),
                delivery_method="in_person",
                receiver="监护人",
            )
            for n, (pk, status, absent) in enumerate(
                x for x in ids if x[1] in (CaseStatus.NOTICE_SERVED, CaseStatus.LEGAL)
            )
        ],
        batch_size=2000,
    )
    return county, schools, bureau


def ledger_file(rows: int, rng) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "姓名",
            "性别",
            "出生日期",
            "身份证号",
            "户籍地址",
            "乡镇",
            "学校标识码",
            "年级",
            "缺课起始日期",
            "监护人姓名",
            "与学生关系",
            "辍学原因",
        ]
    )
    for i in range(rows):
        first17 = f"130124{date(2012, 1, 1) + timedelta(days=i % 900):%Y%m%d}{i % 500 * 2 + 1:03d}"
        ws.append(
            [
                f"导入{i}",
                "男",
                date.fromisoformat(first17[6:10] + "-" + first17[10:12] + "-" + first17[12:14]),
                first17 + id_check_digit(first17),
                "某村",
                "第1镇",
                "1301230001",
                5,
                timezone.localdate() - timedelta(days=10),
                "监护人",
                "父亲",
                "外出务工",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("bench.xlsx", buf.getvalue())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; cases: {args.cases}")

    t = time.perf_counter()
    county, schools, bureau = build(args.cases)
    print(f"setup: {time.perf_counter() - t:.1f} s")

    facts = [
        rules.CaseFacts(
            status=s,
            absent_since=date(2025, 9, 1),
            reported_on=date(2025, 9, 9),
            notice_deadline=date(2025, 10, 1),
        )
        for s in STATUSES
    ] * (args.cases // 6 + 1)
    seconds, _ = timed(
        lambda: [rules.overdue_reasons(f, date(2025, 11, 1), rules.DeadlineRules()) for f in facts], 3
    )
    print(f"1. pure overdue rules, {len(facts)} cases: {seconds * 1000:.0f} ms")

    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        result = services.cases_scan_overdue()
    print(
        f"2. daily scan over {result['checked']} cases: {time.perf_counter() - t:.2f} s, {len(ctx)} queries, "
        f"{result['overdue']} overdue, {result['mails']} mails"
    )

    client = Client()
    client.force_login(bureau)
    for label, url in (
        ("case list (50 rows)", "/dropout/"),
        ("case list, overdue filter", "/dropout/?overdue=1"),
        ("overdue page (all overdue, by township)", "/dropout/overdue/"),
        ("quarterly summary", "/dropout/reports/quarterly/"),
        ("monthly school report (200 schools)", "/dropout/reports/monthly/"),
        ("monthly report xlsx", "/dropout/reports/monthly.xlsx"),
    ):
        seconds, response = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        print(
            f"3/4. {label}: {seconds * 1000:.0f} ms median, {queries(lambda url=url: client.get(url))} queries"
        )

    seconds, response = timed(lambda: client.get("/dropout/ledger/export.xlsx"), 1)
    print(f"5. ledger export of {args.cases} cases: {seconds:.2f} s, {len(response.content) / 1e6:.1f} MB")

    upload = ledger_file(1000, random.Random(1))
    t = time.perf_counter()
    rows, errors = read_ledger(upload, bureau)
    read_s = time.perf_counter() - t
    assert not errors, errors[:3]
    t = time.perf_counter()
    services.cases_import(user=bureau, rows=rows, file_name="bench.xlsx")
    print(
        f"5. ledger import of 1,000 rows ({len(LEDGER.headers)} template columns): read+validate {read_s:.2f} s, "
        f"write {time.perf_counter() - t:.2f} s"
    )

    notice = ReturnNotice.objects.select_related("case", "school", "county", "case__township").first()
    context = {
        "notice": notice,
        "case": notice.case,
        "township": notice.case.township,
        "county": notice.county,
    }
    render_pdf("dropout_control/pdf/notice.html", context)  # warm fonts
    seconds, pdf = timed(lambda: render_pdf("dropout_control/pdf/notice.html", context), 3)
    print(f"6. notice PDF (warm): {seconds:.2f} s, {len(pdf) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
