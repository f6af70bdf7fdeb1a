"""Checks on uploaded files: size first, then content (never the file name alone).

Every kind of evidence (indicator items, rectification, dropout attachments and scans) comes
through `validate_upload`, so the active-content checks below cover all of them: Office files
carrying a VBA project (macro-enabled workbooks/documents renamed to .xlsx/.docx) and PDFs with
JavaScript, launch or automatic actions are refused — an inspector opening evidence must never
run code sent by an uploader.
"""

import logging
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

KIND_LABELS = {
    "pdf": "PDF",
    "jpg": "JPG 图片",
    "png": "PNG 图片",
    "docx": "Word 文档",
    "xlsx": "Excel 工作簿",
}
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


# --- active content -----------------------------------------------------------------------------

MACRO_REFUSED = "文件含有宏（VBA 代码），不能作为佐证材料上传：请另存为不含宏的 Excel 工作簿（.xlsx）或 Word 文档（.docx）后再上传。"
PDF_SCRIPT_REFUSED = (
    "PDF 文件含有脚本或自动执行的动作（JavaScript、启动程序等），不能上传：请用“打印为 PDF”另存后再上传。"
)
PDF_UNREADABLE = "PDF 文件已加密或结构无法识别，无法检查其中是否含有脚本：请另存为未加密的普通 PDF 后再上传。"
# Reading one object costs ~60 µs: 20,000 objects (a long text document has a few thousand, a
# scan a few per page) bound the check near a second, so a crafted file cannot hold a worker.
PDF_MAX_OBJECTS = 20_000
PDF_TOO_COMPLEX = "PDF 文件内部对象超过 {limit:,} 个，无法检查其中是否含有脚本：请压缩或拆分后再上传。"

# Dictionary keys that make a PDF viewer run something: document/page/field "additional actions"
# (/AA, run on open, close, focus…), JavaScript (/JS, the /JavaScript name tree) and /Launch.
# /OpenAction alone only opens a page; when it runs code its action carries /JS or /S /JavaScript.
_PDF_ACTIVE_KEYS = frozenset({"/AA", "/JS", "/JavaScript", "/Launch"})
_PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})


def _pdf_name(name: str) -> bytes:
    """A pattern of a PDF name whose letters may also be spelled #xx (/J#61vaScript = /JavaScript)."""

    def letter(ch: str) -> str:
        hex_digits = "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{ord(ch):02x}")
        return f"(?:{re.escape(ch)}|#{hex_digits})"

    return ("/" + "".join(letter(ch) for ch in name)).encode()


# Searched in the raw bytes without copying them. "/JavaScript" is long enough never to occur by
# chance in binary stream data; the short names are only searched in files pypdf cannot read.
_PDF_JAVASCRIPT = re.compile(_pdf_name("JavaScript"))
_PDF_ACTIVE_BYTES = re.compile(
    b"(?:"
    + b"|".join(_pdf_name(n) for n in ("JavaScript", "JS", "AA", "Launch", "ObjStm", "Encrypt"))
    + rb")(?=[\s()<>\[\]{}/%]|$)"
)
_PDF_UNCHECKABLE = ("ObjStm", "Encrypt")

log = logging.getLogger(__name__)


def office_has_macros(upload) -> bool:
    """True if the zip of an Office file holds a VBA project (xl/vbaProject.bin, word/vbaProject.bin)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False  # not readable as a zip: sniffing has refused it already
    finally:
        upload.seek(0)
    return any(
        name.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbaprojectsignature.bin") for name in names
    )


def _unescape(name: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name).decode("latin-1")


def _pdf_object_is_active(obj, depth: int = 0) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject

    if depth > 64:  # no real document nests this deep; a crafted one must not recurse forever
        return True
    if isinstance(obj, DictionaryObject):
        if any(str(key) in _PDF_ACTIVE_KEYS for key in obj):
            return True
        if str(obj.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
            return True
        return any(_pdf_object_is_active(value, depth + 1) for value in obj.values())
    if isinstance(obj, ArrayObject):
        return any(_pdf_object_is_active(value, depth + 1) for value in obj)
    return False  # indirect references are visited on their own below


def pdf_active_content(upload) -> str | None:
    """None for a PDF without scripts or automatic actions, else the reason to refuse it (Chinese).

    Every object in the file is read through pypdf — compressed object streams included, which a
    byte search would miss — and its dictionaries (not the stream data) are searched for the
    active keys. A file pypdf cannot read is searched byte-wise instead, and refused if it hides
    objects in compressed streams or is encrypted, since those cannot be checked that way.
    """
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if _PDF_JAVASCRIPT.search(data):
        return PDF_SCRIPT_REFUSED
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return PDF_UNREADABLE
        refs = [(num, gen) for gen, table in reader.xref.items() for num in table]
        refs += [(num, 0) for num in reader.xref_objStm]
        if len(refs) > PDF_MAX_OBJECTS:
            return PDF_TOO_COMPLEX.format(limit=PDF_MAX_OBJECTS)
        for num, gen in refs:
            if _pdf_object_is_active(IndirectObject(num, gen, reader).get_object()):
                return PDF_SCRIPT_REFUSED
        if _pdf_object_is_active(reader.trailer):
            return PDF_SCRIPT_REFUSED
    except Exception as exc:  # noqa: BLE001 — any parser failure falls back to the byte search
        log.info("PDF upload not parsed (%s): byte search instead", type(exc).__name__)
        found = {_unescape(m.group(0)) for m in _PDF_ACTIVE_BYTES.finditer(data)}
        if found & {f"/{n}" for n in _PDF_UNCHECKABLE}:
            return PDF_UNREADABLE
        if found:
            return PDF_SCRIPT_REFUSED
    finally:
        upload.seek(0)
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
    if kind in ("xlsx", "docx") and office_has_macros(upload):
        raise ValidationError(MACRO_REFUSED)
    if kind == "pdf":
        reason = pdf_active_content(upload)
        if reason:
            raise ValidationError(reason)
    return kind
