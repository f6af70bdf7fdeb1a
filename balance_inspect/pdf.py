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

CJK_FONT_FAMILY = "Noto Sans CJK SC"


class MissingCJKFont(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_available() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    ).stdout
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


# WeasyPrint lays out in CSS pixels; PDF user space is in points (1 px = 0.75 pt), origin bottom-left.
_PT = 0.75


def render_part(html: str) -> tuple[bytes, dict]:
    """Render one part of a long document; returns (pdf bytes, layout facts as plain JSON data).

    The facts are what joining needs and a PDF does not keep across parts: `pages`, `anchors`
    {name: [page, x, y]}, the internal `links` [[page, target, x1, y1, x2, y2]] and the `bookmarks`
    [[level, label, page, x, y]] (pages from 0, positions in CSS px from the top left). WeasyPrint
    writes no links itself: a link whose target lies in another part would be dropped, so every
    link is added after joining (`join_parts`), when all targets exist.
    """
    if not cjk_font_available():
        raise MissingCJKFont("服务器缺少中文字体（Noto Sans CJK SC），请安装 fonts-noto-cjk 后重试。")
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    meta = {"pages": len(document.pages), "anchors": {}, "links": [], "bookmarks": []}
    links = {}
    for number, page in enumerate(document.pages):
        for name, (x, y, *_rest) in page.anchors.items():
            meta["anchors"].setdefault(name, [number, x, y])
        # An <a> yields one rectangle (x1, y1, x2, y2) per box (the link, its text, its ::after):
        # one link per line of it, over their union.
        for kind, target, (x1, y1, x2, y2), _box in page.links:
            if kind == "internal":
                key = (number, target, round(y1))
                a = links.setdefault(key, [x1, y1, x2, y2])
                links[key] = [min(a[0], x1), min(a[1], y1), max(a[2], x2), max(a[3], y2)]
        for level, label, (x, y), _state in page.bookmarks:
            meta["bookmarks"].append([level, label, number, x, y])
        page.links = []
    meta["links"] = [[number, target, *rect] for (number, target, _), rect in links.items()]
    return document.write_pdf(), meta


def join_parts(
    main: tuple[bytes, dict],
    parts: list[tuple[bytes, dict, str, int]],
    *,
    title: str,
    author: str,
    created,
    outline_levels: int = 2,
) -> tuple[bytes, int]:
    """Join a main part and the parts rendered apart into one navigable PDF; returns (bytes, pages).

    The main part was laid out with empty placeholder pages where each other part goes (so
    `counter(pages)` and the table of contents' `target-counter()` already count every page):
    `parts` is [(pdf, facts, anchor, pages)], the part taking the place of `pages` placeholder pages
    from the main part's page holding `anchor`. A placeholder's running head and footer are stamped
    on the page that takes its place, which is why the other parts print no page numbers of their
    own and need nothing from the main part (all can be rendered at the same time). Each part must
    come out with exactly its number of pages.

    Added after joining: a link for every internal link of the main part (its TOC), the outline
    (bookmarks of levels ≤ `outline_levels` of every part, in page order), named destinations for
    the main part's anchors, and the document metadata. The result depends only on the parts, never
    on which process rendered which part or in which order.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit

    main_pdf, main_meta = main
    anchors = main_meta["anchors"]
    total = main_meta["pages"]
    slots = {}  # main page of the first placeholder -> (part number, pdf, facts, pages)
    for index, (pdf, meta, anchor, n) in enumerate(parts, start=1):
        if anchor not in anchors or anchors[anchor][0] + n > total:
            raise ValueError(f"正文部分缺少第 {index} 部分的占位页（{anchor}）")
        if meta["pages"] != n:
            raise ValueError(
                f"第 {index} 部分排出 {meta['pages']} 页，应为 {n} 页（某页内容超过一页，如附录某校一页排不下）"
            )
        slots[anchors[anchor][0]] = (index, pdf, meta, n)
    writer = PdfWriter()
    main_reader = PdfReader(io.BytesIO(main_pdf))
    placeholders = set()
    bookmarks = []
    number = 0
    while number < total:
        if number not in slots:
            writer.add_page(main_reader.pages[number])
            number += 1
            continue
        _index, pdf, meta, n = slots.pop(number)
        for offset, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
            _stamp(writer, writer.add_page(page), main_reader.pages[number + offset], number + offset)
        placeholders.update(range(number, number + n))
        bookmarks += [[level, label, number + at, x, y] for level, label, at, x, y in meta["bookmarks"]]
        number += n
    if slots:
        raise ValueError("各部分的占位页重叠，无法合并")
    bookmarks += [b for b in main_meta["bookmarks"] if b[2] not in placeholders]
    bookmarks.sort(key=lambda b: (b[2], b[4]))  # page order, then top to bottom (a stable sort)

    def top(page_number: int, y: float) -> float:
        return float(writer.pages[page_number].mediabox.top) - y * _PT

    for number, target, x1, y1, x2, y2 in main_meta["links"]:
        if number in placeholders or target not in anchors:
            continue
        to_page, to_x, to_y = anchors[target]
        rect = (x1 * _PT, top(number, y2), x2 * _PT, top(number, y1))
        writer.add_annotation(
            number, _link(rect, to_page, Fit.xyz(left=to_x * _PT, top=top(to_page, to_y), zoom=0))
        )
    for name, (to_page, _x, _y) in sorted(anchors.items(), key=lambda a: (a[1][0], a[0])):
        writer.add_named_destination(name, to_page)
    parents: list[tuple[int, object]] = []
    for level, label, number, x, y in bookmarks:
        if level > outline_levels:
            continue
        while parents and parents[-1][0] >= level:
            parents.pop()
        item = writer.add_outline_item(
            title=label,
            page_number=number,
            parent=parents[-1][1] if parents else None,
            fit=Fit.xyz(left=x * _PT, top=top(number, y), zoom=0),
        )
        parents.append((level, item))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author,
            "/Creator": "县域义务教育均衡迎检平台",
            "/CreationDate": _pdf_date(created),
            "/ModDate": _pdf_date(created),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _link(rect, page_number: int, fit):
    from pypdf.annotations import Link

    return Link(rect=rect, target_page_index=page_number, fit=fit)


def _stamp(writer, page, stamp, number: int) -> None:
    """Draw page `stamp` (running head, footer) over `page` as a form XObject: no content parsing."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    form = DecodedStreamObject()
    form.set_data(stamp.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(stamp.mediabox),
            NameObject("/Resources"): stamp["/Resources"].clone(writer),
        }
    )
    name = NameObject(f"/BiStamp{number}")  # unique: a part's pages may share one resource dictionary
    resources = page["/Resources"].get_object()
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    resources["/XObject"].get_object()[name] = writer._add_object(form)
    contents = page.raw_get("/Contents")
    contents = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]

    def stream(data: bytes):
        s = DecodedStreamObject()
        s.set_data(data)
        return writer._add_object(s)

    # The part's own content is wrapped in q/Q so a graphics state it leaves set cannot move the stamp.
    page[NameObject("/Contents")] = ArrayObject(
        [stream(b"q\n"), *contents, stream(b"\nQ\nq " + name.encode() + b" Do Q\n")]
    )


def _pdf_date(when) -> str:
    offset = when.strftime("%z") or "+0000"
    return when.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"
