"""The one PDF render helper: a Django template in, PDF bytes out (WeasyPrint).

Every PDF (dossiers, school briefs, dropout notices) goes through `render_pdf`, so fonts,
language and base styles are set in one place. Templates extend `pdf/base.html`, which sets
<html lang="zh-CN"> (otherwise Japanese glyph forms appear) and the CJK font family.
Never call this inside transaction.atomic: rendering takes seconds.
"""

import io
import shutil
import subprocess
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape

CJK_FONT_FAMILY = "Noto Sans CJK SC"


class MissingCJKFont(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_available() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK SC" in out or "Noto Sans SC" in out


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    if not cjk_font_available():
        raise MissingCJKFont("服务器缺少中文字体（Noto Sans CJK SC），请安装 fonts-noto-cjk 后重试。")
    from weasyprint import HTML  # imported late: it is heavy and only the worker needs it

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template_name, context))


def render_document_in_parts(
    main_html_for, appendix_pages: list[str], appendix_page_html, *, chunk_size: int = 60, progress=None,
    appendix_title: str = "",
) -> tuple[bytes, int]:
    """Render a long document (main part + one page per appendix item) with bounded memory.

    WeasyPrint keeps every laid-out page in memory (about 5–6 MB per table-heavy page), so a
    300-school dossier rendered in one go would need ~2 GB. A document whose appendix fits in one
    chunk is rendered in one pass (`main_html_for` gets the appendix pages inline). A longer one:

    1. The main part is rendered with one empty placeholder page per appendix item appended,
       so `counter(pages)` in its footer and `target-counter()` references in its table of
       contents already count the appendix; the placeholders are dropped before writing.
    2. The appendix is rendered in chunks; each page prints its literal number "x / y"
       (`appendix_page_html(chunk, first_page_no, total)` wraps a chunk).
    3. The parts are joined with pypdf.

    Appendix pages are addressed as `#appendix-<n>` (n from 1) in both cases. Returns
    (pdf bytes, total pages).
    """
    if not cjk_font_available():
        raise MissingCJKFont("服务器缺少中文字体（Noto Sans CJK SC），请安装 fonts-noto-cjk 后重试。")
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    base_url = str(settings.BASE_DIR)
    if len(appendix_pages) <= chunk_size:
        title = f"<h1>{escape(appendix_title)}</h1>" if appendix_title else ""
        inline = "".join(
            f'<div class="appendix-placeholder" id="appendix-{i}">{title if i == 1 else ""}{html}</div>'
            for i, html in enumerate(appendix_pages, start=1)
        )
        document = HTML(string=main_html_for(inline), base_url=base_url).render()
        total = len(document.pages)
        if progress:
            progress(total, total)
        return document.write_pdf(), total

    placeholders = "".join(
        f'<div class="appendix-placeholder" id="appendix-{i}"></div>' for i in range(1, len(appendix_pages) + 1)
    )
    main_doc = HTML(string=main_html_for(placeholders), base_url=base_url).render()
    main_pages = len(main_doc.pages) - len(appendix_pages)
    total = main_pages + len(appendix_pages)
    parts = [main_doc.copy(main_doc.pages[:main_pages]).write_pdf()]
    del main_doc
    if progress:
        progress(main_pages, total)
    for start in range(0, len(appendix_pages), chunk_size):
        chunk = appendix_pages[start:start + chunk_size]
        html = appendix_page_html(chunk, main_pages + start + 1, total)
        parts.append(HTML(string=html, base_url=base_url).write_pdf())
        if progress:
            progress(main_pages + start + len(chunk), total)
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total
