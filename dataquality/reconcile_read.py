"""Reading one uploaded 对账 list (xlsx): its header row, then its rows into counts.

Bounded like the 四查三比对 lists (check_xlsx_bounds with DATAQUALITY_LIST_MAX_ROWS before openpyxl
parses anything; only the columns up to the rightmost mapped one are materialised). No models are
imported, so bench/bench_reconcile.py times exactly this path.
"""

from collections.abc import Mapping

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError

from balance_inspect.xlsx_read import check_xlsx_bounds, data_rows
from dataquality import reconcile

UNREADABLE = "{label}无法读取，请用 Excel 或 WPS 另存为 .xlsx 后重试。"


def _open(source, kind: reconcile.ListKind):
    check_xlsx_bounds(source, max_rows=settings.DATAQUALITY_LIST_MAX_ROWS)
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise ValidationError(UNREADABLE.format(label=kind.label)) from None


def read_headers(source, kind: reconcile.ListKind) -> list[str]:
    """The first row's header texts (blank headers kept as "" so that positions stay right)."""
    workbook = _open(source, kind)
    try:
        header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), None) or ()
    finally:
        workbook.close()
        source.seek(0)
    headers = [reconcile.header_text(h) for h in header]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ValidationError(f"{kind.label}第 1 行没有表头，请在第 1 行写明各列名称")
    return headers


def read_counts(source, kind: reconcile.ListKind, positions: Mapping[str, int]) -> reconcile.ListCounts:
    """Every data row of the first worksheet counted under `positions` ({field: column})."""
    workbook = _open(source, kind)
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(max_row=1, values_only=True), None) or ()
        texts = [reconcile.header_text(h) for h in header]
        wanted = [texts[i] for i in positions.values() if i < len(texts)]
        _, rows = data_rows(sheet, wanted, reconcile.header_text)
        return reconcile.count_rows(kind, positions, rows)
    finally:
        workbook.close()
        source.seek(0)
