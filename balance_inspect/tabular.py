"""Blank import templates: one shape for every upload a county clerk sees.

Each app declares its template's columns once (schools.columns, workforce.importing,
dropout_control.importing, rectification.exports, dataquality.reconcile) and turns each column
into a `TemplateColumn`; `template_sheets` makes from them the sheet to fill in (the header row,
drop-down lists where the allowed values are a short list, text format where leading zeros or
long digit strings must survive) and the 填写说明 sheet, always with the same five columns, one
row per template column, then the general notes below a blank row.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from balance_inspect.xlsx import Dropdown, Sheet

INSTRUCTIONS_TITLE = "填写说明"
INSTRUCTION_HEADERS = ("列名", "是否必填", "允许的值/格式", "单位", "说明")
INSTRUCTION_WIDTHS = (20, 16, 60, 8, 50)
NOTES_LABEL = "说明"
# Excel keeps a list validation's values in a formula of at most 255 characters; a longer list
# is explained in 填写说明 only.
DROPDOWN_MAX_CHARS = 255


@dataclass(frozen=True)
class TemplateColumn:
    """What a template says about one column: the instruction row and the sheet's cell rules."""

    header: str
    required: str  # 是 / 否 / 否（空白为 0） / 教学点必填 …
    allowed: str  # the allowed values or format, as one line of text
    unit: str = ""
    note: str = ""
    choices: tuple[str, ...] = ()  # a drop-down list on the column
    required_cell: bool = True  # the drop-down refuses a blank cell
    text: bool = False  # the column is formatted as text (codes, ID numbers)

    @property
    def instruction(self) -> tuple[str, str, str, str, str]:
        return (self.header, self.required, self.allowed, self.unit, self.note)

    def dropdown(self, index: int) -> Dropdown | None:
        if not self.choices or len(",".join(self.choices)) + 2 > DROPDOWN_MAX_CHARS:
            return None
        return Dropdown(
            index,
            self.choices,
            allow_blank=not self.required_cell,
            error=f"{self.header}应为：{self.allowed}",
        )


def instruction_rows(columns: Sequence[TemplateColumn], notes: Iterable[str] = ()) -> list[tuple]:
    """The rows of 填写说明 below its header: one per column, then the notes after a blank row."""
    rows: list[tuple] = [c.instruction for c in columns]
    notes = list(notes)
    if notes:
        rows += [("",), (NOTES_LABEL,)] + [(note,) for note in notes]
    return rows


def template_sheets(
    title: str,
    columns: Sequence[TemplateColumn],
    notes: Iterable[str] = (),
    *,
    example_rows: Sequence[Sequence] = (),
) -> list[Sheet]:
    """The blank template (header row, optional example rows) and its 填写说明 sheet."""
    headers = [c.header for c in columns]
    return [
        Sheet(
            title,
            headers,
            list(example_rows),
            widths=[max(12, len(h) * 2 + 4) for h in headers],
            dropdowns=[d for i, c in enumerate(columns, start=1) if (d := c.dropdown(i))],
            text_columns=[i for i, c in enumerate(columns, start=1) if c.text],
        ),
        Sheet(
            INSTRUCTIONS_TITLE,
            INSTRUCTION_HEADERS,
            instruction_rows(columns, notes),
            widths=INSTRUCTION_WIDTHS,
        ),
    ]
