"""The form's tables as a workbook (the one xlsx writer) and as HTML for the PDF (the one renderer)."""

from balance_inspect.xlsx import FormGrid, Num, write_xlsx

from .tables import Figure, FormTable


def _xlsx_item(cell):
    if isinstance(cell, Figure):
        return Num(cell.value, cell.digits)
    return cell


def as_grid(table: FormTable) -> FormGrid:
    return FormGrid(
        table.sheet,
        table.title,
        table.columns,
        [(s.row, s.col, s.rowspan, s.colspan, s.text) for s in table.header],
        table.header_rows,
        table.codes,
        [[_xlsx_item(c) for c in row] for row in table.rows],
        notes=table.notes,
        widths=table.widths,
        body_merges=[(m.row, m.col, m.rowspan, m.colspan) for m in table.body_merges],
        section_rows=table.section_rows,
    )


def forms_xlsx(tables: list[FormTable]) -> bytes:
    """申报表.xlsx: one sheet per table, named 表Ⅰ … 表Ⅵ."""
    return write_xlsx([as_grid(t) for t in tables])
