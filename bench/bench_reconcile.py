"""Benchmark of the 对账: a 150,000-row 学籍 export against a 300-school county.

Builds the county in a temporary SQLite database (bench_dataquality.build_county: 300 schools,
15,000 teachers, 3,600 classes of 38–46 students ≈ 150,000 students) and writes the 学籍 system's
own export from the classes: one row per student with the system's headers (学校代码 / 学生姓名 /
证件号码 / 年级名称 …, extra columns included), every 20th school-grade one child short, 0.3 %
wrong check digits, extra rows of 转出 children (about 1 %), a few rows of a school outside the county.
Then, each in a fresh child process so that peak memory (ru_maxrss) is its own:

- plain:     a read-only openpyxl pass over the file (values only, every row touched) — the floor;
- reconcile: the upload path after the mapping step: bounds check, header row, the county's
             saved mapping, reconcile_read.read_counts (GB 11643, duplicates, grades, statuses),
             selectors.reconcile_figures (our side, with its query count) and reconcile.reconcile.

    .venv/bin/python bench/bench_reconcile.py [--schools 300] [--rows 150000] [--dir /tmp/x]

Rows/s counts the list's rows. A 30-school county of the same shape shows that our side's queries
do not grow with schools.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

YEAR = 2025
CODE, SMALL_CODE = "130199", "130198"
HEADERS = ["序号", "学校名称", "学校代码", "学生姓名", "性别", "证件号码", "年级名称", "班级名称", "学籍状态"]
GRADE_NAMES = ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
MAPPING = {
    "学校标识码": "学校代码",
    "学校名称": "学校名称",
    "身份证号": "证件号码",
    "年级": "年级名称",
    "学籍状态": "学籍状态",
}


def _id(n: int) -> str:
    """A distinct valid ID number for each n < 252,000 (252 birth dates x 1,000 sequences)."""
    from schools.idcard import id_check_digit

    first17 = f"130199{2010 + n % 9}{1 + n % 12:02d}{1 + n % 28:02d}{n // 252 % 1000:03d}"
    return first17 + id_check_digit(first17)


def build(folder: Path, n_schools: int, n_rows: int) -> Path:
    from bench_dataquality import build_county
    from bench_workforce import setup_django

    setup_django(folder)
    from django.db.models import Sum

    from dataquality.models import ColumnMapping
    from schools.models import SchoolClass

    rng = random.Random(11)
    county, user = build_county(CODE, n_schools, 50 * n_schools, 12 * n_schools, rng)
    build_county(SMALL_CODE, max(n_schools // 10, 1), 5 * n_schools, 12 * max(n_schools // 10, 1), rng)
    ColumnMapping.objects.create(county=county, kind="register", mapping=MAPPING, updated_by=user)
    per_grade = list(
        SchoolClass.objects.filter(school__county=county, year=YEAR)
        .values_list("school__code", "school__name", "grade")
        .annotate(n=Sum("students"))
        .order_by("school__code", "grade")
    )
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学籍")
    ws.append(HEADERS)
    written = serial = 0

    def append(code, name, grade, status):
        nonlocal written, serial
        serial += 1
        number = _id(serial)
        if rng.random() < 0.003:
            number = number[:17] + ("0" if number[17] != "0" else "1")
        grade_name = GRADE_NAMES[grade - 1] + "年级"
        row = [written + 1, name, code, f"学生{serial}", "男" if serial % 2 else "女", number, grade_name]
        ws.append(row + [f"{grade}年级{serial % 4 + 1}班", status])
        written += 1

    for index, (code, name, grade, students) in enumerate(per_grade):
        if index % 20 == 7:
            students -= 1  # the register is one child short of the classes
        for k in range(students):
            if written >= n_rows:
                break
            append(code, name, grade, "在籍")
            if k % 100 == 50:
                append(code, name, grade, "转出")  # left the school: listed, not counted
            if written % 5000 == 4999:
                append("1301990999", "外县学校", grade, "在籍")
    path = folder / "学籍系统导出.xlsx"
    wb.save(path)
    return path


def phase_plain(path: str) -> dict:
    from openpyxl import load_workbook

    rows = 0
    t0, cpu0 = time.perf_counter(), time.process_time()
    wb = load_workbook(path, read_only=True, data_only=True)
    for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
        if row[0] is not None or row[2] is not None:
            rows += 1
    wb.close()
    return {"rows": rows, "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - cpu0}


def phase_reconcile(path: str, folder: Path) -> dict:
    from bench_workforce import QueryCounter, setup_django

    setup_django(folder)
    from django.conf import settings
    from django.db import connection

    from dataquality import reconcile, selectors
    from dataquality.models import ColumnMapping
    from dataquality.reconcile_read import read_list
    from schools.models import County

    settings.DATAQUALITY_LIST_MAX_ROWS = 400_000
    kind = reconcile.LIST_KINDS[reconcile.REGISTER]
    county = County.objects.get(code=CODE)
    t0, cpu0 = time.perf_counter(), time.process_time()
    with open(path, "rb") as f:
        saved = ColumnMapping.objects.get(county=county, kind=kind.key).mapping
        _, counts = read_list(f, kind, lambda headers: reconcile.saved_positions(kind, headers, saved))
    t_read = time.perf_counter() - t0
    queries = {}
    for code in (CODE, SMALL_CODE):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            ours = selectors.reconcile_figures(County.objects.get(code=code), YEAR)
        queries[code] = counter.count - 1  # the County lookup
    t1 = time.perf_counter()
    ours = selectors.reconcile_figures(county, YEAR)
    t_ours = time.perf_counter() - t1
    t2 = time.perf_counter()
    result = reconcile.reconcile(counts, ours)
    t_compare = time.perf_counter() - t2
    return {
        "rows": counts.rows_read,
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - cpu0,
        "read_seconds": t_read,
        "ours_seconds": t_ours,
        "compare_seconds": t_compare,
        "counted": counts.counted,
        "invalid_ids": counts.invalid_ids,
        "not_counted": counts.not_counted,
        "schools": len(result.schools),
        "differences": len(result.differences),
        "schools_with_differences": result.schools_with_differences,
        "unknown": [[u.code, u.count] for u in result.unknown],
        "queries": queries,
    }


def run_child(phase: str, path: Path, folder: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--dir", str(folder), str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--dir", default="")
    parser.add_argument("--phase", choices=("plain", "reconcile"))
    parser.add_argument("path", nargs="?")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench_reconcile_"))
    folder.mkdir(parents=True, exist_ok=True)

    if args.phase:
        figures = phase_plain(args.path) if args.phase == "plain" else phase_reconcile(args.path, folder)
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures, ensure_ascii=False))
        return

    t0 = time.perf_counter()
    path = build(folder, args.schools, args.rows)
    print(
        f"built a {args.schools}-school county and a {args.rows:,}-row 学籍 export in "
        f"{time.perf_counter() - t0:.1f} s ({os.path.getsize(path) / 1048576:.1f} MB)"
    )
    plain = run_child("plain", path, folder)
    rec = run_child("reconcile", path, folder)
    plain_rate, rec_rate = plain["rows"] / plain["seconds"], rec["rows"] / rec["seconds"]
    # CPU seconds too: on a shared machine the wall clock measures the neighbours as well.
    print(
        f"plain openpyxl read-only pass: {plain['rows']:,} rows in {plain['seconds']:.2f} s = "
        f"{plain_rate:,.0f} rows/s (CPU {plain['cpu_seconds']:.2f} s = {plain['rows'] / plain['cpu_seconds']:,.0f} rows/s), "
        f"peak RSS {plain['peak_rss_mb']:.0f} MB"
    )
    print(
        f"对账 read + count + compare:   {rec['rows']:,} rows in {rec['seconds']:.2f} s = {rec_rate:,.0f} rows/s "
        f"(CPU {rec['cpu_seconds']:.2f} s = {rec['rows'] / rec['cpu_seconds']:,.0f} rows/s) "
        f"(read and count {rec['read_seconds']:.2f} s, our figures {rec['ours_seconds'] * 1000:.0f} ms, "
        f"compare {rec['compare_seconds'] * 1000:.0f} ms), peak RSS {rec['peak_rss_mb']:.0f} MB "
        f"({rec_rate / plain_rate:.2f}x the plain pass)"
    )
    print(
        f"counted {rec['counted']:,} students, {rec['not_counted']:,} not counted (status), "
        f"{rec['invalid_ids']:,} invalid IDs; {rec['schools']} schools compared, {rec['differences']} differences "
        f"at {rec['schools_with_differences']} schools; outside the county {rec['unknown']}"
    )
    q = rec["queries"]
    print(
        f"our figures: {q[CODE]} queries for {args.schools} schools, {q[SMALL_CODE]} for {max(args.schools // 10, 1)}"
    )


if __name__ == "__main__":
    main()
