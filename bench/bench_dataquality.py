"""Benchmark of the data-quality rules on a 300-school county with 15,000 teachers and 5,000 classes.

Builds the county in a temporary SQLite database (migrated from scratch, as bench_workforce does):
300 schools in 15 townships (every tenth a nine-year school, every 30th a teaching point under the
school before it), two years of conditions (a few jump), 5,000 classes (a few mismatch the
conditions or are impossibly small), 15,000 roster rows with ID numbers (a few shared by two
schools). Then it times loading + rules + storing (the first run creates every finding, the
re-run of identical rows updates none), the rules alone, and the page, and shows that a 30-school
county of the same shape needs the same number of queries.

    .venv/bin/python bench/bench_dataquality.py [--schools 300] [--teachers 15000] [--classes 5000]
        [--database-url postgres://postgres@127.0.0.1:5432/bi_bench_dq]   (an empty database; default SQLite)

Targets: rules over the county < 2 s; queries do not grow with schools.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_workforce import QueryCounter, setup_django  # noqa: E402  (the shared bench set-up)

YEAR = 2025


def build_county(code: str, n_schools: int, n_teachers: int, n_classes: int, rng: random.Random):
    from accounts.models import Role, User
    from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township

    county = County.objects.create(code=code, name=f"基准{code}县")
    townships = [Township.objects.create(county=county, name=f"第{i + 1}乡镇") for i in range(15)]
    schools = []
    for i in range(n_schools):
        kind = "教学点" if i % 30 == 29 else "九年一贯制学校" if i % 10 == 0 else "小学"
        schools.append(
            School.objects.create(
                code=f"{code}{i:04d}",
                name=f"基准第{i + 1}学校",
                county=county,
                township=townships[i % 15],
                school_type=kind,
                urban_rural=("城区", "镇区", "乡村")[i % 3],
                parent=schools[-1] if kind == "教学点" else None,
            )
        )
    per_school_classes = n_classes // n_schools
    classes, conditions = [], []
    for i, s in enumerate(schools):
        count = per_school_classes + (1 if i < n_classes - per_school_classes * n_schools else 0)
        junior = s.school_type == "九年一贯制学校"
        primary_total = junior_total = 0
        for k in range(count):
            stage = "初中" if junior and k % 3 == 0 else "小学"
            grade = (7 + k % 3) if stage == "初中" else (1 + k % (3 if s.school_type == "教学点" else 6))
            students = 3 if k == 0 and i % 40 == 7 else 38 + rng.randint(0, 8)
            classes.append(
                SchoolClass(
                    school=s, year=YEAR, stage=stage, grade=grade, name=f"{grade}-{k}", students=students
                )
            )
            if stage == "初中":
                junior_total += students
            else:
                primary_total += students
        reported = primary_total + (5 if i % 25 == 3 else 0)  # a few schools disagree with their classes
        area = Decimal(2000 + 10 * i)
        conditions.append(
            SchoolConditions(
                school=s,
                year=YEAR,
                primary_students=reported,
                junior_students=junior_total,
                building_area=area * (2 if i % 50 == 11 else 1),
                sports_area=3000,
                equipment_value=800000,
                multimedia_rooms=10,
                music_rooms=1,
                art_rooms=1,
                music_room_areas=["98.00"],
                art_room_areas=["92.50"],
            )
        )
        conditions.append(
            SchoolConditions(
                school=s,
                year=YEAR - 1,
                primary_students=reported,
                junior_students=junior_total,
                building_area=area,
                sports_area=3000,
                equipment_value=800000,
                multimedia_rooms=10,
                music_rooms=1,
                art_rooms=1,
                music_room_areas=["98.00"],
                art_room_areas=["92.50"],
            )
        )
    SchoolConditions.objects.bulk_create(conditions, batch_size=2000)
    SchoolClass.objects.bulk_create(classes, batch_size=2000)
    teachers = []
    per_school = n_teachers // n_schools
    for i, s in enumerate(schools):
        junior = s.school_type == "九年一贯制学校"
        for k in range(per_school + (1 if i < n_teachers - per_school * n_schools else 0)):
            n = i * 1000 + k
            # Teacher T0005 of every even school carries the ID number of T0005 of the next school.
            id_number = f"{code}1980{(n + 1000 if k == 5 and i % 2 == 0 and i + 1 < n_schools else n):08d}"
            teachers.append(
                Teacher(
                    school=s,
                    year=YEAR,
                    staff_no=f"T{k:04d}",
                    name=f"教师{k}",
                    id_number=id_number,
                    stage="初中" if junior and k % 3 == 0 else "小学",
                    education="本科",
                    title="一级",
                    subject=("语文", "数学", "英语", "体育", "音乐", "美术")[k % 6],
                    backbone="县级" if k % 9 == 0 else "无",
                )
            )
    Teacher.objects.bulk_create(teachers, batch_size=2000)
    user = User.objects.create_user(
        username=f"bureau{code}", password="Bench-pass-2025", role=Role.BUREAU, county=county
    )
    return county, user


def counted(fn, *args, **kwargs):
    from django.db import connection

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = fn(*args, **kwargs)
    return result, counter.count, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--teachers", type=int, default=15000)
    parser.add_argument("--classes", type=int, default=5000)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
            os.environ.update(DATA_DIR=tmp, STATIC_MANIFEST="false", AXES_ENABLED="false")
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
        else:
            setup_django(Path(tmp))
        from django.test import Client
        from django.urls import reverse

        from dataquality import rules, services
        from dataquality.models import Finding

        rng = random.Random(16)
        small = max(args.schools // 10, 1)
        sizes = {
            "small": (small, args.teachers * small // args.schools, args.classes * small // args.schools),
            "large": (args.schools, args.teachers, args.classes),
        }
        figures = {}
        for label, (n_s, n_t, n_c) in sizes.items():
            county, user = build_county("420101" if label == "small" else "420102", n_s, n_t, n_c, rng)
            data, load_q, load_ms = counted(services.load_county_data, county, YEAR)
            started = time.perf_counter()
            found = rules.run_rules(data)
            rules_ms = (time.perf_counter() - started) * 1000
            first, first_q, first_ms = counted(services.run_checks, county, YEAR)
            again, again_q, again_ms = counted(services.run_checks, county, YEAR)
            client = Client()
            client.force_login(user)
            client.get(reverse("dataquality:page"), {"year": YEAR})
            response, page_q, page_ms = counted(client.get, reverse("dataquality:page"), {"year": YEAR})
            assert response.status_code == 200
            figures[label] = (load_q, first_q, again_q, page_q)
            print(
                f"{n_s} schools, {n_t} teachers, {n_c} classes: {len(found)} findings "
                f"(blocking {first.blocking}, warning {first.warning}; stored {Finding.objects.filter(county=county).count()})"
            )
            print(f"  load rows      {load_ms:8.1f} ms  {load_q:3d} queries")
            print(f"  rules (pure)   {rules_ms:8.1f} ms")
            print(
                f"  first run      {first_ms:8.1f} ms  {first_q:3d} queries (load + rules + store, all new)"
            )
            print(
                f"  re-run         {again_ms:8.1f} ms  {again_q:3d} queries (identical rows: {again.new} new, "
                f"{again.reopened} reopened)"
            )
            print(f"  page           {page_ms:8.1f} ms  {page_q:3d} queries")
        same = figures["small"] == figures["large"]
        print(
            f"queries {sizes['small'][0]} vs {sizes['large'][0]} schools (load, first run, re-run, page): "
            f"{figures['small']} vs {figures['large']} -> {'same' if same else 'DIFFERENT'}"
        )
        if (
            not same
            and figures["small"][::2] == figures["large"][::2]
            and figures["small"][2] == figures["large"][2]
        ):
            # SQLite caps the parameters of one statement, so Django splits the insert of the new
            # findings into batches (about 60 rows each); PostgreSQL inserts them in one statement.
            print(
                "  (the first run differs only by SQLite's insert batches of the new findings, not by schools)"
            )


if __name__ == "__main__":
    main()
