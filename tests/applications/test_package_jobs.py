"""The package job and the 申报材料 page: versions with checksums, reuse on the same input,
failure and retry, the checklist of blanks, vetoes and eligibility, access per role, the CLI."""

import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry
from applications.models import ApplicationPackage, CountyFacts, Eligibility, FieldVisits, PackageFile
from applications.services import application_data
from balance_inspect.jobs import JobStatus
from indicators.services import assessment_run_now, county_item_save

from .conftest import YEAR

URL = "/applications/"


@pytest.fixture
def done_package(assessed, small_county, bureau):
    """A finished version stored without rendering (for access tests)."""
    package = ApplicationPackage.objects.create(
        county=small_county,
        year=YEAR,
        version=1,
        requested_by=bureau,
        status=JobStatus.DONE,
        input_fingerprint="f" * 64,
    )
    data = b"%PDF-1.7 test"
    part = PackageFile(
        package=package, kind="form_pdf", sha256=hashlib.sha256(data).hexdigest(), size=len(data), pages=1
    )
    part.file.save("t.pdf", ContentFile(data), save=False)
    part.save()
    return package


@pytest.mark.django_db(transaction=True)
def test_bureau_builds_a_versioned_package_and_the_same_input_reuses_its_files(login, bureau, assessed):
    client = login(bureau)
    assert client.post(f"{URL}new/", {"year": YEAR}).status_code == 302
    package = ApplicationPackage.objects.get()
    assert package.status == JobStatus.DONE, package.error
    kinds = {f.kind: f for f in package.files.all()}
    assert set(kinds) == {"form_xlsx", "form_pdf", "report_docx", "school_forms_zip"}
    for part in kinds.values():
        data = part.file.open("rb").read()
        assert hashlib.sha256(data).hexdigest() == part.sha256 and len(data) == part.size
    assert kinds["form_pdf"].pages >= 7 and package.input_fingerprint
    names = zipfile.ZipFile(io.BytesIO(kinds["school_forms_zip"].file.open("rb").read())).namelist()
    assert names and all(n.startswith("学校自评表/") for n in names)
    assert {n.rsplit(".", 1)[1] for n in names} == {"xlsx", "pdf"}
    assert AuditEntry.objects.filter(object_type="applications.ApplicationPackage", action="create").exists()

    client.post(f"{URL}new/", {"year": YEAR})
    second = ApplicationPackage.objects.get(version=2)
    assert second.status == JobStatus.DONE and second.reused_from_id == package.pk
    assert {f.kind: f.sha256 for f in second.files.all()} == {k: f.sha256 for k, f in kinds.items()}

    # New data: a new fingerprint and new files; the earlier versions keep theirs.
    FieldVisits.objects.create(county=package.county, year=YEAR, visited=10, satisfied=9)
    client.post(f"{URL}new/", {"year": YEAR})
    third = ApplicationPackage.objects.get(version=3)
    assert third.status == JobStatus.DONE and third.reused_from_id is None
    assert third.input_fingerprint != package.input_fingerprint
    assert third.files.get(kind="form_xlsx").sha256 != kinds["form_xlsx"].sha256
    assert (
        package.files.get(kind="form_xlsx").file.open("rb").read()
        == kinds["form_xlsx"].file.open("rb").read()
    )


@pytest.mark.django_db(transaction=True)
def test_a_render_error_fails_the_job_with_the_reason_and_a_retry_builds_it(
    login, bureau, assessed, monkeypatch
):
    import applications.services as services

    real = services.html_to_pdf

    def broken(html):
        raise RuntimeError("排版出错")

    monkeypatch.setattr(services, "html_to_pdf", broken)
    login(bureau).post(f"{URL}new/", {"year": YEAR})
    package = ApplicationPackage.objects.get()
    assert package.status == JobStatus.FAILED and "排版出错" in package.error
    assert "申报表 PDF" in package.error

    monkeypatch.setattr(services, "html_to_pdf", real)
    assert login(bureau).post(f"{URL}{package.pk}/retry/").status_code == 302
    package.refresh_from_db()
    assert package.status == JobStatus.DONE and package.files.count() == 4


@pytest.mark.django_db
def test_without_a_current_assessment_nothing_is_queued_and_the_page_says_why(login, bureau, small_county):
    client = login(bureau)
    page = client.post(f"{URL}new/", {"year": YEAR}, follow=True).content.decode()
    assert "还没有当前评估" in page
    assert not ApplicationPackage.objects.exists()


