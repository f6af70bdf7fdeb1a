"""The one xlsx writer: plain rows in, a safe workbook out (pretix's approach).

Cells that a spreadsheet would run as a formula (=, +, -, @ at the start, also after tab/CR)
are prefixed with an apostrophe so they stay text (the readers take it off again:
`unguard_cell_value`, so an export re-imports its data); characters that are illegal in
XML are removed. Numbers stay numbers.
"""

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from domain import numbers

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FAIL_FILL = PatternFill("solid", fgColor="F8D7DA")  # the pages' red: below 85 % of the standard / failing
WARN_FILL = PatternFill("solid", fgColor="FFF4D6")  # the pages' yellow: at least 85 % but below the standard


def safe_cell_value(value):
    if value is None or isinstance(value, (bool, int, float, Decimal, date, datetime)):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = _ILLEGAL.sub("", str(value))
    if _looks_like_formula(text):
        text = "'" + text
    return text


def _looks_like_formula(text: str) -> bool:
    """Formula-like, also behind apostrophes: "'=x" typed by a user is guarded too, so that
    reading back (`unguard_cell_value`) drops exactly the one apostrophe the writer added."""
    return text.lstrip("'").startswith(_FORMULA_START)


def unguard_cell_value(value):
    """The inverse of `safe_cell_value` for a cell read back from one of our exports: the
    apostrophe the writer put before a formula-like text is dropped, so that an exported file
    re-imports the data (a school named "=cmd|…"), not the guard. Only where the writer would
    have added it: an apostrophe before anything else is the user's own text."""
    if isinstance(value, str) and value.startswith("'") and _looks_like_formula(value):
        return value[1:]
    return value


class Sheet:
    """A worksheet to write: a title, header labels and rows of plain values.

    A row item may be a `Num(value, digits)` (a rounded figure with its number format) and/or a
    `Flagged(value)` to shade the cell red (failing) or, with ``level="warn"``, yellow (the page's
    marks in 表Ⅱ). ``caption`` makes it a report: a title row and a line with the data time (and
    ``note``) above the header. Sheets that are read back in (templates, re-importable exports) have
    no caption, so their header stays on row 1. The header row is always frozen.
    """

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        rows: Iterable[Sequence],
        widths=None,
        *,
        caption: str = "",
        note: str = "",
        data_time=None,
    ):
        self.title = title[:31]
        self.headers = headers
        self.rows = rows
        self.widths = widths
        self.caption = caption
        self.note = note
        self.data_time = data_time


class Flagged:
    def __init__(self, value, level: str = "fail"):
        self.value = value
        self.level = level


class Num:
    """A figure written as a number, rounded half up to ``digits`` places like the pages print it,
    with the cell format that shows those places (``percent``: a fraction shown as 96.2%).

    With ``limit`` (and the verdict ``passed``), the cell shows as many places as the page does
    so that a failing 84.9998% never shows 85.0% beside 未达标 (domain.numbers.places_against).
    """

    def __init__(
        self,
        value,
        digits: int = numbers.MEAN,
        *,
        percent: bool = False,
        limit=None,
        passed: bool | None = None,
        at_least: bool = True,
    ):
        if limit is not None:
            scale = 100 if percent else 1
            value_x, limit_x = numbers.exact(value), numbers.exact(limit)
            if value_x is not None and limit_x is not None:
                digits = numbers.places_against(
                    value_x * scale, limit_x * scale, digits, at_least=at_least, passed=passed
                )
        self.value = numbers.xlsx_value(value, digits, percent=percent)
        self.number_format = numbers.xlsx_format(digits, percent=percent)


def _cell(ws, item):
    flagged = isinstance(item, Flagged)
    value = item.value if flagged else item
    if not flagged and not isinstance(value, Num):
        return safe_cell_value(value)
    if isinstance(value, Num):
        cell = WriteOnlyCell(ws, value=value.value)
        cell.number_format = value.number_format
    else:
        cell = WriteOnlyCell(ws, value=safe_cell_value(value))
    if flagged:
        cell.fill = WARN_FILL if item.level == "warn" else FAIL_FILL
    return cell


def as_report(sheets: Sequence[Sheet], title: str, *, data_time=None) -> list[Sheet]:
    """Sheets of a report (not read back in): each gets "<title> · <sheet>" and the data time above
    its header, unless it already has a caption."""
    for sheet in sheets:
        if not sheet.caption:
            sheet.caption = f"{title} · {sheet.title}"
            sheet.data_time = sheet.data_time or data_time
    return list(sheets)


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for i, width in enumerate(sheet.widths or [], start=1):
            ws.column_dimensions[_column_letter(i)].width = width
        header_row = 3 if sheet.caption else 1
        ws.freeze_panes = f"A{header_row + 1}"  # set before any row is written (write-only mode)
        if sheet.caption:
            title = WriteOnlyCell(ws, value=safe_cell_value(sheet.caption))
            title.font = Font(bold=True, size=14)
            ws.append([title])
            ws.append(
                [safe_cell_value("；".join(filter(None, [_data_time_text(sheet.data_time), sheet.note])))]
            )
        header = []
        for label in sheet.headers:
            cell = WriteOnlyCell(ws, value=safe_cell_value(label))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_cell(ws, item) for item in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _data_time_text(data_time) -> str:
    when = timezone.localtime(data_time) if data_time is not None else timezone.localtime()
    return f"数据时间：{when:%Y-%m-%d %H:%M}（北京时间）"


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(write_xlsx(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
