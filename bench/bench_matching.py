"""Benchmark of 四查三比对: 200,000 户籍 rows against 150,000 学籍 rows from generated xlsx files.

Generates the two workbooks (write-only openpyxl) with ID numbers of children born 2006–2020 (so
the 6/16 boundaries are crossed), 0.5 % wrong check digits, 1 % different names, 140,000 children
on both lists. Then, each in a fresh child process so that peak memory (ru_maxrss) is its own:

- plain:  a read-only openpyxl pass over both files (values only, every row touched) — the floor;
- match:  the workbench path: dataquality.match_read.read_list of both files (bounds check, column
          declaration, GB 11643 check, duplicates) and dataquality.matching.match_lists.

    .venv/bin/python bench/bench_matching.py [--household 200000] [--register 150000] [--dir /tmp/x]

Target: match rows/s >= 0.5 x plain rows/s. Rows/s counts the rows of both files.
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHOOL_YEAR = 2024
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "明华强伟芳娜敏静丽军洋勇艳杰娟涛超秀霞平刚桂英"


def _id(rng, birth: date) -> str:
    from schools.idcard import id_check_digit

    first17 = f"130123{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def generate(folder: Path, n_household: int, n_register: int, seed: int = 7) -> tuple[Path, Path]:
    from openpyxl import Workbook

    rng = random.Random(seed)
    start, span = date(2006, 1, 1), (date(2020, 12, 31) - date(2006, 1, 1)).days
    people, seen = [], set()
    while len(people) < n_household:
        number = _id(rng, start + timedelta(days=rng.randrange(span)))
        if number in seen:
            continue
        seen.add(number)
        people.append((rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), number))
    both = min(n_register - n_register // 15, n_household)
    household_path, register_path = folder / "户籍.xlsx", folder / "学籍.xlsx"

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("户籍")
    ws.append(["姓名", "身份证号", "出生日期", "乡镇", "村"])
    for i, (name, number) in enumerate(people):
        if rng.random() < 0.005:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # a wrong check digit
        ws.append([name, number, None, f"第{i % 15 + 1}乡镇", f"{i % 40 + 1}村"])
    wb.save(household_path)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学籍")
    ws.append(["学校标识码", "姓名", "身份证号", "年级", "班级", "学籍状态"])
    for i in range(n_register):
        if i < both:
            name, number = people[i]
            if rng.random() < 0.01:
                name = name[:-1] + rng.choice(GIVEN)  # a different name on the same ID
        else:
            number = _id(rng, start + timedelta(days=rng.randrange(span)))
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        ws.append([f"21301{i % 300:05d}", name, number, str(i % 9 + 1), f"{i % 6 + 1}班", "在读"])
    wb.save(register_path)
    return household_path, register_path


def _setup_settings(max_rows: int) -> None:
    from django.conf import settings

    settings.configure(
        XLSX_MAX_UNPACKED_MB=100,
        XLSX_MAX_ROWS=50000,
        DATAQUALITY_LIST_MAX_ROWS=max_rows,
        XLSX_MAX_COLUMNS=200,
        USE_TZ=True,
    )  # the shipped defaults, rows as the workbench's


def phase_plain(paths) -> dict:
    from openpyxl import load_workbook

    rows = 0
    t0 = time.perf_counter()
    for path in paths:
        wb = load_workbook(path, read_only=True, data_only=True)
        for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
            if row[0] is not None or row[1] is not None:
                rows += 1
        wb.close()
    return {"rows": rows, "seconds": time.perf_counter() - t0}


def phase_match(paths, max_rows: int) -> dict:
    _setup_settings(max_rows)
    from dataquality import matching
    from dataquality.match_read import read_list

    t0 = time.perf_counter()
    with open(paths[0], "rb") as f:
        household = read_list(f, matching.HOUSEHOLD)
    with open(paths[1], "rb") as f:
        register = read_list(f, matching.REGISTER)
    t_read = time.perf_counter() - t0
    result = matching.match_lists(
        household=household,
        register=register,
        attendance=None,
        family=None,
        school_year=SCHOOL_YEAR,
        absence_days=10,
    )
    seconds = time.perf_counter() - t0
    return {
        "rows": household.rows_read + register.rows_read,
        "seconds": seconds,
        "read_seconds": t_read,
        "match_seconds": seconds - t_read,
        "hits": result.counts,
        "name_mismatches": len(result.name_mismatches),
        "invalid_ids": len(household.invalid_ids) + len(register.invalid_ids),
        "row_errors": len(household.errors) + len(register.errors),
    }


def run_child(phase: str, paths, max_rows: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--max-rows", str(max_rows), *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--household", type=int, default=200_000)
    parser.add_argument("--register", type=int, default=150_000)
    parser.add_argument("--dir", default="")
    parser.add_argument("--phase", choices=("plain", "match"))
    parser.add_argument("--max-rows", type=int, default=0)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()

    if args.phase:
        figures = phase_plain(args.paths) if args.phase == "plain" else phase_match(args.paths, args.max_rows)
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures, ensure_ascii=False))
        return

    folder = Path(args.dir or tempfile.mkdtemp(prefix="bench_matching_"))
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    paths = generate(folder, args.household, args.register)
    print(
        f"generated {args.household:,} 户籍 + {args.register:,} 学籍 rows in {time.perf_counter() - t0:.1f} s "
        f"({', '.join(f'{p.name} {os.path.getsize(p) / 1048576:.1f} MB' for p in paths)})"
    )
    max_rows = max(args.household, args.register) + 10
    plain = run_child("plain", paths, max_rows)
    match = run_child("match", paths, max_rows)
    plain_rate, match_rate = plain["rows"] / plain["seconds"], match["rows"] / match["seconds"]
    print(
        f"plain openpyxl read-only pass: {plain['rows']:,} rows in {plain['seconds']:.2f} s = {plain_rate:,.0f} rows/s, "
        f"peak RSS {plain['peak_rss_mb']:.0f} MB"
    )
    print(
        f"workbench read + match:        {match['rows']:,} rows in {match['seconds']:.2f} s = {match_rate:,.0f} rows/s "
        f"(read {match['read_seconds']:.2f} s, match {match['match_seconds']:.2f} s), peak RSS {match['peak_rss_mb']:.0f} MB"
    )
    print(
        f"ratio {match_rate / plain_rate:.2f}x (target >= 0.5x): {'OK' if match_rate >= 0.5 * plain_rate else 'MISSED'}"
    )
    print(
        f"hits {match['hits']}, name mismatches {match['name_mismatches']:,}, invalid IDs {match['invalid_ids']:,}, "
        f"row errors {match['row_errors']:,}"
    )


if __name__ == "__main__":
    main()
