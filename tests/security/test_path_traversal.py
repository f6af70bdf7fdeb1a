"""Downloads never take a path from the request.

Every download URL names a row by integer id (or a school code / template kind checked against
a fixed list); the stored path comes from that row. Traversal strings, absolute paths, query
parameters and ids of another county all end in a 404; a poisoned stored path is refused by the
storage; uploaded file names never become paths; a backup with ".." members is refused.
"""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.urls import reverse

from dropout_control.models import PersuasionLog
from ops.backup import FORMAT, BackupError, restore_backup
from rectification.models import EvidenceFile
from schools.models import School
from tests.security import world

pytestmark = pytest.mark.django_db

TRAVERSALS = (
    "..%2F..%2Fetc%2Fpasswd",
    "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "%2Fetc%2Fpasswd",
    "..%252F..%252Fetc%252Fpasswd",
    "....//....//etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\etc\\passwd",
    "1%2F..%2F..%2Fetc%2Fpasswd",
)

# Download (and file-ish) URL prefixes with the variable part left for the traversal string.
DOWNLOAD_PATTERNS = (
    "/rectification/evidence/{}/",
    "/rectification/archive/files/{}/",
    "/indicators/evidence/{}/",
    "/dossiers/{}/download/",
    "/dossiers/school/{}/brief.pdf",
    "/dropout/{}/proof/",
    "/dropout/visits/{}/attachment/",
    "/dropout/notices/{}/pdf/",
    "/dropout/letters/{}/scan/",
    "/schools/export/{}/",
    "/schools/import/template/{}/",
    "/schools/import/{}/",
    "/workforce/import/{}/template/",
    "/workforce/school/{}/",
    "/surveys/invitations/{}/qr.png",
    "/surveys/a/{}/",
)


