"""Evidence never runs code in a reader's browser or office suite (issue 15, finding 10).

Uploads: macro-enabled Office files and PDFs with JavaScript, launch or automatic actions are
refused at every evidence endpoint — even when the action hides in a compressed object stream or
behind #xx name escapes. Downloads: a stored file is served as what its content is, as an
attachment with nosniff, never as the type its uploader's file name suggests.
"""

import io
import zipfile
import zlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from balance_inspect.uploads import validate_upload
from tests.security import world
from tests.security.test_uploads import (  # noqa: F401 — the fixtures of those endpoints
    ENDPOINTS,
    _post,
    _rows,
    archive_point,
    case_a,
    rect_item,
)

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


# --- hostile files ------------------------------------------------------------------------------


def with_members(office: bytes, members: dict) -> bytes:
    buf = io.BytesIO(office)
    with zipfile.ZipFile(buf, "a" if office else "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def macro_workbook() -> bytes:
    return with_members(world.xlsx_bytes(["说明"], [["见宏"]]), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})


def macro_document() -> bytes:
    return with_members(
        b"",
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document/>",
            "word/vbaProject.bin": b"VBA",
        },
    )


def pdf_with(catalog_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A plain one-page PDF (classic xref) with extra keys in its catalog and page dictionaries."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]" + page_extra + b">>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_with_object_stream(page: bytes) -> bytes:
    """A PDF 1.5 whose page dictionary lives only inside a compressed object stream (no byte of
    it is visible in the file), with a cross-reference stream."""
    header = b"3 0 "
    packed = zlib.compress(header + page)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}

    def add(num, body):
        offsets[num] = len(out)
        out.extend(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    add(1, b"<</Type/Catalog/Pages 2 0 R>>")
    add(2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>")
    add(
        4,
        b"<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (len(header), len(packed))
        + packed
        + b"\nendstream",
    )
    offsets[5] = len(out)
    rows = [
        (0, 0, 65535),
        (1, offsets[1], 0),
        (1, offsets[2], 0),
        (2, 4, 0),
        (1, offsets[4], 0),
        (1, offsets[5], 0),
    ]
    table = b"".join(bytes([t]) + f.to_bytes(4, "big") + g.to_bytes(2, "big") for t, f, g in rows)
    out.extend(
        b"5 0 obj\n<</Type/XRef/Size 6/W[1 4 2]/Root 1 0 R/Length %d>>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out.extend(b"startxref\n%d\n%%%%EOF\n" % offsets[5])
    return bytes(out)


PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
HOSTILE = {
    "macro workbook": (macro_workbook(), "表格.xlsx", "宏"),
    "macro document": (macro_document(), "报告.docx", "宏"),
    "pdf open action JavaScript": (
        pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        "证明.pdf",
        "脚本",
    ),
    "pdf JavaScript name tree": (pdf_with(b"/Names<</JavaScript 9 0 R>>"), "证明.pdf", "脚本"),
    "pdf page additional action": (
        pdf_with(page_extra=b"/AA<</O<</S/Launch/F(calc.exe)>>>>"),
        "证明.pdf",
        "脚本",
    ),
    "pdf escaped name": (pdf_with(b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"), "证明.pdf", "脚本"),
    "pdf action in an object stream": (
        pdf_with_object_stream(PAGE + b"/AA<</O<</S/Launch/F(calc.exe)>>>>>>"),
        "证明.pdf",
        "脚本",
    ),
}
DOCUMENT_ENDPOINTS = [e for e in ENDPOINTS if e.accepts == "document"]


@pytest.mark.parametrize("hostile", list(HOSTILE))
@pytest.mark.parametrize("endpoint", DOCUMENT_ENDPOINTS, ids=[e.name for e in DOCUMENT_ENDPOINTS])
def test_active_content_is_refused_at_every_evidence_endpoint(endpoint, hostile, request, login, media_files):
    for fixture in ("case_a", "rect_item", "archive_point"):
        request.getfixturevalue(fixture)
    payload, name, word = HOSTILE[hostile]
    rows, files = _rows(), media_files()
    response, _again = _post(request, login, endpoint, payload, name)
    assert response.status_code == 200
    body = response.content.decode()
    # Endpoints that take no Office files (dropout scans) refuse those by kind already.
    assert word in body or (payload.startswith(b"PK") and "文件类型不被接受" in body), "no refusal"
    assert _rows() == rows and media_files() == files


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_the_refusal_names_the_macro_or_script(hostile):
    payload, name, word = HOSTILE[hostile]
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile(name, payload))
    assert word in exc.value.messages[0]


@pytest.mark.parametrize(
    "payload",
    [
        pdf_with(),
        pdf_with(b"/OpenAction[3 0 R/Fit]"),
        pdf_with_object_stream(PAGE + b">>"),
        world.pdf_bytes(),
        world.xlsx_bytes(["a"], [[1]]),
    ],
    ids=["plain pdf", "open at page", "object streams", "demo pdf", "workbook"],
)
def test_ordinary_files_pass_the_active_content_check(payload):
    assert validate_upload(SimpleUploadedFile("f", payload)) in ("pdf", "xlsx")


def test_the_object_stream_builder_really_hides_the_action():
    """Control of the test above: the refused file carries no visible trace of its action."""
    payload = HOSTILE["pdf action in an object stream"][0]
    assert b"/AA" not in payload and b"Launch" not in payload
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("证明.pdf", payload))


# --- downloads: the sniffed type, never the uploader's name -------------------------------------


def polyglot(name="report.html") -> SimpleUploadedFile:
    """A real PDF that is also an HTML page (the HTML hides in a PDF comment line)."""
    body = world.pdf_bytes().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + HTML + b"\n", 1)
    return SimpleUploadedFile(name, body, content_type="text/html")


@pytest.fixture
def downloads(bureau, county, township_official, township_a, school_a):
    """{name: URL} of every kind of stored evidence, each uploaded as a polyglot named report.html."""
    from dropout_control import services as dropout
    from indicators import services as indicators
    from rectification import services as rectification
    from rectification.models import ArchivePoint

    item = rectification.item_create(user=bureau, county=county, data=world.rectification_item_data())
    evidence = rectification.evidence_add(user=bureau, item=item, upload=polyglot())
    archive = rectification.archive_file_add(
        user=bureau, county=county, point=ArchivePoint.objects.first(), upload=polyglot()
    )
    value = indicators.county_item_save(
        county=county,
        year=2025,
        key="special_education_funding",
        inputs={"funds_wan": 65, "students": 100},
        note="拨付",
        files=[polyglot()],
        user=bureau,
    )
    case = world.file_case(township_official, township_a, school_a)
    visit = dropout.persuasion_log_add(
        user=township_official,
        case=case,
        attachment=polyglot(),
        data={
            "visited_on": case.absent_since + timedelta(days=1),
            "method": "home_visit",
            "gov_people": "村干部",
            "edu_people": "班主任",
            "result": "undecided",
            "result_detail": "",
        },
    )
    other = world.file_case(township_official, township_a, school_a, name="周小飞")
    dropout.case_request_close(
        user=township_official, case=other, outcome="transferred", proof=polyglot(), outcome_note="转学"
    )
    letter = dropout.letter_save(
        user=township_official,
        township=township_a,
        school=None,
        year=timezone.localdate().year,
        line="government",
        signed_on=timezone.localdate(),
        party_a="县政府",
        party_b="城关镇",
        scan=polyglot(),
    )
    return {
        "rectification evidence": (bureau, reverse("rectification:evidence_download", args=[evidence.pk])),
        "archive file": (bureau, reverse("rectification:archive_download", args=[archive.pk])),
        "county item evidence": (bureau, reverse("indicators:evidence", args=[value.evidence.get().pk])),
        "visit attachment": (township_official, reverse("dropout_control:visit_attachment", args=[visit.pk])),
        "close proof": (township_official, reverse("dropout_control:proof", args=[other.pk])),
        "letter scan": (township_official, reverse("dropout_control:letter_scan", args=[letter.pk])),
    }


def test_an_html_polyglot_is_served_as_the_pdf_it_is(login, downloads):
    for name, (user, url) in downloads.items():
        response = login(user).get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf", (name, response["Content-Type"])
        assert response["Content-Disposition"].startswith("attachment"), name
        assert (
            "report.pdf" in response["Content-Disposition"] and ".html" not in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff", name


def test_a_pdf_with_too_many_objects_to_check_is_refused_without_reading_them(monkeypatch):
    """The check is bounded: a file built to hold a worker while its objects are read is refused."""
    from balance_inspect import uploads

    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 2)
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("证明.pdf", pdf_with()))
    assert "无法检查" in exc.value.messages[0]
