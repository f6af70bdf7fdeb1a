"""Workforce fixtures: the two persona schools staffed for school year 2025, and an xlsx builder.

城关小学 (school_a, 城区): 380 primary students → 20 posts; 12 classes (2 per grade); 17 full-time
teachers covering every required subject; approved 22 posts; 10 teachers with ≥ 6 years in the
school, 2 of them exchanged out (1 backbone); everyone has 400 training hours and a certificate.

河口小学 (school_b, 乡村): 80 students, 6 classes → class rule 6 × 1.7 = 10.2 → 11 posts;
6 teachers without PE/music/art/IT/psychology; no approved posts entered; 300 training hours each;
one certificate not reported.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from tests.factories import ClassFactory, ConditionsFactory, TeacherFactory
from workforce.models import ApprovedPosts, ExchangeRecord, TrainingRecord

YEAR = 2025

SCHOOL_A_TEACHERS = (
    ["语文"] * 4
    + ["数学"] * 3
    + ["英语"] * 2
    + ["科学", "体育", "体育", "音乐", "美术", "信息技术", "心理健康", "道德与法治"]
)
SCHOOL_B_TEACHERS = ["语文", "语文", "数学", "数学", "英语", "科学"]


def staff_school(school, subjects, *, prefix, joined_years, backbone=(), hours=Decimal(80), uncertified=()):
    teachers = []
    for i, subject in enumerate(subjects):
        teachers.append(
            TeacherFactory(
                school=school,
                year=YEAR,
                staff_no=f"{prefix}{i:03d}",
                name=f"{school.name[:2]}教师{i}",
                subject=subject,
                joined_year=joined_years[i] if i < len(joined_years) else None,
                backbone="县级" if i in backbone else "无",
            )
        )
    for t in teachers:
        for y in range(YEAR - 4, YEAR + 1):
            TrainingRecord.objects.create(
                school=school,
                year=y,
                staff_no=t.staff_no,
                hours=hours,
                has_certificate=None if t.staff_no in uncertified else True,
            )
    return teachers


@pytest.fixture
def staffed(school_a, school_b):
    ConditionsFactory(school=school_a, year=YEAR, primary_students=380)
    ConditionsFactory(school=school_b, year=YEAR, primary_students=80)
    for grade in range(1, 7):
        for n in range(2):
            ClassFactory(school=school_a, year=YEAR, grade=grade, name=f"{grade}年级{n + 1}班", students=32)
        ClassFactory(school=school_b, year=YEAR, grade=grade, name=f"{grade}年级", students=13)
    a = staff_school(
        school_a, SCHOOL_A_TEACHERS, prefix="A", joined_years=[2010] * 10 + [2022] * 7, backbone={0, 5}
    )
    b = staff_school(
        school_b,
        SCHOOL_B_TEACHERS,
        prefix="B",
        joined_years=[2015] * 6,
        hours=Decimal(60),
        uncertified={"B005"},
    )
    ApprovedPosts.objects.create(school=school_a, year=YEAR, posts=22)
    for t in a[:2]:
        ExchangeRecord.objects.create(
            year=YEAR,
            staff_no=t.staff_no,
            teacher_name=t.name,
            from_school=school_a,
            to_school=school_b,
            start_date=date(YEAR, 9, 1),
            end_date=date(YEAR + 1, 7, 31),
            backbone=t.backbone != "无",
        )
    return {"a": a, "b": b}


def xlsx_bytes(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def make_xlsx():
    return xlsx_bytes
