"""Serving stored files and exports: what the browser is told about them.

An uploaded file is served as what its content is (the same sniffing as the upload check), never
as what its uploader named it: a PDF/HTML polyglot named ``report.html`` goes out as
``application/pdf``, saved as ``report.pdf``, always as an attachment, with ``nosniff``.

Every view that hands out a file or an export is wrapped in ``private_download``: such files
carry children's and teachers' personal data and must not stay in a browser's or a shared
proxy's cache (``Cache-Control: no-store, private``). tests/security/test_cache_control.py finds
every view that builds a file response and fails if one is not wrapped.
"""

from functools import wraps
from pathlib import PurePath

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from balance_inspect.uploads import sniff_kind

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    "pdf": (".pdf",),
    "jpg": (".jpg", ".jpeg"),
    "png": (".png",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
}
UNKNOWN = "application/octet-stream"


def stored_kind(fileobj) -> str | None:
    """The kind of a stored (seekable) file by its content; the position is left at the start."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    kind = sniff_kind(head, fileobj if head.startswith(b"PK\x03\x04") else None)
    fileobj.seek(0)
    return kind


def download_name(name: str, kind: str | None) -> str:
    """The uploader's name with the extension of what the file really is ("报告.html" → "报告.pdf")."""
    name = PurePath(name or "附件").name or "附件"
    if kind is None:
        return name
    if PurePath(name).suffix.lower() in EXTENSIONS[kind]:
        return name
    return f"{PurePath(name).stem or '附件'}{EXTENSIONS[kind][0]}"


def stored_file_response(fileobj, name: str) -> FileResponse:
    """An uploaded file as an attachment of its sniffed type (octet-stream if it is none of ours)."""
    kind = stored_kind(fileobj)
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=download_name(name, kind),
        content_type=CONTENT_TYPES.get(kind, UNKNOWN),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_download(view):
    """Wrap a file/export view: its response is never kept by a browser or proxy cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # no-cache, no-store, must-revalidate, max-age=0 and an Expires in the past; private
        # because a shared cache must not keep even a revalidated copy of personal data.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    wrapped.private_download = True
    return wrapped
