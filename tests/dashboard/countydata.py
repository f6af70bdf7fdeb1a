"""A county of any size for the dashboard tests and bench/bench_dashboard.py.

build_county(county, n) adds n schools in three townships (every fourth a junior school, urban /
town / rural in turn) with conditions, a teacher roster and classes for each requested year,
plus dropout cases and rectification items in proportion, so that a larger county has more of
everything the overview counts. Numbers vary by school so that the assessment has passing,
tolerated and failing cells.
"""

from datetime import date, timedelta

from django.utils import timezone

from dropout_control.models import DropoutCase
from rectification.models import RectificationItem
from schools.idcard import id_check_digit
from schools.models import School, SchoolClass, SchoolConditions, Teacher, Township

TOWNSHIPS = ("城关镇", "河口乡", "柳河镇")
AREAS = ("城区", "镇区", "乡村")
SUBJECTS = (
    "语文",
    "数学",
    "英语",
    "体育",
    "音乐",
    "美术",
    "科学",
    "语文",
    "数学",
    "语文",
    "道德与法治",
    "信息技术",
)


def _students(i: int, year: int) -> int:
    return 180 + (i * 37) % 600 + (year - 2023) * 5


def build_county(county, n: int, *, years=(2025,), first_code: int = 1, cases: bool = True) -> list[School]:
    """Add n schools (codes county.code + 4 digits from ``first_code``) with their yearly data."""
    townships = [Township.objects.get_or_create(county=county, name=name)[0] for name in TOWNSHIPS]
    School.objects.bulk_create(
        School(
            code=f"{county.code}{first_code + i:04d}",
            name=f"{TOWNSHIPS[i % 3][:2]}第{first_code + i}学校",
            county=county,
            township=townships[i % 3],
            school_type="初中" if i % 4 == 3 else "小学",
            urban_rural=AREAS[i % 3],
        )
        for i in range(n)
    )
    schools = list(
        School.objects.filter(
            county=county,
            code__gte=f"{county.code}{first_code:04d}",
            code__lt=f"{county.code}{first_code + n:04d}",
        ).order_by("code")
    )
    for year in years:
        conditions, teachers, classes = [], [], []
        for i, s in enumerate(schools):
            junior = s.school_type == "初中"
            p = _students(i, year)
            conditions.append(
                SchoolConditions(
                    school=s,
                    year=year,
                    primary_students=0 if junior else p,
                    junior_students=p if junior else 0,
                    building_area=p * (4.2 + (i % 7) * 0.4),
                    sports_area=p * (7 + i % 6),
                    equipment_value=p * (1700 + (i % 9) * 150),
                    computers=p // 8,
                    books=p * (25 + i % 10),
                    multimedia_rooms=p // 40 + 1,
                    music_rooms=1,
                    art_rooms=1,
                )
            )
            stage = "初中" if junior else "小学"
            for k in range(p // 14 + 2):
                teachers.append(
                    Teacher(
                        school=s,
                        year=year,
                        staff_no=f"T{k:04d}",
                        name=f"教师{k}",
                        stage=stage,
                        education="本科" if k % 5 else "专科",
                        title="一级" if k % 3 == 0 else "二级",
                        backbone="县级" if k % (5 + i % 6) == 0 else "无",
                        subject=SUBJECTS[k % len(SUBJECTS)],
                    )
                )
            for k in range(6):
                classes.append(
                    SchoolClass(
                        school=s,
                        year=year,
                        stage=stage,
                        grade=(7 if junior else 1) + k % 3,
                        name=f"{k + 1}班",
                        students=38 + (i + k * 5) % 30,
                    )
                )
        SchoolConditions.objects.bulk_create(conditions)
        Teacher.objects.bulk_create(teachers, batch_size=2000)
        SchoolClass.objects.bulk_create(classes, batch_size=2000)
    if cases:
        add_cases(county, schools[::10])
        add_items(county, max(1, n // 10), first=first_code)
    return schools


def _id_number(county, seq: int) -> str:
    first17 = f"{county.code}20120305{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


def add_cases(county, schools, *, status: str = "persuading", overdue: bool = False) -> list[DropoutCase]:
    """One dropout case per school given (test rows written directly; the workflow is dropout_control's).

    ``overdue`` cases are overdue as of today (dropout_control.selectors.overdue_now)."""
    today = date(2025, 10, 20)
    start = DropoutCase.objects.count()
    return DropoutCase.objects.bulk_create(
        DropoutCase(
            number=f"T{county.code}-{start + k:05d}",
            county=county,
            township=s.township,
            school=s,
            name=f"学生{k}",
            sex="male",
            birth_date=date(2012, 3, 5),
            id_number=_id_number(county, start + k),
            household_address="某村",
            absent_since=today - timedelta(days=20),
            guardian_name="家长",
            guardian_relation="父亲",
            reason="learning",
            status=status,
            overdue=overdue,
            # Overdue as of today: reported long ago and nobody has visited since.
            reported_on=today - timedelta(days=20) if overdue else timezone.localdate(),
        )
        for k, s in enumerate(schools)
    )


def add_items(county, n: int, *, first: int = 1, status: str = "in_progress") -> list[RectificationItem]:
    """n ledger items due in 60 days (test rows written directly)."""
    deadline = timezone.localdate() + timedelta(days=60)
    return RectificationItem.objects.bulk_create(
        RectificationItem(
            county=county,
            number=first + k,
            source="self_check",
            problem=f"问题{k}",
            lead_unit="县教育局",
            deadline=deadline,
            status=status,
        )
        for k in range(n)
    )
