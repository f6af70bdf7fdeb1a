"""Evidence and archive files: validated by content, stored under generated names, served only
to users of the county."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectification import services
from rectification.models import ArchiveFile, ArchivePoint, EvidenceFile

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("整改报告.pdf", PE),  # a Windows executable renamed to .pdf
        ("照片.jpg", ELF),  # a Linux executable renamed to .jpg
        ("说明.txt", b"plain text"),
        ("脚本.pdf", b"<script>alert(1)</script>"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(item, bureau, name, content):
    with pytest.raises(ValidationError, match="文件类型不被接受"):
        services.evidence_add(user=bureau, item=item, upload=SimpleUploadedFile(name, content))
    assert not EvidenceFile.objects.exists()


def test_a_zip_that_is_neither_docx_nor_xlsx_is_refused(item, bureau, zip_upload):
    with pytest.raises(ValidationError, match="文件类型不被接受"):
        services.evidence_add(
            user=bureau, item=item, upload=zip_upload({"payload.exe": "MZ"}, name="材料.docx")
        )


def test_an_oversize_file_is_refused(item, bureau, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    with pytest.raises(ValidationError, match="文件过大"):
        services.evidence_add(user=bureau, item=item, upload=big)


@pytest.mark.parametrize(
    ("members", "name", "kind"),
    [
        ({"word/document.xml": "<w:document/>", "[Content_Types].xml": "<Types/>"}, "方案.docx", "docx"),
        ({"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": "<Types/>"}, "统计.xlsx", "xlsx"),
    ],
)
def test_office_documents_are_accepted_by_content(item, bureau, zip_upload, members, name, kind):
    stored = services.evidence_add(user=bureau, item=item, upload=zip_upload(members, name=name))
    assert stored.kind == kind


def test_images_are_accepted(item, bureau):
    png = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    jpg = SimpleUploadedFile("现场.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    assert services.evidence_add(user=bureau, item=item, upload=png).kind == "png"
    assert services.evidence_add(user=bureau, item=item, upload=jpg).kind == "jpg"


def test_the_stored_name_never_comes_from_the_upload(item, bureau, pdf_upload):
    stored = services.evidence_add(user=bureau, item=item, upload=pdf_upload(name="../../etc/passwd.pdf"))
    assert stored.original_name == "passwd.pdf"
    assert stored.file.name.startswith("rectification/evidence/130123/")
    assert ".." not in stored.file.name and "passwd" not in stored.file.name
    assert stored.file.name.endswith(".pdf")
    assert len(stored.sha256) == 64


def test_evidence_is_downloaded_as_an_attachment_with_its_original_name(item, bureau, login, pdf_upload):
    stored = services.evidence_add(user=bureau, item=item, upload=pdf_upload(name="验收报告.pdf"))
    response = login(bureau).get(reverse("rectification:evidence_download", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_inspectors_may_download_evidence(item, bureau, inspector, login, pdf_upload):
    stored = services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    assert (
        login(inspector).get(reverse("rectification:evidence_download", args=[stored.pk])).status_code == 200
    )


def test_evidence_of_another_county_is_a_404(other_item, other_bureau, bureau, login, pdf_upload):
    stored = services.evidence_add(user=other_bureau, item=other_item, upload=pdf_upload())
    assert login(bureau).get(reverse("rectification:evidence_download", args=[stored.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_and_school_users_cannot_download_evidence(
    item, bureau, login, pdf_upload, persona, request
):
    stored = services.evidence_add(user=bureau, item=item, upload=pdf_upload())
    user = request.getfixturevalue(persona)
    assert login(user).get(reverse("rectification:evidence_download", args=[stored.pk])).status_code == 403


def test_upload_through_the_page(item, bureau, login, pdf_upload):
    response = login(bureau).post(
        reverse("rectification:evidence_upload", args=[item.pk]),
        {"file": pdf_upload(name="佐证.pdf"), "description": "验收单"},
    )
    assert response.status_code == 302
    assert item.evidence.get().description == "验收单"


def test_a_refused_upload_through_the_page_shows_the_reason(item, bureau, login):
    response = login(bureau).post(
        reverse("rectification:evidence_upload", args=[item.pk]),
        {"file": SimpleUploadedFile("病毒.pdf", PE)},
        follow=True,
    )
    assert "文件类型不被接受" in response.content.decode()
    assert not item.evidence.exists()


def test_inspectors_cannot_upload(item, inspector, login, pdf_upload):
    response = login(inspector).post(
        reverse("rectification:evidence_upload", args=[item.pk]), {"file": pdf_upload()}
    )
    assert response.status_code == 403


def test_archive_files_are_validated_counted_and_scoped(
    bureau, other_bureau, county, other_county, login, pdf_upload
):
    point = ArchivePoint.objects.get(code="1.1")
    client = login(bureau)
    response = client.post(reverse("rectification:archive_upload", args=[point.pk]), {"file": pdf_upload()})
    assert response.status_code == 302
    refused = client.post(
        reverse("rectification:archive_upload", args=[point.pk]),
        {"file": SimpleUploadedFile("a.pdf", ELF)},
        follow=True,
    )
    assert "文件类型不被接受" in refused.content.decode()
    stored = ArchiveFile.objects.get()
    assert (stored.county, stored.point) == (county, point)
    assert client.get(reverse("rectification:archive_download", args=[stored.pk])).status_code == 200
    assert (
        login(other_bureau).get(reverse("rectification:archive_download", args=[stored.pk])).status_code
        == 404
    )
