"""Every upload endpoint refuses oversized and malformed files with a clear Chinese message and
writes nothing (no rows, no stored file).

Malformed: an executable renamed .xlsx/.pdf (Windows MZ, Linux ELF), a zip that is neither a
workbook nor a Word document, an empty file, a truncated workbook. Oversized: a real file of the
accepted kind above settings.UPLOAD_MAX_BYTES.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from schools.models import ImportRecord
from tests.security import world

pytestmark = pytest.mark.django_db

LIMIT = 4096


def _valid_xlsx() -> bytes:
    return world.xlsx_bytes(["学年", "学校标识码"], [[2025, "1301230001"]])


def _big_pdf() -> bytes:
    """A real PDF padded with a comment line past LIMIT."""
    pdf = world.pdf_bytes()
    return pdf.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + b"x" * (LIMIT * 2) + b"\n", 1)


def _big_xlsx() -> bytes:
    return world.xlsx_bytes(
        ["学年", "学校标识码", "说明"], [[2025, "1301230001", f"第{i}行" * 30] for i in range(300)]
    )


def _zip_of(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


MALFORMED = {
    "windows executable": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200,
    "linux executable": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,
    "zip, not office": _zip_of({"readme.txt": "hello", "evil.sh": "rm -rf /"}),
    "empty": b"",
    "truncated workbook": _valid_xlsx()[:700],
}
REFUSAL_WORDS = ("文件类型不被接受", "无法读取", "空文件", "文件过大")


@dataclass
class Endpoint:
    name: str
    persona: str
    accepts: str  # "xlsx" or "document"
    url: Callable
    data: Callable  # (file) -> POST data
    follow: bool = False
    plain: Callable | None = None  # the page that shows the form, if not the POST URL or redirect target


def _case_a(request):
    return request.getfixturevalue("case_a")


ENDPOINTS = [
    Endpoint(
        "school import",
        "bureau",
        "xlsx",
        lambda r: reverse("schools:import_start"),
        lambda f, r: {"kind": "conditions", "file": f},
        follow=True,
        plain=lambda r: reverse("schools:import_start"),
    ),
    Endpoint(
        "dropout ledger import",
        "bureau",
        "xlsx",
        lambda r: reverse("dropout_control:ledger_import"),
        lambda f, r: {"file": f},
    ),
    Endpoint(
        "retention figures import",
        "bureau",
        "xlsx",
        lambda r: reverse("dropout_control:cohort_import"),
        lambda f, r: {"file": f},
    ),
    Endpoint(
        "rectification feedback import",
        "bureau",
        "xlsx",
        lambda r: reverse("rectification:import"),
        lambda f, r: {"file": f},
    ),
    Endpoint(
        "rectification evidence",
        "bureau",
        "document",
        lambda r: reverse("rectification:evidence_upload", args=[r.getfixturevalue("rect_item").pk]),
        lambda f, r: {"file": f, "description": "佐证"},
        follow=True,
    ),
    Endpoint(
        "archive file",
        "bureau",
        "document",
        lambda r: reverse("rectification:archive_upload", args=[r.getfixturevalue("archive_point").pk]),
        lambda f, r: {"file": f, "description": "档案"},
        follow=True,
    ),
    Endpoint(
        "county item evidence",
        "bureau",
        "document",
        lambda r: reverse("indicators:item_save", args=[2025, "special_education_funding"]),
        lambda f, r: {
            "special_education_funding-funds_wan": "65",
            "special_education_funding-students": "100",
            "special_education_funding-note": "拨付文件",
            "special_education_funding-files": f,
        },
        follow=True,
    ),
    Endpoint(
        "persuasion attachment",
        "township_official",
        "document",
        lambda r: reverse("dropout_control:visit_create", args=[_case_a(r).pk]),
        lambda f, r: {
            "visited_on": _case_a(r).absent_since.isoformat(),
            "method": "home_visit",
            "gov_people": "村干部",
            "edu_people": "班主任",
            "result": "undecided",
            "result_detail": "",
            "attachment_file": f,
        },
    ),
    Endpoint(
        "close request proof",
        "township_official",
        "document",
        lambda r: reverse("dropout_control:close_request", args=[_case_a(r).pk]),
        lambda f, r: {"outcome": "transferred", "outcome_note": "", "proof": f},
    ),
    Endpoint(
        "letter scan",
        "township_official",
        "document",
        lambda r: reverse("dropout_control:letter_create"),
        lambda f, r: {
            "year": timezone.localdate().year,
            "line": "government",
            "township": r.getfixturevalue("township_a").pk,
            "party_a": "县政府",
            "party_b": "城关镇",
            "signed_on": timezone.localdate().isoformat(),
            "scan": f,
        },
    ),
] + [
    Endpoint(
        f"workforce import {kind}",
        "bureau",
        "xlsx",
        lambda r, kind=kind: reverse("workforce:import_upload", args=[kind]),
        lambda f, r: {"file": f},
    )
    for kind in ("posts", "exchanges", "training", "joined")
]
IDS = [e.name for e in ENDPOINTS]

WATCHED = (
    "schools.School",
    "schools.SchoolConditions",
    "schools.Teacher",
    "schools.SchoolClass",
    "dropout_control.DropoutCase",
    "dropout_control.PersuasionLog",
    "dropout_control.CohortFigure",
    "dropout_control.ResponsibilityLetter",
    "rectification.RectificationItem",
    "rectification.EvidenceFile",
    "rectification.ArchiveFile",
    "indicators.CountyItemValue",
    "indicators.CountyItemEvidence",
    "workforce.ApprovedPosts",
    "workforce.ExchangeRecord",
    "workforce.TrainingRecord",
    "accounts.AuditEntry",
)


def _rows():
    return {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in WATCHED}


@pytest.fixture
def case_a(township_official, township_a, school_a):
    return world.file_case(township_official, township_a, school_a)


@pytest.fixture
def rect_item(bureau, county):
    from rectification import services

    return services.item_create(user=bureau, county=county, data=world.rectification_item_data())


@pytest.fixture
def archive_point():
    from rectification.models import ArchivePoint

    return ArchivePoint.objects.order_by("pk").first()


def _post(request, login, endpoint, payload: bytes, name: str):
    """(response of the POST, the same page fetched again afterwards)."""
    client = login(request.getfixturevalue(endpoint.persona))
    url = endpoint.url(request)
    upload = SimpleUploadedFile(name, payload, content_type="application/octet-stream")
    response = client.post(url, endpoint.data(upload, request), follow=endpoint.follow)
    shown_at = response.redirect_chain[-1][0] if endpoint.follow and response.redirect_chain else url
    if endpoint.plain is not None:
        shown_at = endpoint.plain(request)
    return response, client.get(shown_at)


def _assert_refused(responses, rows_before, files_before, rows_after, files_after, words=REFUSAL_WORDS):
    response, again = responses
    assert response.status_code == 200, response.status_code
    body, plain = response.content.decode(), again.content.decode()
    # The words must come from this refusal, not from help text that is always on the page.
    assert any(w in body and w not in plain for w in words), "no clear Chinese refusal on the page"
    assert rows_after == rows_before, "rows were written"
    assert files_after == files_before, "a file was stored"
    refused = ImportRecord.objects.exclude(status=ImportRecord.Status.REFUSED)
    assert not refused.exists(), "an import was not marked refused"


@pytest.mark.parametrize("kind", list(MALFORMED))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_malformed_uploads_are_refused_and_nothing_is_written(endpoint, kind, request, login, media_files):
    for fixture in ("case_a", "rect_item", "archive_point"):
        request.getfixturevalue(fixture)
    name = "数据.xlsx" if endpoint.accepts == "xlsx" else "证明.pdf"
    rows, files = _rows(), media_files()
    response = _post(request, login, endpoint, MALFORMED[kind], name)
    _assert_refused(response, rows, files, _rows(), media_files())


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_oversized_uploads_are_refused_and_nothing_is_written(
    endpoint, request, login, media_files, settings
):
    settings.UPLOAD_MAX_BYTES = LIMIT
    for fixture in ("case_a", "rect_item", "archive_point"):
        request.getfixturevalue(fixture)
    payload, name = (_big_xlsx(), "数据.xlsx") if endpoint.accepts == "xlsx" else (_big_pdf(), "证明.pdf")
    assert len(payload) > LIMIT
    rows, files = _rows(), media_files()
    response = _post(request, login, endpoint, payload, name)
    _assert_refused(response, rows, files, _rows(), media_files(), words=("文件过大",))


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.accepts == "document"],
    ids=[e.name for e in ENDPOINTS if e.accepts == "document"],
)
def test_a_valid_document_of_the_same_size_class_is_accepted(endpoint, request, login, media_files):
    """Control: the endpoints above do store a real PDF, so their refusals are about the content."""
    for fixture in ("case_a", "rect_item", "archive_point"):
        request.getfixturevalue(fixture)
    files = media_files()
    response, _again = _post(request, login, endpoint, world.pdf_bytes(), "证明.pdf")
    assert response.status_code in (200, 302)
    assert len(media_files() - files) == 1, response.content.decode()[:2000]


@pytest.mark.parametrize(
    "payload", [MALFORMED["windows executable"], MALFORMED["linux executable"]], ids=["MZ", "ELF"]
)
def test_an_executable_named_like_a_pdf_image_or_word_file_is_refused(
    payload, login, bureau, rect_item, media_files
):
    client = login(bureau)
    for name in ("scan.pdf", "photo.jpg", "photo.png", "report.docx", "table.xlsx"):
        files = media_files()
        response = client.post(
            reverse("rectification:evidence_upload", args=[rect_item.pk]),
            {"file": SimpleUploadedFile(name, payload)},
            follow=True,
        )
        assert "文件类型不被接受" in response.content.decode()
        assert media_files() == files


def test_a_missing_file_is_named_as_such(login, bureau, rect_item):
    response = login(bureau).post(
        reverse("rectification:evidence_upload", args=[rect_item.pk]),
        {"description": "忘了选文件"},
        follow=True,
    )
    assert "请选择要上传的文件" in response.content.decode()


# --- odd cell values inside a well-formed workbook ------------------------------------------------

ODD_CELLS = (
    "²",
    "٣",
    "9" * 40,
    "-1",
    "1e999",
    "nan",
    "inf",
    "\u200b",
    "  ",
    "<b>x</b>",
    "' OR 1=1 --",
    "2025-13-45",
    "0x10",
    "1_000",
    "１２３",
)


def _headers_of(name: str) -> list[str]:
    from dropout_control.importing import COHORTS, LEDGER
    from rectification.feedback import COLUMNS
    from schools.columns import TEMPLATES as SCHOOL_TEMPLATES
    from workforce.importing import TEMPLATES as WORKFORCE_TEMPLATES

    if name == "school import":
        return list(SCHOOL_TEMPLATES["conditions"].headers)
    if name == "dropout ledger import":
        return list(LEDGER.headers)
    if name == "retention figures import":
        return list(COHORTS.headers)
    if name == "rectification feedback import":
        return list(COLUMNS)
    return list(WORKFORCE_TEMPLATES[name.rsplit(" ", 1)[-1]].headers)


XLSX_ENDPOINTS = [e for e in ENDPOINTS if e.accepts == "xlsx"]


@pytest.mark.parametrize("endpoint", XLSX_ENDPOINTS, ids=[e.name for e in XLSX_ENDPOINTS])
def test_odd_cell_values_are_refused_row_by_row_never_a_crash(endpoint, request, login, media_files):
    """Every column of every row holds something a parser might choke on (superscript or
    Arabic-Indic digits, 40-digit numbers, 'inf', zero-width spaces …): the file is refused with
    row errors; nothing is written."""
    headers = _headers_of(endpoint.name)
    rows = [[value] * len(headers) for value in ODD_CELLS]
    for i, value in enumerate(ODD_CELLS):  # and each value once in every column, the rest plausible
        rows.append([value if j == i % len(headers) else "" for j in range(len(headers))])
    body = world.xlsx_bytes(headers, rows)
    before, files = _rows(), media_files()
    client = login(request.getfixturevalue(endpoint.persona))
    response = client.post(
        endpoint.url(request),
        endpoint.data(SimpleUploadedFile("数据.xlsx", body), request),
        follow=endpoint.follow,
    )
    assert response.status_code == 200
    assert "第" in response.content.decode() or "行" in response.content.decode()
    after = _rows()
    # A refused import may be recorded as such in the audit trail (workforce audits every attempt).
    logged = after.pop("accounts.AuditEntry")[len(before.pop("accounts.AuditEntry")) :]
    assert all(e["action"] == "import" and e["note"].startswith("被拒绝") for e in logged), logged
    assert after == before and media_files() == files
    assert not ImportRecord.objects.exclude(status=ImportRecord.Status.REFUSED).exists()


# --- a good file with a refused form is not kept ---------------------------------------------------


def test_a_refused_form_keeps_none_of_its_valid_files(
    login, township_official, township_a, case_a, media_files
):
    """Personal documents (proofs, visit records, letters) are stored only with the row they belong
    to; a form refused for another reason leaves no orphan file behind."""
    client = login(township_official)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    attempts = {
        "close request without a return date": (
            reverse("dropout_control:close_request", args=[case_a.pk]),
            {"outcome": "returned", "outcome_school": case_a.school_id, "outcome_note": "", "proof": None},
        ),
        "visit dated in the future": (
            reverse("dropout_control:visit_create", args=[case_a.pk]),
            {
                "visited_on": future,
                "method": "home_visit",
                "gov_people": "村干部",
                "edu_people": "",
                "result": "undecided",
                "result_detail": "",
                "attachment_file": None,
            },
        ),
        "letter signed in the future": (
            reverse("dropout_control:letter_create"),
            {
                "year": timezone.localdate().year,
                "line": "government",
                "township": township_a.pk,
                "party_a": "县政府",
                "party_b": "城关镇",
                "signed_on": future,
                "scan": None,
            },
        ),
    }
    for where, (url, data) in attempts.items():
        files = media_files()
        field = next(k for k, v in data.items() if v is None)
        response = client.post(url, {**data, field: world.pdf_upload()})
        assert response.status_code == 200, where  # the form again, with its error
        assert media_files() == files, f"{where}: the uploaded file was kept"
