"""The application package end to end with a real Celery worker on Redis and PostgreSQL (CI):
the plan, the 申报表.pdf and 学校自评表 chunk steps and the join run as separate tasks."""

import hashlib
import io
import zipfile

import pytest

from applications.services import package_request
from balance_inspect.jobs import JobStatus
from tests.conftest import wait_for

pytestmark = pytest.mark.integration

YEAR = 2025


@pytest.fixture
def one_school_chunks(monkeypatch, settings):
    """Set before the worker starts (it reads the environment): one chunk step per school."""
    monkeypatch.setenv("APPLICATION_SCHOOL_FORM_CHUNK", "1")
    settings.APPLICATION_SCHOOL_FORM_CHUNK = 1


def test_a_real_worker_builds_every_part_of_the_package(
    one_school_chunks, celery_worker_process, bureau, assessed
):
    package = package_request(county=assessed.county, year=YEAR, user=bureau)

    def finished():
        package.refresh_from_db()
        return package.status in (JobStatus.DONE, JobStatus.FAILED)

    wait_for(finished, timeout=240)
    assert package.status == JobStatus.DONE, package.error + celery_worker_process["log"].read_text()
    files = {f.kind: f for f in package.files.all()}
    assert set(files) == {"form_xlsx", "form_pdf", "report_docx", "school_forms_zip"}
    for part in files.values():
        data = part.file.open("rb").read()
        assert hashlib.sha256(data).hexdigest() == part.sha256
    names = zipfile.ZipFile(io.BytesIO(files["school_forms_zip"].file.open("rb").read())).namelist()
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".xlsx") for n in names)
    assert files["form_pdf"].file.open("rb").read(5) == b"%PDF-"
