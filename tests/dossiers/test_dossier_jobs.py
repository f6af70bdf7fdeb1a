"""Dossier jobs: request → task → done with a file; failure with a reason; retry; stale jobs; access."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from balance_inspect.jobs import JobStatus, reap_stale
from dossiers.models import Dossier
from dossiers.services import dossier_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_bureau_request_builds_a_versioned_dossier_with_its_checksum(login, bureau, small_county):
    client = login(bureau)
    response = client.post("/dossiers/new/", {"year": 2025, "scheme": "quality-2017"})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == JobStatus.DONE, dossier.error
    data = dossier.file.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == dossier.sha256
    assert dossier.pages > 4 and dossier.version == 1 and dossier.input_fingerprint
    assert AuditEntry.objects.filter(object_type="dossiers.Dossier", action="create").exists()

    client.post("/dossiers/new/", {"year": 2025, "scheme": "quality-2017"})
    versions = list(Dossier.objects.order_by("version").values_list("version", "sha256"))
    assert [v for v, _ in versions] == [1, 2]
    assert versions[0][1] == dossier.sha256  # the first version is never rewritten


def test_a_render_error_ends_the_job_failed_with_the_reason_and_retry_works(
    login, bureau, small_county, monkeypatch
):
    import dossiers.services as services

    def broken(*args, **kwargs):
        raise RuntimeError("模板渲染出错")

    real = services.render_part
    monkeypatch.setattr(services, "render_part", broken)
    dossier = dossier_request(county=small_county, year=2025, scheme="quality-2017", user=bureau)
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.FAILED
    assert "模板渲染出错" in dossier.error

    monkeypatch.setattr(services, "render_part", real)
    response = login(bureau).post(f"/dossiers/{dossier.pk}/retry/")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.DONE


def test_a_job_whose_worker_died_is_marked_failed_and_can_be_retried(bureau, small_county, settings):
    dossier = Dossier.objects.create(
        county=small_county,
        year=2025,
        scheme="quality-2017",
        version=1,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 5),
    )
    assert reap_stale() == 1
    dossier.refresh_from_db()
    assert dossier.status == JobStatus.FAILED and "重试" in dossier.error


def test_a_fresh_running_job_is_left_alone(small_county):
    Dossier.objects.create(
        county=small_county,
        year=2025,
        scheme="quality-2017",
        version=1,
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
    )
    assert reap_stale() == 0


@pytest.fixture
def done_dossier(bureau, small_county):
    return dossier_request(county=small_county, year=2025, scheme="basic-2012", user=bureau)


def test_inspector_downloads_a_finished_dossier_but_cannot_request_or_retry(login, inspector, done_dossier):
    client = login(inspector)
    response = client.get(f"/dossiers/{done_dossier.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.post("/dossiers/new/", {"year": 2025, "scheme": "basic-2012"}).status_code == 403
    assert client.post(f"/dossiers/{done_dossier.pk}/retry/").status_code == 403
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_officials_and_reporters_cannot_see_dossiers(request, login, persona, done_dossier):
    client = login(request.getfixturevalue(persona))
    assert client.get("/dossiers/").status_code == 403
    assert client.get(f"/dossiers/{done_dossier.pk}/download/").status_code == 403


def test_another_countys_bureau_gets_404(login, other_bureau, done_dossier):
    assert login(other_bureau).get(f"/dossiers/{done_dossier.pk}/download/").status_code == 404
    assert login(other_bureau).get(f"/dossiers/{done_dossier.pk}/status/").status_code == 404


def test_school_brief_is_one_pdf_page_for_bureau_and_refused_to_other_areas(
    login, bureau, other_bureau, reporter, small_county, school_a
):
    import io

    from pypdf import PdfReader

    response = login(bureau).get(f"/dossiers/school/{school_a.code}/brief.pdf?year=2025")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1 and "城关小学" in reader.pages[0].extract_text()
    assert login(other_bureau).get(f"/dossiers/school/{school_a.code}/brief.pdf").status_code == 404
    assert login(reporter).get(f"/dossiers/school/{school_a.code}/brief.pdf").status_code == 403


def test_build_dossier_command_writes_the_pdf(small_county, tmp_path):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    target = tmp_path / "d.pdf"
    call_command(
        "build_dossier", county="130123", year=2025, scheme="basic-2012", out=str(target), stdout=out
    )
    assert target.read_bytes().startswith(b"%PDF") and "页" in out.getvalue()


def test_build_dossier_command_refuses_an_unknown_county(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="未找到区县"):
        call_command("build_dossier", county="999999", year=2025, scheme="basic-2012", out="/tmp/x.pdf")


def test_opening_a_school_brief_stores_no_assessment(login, inspector, small_county, school_a):
    from indicators.models import Assessment

    before = Assessment.objects.count()
    response = login(inspector).get(f"/dossiers/school/{school_a.code}/brief.pdf?year=2025")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Assessment.objects.count() == before
