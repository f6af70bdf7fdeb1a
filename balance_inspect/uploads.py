"""Checks on uploaded files: size first, then content (never the file name alone)."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

KIND_LABELS = {"pdf": "PDF", "jpg": "JPG 图片", "png": "PNG 图片", "docx": "Word 文档", "xlsx": "Excel 工作簿"}
EVIDENCE_KINDS = ("pdf", "jpg", "png", "docx", "xlsx")


def check_size(upload, max_bytes: int | None = None) -> None:
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"文件过大：{upload.size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB。")


def sniff_kind(head: bytes, data_for_zip=None) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        try:
            with zipfile.ZipFile(data_for_zip) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def validate_upload(upload, allowed=EVIDENCE_KINDS, max_bytes: int | None = None) -> str:
    """Return the detected kind of an uploaded file or raise ValidationError in Chinese."""
    check_size(upload, max_bytes)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    # zipfile reads only the central directory from the (seekable) upload, never the whole file.
    kind = sniff_kind(head, upload if head.startswith(b"PK\x03\x04") else None)
    upload.seek(0)
    if kind not in allowed:
        names = "、".join(KIND_LABELS[k] for k in allowed)
        raise ValidationError(f"文件类型不被接受：按内容识别不是 {names}。")
    return kind