def _no_passwd(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return b"root:" not in body


@pytest.mark.parametrize("pattern", DOWNLOAD_PATTERNS)
def test_traversal_strings_in_download_urls_are_404(pattern, login, bureau, admin_user):
    for user in (bureau, admin_user):
        client = login(user)
        for attack in TRAVERSALS:
            response = client.get(pattern.format(attack))
            assert response.status_code == 404, (pattern, attack, response.status_code)
            assert _no_passwd(response)


def _download_urls(other_rect, other_county_item, other_dossier, other_school):
    return [
        reverse("rectification:evidence_download", args=[other_rect.evidence.pk]),
        reverse("rectification:archive_download", args=[other_rect.archive_file.pk]),
        reverse("indicators:evidence", args=[other_county_item[1].pk]),
        reverse("dossiers:download", args=[other_dossier.pk]),
        reverse("dossiers:school_brief", args=[other_school.code]),
    ]


def test_ids_of_another_county_in_download_urls_are_404(
    login, bureau, other_rect, other_county_item, other_dossier, other_school
):
    client = login(bureau)
    for url in _download_urls(other_rect, other_county_item, other_dossier, other_school):
        assert client.get(url).status_code == 404, url


def test_query_parameters_never_choose_the_file(login, bureau, county, township_official, paper_a):
    rows = world.rectification_rows(bureau, county)
    stored = rows.evidence.file.open("rb").read()
    client = login(bureau)
    for param in ("path", "file", "name", "filename", "f"):
        for attack in ("../../../../etc/passwd", "/etc/passwd"):
            response = client.get(
                reverse("rectification:evidence_download", args=[rows.evidence.pk]), {param: attack}
            )
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == stored
    response = login(township_official).get(
        reverse("dropout_control:visit_attachment", args=[paper_a.visit.pk]), {"path": "/etc/passwd"}
    )
    assert response.status_code == 200 and _no_passwd(response)


@pytest.fixture
def paper_a(township_official, township_a, school_a):
    return world.case_with_paperwork(township_official, township_a, school_a)


@pytest.mark.parametrize("poison", ["../../../../../../etc/passwd", "/etc/passwd"])
def test_a_poisoned_stored_path_is_refused_by_the_storage(
    poison, login, bureau, county, township_official, paper_a
):
    """Defence in depth: even a row whose path was tampered with in the database cannot reach
    outside the storage directory."""
    rows = world.rectification_rows(bureau, county)
    EvidenceFile.objects.filter(pk=rows.evidence.pk).update(file=poison)
    response = login(bureau).get(reverse("rectification:evidence_download", args=[rows.evidence.pk]))
    assert response.status_code in (400, 404) and _no_passwd(response)
    PersuasionLog.objects.filter(pk=paper_a.visit.pk).update(attachment=poison)
    response = login(township_official).get(
        reverse("dropout_control:visit_attachment", args=[paper_a.visit.pk])
    )
    assert response.status_code in (400, 404) and _no_passwd(response)


def test_uploaded_file_names_never_become_paths(login, bureau, county, settings, tmp_path, media_files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = world.rectification_rows(bureau, county)
    before = media_files()
    client = login(bureau)
    for name in ("../../../../escape.pdf", "/tmp/escape.pdf", "..\\..\\escape.pdf"):
        upload = SimpleUploadedFile(name, world.pdf_bytes(), content_type="application/pdf")
        client.post(reverse("rectification:evidence_upload", args=[rows.item.pk]), {"file": upload})
    new = media_files() - before
    assert len(new) == 3
    assert all(".." not in p and not p.startswith("/") for p in new)
    root = Path(settings.MEDIA_ROOT).resolve()
    assert all((root / p).resolve().is_relative_to(root) for p in new)
    assert not list(tmp_path.glob("escape*")) and not Path("/tmp/escape.pdf").exists()
    shown = [e.original_name for e in EvidenceFile.objects.filter(item=rows.item).order_by("pk")][1:]
    assert shown == ["escape.pdf"] * 3  # kept for display, without its directories


# --- backup restore ---------------------------------------------------------------------------


def _archive(path: Path, members: dict[str, bytes], *, manifest_members=None) -> Path:
    """A backup-shaped tar.gz whose manifest lists (correct) checksums of `members`, signed with
    the backup key (as if made by someone holding it: the paths are what is checked here)."""
    from ops.backup import _mac, backup_key

    checksums = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    manifest = {
        "format": FORMAT,
        "created": "2025-01-01T00:00:00",
        "database": "sqlite",
        "members": manifest_members if manifest_members is not None else checksums,
    }
    manifest_bytes = json.dumps(manifest).encode()
    signed = {"manifest.json": manifest_bytes, "manifest.hmac": _mac(backup_key(), manifest_bytes).encode()}
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {**members, **signed}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    "evil",
    [
        "files/../../escaped.txt",
        "../escaped.txt",
        "/tmp/escaped-restore.txt",
        "files/a/../../../escaped.txt",
        "./files/../../escaped.txt",
    ],
)
def test_restore_refuses_archive_members_that_leave_the_directory(evil, tmp_path, school_a, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = _archive(tmp_path / "evil.tar.gz", {"db.json": b"[]", evil: b"owned"})
    with pytest.raises(BackupError, match="不安全的路径"):
        restore_backup(archive)
    assert School.objects.filter(pk=school_a.pk).exists()  # nothing was flushed
    assert not list(tmp_path.rglob("escaped*")) and not Path("/tmp/escaped-restore.txt").exists()


def test_restore_ignores_links_inside_the_archive(tmp_path, school_a, settings):
    """A symlink member pointing outside is never created (only regular files are read)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "link.tar.gz"
    members = {"db.json": b"[]"}
    _archive(path, members)
    with tarfile.open(path, "r:gz") as src:
        kept = [(m, src.extractfile(m).read()) for m in src.getmembers()]
    with tarfile.open(path, "w:gz") as tar:
        for member, data in kept:
            tar.addfile(member, io.BytesIO(data))
        link = tarfile.TarInfo("files/passwd")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    from ops.backup import _read_verified

    _manifest, read = _read_verified(path)
    assert "files/passwd" not in read


def test_stored_files_have_no_public_url(login, bureau, county, settings):
    """Uploads live outside the web root (MEDIA_URL is None): guessing their storage path, or
    walking out of /static/, reaches nothing."""
    rows = world.rectification_rows(bureau, county)
    stored = rows.evidence.file.name
    assert settings.MEDIA_URL is None
    client = login(bureau)
    for url in (
        f"/media/{stored}",
        f"/files/{stored}",
        f"/{stored}",
        f"/static/../var/files/{stored}",
        "/static/..%2F..%2Fbalance_inspect%2Fsettings.py",
        "/static/%2e%2e/%2e%2e/manage.py",
        "/media/imports/1.xlsx",
        "/var/secret_key",
        "/static/../var/secret_key",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"SECRET_KEY" not in body and b"DJANGO_SETTINGS_MODULE" not in body, url
