"""Backups are authenticated and private (issue 15, finding 11).

The attack: edit db.json inside a backup (inject an admin), recompute its checksum in the
manifest, restore. Now the manifest carries an HMAC with a key the attacker lacks, so the edited
archive is refused and nothing changes; so is an archive without an HMAC (the old format) and one
made with another key. The archive is written 0600 whatever the umask.
"""

import hashlib
import io
import json
import os
import stat
import tarfile

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from schools.models import School

pytestmark = pytest.mark.django_db(transaction=True)


def _backup(tmp_path, name="b.tar.gz"):
    archive = tmp_path / name
    call_command("backup", out=str(archive), stdout=io.StringIO())
    return archive


def _rewrite(archive, out, edit):
    """Copy `archive` to `out`, edit(members: dict[str, bytes]) in between."""
    with tarfile.open(archive, "r:gz") as src:
        members = {m.name: src.extractfile(m).read() for m in src.getmembers() if m.isfile()}
    edit(members)
    with tarfile.open(out, "w:gz") as dst:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out


def _inject_admin(members):
    """The red team's edit: a superuser added to db.json, the manifest's checksum recomputed."""
    rows = json.loads(members["db.json"])
    rows.append(
        {
            "model": "accounts.user",
            "fields": {
                "username": "intruder",
                "password": "md5$x$0",
                "is_superuser": True,
                "is_staff": True,
                "is_active": True,
                "display_name": "入侵者",
                "role": "admin",
            },
        }
    )
    members["db.json"] = json.dumps(rows).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["db.json"] = hashlib.sha256(members["db.json"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()


def test_an_edited_db_with_a_recomputed_manifest_is_refused(tmp_path, school_a, admin_user):
    forged = _rewrite(_backup(tmp_path), tmp_path / "forged.tar.gz", _inject_admin)
    School.objects.filter(pk=school_a.pk).update(name="当前名称")
    with pytest.raises(CommandError, match="签名不符：备份文件被改动过"):
        call_command("restore", str(forged), yes=True, stdout=io.StringIO())
    assert not User.objects.filter(username="intruder").exists()
    assert School.objects.get(pk=school_a.pk).name == "当前名称"


def test_an_archive_without_a_signature_is_refused(tmp_path, school_a):
    def unsigned(members):
        _inject_admin(members)
        del members["manifest.hmac"]

    bare = _rewrite(_backup(tmp_path), tmp_path / "unsigned.tar.gz", unsigned)
    with pytest.raises(CommandError, match="没有签名"):
        call_command("restore", str(bare), yes=True, stdout=io.StringIO())
    assert not User.objects.filter(username="intruder").exists()


def test_a_backup_made_with_another_key_is_refused_naming_the_key(tmp_path, school_a, settings):
    settings.BACKUP_KEY = "备份密钥-甲"
    archive = _backup(tmp_path)
    settings.BACKUP_KEY = "备份密钥-乙"
    with pytest.raises(CommandError, match="另一个密钥.*BACKUP_KEY"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    settings.BACKUP_KEY = "备份密钥-甲"
    call_command("restore", str(archive), yes=True, stdout=io.StringIO())  # the right key restores


def test_without_backup_key_the_key_comes_from_secret_key(tmp_path, school_a, settings):
    settings.BACKUP_KEY = ""
    archive = _backup(tmp_path)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(CommandError, match="另一个密钥"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())


def test_the_archive_is_readable_by_its_owner_only(tmp_path, school_a):
    old = os.umask(0o022)
    try:
        stale = tmp_path / "b.tar.gz"
        stale.write_bytes(b"old")
        stale.chmod(0o644)  # an existing file is tightened too
        archive = _backup(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
