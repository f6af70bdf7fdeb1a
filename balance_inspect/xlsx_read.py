"""Bounds on an uploaded workbook, checked before openpyxl parses it (decompression bombs).

An xlsx is a zip of XML: 1 MB on disk may unpack to 400 MB of shared strings, and one cell in
column XFD makes every row a 16,384-wide tuple. So, before parsing:
1. the zip's declared sizes — zipfile never hands out more than a member's declared size, so
   the declared total bounds what the parser can read — against XLSX_MAX_UNPACKED_MB, and each
   large member's compression ratio;
2. one streaming pass over the first worksheet's XML counting rows and the widest column
   (the sheet's own <dimension> may lie) against XLSX_MAX_ROWS and XLSX_MAX_COLUMNS;
and when reading, only the columns up to the rightmost one the template knows (`data_rows`), with
the writer's formula guard taken off again (balance_inspect.xlsx.unguard_cell_value).
Every refusal is a ValidationError with a reason in Chinese.
"""

import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError

from balance_inspect.xlsx import unguard_cell_value

# A member that unpacks past this ratio is a bomb: worksheet XML compresses about 5-30x,
# shared strings of a roster with many repeated values rarely past 100x.
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024  # small members (styles, a tiny sheet) may compress very well
_COLUMN = re.compile(r"[A-Z]+")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def column_index(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def check_xlsx_bounds(source, *, max_rows: int | None = None) -> None:
    """Refuse a workbook too large to parse safely. `source`: bytes or a seekable binary file.

    `max_rows` replaces XLSX_MAX_ROWS for lists that are long by nature (a county's 户籍 list)."""
    if isinstance(source, bytes | bytearray):
        from io import BytesIO

        source = BytesIO(source)
    position = source.tell() if hasattr(source, "tell") else 0
    try:
        with zipfile.ZipFile(source) as zf:
            _check_members(zf.infolist())
            sheet = _first_sheet_path(zf)
            if sheet is not None:
                _check_sheet(zf, sheet, max_rows)
    except zipfile.BadZipFile:
        raise ValidationError("无法读取该 Excel 文件，请用 Excel 或 WPS 另存为 .xlsx 后重试。") from None
    finally:
        source.seek(position)


def _check_members(members) -> None:
    limit = settings.XLSX_MAX_UNPACKED_MB * 1024 * 1024
    total = sum(m.file_size for m in members)
    if total > limit:
        raise ValidationError(
            f"文件解压后过大（约 {total / 1048576:.0f} MB，上限 {settings.XLSX_MAX_UNPACKED_MB} MB），"
            "不像正常的数据表。请删除多余的工作表和内容后重试。"
        )
    for m in members:
        if m.file_size >= RATIO_CHECKED_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ValidationError(
                f"文件内容异常：{m.filename} 解压后是压缩前的 {m.file_size // max(m.compress_size, 1)} 倍，"
                "不像正常的数据表，已拒绝。请用 Excel 或 WPS 另存为 .xlsx 后重试。"
            )


def _first_sheet_path(zf: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first worksheet (the one the importers read)."""
    from xml.etree.ElementTree import fromstring

    names = set(zf.namelist())
    # Both parts are bounded by the size check above; ElementTree resolves no external entities and
    # Python's expat (>= 2.4.1) refuses entity-expansion bombs.
    try:
        workbook = fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, SyntaxError):
        return "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None
    first = next((el for el in workbook.iter() if el.tag.endswith("}sheet")), None)
    if first is None:
        return None
    rel_id = first.get(f"{_REL_NS}id")
    target = next((el.get("Target") for el in rels if el.get("Id") == rel_id), None)
    if not target:
        return None
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return path if path in names else None


def _check_sheet(zf: zipfile.ZipFile, path: str, max_rows: int | None = None) -> None:
    # expat with a start-element callback only: the same XML parser ElementTree uses (entity-bomb
    # protection included, no external entities), without building an element per cell — the
    # pull parser made this pass as slow as openpyxl's own read of the sheet.
    max_rows, max_cols = max_rows or settings.XLSX_MAX_ROWS, settings.XLSX_MAX_COLUMNS
    rows = widest = column = 0

    def start(name, attrs):
        nonlocal rows, widest, column
        tag = name.rpartition("}")[2]
        if tag == "c":
            ref = _COLUMN.match(attrs.get("r") or "")
            column = column_index(ref.group()) if ref else column + 1
            if column > widest:
                widest = column
                if widest > max_cols:
                    raise ValidationError(
                        f"工作表列数过多（用到第 {widest} 列，上限 {max_cols} 列）。"
                        "请删除模板以外多余的列后重试。"
                    )
        elif tag == "row":
            r = attrs.get("r")
            rows = int(r) if r and r.isdigit() else rows + 1
            column = 0
            if rows > max_rows:
                raise ValidationError(
                    f"工作表行数过多（第 {rows} 行，上限 {max_rows} 行）。"
                    "请删除多余的行，或分成几个文件导入。"
                )

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    try:
        with zf.open(path) as part:
            while chunk := part.read(256 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise ValidationError("无法读取该 Excel 文件，请用 Excel 或 WPS 另存为 .xlsx 后重试。") from None


def data_rows(sheet, headers: Iterable[str], header_text) -> tuple[tuple, Iterator[tuple]]:
    """(header row, data rows) of a read-only worksheet, each row cut after the rightmost column
    whose header is one of `headers` (columns a template does not have are never materialised)."""
    header = next(sheet.iter_rows(max_row=1, values_only=True), None) or ()
    wanted = set(headers)
    positions = [i for i, cell in enumerate(header) if header_text(cell) in wanted]
    width = (max(positions) + 1) if positions else 1
    rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
    return header, (tuple(unguard_cell_value(v) for v in row) for row in rows)
