"""Plain builders of the security tests: rows of every app, made through their services.

Each builder takes the personas it needs and returns the rows it made, so a test can aim at
"another area's" rows by id. Files are small but valid (a real PDF, a real xlsx).
"""

import io
from datetime import date, timedelta
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from balance_inspect.jobs import JobStatus
from tests.dropout_control.casedata import add_visit, ledger_data

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+1", "-1", "@SUM(A1)")


# --- files ------------------------------------------------------------------------------------


def pdf_bytes(title: str = "Evidence") -> bytes:
    from rectification.demo import tiny_pdf

    return tiny_pdf(title)


def xlsx_bytes(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_upload(name: str = "证明.pdf", title: str = "Evidence") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(title), content_type="application/pdf")


# --- dropout control --------------------------------------------------------------------------


def file_case(user, township, school=None, **overrides):
    from dropout_control import services

    return services.case_create(user=user, data=ledger_data(township, school, **overrides))


def case_with_paperwork(user, township, school, **overrides):
    """A case in 劝返中 with a visit carrying an attachment, an issued notice, a proof-free state.

    Returns SimpleNamespace(case, visit, notice).
    """
    from dropout_control import services

    case = file_case(user, township, school, **overrides)
    services.case_confirm(user=user, case=case, note="缺课超过 30 天，入户核实")
    visit = services.persuasion_log_add(
        user=user,
        case=case,
        data={
            "visited_on": case.absent_since + timedelta(days=1),
            "method": "home_visit",
            "gov_people": "村干部",
            "edu_people": "班主任",
            "result": "undecided",
            "result_detail": "监护人同意考虑",
        },
        attachment=pdf_upload("走访记录.pdf"),
    )
    case = services.case_start_persuasion(user=user, case=case)
    notice = services.notice_issue(user=user, case=case, school=school)
    case.refresh_from_db()
    return SimpleNamespace(case=case, visit=visit, notice=notice)


def closed_request_case(user, township, school, **overrides):
    """A suspected case whose close request (returned, with a PDF proof) awaits review."""
    from dropout_control import services

    case = file_case(user, township, school, **overrides)
    add_visit(user, case)
    return services.case_request_close(
        user=user,
        case=case,
        outcome="returned",
        outcome_school=school,
        outcome_date=timezone.localdate(),
        proof=pdf_upload("复学证明.pdf"),
    )


def letter_with_scan(user, township, school=None):
    from dropout_control import services

    return services.letter_save(
        user=user,
        township=township,
        school=school,
        year=timezone.localdate().year,
        line="education" if school else "government",
        signed_on=timezone.localdate() - timedelta(days=3),
        party_a="县政府",
        party_b=township.name,
        scan=pdf_upload("责任书.pdf"),
    )


# --- rectification ----------------------------------------------------------------------------


def rectification_item_data(**overrides) -> dict:
    from rectification.models import Source

    data = {
        "source": Source.PROVINCIAL,
        "source_no": 1,
        "source_date": date(2025, 3, 18),
        "source_team": "省督导组第二组",
        "problem": "生均体育运动场馆面积不足",
        "indicator": "sports_area_pp",
        "stage": "primary",
        "target": "达到 7.5 ㎡",
        "measures": "改扩建运动场",
        "lead_unit": "县教育局计财股",
        "cooperating_units": "县财政局",
        "responsible_person": "王科长",
        "deadline": timezone.localdate() + timedelta(days=60),
    }
    data.update(overrides)
    return data


def rectification_rows(user, county, **item_overrides):
    """An item with one evidence file, one archive file and one prep task of ``county``."""
    from rectification import services
    from rectification.models import ArchivePoint, PrepTask

    if not ArchivePoint.objects.exists():
        services.archive_points_ensure()
    item = services.item_create(user=user, county=county, data=rectification_item_data(**item_overrides))
    evidence = services.evidence_add(user=user, item=item, upload=pdf_upload("整改佐证.pdf"))
    point = ArchivePoint.objects.order_by("pk").first()
    archive_file = services.archive_file_add(
        user=user, county=county, point=point, upload=pdf_upload("档案.pdf")
    )
    task = PrepTask.objects.create(
        county=county,
        title="整理档案",
        owner_unit="督导室",
        deadline=timezone.localdate() + timedelta(days=20),
    )
    return SimpleNamespace(item=item, evidence=evidence, archive_file=archive_file, point=point, task=task)


# --- indicators -------------------------------------------------------------------------------


def county_item_with_evidence(user, county, year=2025):
    from decimal import Decimal

    from indicators import services

    value = services.county_item_save(
        county=county,
        year=year,
        key="special_education_funding",
        inputs={"funds_wan": Decimal(65), "students": Decimal(100)},
        note="财政拨付文件",
        files=[pdf_upload("拨付文件.pdf")],
        user=user,
    )
    return value, value.evidence.get()


