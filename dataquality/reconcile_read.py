"""Reading one uploaded 对账 list (xlsx): its header row, then (once the columns are known) its
rows into counts — in one pass of openpyxl over the file.

Bounded like the 四查三比对 lists: check_xlsx_bounds with DATAQUALITY_LIST_MAX_ROWS before openpyxl
parses anything, and only the columns up to the rightmost mapped one are materialised
(balance_inspect.xlsx_read.data_rows). No models are imported, so bench/bench_reconcile.py times
exactly this path.
"""

from collections.abc import Callable, Mapping

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError

from balance_inspect.xlsx_read import check_xlsx_bounds, data_rows
from dataquality import reconcile

Positions = Mapping[str, int]


def read_list(
    source,
    kind: reconcile.ListKind,
    pick: Callable[[list[str]], Positions | None],
    *,
    bounds_checked: bool = False,
) -> tuple[list[str], reconcile.ListCounts | None]:
    """(header texts, counts). `pick(headers)` says which column holds each field, or None when the
    user has to say it (then nothing but the header row is read and the counts are None).

    `bounds_checked`: the bytes already passed check_xlsx_bounds (a file kept at upload for the
    mapping step), so the second XML pass is skipped."""
    if not bounds_checked:
        check_xlsx_bounds(source, max_rows=settings.DATAQUALITY_LIST_MAX_ROWS)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise ValidationError(f"{kind.label}无法读取，请用 Excel 或 WPS 另存为 .xlsx 后重试。") from None
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(max_row=1, values_only=True), None) or ()
        headers = [reconcile.header_text(h) for h in header]
        while headers and not headers[-1]:
            headers.pop()
        if not any(headers):
            raise ValidationError(f"{kind.label}第 1 行没有表头，请在第 1 行写明各列名称")
        positions = pick(headers)
        if positions is None:
            return headers, None
        wanted = {headers[i] for i in positions.values()}
        _, rows = data_rows(sheet, wanted, reconcile.header_text)
        return headers, reconcile.count_rows(kind, positions, rows)
    finally:
        workbook.close()
        source.seek(0)
