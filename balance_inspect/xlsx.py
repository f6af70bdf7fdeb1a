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
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

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
        dropdowns: Sequence["Dropdown"] = (),
        text_columns: Sequence[int] = (),
    ):
        self.title = title[:31]
        self.headers = headers
        self.rows = rows
        self.widths = widths
        self.caption = caption
        self.note = note
        self.data_time = data_time
        self.dropdowns = dropdowns
        self.text_columns = text_columns


class Dropdown:
    """A drop-down list on one column of a template sheet (1-based column index), from row 2 to
    TEMPLATE_ROWS; Excel refuses other values with `error`."""

    def __init__(self, column: int, values: Sequence[str], *, allow_blank: bool, error: str):
        self.column = column
        self.values = tuple(values)
        self.allow_blank = allow_blank
        self.error = error


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


class FormGrid:
    """A worksheet laid out as a printed form (the national application form's tables):
    a title row, header rows whose cells span rows/columns (``header``: (row, col, rowspan,
    colspan, text), rows from 0), the row of column codes (L1 … Ln) directly above the data,
    the data rows (items as in `Sheet`: plain values, `Num`, `Flagged`), then the notes.
    ``body_merges`` merge data cells ((row, col, rowspan, colspan) from the first data row);
    ``section_rows`` are data rows whose first cell spans the whole width. Printed on A4
    landscape, fitted to the page width, the title, header and code rows repeated on every page.
    """

    def __init__(
        self,
        title: str,
        caption: str,
        columns: int,
        header: Sequence[tuple[int, int, int, int, str]],
        header_rows: int,
        codes: Sequence[str],
        rows: Sequence[Sequence],
        *,
        notes: Sequence[str] = (),
        widths=None,
        body_merges: Sequence[tuple[int, int, int, int]] = (),
        section_rows: Sequence[int] = (),
    ):
        self.title = title[:31]
        self.caption = caption
        self.columns = columns
        self.header = header
        self.header_rows = header_rows
        self.codes = codes
        self.rows = rows
        self.notes = notes
        self.widths = widths
        self.body_merges = body_merges
        self.section_rows = frozenset(section_rows)


_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_NOTE = Alignment(horizontal="left", vertical="top", wrap_text=True)


def _range(row: int, col: int, rowspan: int = 1, colspan: int = 1) -> str:
    return f"{_column_letter(col)}{row}:{_column_letter(col + colspan - 1)}{row + rowspan - 1}"


class _Styles:
    """Each combination of alignment, font, fill and number format is registered once per
    workbook (style arrays index the workbook's tables); its cells copy the registered array.
    (openpyxl registers a style by hashing it, which costs several times the writing of the cell.)"""

    _ALIGN = {"center": _CENTER, "left": _LEFT, "note": _NOTE}

    def __init__(self):
        self.ws = None  # the sheet being written
        self.cache = {}

    def cell(self, value, *, align="center", bold=False, size=None, number_format=None, fill=None, box=True):
        cell = WriteOnlyCell(self.ws, value=value)
        key = (align, bold, size, number_format, id(fill) if fill is not None else None, box)
        style = self.cache.get(key)
        if style is None:
            cell.alignment = self._ALIGN[align]
            if bold or size:
                cell.font = Font(bold=bold, size=size)
            if number_format:
                cell.number_format = number_format
            if fill is not None:
                cell.fill = fill
            if box:
                cell.border = _BOX
            self.cache[key] = cell._style
        else:
            cell._style = style  # write-only: the cell is serialised at once, never changed
        return cell

    def item(self, item):
        """A data cell of a `Sheet` row item (plain value, `Num`, `Flagged`), boxed."""
        fill = None
        if isinstance(item, Flagged):
            fill = WARN_FILL if item.level == "warn" else FAIL_FILL
            item = item.value
        if isinstance(item, Num):
            return self.cell(item.value, number_format=item.number_format, fill=fill)
        value = safe_cell_value(item)
        align = "left" if isinstance(value, str) and len(value) > 6 else "center"
        return self.cell(value, align=align, fill=fill)