@pytest.mark.django_db
def test_a_stale_assessment_is_refused_until_assessed_again(login, bureau, assessed, small_county):
    CountyFacts.objects.create(county=small_county, year=YEAR, population=Decimal("30.5"))  # not an input
    assert application_data(small_county, YEAR)
    county_item_save(county=small_county, year=YEAR, key="veto_school_choice", value=Decimal(0), user=bureau)
    page = login(bureau).get(URL).content.decode()
    assert "数据已变更，请重新评估" in page


@pytest.mark.django_db
def test_the_checklist_names_each_blank_and_entering_the_facts_removes_them(
    login, bureau, assessed, small_county
):
    client = login(bureau)
    page = client.get(URL).content.decode()
    for blank in (
        "基本均衡认定年份",
        "人口总数（万人） L1",
        "特殊教育学校数（所） L14",
        "实地走访人数（家长）L5",
    ):
        assert blank in page, blank
    before = len(application_data(small_county, YEAR).checklist)

    facts = {
        "population": "31.27",
        "agricultural_population": "20.05",
        "villages": "212",
        "gdp_per_capita": "45210",
        "fiscal_revenue_per_capita": "3120",
        "farmer_income": "16540",
        "urban_income": "35820",
        "special_schools": "1",
        "source": "2025 年县统计年鉴",
    }
    assert client.post(f"{URL}facts/{YEAR}/", facts).status_code == 302
    assert (
        client.post(
            f"{URL}eligibility/", {"basic_recognition_year": "2018", "document": "教督函〔2018〕1号"}
        ).status_code
        == 302
    )
    visits = {"visited": "40", "satisfied": "37", "parents_visited": "20", "parents_satisfied": "19"}
    assert client.post(f"{URL}visits/{YEAR}/", visits).status_code == 302

    data = application_data(small_county, YEAR)
    assert len(data.checklist) == before - 9 - 1 - 4  # facts and source, eligibility, visits
    assert data.eligibility["eligible"] is True
    row = data.tables[0].rows[0]
    assert row[0].text == "31.27" and row[4].text == "45,210" and row[13].text == "1"
    assert AuditEntry.objects.filter(object_type="applications.CountyFacts", action="create").exists()
    assert AuditEntry.objects.filter(object_type="applications.Eligibility").exists()
    assert AuditEntry.objects.filter(object_type="applications.FieldVisits").exists()


@pytest.mark.django_db
def test_more_satisfied_than_visited_is_refused(login, bureau, assessed):
    page = login(bureau).post(f"{URL}visits/{YEAR}/", {"visited": "10", "satisfied": "11"}).content.decode()
    assert "满意人数不能多于走访人数" in page
    assert not FieldVisits.objects.exists()


@pytest.mark.django_db
def test_a_recognition_less_than_three_years_before_blocks_the_application(
    login, bureau, assessed, small_county
):
    Eligibility.objects.create(county=small_county, basic_recognition_year=2024)
    data = application_data(small_county, YEAR)
    assert data.eligibility["eligible"] is False
    assert any(c["blocking"] and c["table"] == "申报资格" for c in data.checklist)
    assert "暂不具备申报资格" in login(bureau).get(URL).content.decode()


@pytest.mark.django_db
def test_a_veto_that_exists_fails_the_application(login, bureau, small_county):
    county_item_save(county=small_county, year=YEAR, key="veto_exam_admission", value=Decimal(1), user=bureau)
    assessment_run_now(county=small_county, year=YEAR, scheme="quality-2017")
    data = application_data(small_county, YEAR)
    assert [v["key"] for v in data.vetoed] == ["veto_exam_admission"]
    assert any(c["blocking"] and "以考试方式招生" in c["item"] for c in data.checklist)
    page = login(bureau).get(URL).content.decode()
    assert "不能申报" in page