def done_assessment(county, result=None, year=2025, scheme="quality-2017"):
    from indicators.models import Assessment

    return Assessment.objects.create(
        county=county,
        year=year,
        scheme=scheme,
        status=JobStatus.DONE,
        result=result or {"stages": {}, "units": []},
        passed=False,
        finished_at=timezone.now(),
    )


# --- dossiers ---------------------------------------------------------------------------------


def done_dossier(county, user, year=2025):
    from dossiers.models import Dossier

    dossier = Dossier.objects.create(
        county=county,
        year=year,
        scheme="quality-2017",
        version=1,
        requested_by=user,
        status=JobStatus.DONE,
        finished_at=timezone.now(),
    )
    dossier.file.save(f"{county.code}-dossier.pdf", ContentFile(pdf_bytes("Dossier")), save=True)
    return dossier


def done_package(county, user, year=2025):
    """A finished 申报材料 version with one stored part (申报表.pdf)."""
    from applications.models import ApplicationPackage, PackageFile

    package = ApplicationPackage.objects.create(
        county=county,
        year=year,
        version=1,
        requested_by=user,
        status=JobStatus.DONE,
        finished_at=timezone.now(),
    )
    data = pdf_bytes("Application")
    part = PackageFile(package=package, kind="form_pdf", sha256="0" * 64, size=len(data), pages=1)
    part.file.save(f"{county.code}-application.pdf", ContentFile(data), save=True)
    return package


# --- surveys ----------------------------------------------------------------------------------


def survey_rows(user, county, school=None):
    from surveys import services
    from surveys.models import RespondentGroup

    today = timezone.localdate()
    survey = services.survey_create_from_template(user=user, county=county, today=today - timedelta(days=1))
    question = survey.questions.order_by("order").first()
    invitation = services.invitation_create(
        user=user, survey=survey, school=school, group=RespondentGroup.PARENT, target=3, quota=50
    )
    return SimpleNamespace(survey=survey, question=question, invitation=invitation)


# --- schools import ---------------------------------------------------------------------------


def import_record(user, county):
    from schools.models import ImportRecord

    record = ImportRecord.objects.create(
        kind="conditions",
        county=county,
        user=user,
        file_name="办学条件.xlsx",
        sha256="0" * 64,
        status=ImportRecord.Status.PREVIEWED,
    )
    return record


def survey_answer_data(invitation, token: str, *, text: str = "") -> dict:
    """A complete answer of `invitation`'s questions (top scores; `text` in free-text questions)."""
    from surveys.models import Question

    data = {"form_token": token}
    for q in invitation.survey.questions.all():
        if invitation.group not in q.groups:
            continue
        if q.kind == Question.Kind.SCALE:
            data[f"q{q.pk}"] = "5"
        elif q.kind == Question.Kind.AWARENESS:
            data[f"q{q.pk}"] = "1"
        elif q.kind == Question.Kind.CHOICE:
            data[f"q{q.pk}"] = "0"
        elif text:
            data[f"q{q.pk}"] = text
    return data


def form_token(html: str) -> str:
    import re

    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


# --- a small county with data to assess -------------------------------------------------------


def fill_school(school, *, primary=0, junior=0, books=10000, area=2000, year=2025, teacher_names=()):
    """Conditions, 20 full-time teachers and a class per grade of `school` in `year`; the first
    teachers take `teacher_names`."""
    from tests.factories import ClassFactory, ConditionsFactory, TeacherFactory

    students = primary + junior
    ConditionsFactory(
        school=school,
        year=year,
        primary_students=primary,
        junior_students=junior,
        books=books,
        building_area=area,
        sports_area=students * 9,
        equipment_value=students * 2600,
        computers=students // 8,
        multimedia_rooms=students // 40 + 1,
        music_rooms=1,
        art_rooms=1,
    )
    stage = "小学" if primary else "初中"
    subjects = ["语文", "数学", "英语", "体育", "音乐", "美术", "科学", "语文", "数学", "语文"] * 2
    for i, subject in enumerate(subjects):
        name = teacher_names[i] if i < len(teacher_names) else f"教师{school.code[-3:]}{i}"
        TeacherFactory(
            school=school,
            year=year,
            stage=stage,
            subject=subject,
            staff_no=f"{school.code[-3:]}{i:03d}",
            name=name,
            backbone="县级" if i % 4 == 0 else "无",
            education="本科",
        )
    for grade in range(1, 7) if primary else range(7, 10):
        ClassFactory(school=school, year=year, stage=stage, grade=grade, name=f"{grade}年级1班", students=40)


def small_county(school_a, school_b, *, teacher_names=()):
    """滨河县 2025 with the two persona schools and a junior school, ready to assess."""
    from tests.factories import SchoolFactory

    junior = SchoolFactory(
        township=school_a.township, code="1301230004", name="城关中学", school_type="初中", urban_rural="城区"
    )
    fill_school(school_a, primary=420, books=14000, area=2300, teacher_names=teacher_names)
    fill_school(school_b, primary=180, books=3000, area=700)
    fill_school(junior, junior=450, books=20000, area=3000)
    return school_a.county
