"""Backup and restore of the database and the uploaded files, with checksums.

A backup is one .tar.gz: `manifest.json` (format, time, database vendor, sha256 of every member),
`db.json` (Django's serialized data, natural keys, database-independent) and `files/…` (every
file under MEDIA_ROOT). Restore verifies every checksum before it touches anything, then
replaces the database content and the files.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "balance_inspect-backup-1"
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class BackupError(Exception):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def create_backup(out_path: Path) -> dict:
    out = io.StringIO()
    call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE, indent=None, stdout=out)
    db_bytes = out.getvalue().encode()
    media = Path(settings.MEDIA_ROOT)
    checksums = {"db.json": _sha256(db_bytes)}
    with tarfile.open(out_path, "w:gz") as tar:
        _add_bytes(tar, "db.json", db_bytes)
        if media.exists():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                data = path.read_bytes()
                name = "files/" + path.relative_to(media).as_posix()
                checksums[name] = _sha256(data)
                _add_bytes(tar, name, data)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "members": checksums,
        }
        _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


def _read_verified(archive: Path) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        members = {}
        for m in tar.getmembers():
            if not m.isfile():
                continue
            name = m.name
            # Never trust paths inside an archive: no absolute paths, no "..".
            if name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"备份文件中含有不安全的路径：{name}")
            members[name] = tar.extractfile(m).read()
    if "manifest.json" not in members:
        raise BackupError("不是本系统的备份文件（缺少 manifest.json）")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError("备份文件格式不受支持")
    expected = manifest["members"]
    if set(expected) != set(members):
        raise BackupError("备份文件内容与清单不一致（文件缺失或多出）")
    for name, data in members.items():
        if _sha256(data) != expected[name]:
            raise BackupError(f"校验失败：{name} 的 SHA-256 与清单不符，备份可能已损坏")
    return manifest, members


def restore_backup(archive: Path) -> dict:
    manifest, members = _read_verified(archive)
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as tmp:
        tmp.write(members.pop("db.json"))
        db_file = tmp.name
    try:
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", db_file, verbosity=0)
    finally:
        Path(db_file).unlink(missing_ok=True)
    media = Path(settings.MEDIA_ROOT)
    for name, data in members.items():
        target = media / name.removeprefix("files/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return manifest
