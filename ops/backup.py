"""Backup and restore of the database and the uploaded files, authenticated.

A backup is one .tar.gz, written with mode 0600 (it holds every child's ID number, password
hashes and TOTP secrets): `manifest.json` (format, time, database vendor, key id, sha256 of every
member), `manifest.hmac` (HMAC-SHA256 of manifest.json with the backup key), `db.json` (Django's
serialized data, natural keys, database-independent) and `files/…` (every file under
MEDIA_ROOT). Restore checks the HMAC first — an archive without one, edited, or made with another
key is refused — then every checksum, before it touches anything; then it replaces the database
content and the files.

The key is settings.BACKUP_KEY, or, when that is empty, one derived from SECRET_KEY. Someone
who can edit db.json and recompute the checksums still cannot forge the HMAC without the key.
"""

import hashlib
import hmac
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "balance_inspect-backup-2"  # -1 archives carried no HMAC and are refused
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class BackupError(Exception):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup_key() -> bytes:
    """BACKUP_KEY, or a key derived from SECRET_KEY (a backup then restores only where the same
    SECRET_KEY is set: set BACKUP_KEY to keep backups valid across a SECRET_KEY rotation)."""
    if settings.BACKUP_KEY:
        return settings.BACKUP_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"balance_inspect backup key", hashlib.sha256).digest()


def _key_id(key: bytes) -> str:
    """Names the key in the manifest (not secret), so that a refusal can say "another key"."""
    return hashlib.sha256(b"key id:" + key).hexdigest()[:12]


def _mac(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def create_backup(out_path: Path) -> dict:
    out = io.StringIO()
    call_command(
        "dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE, indent=None, stdout=out
    )
    db_bytes = out.getvalue().encode()
    media = Path(settings.MEDIA_ROOT)
    checksums = {"db.json": _sha256(db_bytes)}
    key = backup_key()
    # Created 0600 before a byte is written (and tightened if the file already existed).
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
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
            "key_id": _key_id(key),
            "members": checksums,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        _add_bytes(tar, "manifest.json", manifest_bytes)
        _add_bytes(tar, "manifest.hmac", _mac(key, manifest_bytes).encode())
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
    manifest_bytes = members.pop("manifest.json")
    signature = members.pop("manifest.hmac", None)
    if signature is None:
        raise BackupError(
            "备份文件没有签名（manifest.hmac），无法确认未被篡改，拒绝恢复。"
            "旧版本的备份请在原系统上重新备份。"
        )
    key = backup_key()
    if not hmac.compare_digest(signature.strip(), _mac(key, manifest_bytes).encode()):
        try:
            other_key = json.loads(manifest_bytes).get("key_id") != _key_id(key)
        except ValueError:
            other_key = False
        if other_key:
            raise BackupError(
                "备份文件签名不符：它是用另一个密钥备份的。请设置与备份时相同的 BACKUP_KEY"
                "（未设置时为 SECRET_KEY）后再恢复。"
            )
        raise BackupError("备份文件签名不符：备份文件被改动过，拒绝恢复。")
    manifest = json.loads(manifest_bytes)
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
