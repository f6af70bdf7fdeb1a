"""Backup and restore: a round trip brings back rows and files; a damaged archive changes nothing."""

import io
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry
from accounts.services import audit_record
from schools.models import School
from tests.factories import ConditionsFactory


@pytest.fixture
def stored_file():
    path = Path(settings.MEDIA_ROOT) / "evidence" / "证明.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 original")
    return path


def _round_trip(tmp_path, bureau, school_a, stored_file):
    ConditionsFactory(school=school_a, year=2025, books=12345)
    audit_record(user=bureau, action="update", obj=school_a, note="改名前")
    archive = tmp_path / "b.tar.gz"
    call_command("backup", out=str(archive), stdout=io.StringIO())

    School.objects.filter(pk=school_a.pk).update(name="被误改的名称")
    stored_file.write_bytes(b"%PDF-1.4 overwritten")

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "恢复完成" in out.getvalue()
    school = School.objects.get(code=school_a.code)
    assert school.name == "城关小学"
    assert school.conditions.get(year=2025).books == 12345
    assert AuditEntry.objects.filter(note="改名前").exists()
    assert stored_file.read_bytes() == b"%PDF-1.4 original"
    return archive


def test_round_trip_restores_rows_and_files(transactional_db, tmp_path, bureau, school_a, stored_file):
    _round_trip(tmp_path, bureau, school_a, stored_file)


@pytest.mark.integration
def test_round_trip_on_postgresql(transactional_db, on_postgres, tmp_path, bureau, school_a, stored_file):
    _round_trip(tmp_path, bureau, school_a, stored_file)


def test_damaged_archive_is_refused_and_nothing_changes(transactional_db, tmp_path, school_a):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", out=str(archive), stdout=io.StringIO())
    # Rewrite db.json with different content but keep the old manifest: the checksum must catch it.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "db.json":
                data = data.replace("城关小学".encode(), "篡改小学".encode())
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    School.objects.filter(pk=school_a.pk).update(name="当前名称")
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(damaged), yes=True, stdout=io.StringIO())
    assert School.objects.get(pk=school_a.pk).name == "当前名称"


def test_restore_requires_explicit_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.tar.gz"))
