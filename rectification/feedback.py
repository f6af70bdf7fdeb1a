"""Validation of an uploaded feedback list (反馈问题清单), without Django.

The service reads the first worksheet into plain rows and calls :func:`parse_feedback`; it writes
only when the returned error list is empty (all-or-nothing). Errors name the Excel row number
(the header is row 1), the column header and the reason, in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

COLUMNS = (
    "序号",
    "反馈来源",
    "反馈日期",
    "问题描述",
    "涉及指标",
    "涉及学校",
    "整改目标",
    "整改措施",
    "牵头单位",
    "配合单位",
    "责任人",
    "完成时限",
)
OPTIONAL_COLUMNS = ("反馈组", "反馈原文")
REQUIRED_COLUMNS = ("序号", "反馈来源", "反馈日期", "问题描述", "牵头单位", "完成时限")
# The header of the 涉及学校 column in the template spells out the separator; both are accepted.
SCHOOL_HEADER_ALIASES = ("涉及学校", "涉及学校(标识码)", "涉及学校（标识码）")

_SCHOOL_SPLIT = re.compile(r"[、,，;；\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")

TEXT_LIMITS = {
    "问题描述": 2000,
    "整改目标": 2000,
    "整改措施": 4000,
    "牵头单位": 100,
    "配合单位": 300,
    "责任人": 50,
    "反馈组": 100,
    "反馈原文": 2000,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行，{self.column}：{self.reason}"


@dataclass
class FeedbackRecord:
    row: int
    source_no: int
    source: str
    source_date: date
    problem: str
    indicator: str
    school_codes: list[str]
    target: str
    measures: str
    lead_unit: str
    cooperating_units: str
    responsible_person: str
    deadline: date
    source_team: str = ""
    source_item: str = ""

    @property
    def key(self) -> tuple[str, date, int]:
        return (self.source, self.source_date, self.source_no)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value) -> date | None:
    """A date from an Excel cell (date/datetime or text in the usual Chinese spellings); None if not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_MAX_NUMBER = 2_147_483_647  # what the database column holds


def _positive_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= _MAX_NUMBER else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 < value <= _MAX_NUMBER else None
    text = _text(value)
    # isascii: str.isdigit() also accepts "²" or "٣", which int() refuses.
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    return int(text) if 0 < int(text) <= _MAX_NUMBER else None


def header_index(header: Sequence) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by canonical header; errors for missing required columns."""
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = _text(cell).replace(" ", "")
        if name in SCHOOL_HEADER_ALIASES:
            name = "涉及学校"
        if name in COLUMNS or name in OPTIONAL_COLUMNS:
            index.setdefault(name, i)
    errors = [
        RowError(1, name, "缺少此列（表头须与模板一致）") for name in REQUIRED_COLUMNS if name not in index
    ]
    return index, errors


def parse_feedback(
    rows: Iterable[Sequence],
    *,
    sources: Mapping[str, str],
    indicators: Mapping[str, str],
    school_codes: Iterable[str],
) -> tuple[list[FeedbackRecord], list[RowError]]:
    """Validate the rows of a feedback sheet (first row = header).

    ``sources`` maps Chinese source labels to stored values (省级反馈 → "provincial"),
    ``indicators`` maps accepted indicator spellings (keys and Chinese labels) to keys,
    ``school_codes`` are the codes of the county's schools. Empty rows are skipped.
    """
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        return [], [RowError(1, "表头", "文件为空，没有表头行")]
    index, errors = header_index(header)
    if errors:
        return [], errors
    known_schools = set(school_codes)
    records: list[FeedbackRecord] = []
    seen: dict[tuple, int] = {}
    for row_no, row in enumerate(iterator, start=2):

        def cell(name: str, _row=row):
            i = index.get(name)
            return _row[i] if i is not None and i < len(_row) else None

        if all(_text(v) == "" for v in row):
            continue
        row_errors: list[RowError] = []

        def fail(column: str, reason: str, _row_no=row_no, _errors=row_errors) -> None:
            _errors.append(RowError(_row_no, column, reason))

        for name in REQUIRED_COLUMNS:
            if _text(cell(name)) == "":
                fail(name, "必填，不能为空")
        source_no = _positive_int(cell("序号"))
        if _text(cell("序号")) and source_no is None:
            fail("序号", f"应为正整数，实际为“{_text(cell('序号'))}”")
        source_label = _text(cell("反馈来源"))
        source = sources.get(source_label)
        if source_label and source is None:
            fail("反馈来源", f"“{source_label}”不是可选值（可选：{'、'.join(sources)}）")
        source_date = parse_date(cell("反馈日期"))
        if _text(cell("反馈日期")) and source_date is None:
            fail("反馈日期", f"“{_text(cell('反馈日期'))}”不是有效日期（例如 2025-03-18）")
        deadline = parse_date(cell("完成时限"))
        if _text(cell("完成时限")) and deadline is None:
            fail("完成时限", f"“{_text(cell('完成时限'))}”不是有效日期（例如 2025-06-30）")
        if source_date and deadline and deadline < source_date:
            fail("完成时限", "完成时限早于反馈日期")
        indicator_text = _text(cell("涉及指标"))
        indicator = indicators.get(indicator_text, "") if indicator_text else ""
        if indicator_text and not indicator:
            fail(
                "涉及指标",
                f"“{indicator_text}”不是已知指标（填写指标名称或代码，如“生均教学及辅助用房面积”）",
            )
        codes = [c for c in _SCHOOL_SPLIT.split(_text(cell("涉及学校"))) if c]
        unknown = [c for c in codes if c not in known_schools]
        if unknown:
            fail("涉及学校", f"本县没有学校标识码 {'、'.join(unknown)}")
        for name, limit in TEXT_LIMITS.items():
            if len(_text(cell(name))) > limit:
                fail(name, f"超过 {limit} 字")
        if not row_errors and source_no is not None and source is not None and source_date is not None:
            key = (source, source_date, source_no)
            if key in seen:
                fail("序号", f"与第 {seen[key]} 行重复（同一来源、日期和序号）")
            seen[key] = row_no
        if row_errors:
            errors.extend(row_errors)
            continue
        records.append(
            FeedbackRecord(
                row=row_no,
                source_no=source_no,
                source=source,
                source_date=source_date,
                problem=_text(cell("问题描述")),
                indicator=indicator,
                school_codes=list(dict.fromkeys(codes)),
                target=_text(cell("整改目标")),
                measures=_text(cell("整改措施")),
                lead_unit=_text(cell("牵头单位")),
                cooperating_units=_text(cell("配合单位")),
                responsible_person=_text(cell("责任人")),
                deadline=deadline,
                source_team=_text(cell("反馈组")),
                source_item=_text(cell("反馈原文")),
            )
        )
    if not records and not errors:
        errors.append(RowError(2, "全部", "没有可导入的数据行"))
    return records, errors
