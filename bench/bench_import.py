"""Benchmark: importing a 10,000-row teacher roster against a plain openpyxl read of the same file.

Target: the import (upload checks, parse, validate, write through schools.upsert, record
and audit) reaches at least 0.4 of the throughput of merely reading the file with openpyxl
(read_only, values_only) — i.e. import time ≤ 2.5 × read time. Both are measured in the same
run on the same file; the ratio is printed for a first import (all rows new), a re-import of the
same file and a re-import in which every row changed.

    .venv/bin/python bench/bench_import.py            # throwaway SQLite database
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bi_bench_import .venv/bin/python bench/bench_import.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench_import_"))
os.environ["DATA_DIR"] = str(WORK)
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
SCHOOLS = 60
TARGET = 0.4
HEADERS = [
    "学年",
    "学校标识码",
    "教师编号",
    "姓名",
    "身份证号",
    "任教学段",
    "是否专任教师",
    "最高学历",
    "专业技术职务",
    "骨干教师级别",
    "主要任教学科",
]


def id_number(n: int) -> str:
    from schools.idcard import id_check_digit

    first17 = f"130123{1970 + n % 30:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def make_file(path: Path, *, changed: bool = False) -> None:
    """The roster; `changed` gives every teacher another title and renames every tenth."""
    titles = ["二级", "高级", "一级"] if changed else ["一级", "二级", "高级"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("教师")
    ws.append(HEADERS)
    subjects = ["语文", "数学", "英语", "体育", "音乐", "美术", "科学", "信息技术"]
    for n in range(ROWS):
        name = f"教师{n}" + ("改" if changed and n % 10 == 0 else "")
        ws.append(
            [
                2025,
                f"13012300{n % SCHOOLS:02d}",
                f"T{n:05d}",
                name,
                id_number(n),
                "小学" if n % 3 else "初中",
                "是" if n % 10 else "否",
                ["本科", "专科", "研究生"][n % 3],
                titles[n % 3],
                ["无", "县级", "市级"][n % 3],
                subjects[n % len(subjects)],
            ]
        )
    wb.save(path)


def plain_read(path: Path) -> float:
    start = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    elapsed = time.perf_counter() - start
    assert len(rows) == ROWS + 1
    return elapsed


def timed_import(path: Path):
    """Seconds for import_file on `path` (as the CLI calls it: the system, no user scope)."""
    from schools.importing import import_file

    start = time.perf_counter()
    with path.open("rb") as fh:
        outcome = import_file(kind="teachers", file_obj=fh, file_name=path.name, user=None, dry_run=False)
    elapsed = time.perf_counter() - start
    assert outcome.ok, outcome.errors[:5]
    return elapsed, outcome


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a BENCH_DATABASE_URL may be reused
    from django.db import connection

    from schools.models import County, School, Teacher, Township

    county = County.objects.create(code="130123", name="滨河县")
    township = Township.objects.create(county=county, name="城关镇")
    School.objects.bulk_create(
        [
            School(
                code=f"13012300{i:02d}",
                name=f"第{i}小学",
                county=county,
                township=township,
                school_type="九年一贯制学校",
                urban_rural="乡村",
            )
            for i in range(SCHOOLS)
        ]
    )
    path = WORK / "teachers.xlsx"
    make_file(path)
    changed = WORK / "teachers_changed.xlsx"
    make_file(changed, changed=True)
    print(
        f"database: {connection.vendor}; file: {ROWS} rows × {len(HEADERS)} columns, "
        f"{path.stat().st_size / 1024:.0f} KiB"
    )

    ok = True
    runs = (
        ("first import (all new)", path),
        ("re-import, same file", path),
        ("re-import, every row changed", changed),
    )
    for label, file in runs:
        read = plain_read(file)
        imported, outcome = timed_import(file)
        ratio = read / imported
        ok &= ratio >= TARGET
        print(
            f"{label}: openpyxl read {read:.2f} s ({ROWS / read:,.0f} rows/s); "
            f"import {imported:.2f} s ({ROWS / imported:,.0f} rows/s) — {outcome.summary}; "
            f"ratio {ratio:.2f} (target ≥ {TARGET}) {'OK' if ratio >= TARGET else 'TOO SLOW'}"
        )
    assert Teacher.objects.count() == ROWS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
