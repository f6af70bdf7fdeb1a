"""Reading one uploaded 四查三比对 list (xlsx) into dataquality.matching's parsed form.

Kept apart from the services (no models imported) so that bench/bench_matching.py times exactly
this path against a plain openpyxl pass.
"""

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError

from balance_inspect.xlsx_read import check_xlsx_bounds, data_rows
from dataquality import matching


def _header_text(cell) -> str:
    return matching._text(cell).lstrip("*")


def read_list(source, spec: matching.ListSpec) -> matching.ParsedList:
    """One uploaded xlsx -> parsed list (bounded: check_xlsx_bounds before openpyxl parses it).

    A county's 户籍 list is far longer than an import template: DATAQUALITY_LIST_MAX_ROWS bounds it."""
    check_xlsx_bounds(source, max_rows=settings.DATAQUALITY_LIST_MAX_ROWS)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise ValidationError(f"{spec.label}无法读取，请用 Excel 或 WPS 另存为 .xlsx 后重试。") from None
    try:
        header, rows = data_rows(workbook.worksheets[0], spec.columns, _header_text)
        return matching.parse_list(spec, header, rows)
    finally:
        workbook.close()