def _write_grid(wb, grid: FormGrid, styles: _Styles) -> None:
    ws = wb.create_sheet(grid.title)
    styles.ws = ws
    n = grid.columns
    for i, width in enumerate(grid.widths or [], start=1):
        ws.column_dimensions[_column_letter(i)].width = width
    first_header = 2
    codes_row = first_header + grid.header_rows
    first_data = codes_row + (1 if grid.codes else 0)
    ws.freeze_panes = f"A{first_data}"
    ws.print_title_rows = f"1:{first_data - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    merges = [_range(1, 1, 1, n)]
    # Header: every grid position gets a boxed cell (covered ones too, so merged borders print).
    grid_cells = [[None] * n for _ in range(grid.header_rows)]
    for row, col, rowspan, colspan, text in grid.header:
        if rowspan > 1 or colspan > 1:
            merges.append(_range(first_header + row, col + 1, rowspan, colspan))
        grid_cells[row][col] = text
    ws.row_dimensions[1].height = 26
    ws.append([styles.cell(safe_cell_value(grid.caption), bold=True, size=14, box=False)])
    for r, cells in enumerate(grid_cells):
        ws.row_dimensions[first_header + r].height = 30
        ws.append([styles.cell(safe_cell_value(text), bold=True) for text in cells])
    if grid.codes:
        codes = list(grid.codes) + [""] * (n - len(grid.codes))
        ws.append([styles.cell(safe_cell_value(code or None)) for code in codes])
    for row, col, rowspan, colspan in grid.body_merges:
        merges.append(_range(first_data + row, col + 1, rowspan, colspan))
    for r, row in enumerate(grid.rows):
        if r in grid.section_rows:
            merges.append(_range(first_data + r, 1, 1, n))
            first = styles.cell(safe_cell_value(row[0]), align="left", bold=True)
            ws.append([first] + [styles.cell(None) for _ in range(n - 1)])
            continue
        ws.append([styles.item(item) for item in row])
    note_row = first_data + len(grid.rows)
    total_width = sum(grid.widths or [10] * n)
    for i, note in enumerate(grid.notes):
        merges.append(_range(note_row + i, 1, 1, n))
        # A merged cell does not grow with its text: give it the lines it needs (≈ 2 width units a character).
        lines = max(1, -(-len(note) * 2 // max(int(total_width), 1)))
        ws.row_dimensions[note_row + i].height = 15 * lines + 3
        ws.append([styles.cell(safe_cell_value(note), align="note", box=False)])
    for ref in merges:
        ws.merged_cells.add(ref)


def write_xlsx(sheets: Sequence[Sheet | FormGrid]) -> bytes:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    styles = _Styles()
    for sheet in sheets:
        if isinstance(sheet, FormGrid):
            _write_grid(wb, sheet, styles)
            continue
        ws = wb.create_sheet(sheet.title)
        for i, width in enumerate(sheet.widths or [], start=1):
            ws.column_dimensions[_column_letter(i)].width = width
        header_row = 3 if sheet.caption else 1
        ws.freeze_panes = f"A{header_row + 1}"  # set before any row is written (write-only mode)
        _add_template_rules(ws, sheet)
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


TEMPLATE_ROWS = 5000  # rows of a blank template that carry the drop-down lists and text format


def _add_template_rules(ws, sheet: Sheet) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for index in sheet.text_columns:
        # Text format keeps leading zeros and all 18 ID digits, and keeps "96,102" two rooms
        # instead of the number 96102.
        ws.column_dimensions[_column_letter(index)].number_format = "@"
    for dropdown in sheet.dropdowns:
        letter = _column_letter(dropdown.column)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(dropdown.values) + '"',
            allow_blank=dropdown.allow_blank,
            showErrorMessage=True,
            errorTitle="无效的值",
            error=dropdown.error,
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        ws.data_validations.append(validation)


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