@pytest.mark.django_db
def test_inspectors_read_and_download_but_cannot_build_or_enter(login, inspector, done_package):
    client = login(inspector)
    page = client.get(URL)
    assert page.status_code == 200 and "生成新版本" not in page.content.decode()
    response = client.get(f"{URL}{done_package.pk}/download/form_pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert client.post(f"{URL}new/", {"year": YEAR}).status_code == 403
    assert client.post(f"{URL}{done_package.pk}/retry/").status_code == 403
    assert client.get(f"{URL}facts/{YEAR}/").status_code == 403
    assert client.post(f"{URL}eligibility/", {"basic_recognition_year": "2018"}).status_code == 403
    assert client.get(f"{URL}visits/{YEAR}/").status_code == 403


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
@pytest.mark.django_db
def test_township_officials_and_reporters_are_refused(request, login, persona, done_package):
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{done_package.pk}/download/form_pdf/").status_code == 403
    assert client.get(f"{URL}{done_package.pk}/status/").status_code == 403
    assert client.get(f"{URL}facts/{YEAR}/").status_code == 403


@pytest.mark.django_db
def test_another_countys_bureau_gets_404_for_this_countys_package(login, other_bureau, done_package):
    client = login(other_bureau)
    assert client.get(f"{URL}{done_package.pk}/download/form_pdf/").status_code == 404
    assert client.get(f"{URL}{done_package.pk}/status/").status_code == 404
    assert client.post(f"{URL}{done_package.pk}/retry/").status_code == 404
    assert str(done_package.county.name) not in client.get(URL).content.decode()


@pytest.mark.django_db
def test_an_unknown_part_or_an_unfinished_package_is_404(login, bureau, done_package):
    client = login(bureau)
    assert client.get(f"{URL}{done_package.pk}/download/nothing/").status_code == 404
    assert client.get(f"{URL}{done_package.pk}/download/form_xlsx/").status_code == 404
    ApplicationPackage.objects.filter(pk=done_package.pk).update(status=JobStatus.RUNNING)
    assert client.get(f"{URL}{done_package.pk}/download/form_pdf/").status_code == 404


@pytest.mark.django_db
def test_build_application_writes_every_part_and_lists_the_blanks(assessed, tmp_path):
    out = io.StringIO()
    call_command("build_application", county="130123", year=YEAR, out=str(tmp_path), stdout=out)
    assert (tmp_path / "申报表.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "申报表.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "自查自评报告.docx").read_bytes().startswith(b"PK")
    forms = sorted(p.name for p in (tmp_path / "学校自评表").iterdir())
    assert forms and {p.rsplit(".", 1)[1] for p in forms} == {"xlsx", "pdf"}
    text = out.getvalue()
    assert "尚需填写" in text and "人口总数（万人） L1" in text and "县教育局" in text


@pytest.mark.django_db
def test_build_application_refuses_an_unknown_county_or_one_without_an_assessment(small_county, tmp_path):
    with pytest.raises(CommandError, match="未找到区县"):
        call_command("build_application", county="999999", year=YEAR, out=str(tmp_path))
    with pytest.raises(CommandError, match="还没有当前评估"):
        call_command("build_application", county="130123", year=YEAR, out=str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_school_forms_render_in_chunks_and_a_retry_renders_only_the_missing_chunk(
    login, bureau, assessed, settings, monkeypatch
):
    import applications.services as services

    settings.APPLICATION_SCHOOL_FORM_CHUNK = 2
    real = services.school_forms_pdfs
    calls = []

    def flaky(forms):
        calls.append([f["code"] for f in forms])
        if len(calls) == 2 and not getattr(flaky, "healed", False):
            raise RuntimeError("第二部分排版出错")
        return real(forms)

    monkeypatch.setattr(services, "school_forms_pdfs", flaky)
    login(bureau).post(f"{URL}new/", {"year": YEAR})
    package = ApplicationPackage.objects.get()
    assert package.status == JobStatus.FAILED and "学校自评表第 2 部分" in package.error

    flaky.healed = True
    done_before = len(calls)
    login(bureau).post(f"{URL}{package.pk}/retry/")
    package.refresh_from_db()
    assert package.status == JobStatus.DONE, package.error
    retried = calls[done_before:]
    assert retried[0] == calls[1]  # the failed chunk first; the first chunk is not rendered again
    assert calls[0] not in retried
    names = zipfile.ZipFile(
        io.BytesIO(package.files.get(kind="school_forms_zip").file.open("rb").read())
    ).namelist()
    rendered = {code for chunk in calls for code in chunk}
    assert len(names) == 2 * len(rendered) and all(len(chunk) <= 2 for chunk in calls)
    assert not (Path(settings.MEDIA_ROOT) / "application-parts" / str(package.pk)).exists()


def test_part_and_join_tasks_have_the_time_limits_of_every_job(settings):
    from applications import tasks

    for task in (tasks.build_package_task, tasks.render_package_part_task, tasks.join_package_task):
        assert task.time_limit == settings.CELERY_TASK_TIME_LIMIT
        assert task.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT < task.time_limit


@pytest.mark.django_db
def test_open_blocking_data_quality_findings_block_the_application(assessed, small_county, school_a):
    from django.utils import timezone

    from dataquality import rules
    from dataquality.models import Finding

    rule = next(k for k, r in rules.RULES.items())
    Finding.objects.create(
        county=small_county,
        year=YEAR,
        rule=rule,
        severity=rules.BLOCKING,
        school=school_a,
        subject=school_a.name,
        field="primary_students",
        message="在校生数与班级学生数之和不符",
        fingerprint="0" * 64,
        last_seen=timezone.now(),
    )
    data = application_data(small_county, YEAR)
    assert data.blocking_findings == 1
    assert any(c["blocking"] and "1 条阻断性问题" in c["item"] for c in data.checklist)
