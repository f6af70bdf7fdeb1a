import pytest

from indicators.services import assessment_run_now
from tests.applications.conftest import YEAR, assessed, small_county  # noqa: F401  (fixtures used here)
from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory


def fill(school, *, primary=0, junior=0, area_pp=6.0, sports_pp=11.0, big_class=False):
    students = primary + junior
    ConditionsFactory(
        school=school,
        year=2025,
        primary_students=primary,
        junior_students=junior,
        books=students * 30,
        building_area=round(students * area_pp),
        sports_area=round(students * sports_pp),
        equipment_value=students * 2600,
        computers=students // 8,
        multimedia_rooms=students // 40 + 1,
        music_rooms=1,
        art_rooms=1,
    )
    stages = [("小学", primary), ("初中", junior)]
    for stage, n in stages:
        if not n:
            continue
        subjects = ["语文", "数学", "英语", "体育", "音乐", "美术", "科学", "语文"]
        # About one teacher per 14 students: every school reaches the teacher indicators, so
        # the weak ones are weak by floor and sports area only.
        for i in range(max(8, n // 14)):
            subject = subjects[i % len(subjects)]
            TeacherFactory(
                school=school,
                year=2025,
                stage=stage,
                subject=subject,
                staff_no=f"{school.code[-3:]}{stage}{i:03d}",
                backbone="县级" if i % 4 == 0 else "无",
                education="本科",
            )
        grades = range(1, 7) if stage == "小学" else range(7, 10)
        for grade in grades:
            ClassFactory(
                school=school,
                year=2025,
                stage=stage,
                grade=grade,
                name=f"{stage}{grade}年级1班",
                students=58 if big_class and grade == grades[0] else 40,
            )


@pytest.fixture
def visit_county(county, school_a, school_b, township_a, township_b):
    """滨河县 with 12 schools of every stage group, area and size, a teaching point, two clearly
    weak schools (河口小学: little floor and sports area; 北山中学: also one oversized class), and
    its current assessment (quality-2017, 2025)."""
    county.target_scheme = "quality-2017"
    county.save()
    specs = [
        ("1301230003", "东关小学", "小学", "镇区", township_a),
        ("1301230004", "城关中学", "初中", "城区", township_a),
        ("1301230005", "河口中学", "初中", "乡村", township_b),
        ("1301230006", "北山中学", "初中", "镇区", township_b),
        ("1301230007", "实验学校", "九年一贯制学校", "城区", township_a),
        ("1301230008", "西岭学校", "九年一贯制学校", "乡村", township_b),
        ("1301230009", "南湖小学", "小学", "城区", township_a),
        ("1301230010", "柳树小学", "小学", "乡村", township_b),
        ("1301230011", "新城小学", "小学", "镇区", township_a),
    ]
    schools = {s.code: s for s in (school_a, school_b)}
    for code, name, school_type, area, township in specs:
        schools[code] = SchoolFactory(
            township=township, code=code, name=name, school_type=school_type, urban_rural=area
        )
    point = SchoolFactory(
        township=township_b,
        code="1301230012",
        name="杏林教学点",
        school_type="教学点",
        urban_rural="乡村",
        parent=school_b,
    )
    fill(school_a, primary=900)
    fill(school_b, primary=160, area_pp=2.0, sports_pp=3.0)
    fill(schools["1301230003"], primary=420)
    fill(schools["1301230004"], junior=1200)
    fill(schools["1301230005"], junior=300)
    fill(schools["1301230006"], junior=500, area_pp=3.0, sports_pp=5.0, big_class=True)
    fill(schools["1301230007"], primary=700, junior=400)
    fill(schools["1301230008"], primary=150, junior=90)
    fill(schools["1301230009"], primary=1100)
    fill(schools["1301230010"], primary=120)
    fill(schools["1301230011"], primary=380)
    fill(point, primary=25)
    assessment_run_now(county=county, year=2025, scheme="quality-2017")
    return county


# --- submissions ------------------------------------------------------------------------------


def build_package(county, user):
    """A finished package version of the county's current data, stored without rendering: its
    input fingerprint is the one the real build would record, its one file's bytes follow it."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.db.models import Max

    from applications.models import ApplicationPackage, PackageFile
    from applications.services import application_data, package_fingerprint
    from balance_inspect.jobs import JobStatus

    fingerprint = package_fingerprint(application_data(county, YEAR))
    last = ApplicationPackage.objects.filter(county=county, year=YEAR).aggregate(v=Max("version"))["v"] or 0
    package = ApplicationPackage.objects.create(
        county=county,
        year=YEAR,
        version=last + 1,
        requested_by=user,
        status=JobStatus.DONE,
        input_fingerprint=fingerprint,
    )
    data = f"%PDF-1.7 {fingerprint}".encode()
    part = PackageFile(
        package=package, kind="form_pdf", sha256=hashlib.sha256(data).hexdigest(), size=len(data), pages=1
    )
    part.file.save("t.pdf", ContentFile(data), save=False)
    part.save()
    return package


@pytest.fixture
def built_package(request, bureau):
    """滨河县 (tests.applications.conftest.small_county) with its current assessment
    (``assessed``) and a finished package of the current data."""
    request.getfixturevalue("assessed")
    return build_package(request.getfixturevalue("small_county"), bureau)
