"""The tables of the national application form (申报表 Ⅰ–Ⅵ) as plain data (pure, no Django).

Each builder takes plain inputs — the current assessment's stored result, county counts, the
county facts, survey figures, field visits, the form rows of 表Ⅳ/Ⅴ — and returns a
:class:`FormTable`: the title, the header cells (merged where the form groups columns), the row
of column codes ``L1 … Ln``, the data rows and the note. The workbook, the PDF and the page all
render these same tables, so a figure reads the same in each of them.

Figures stay unrounded (:class:`Figure` carries the places the form prints); they are rounded
half up at output only, through domain.numbers. 表Ⅱ and 表Ⅲ reuse the rows of
indicators.tables (the functions the assessment pages use), so pages and forms agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from domain import numbers
from domain import vocabulary as vocab
from indicators.engine import STAGE_LABELS, STAGES, get_ruleset
from indicators.tables import table2, table3, value_digits

BLANK = "＿"
DASH = "——"
SHEETS = ("表Ⅰ", "表Ⅱ-1", "表Ⅱ-2", "表Ⅲ", "表Ⅳ", "表Ⅴ", "表Ⅵ")

# 举办者类型 codes of 表Ⅱ-2. The school data record only 公办/民办: a public school of a county is
# run by the county's education bureau (7); a private one is 民办 (10).
SPONSOR_CODES = {
    "中央教育部门": 1,
    "中央其他部门": 2,
    "省级教育部门": 3,
    "省级其他部门": 4,
    "地级教育部门": 5,
    "地级其他部门": 6,
    "县级教育部门": 7,
    "县级其他部门": 8,
    "地方企业": 9,
    "民办": 10,
}
SPONSOR_CODE_OF = {vocab.PUBLIC: SPONSOR_CODES["县级教育部门"], vocab.PRIVATE: SPONSOR_CODES["民办"]}

# Short names of the seven resource indicators for 表Ⅱ-2's 备注 (the column heads carry the full names).
SHORT_NAMES = {
    "qualified_teachers_per100": "高于规定学历教师",
    "backbone_teachers_per100": "县级以上骨干教师",
    "pe_art_teachers_per100": "体育艺术专任教师",
    "building_area_pp": "生均教学及辅助用房",
    "sports_area_pp": "生均体育运动场馆",
    "equipment_value_pp": "生均教学仪器设备值",
    "multimedia_rooms_per100": "网络多媒体教室",
}


@dataclass(frozen=True)
class Figure:
    """A number of the form: unrounded ``value`` printed with ``digits`` places (half up);
    ``None`` is a blank the county still has to fill."""

    value: object
    digits: int = 0

    @property
    def text(self) -> str:
        return BLANK if self.value is None else numbers.num(self.value, self.digits)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Span:
    """A header (or body) cell at ``row``, ``col`` (0-based) covering ``rowspan`` × ``colspan``."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class FormTable:
    """One table of the form. ``rows`` hold str, int or :class:`Figure` cells (one per column);
    ``body_merges`` are spans over data rows (row relative to the first data row), e.g. a stage
    label beside its two rows; ``section_rows`` are indices of rows that are one label across."""

    sheet: str
    title: str
    columns: int
    header: list[Span]
    header_rows: int
    codes: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    body_merges: list[Span] = field(default_factory=list)
    section_rows: list[int] = field(default_factory=list)

    @property
    def width_percents(self) -> list[float]:
        """Column widths as shares of the page (the PDF's colgroup), from ``widths``."""
        total = sum(self.widths)
        return [round(w * 100 / total, 2) for w in self.widths] if total else []

    def header_grid(self) -> list[list[Span]]:
        """Header spans grouped by the row they start in, in column order (for HTML)."""
        return [
            sorted((s for s in self.header if s.row == r), key=lambda s: s.col)
            for r in range(self.header_rows)
        ]

    def body_grid(self) -> list[list[tuple[object, int, int, str]]]:
        """Data rows as (cell, rowspan, colspan, css class) with cells covered by a merge left out
        (for HTML); text longer than a label is set left ("text")."""
        covered = set()
        starts = {}
        for m in self.body_merges:
            starts[(m.row, m.col)] = (m.rowspan, m.colspan)
            for r in range(m.row, m.row + m.rowspan):
                for c in range(m.col, m.col + m.colspan):
                    if (r, c) != (m.row, m.col):
                        covered.add((r, c))
        out = []
        for r, row in enumerate(self.rows):
            if r in self.section_rows:
                out.append([(row[0], 1, self.columns, "text")])
                continue
            cells = []
            for c, cell in enumerate(row):
                if (r, c) in covered:
                    continue
                rs, cs = starts.get((r, c), (1, 1))
                css = "text" if isinstance(cell, str) and len(cell) > 6 else ""
                cells.append((cell, rs, cs, css))
            out.append(cells)
        return out


# --- eligibility ---------------------------------------------------------------------------------

# 基本均衡 must have been recognised at least this many years before the application year.
ELIGIBILITY_YEARS = 3


def application_year(year: int) -> int:
    """The calendar year in which the application built from school year ``year`` is filed:
    applications are due by the end of March, within the school year ``year``—``year + 1``."""
    return year + 1


def eligibility(recognition_year: int | None, year: int) -> dict:
    """``{recognition_year, application_year, eligible, text}``: eligible when the application
    year is at least ELIGIBILITY_YEARS after the 基本均衡 recognition (None: not entered)."""
    applying = application_year(year)
    if recognition_year is None:
        return {
            "recognition_year": None,
            "application_year": applying,
            "eligible": None,
            "text": f"未填写基本均衡认定年份（{applying} 年申报须在 {applying - ELIGIBILITY_YEARS} 年或以前通过认定）",
        }
    eligible = applying - recognition_year >= ELIGIBILITY_YEARS
    gap = applying - recognition_year
    text = f"{recognition_year} 年通过基本均衡认定，{applying} 年申报，相隔 {gap} 年" + (
        "，符合申报资格（≥ 3 年）" if eligible else f"，不足 {ELIGIBILITY_YEARS} 年，暂不具备申报资格"
    )
    return {
        "recognition_year": recognition_year,
        "application_year": applying,
        "eligible": eligible,
        "text": text,
    }


# --- plain inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyCounts:
    """What 表Ⅰ counts from the school data of one year. Stage maps are keyed 小学/初中;
    ``staff``: 教职工 on the roster (in post, 专任 or not), ``full_time``: 专任教师."""

    townships: int
    schools_by_type: Mapping[str, int]
    teaching_points: int
    teaching_points_50: int
    classes: Mapping[str, int]
    students: Mapping[str, int]
    staff: Mapping[str, int]
    full_time: Mapping[str, int]


@dataclass(frozen=True)
class SchoolInfo:
    """What 表Ⅱ-2 needs of a school that the assessment does not keep."""

    school_type: str
    sponsor: str
    grades: Mapping[str, int]  # 小学/初中 -> grades with classes (its teaching points' included)
    classes: Mapping[str, int]


@dataclass(frozen=True)
class SurveyGroup:
    """表Ⅵ questionnaire figures of one row (all respondents, or parents)."""

    questionnaires: int
    valid: int
    rate: object  # satisfaction as a fraction, None without valid answers
    satisfied: int
    passed: bool | None = None


@dataclass(frozen=True)
class Visits:
    visited: int | None = None
    satisfied: int | None = None
    parents_visited: int | None = None
    parents_satisfied: int | None = None


FACT_FIELDS = (
    "population",
    "agricultural_population",
    "villages",
    "gdp_per_capita",
    "fiscal_revenue_per_capita",
    "farmer_income",
    "urban_income",
    "special_schools",
)


# --- 表Ⅰ ---------------------------------------------------------------------------------------

TABLE1_TYPES = (
    vocab.PRIMARY_SCHOOL,
    vocab.NINE_YEAR,
    vocab.JUNIOR_SCHOOL,
    vocab.COMPLETE_MIDDLE,
    vocab.TWELVE_YEAR,
)


def table_1(counts: CountyCounts, facts: Mapping[str, object]) -> FormTable:
    """表Ⅰ: one data row, L1–L24. ``facts``: FACT_FIELDS → value or None (a blank)."""

    def fact(name, digits):
        return Figure(facts.get(name), digits)

    h = [
        Span(0, 0, "自然情况", colspan=4),
        Span(0, 4, "经济情况", colspan=4),
        Span(0, 8, "普通中小学校数（所）", colspan=5),
        Span(0, 13, "特殊教育学校（所）", rowspan=3),
        Span(0, 14, "小学教学点数（个）", colspan=2),
        Span(0, 16, "教学班数（个）", colspan=2),
        Span(0, 18, "在校学生数（人）", colspan=2),
        Span(0, 20, "教职工数（人）", colspan=4),
    ]
    second = [
        "人口总数（万人）",
        "农业人口数（万人）",
        "乡镇数（个）",
        "行政村数（个）",
        "年人均国内生产总值（元）",
        "年人均地方财政收入（元）",
        "农民年人均纯收入（元）",
        "城镇居民年人均可支配收入（元）",
        "小学",
        "九年一贯制学校",
        "初中",
        "完全中学",
        "十二年一贯制学校",
    ]
    h += [Span(1, c, text, rowspan=2) for c, text in enumerate(second)]
    h += [
        Span(1, 14, "计", rowspan=2),
        Span(1, 15, "其中：50 人及以上", rowspan=2),
        Span(1, 16, "小学", rowspan=2),
        Span(1, 17, "初中", rowspan=2),
        Span(1, 18, "小学", rowspan=2),
        Span(1, 19, "初中", rowspan=2),
        Span(1, 20, "小学", colspan=2),
        Span(1, 22, "初中", colspan=2),
        Span(2, 20, "合计"),
        Span(2, 21, "其中专任教师"),
        Span(2, 22, "合计"),
        Span(2, 23, "其中专任教师"),
    ]
    p, j = vocab.PRIMARY, vocab.JUNIOR
    row = [
        fact("population", 2),
        fact("agricultural_population", 2),
        Figure(counts.townships),
        fact("villages", 0),
        fact("gdp_per_capita", 0),
        fact("fiscal_revenue_per_capita", 0),
        fact("farmer_income", 0),
        fact("urban_income", 0),
        *[Figure(counts.schools_by_type.get(t, 0)) for t in TABLE1_TYPES],
        fact("special_schools", 0),
        Figure(counts.teaching_points),
        Figure(counts.teaching_points_50),
        Figure(counts.classes.get(p, 0)),
        Figure(counts.classes.get(j, 0)),
        Figure(counts.students.get(p, 0)),
        Figure(counts.students.get(j, 0)),
        Figure(counts.staff.get(p, 0)),
        Figure(counts.full_time.get(p, 0)),
        Figure(counts.staff.get(j, 0)),
        Figure(counts.full_time.get(j, 0)),
    ]
    source = facts.get("source") or BLANK
    return FormTable(
        sheet="表Ⅰ",
        title="表Ⅰ 义务教育优质均衡发展县（市、区）基本情况",
        columns=24,
        header=h,
        header_rows=3,
        codes=[f"L{i}" for i in range(1, 25)],
        rows=[row],
        notes=[
            "注：人口数为常住人口，保留两位小数；L5—L8 取整数。L1、L2、L4—L8、L14 由教育局填报"
            f"（数据来源：{source}），其余由学校数据统计。教职工数含非专任教师，专任教师为其中“是否专任教师”为“是”的人员。"
        ],
        widths=[9] * 24,
    )


# --- 表Ⅱ-1, 表Ⅱ-2 ------------------------------------------------------------------------------


def _met(cell) -> bool:
    return cell["standard"] is not None and cell["state"] == "" and cell["value"] is not None


def table_2_1(result: Mapping) -> FormTable:
    """表Ⅱ-1: per stage the units reaching each indicator's standard (L1–L7) and passing the
    per-school rule (L8), as a count and as a share of the stage's units (%, 1 place)."""
    t2 = table2(result)
    labels = [i["label"] for i in t2["indicators"]]
    n = len(labels)
    header = [Span(0, 0, "学段"), Span(0, 1, "项目")]
    header += [Span(0, 2 + i, label) for i, label in enumerate(labels)]
    header.append(Span(0, 2 + n, "综合评估"))
    rows, merges = [], []
    for stage in STAGES:
        units = [r for r in t2["rows"] if r["stage"] == stage]
        counts = [sum(1 for r in units if _met(r["cells"][i])) for i in range(n)]
        counts.append(sum(1 for r in units if r["passed"]))
        total = len(units)
        shares = [Figure(c * 100 / total if total else None, numbers.RATE) for c in counts]
        merges.append(Span(len(rows), 0, STAGE_LABELS[stage], rowspan=2))
        rows.append([STAGE_LABELS[stage], "达标学校总数", *[Figure(c) for c in counts]])
        rows.append(["", "达标学校比例（%）", *shares])
    return FormTable(
        sheet="表Ⅱ-1",
        title="表Ⅱ-1 小学、初中资源配置基本情况",
        columns=3 + n,
        header=header,
        header_rows=1,
        codes=["", "", *[f"L{i}" for i in range(1, n + 2)]],
        rows=rows,
        body_merges=merges,
        notes=[
            "注：L1—L7 为该项指标达到标准的学校（校区）数，L8 为综合评估达标的学校数（7 项指标中至少 6 项达到标准，"
            "其余项不低于标准的 85%）；比例 = 达标学校数 ÷ 该学段参评学校数，保留一位小数。"
        ],
        widths=[7, 16, *[13] * n, 11],
    )


def _remark(row, keys) -> str:
    met = [SHORT_NAMES.get(k, k) for k, c in zip(keys, row["cells"], strict=True) if _met(c)]
    warn = [SHORT_NAMES.get(k, k) for k, c in zip(keys, row["cells"], strict=True) if c["state"] == "warn"]
    fail = [SHORT_NAMES.get(k, k) for k, c in zip(keys, row["cells"], strict=True) if c["state"] == "fail"]
    if len(met) == len(keys):
        return f"{len(keys)} 项均达标"
    parts = [f"达标 {len(met)} 项：{'、'.join(met) or '无'}"]
    if warn:
        parts.append(f"达到 85%：{'、'.join(warn)}")
    if fail:
        parts.append(f"低于 85%：{'、'.join(fail)}")
    return "；".join(parts)


def table_2_2(result: Mapping, schools: Mapping[str, SchoolInfo]) -> FormTable:
    """表Ⅱ-2: one row per assessed unit, 小学 units numbered 1…n then 初中 units 1…m (a
    nine-year school once per stage; a teaching point merged into its central school is part of
    that school's row). ``schools``: school code → :class:`SchoolInfo`."""
    t2 = table2(result)
    keys = [i["key"] for i in t2["indicators"]]
    n = len(keys)
    header = [
        Span(0, 0, "序号", rowspan=2),
        Span(0, 1, "学校名称", rowspan=2),
        Span(0, 2, "举办者类型", rowspan=2),
        Span(0, 3, "在校生数（人）", rowspan=2),
        Span(0, 4, "年级数（个）", rowspan=2),
        Span(0, 5, "班级数（个）", rowspan=2),
        Span(0, 6, "资源配置指标", colspan=n),
        Span(0, 6 + n, "该校综合评估是否达标", rowspan=2),
        Span(0, 7 + n, "备注（注明有哪几项指标达标，哪几项指标达到 85%）", rowspan=2),
    ]
    header += [Span(1, 6 + i, f"{ind['label']}（{ind['unit']}）") for i, ind in enumerate(t2["indicators"])]
    rows, sections = [], []
    stage_units = {s: [r for r in t2["rows"] if r["stage"] == s] for s in STAGES}
    for stage in STAGES:
        sections.append(len(rows))
        rows.append([f"{STAGE_LABELS[stage]}（{len(stage_units[stage])} 所）", *[""] * (7 + n)])
        for number, r in enumerate(stage_units[stage], start=1):
            info = schools.get(r["school_code"])
            cn = STAGE_LABELS[stage]
            rows.append(
                [
                    number,
                    r["school_name"] or r["school_code"],
                    Figure(SPONSOR_CODE_OF.get(info.sponsor) if info else None),
                    Figure(r["students"]),
                    Figure(info.grades.get(cn, 0) if info else None),
                    Figure(info.classes.get(cn, 0) if info else None),
                    *[Figure(c["value"], value_digits(k)) for k, c in zip(keys, r["cells"], strict=True)],
                    numbers.yes_no(r["passed"]),
                    _remark(r, keys),
                ]
            )
    return FormTable(
        sheet="表Ⅱ-2",
        title="表Ⅱ-2 小学、初中资源配置基本情况（分学校）",
        columns=8 + n,
        header=header,
        header_rows=2,
        codes=["", *[f"L{i}" for i in range(1, n + 8)]],
        rows=rows,
        section_rows=sections,
        notes=[table_2_2_note(result, schools), _sponsor_note()],
        widths=[4, 20, 6, 8, 6, 6, *[10] * n, 7, 24],
    )


def note_counts(result: Mapping, schools: Mapping[str, SchoolInfo]) -> dict[str, int]:
    """The counts of 表Ⅱ-2's note, over the assessed units: a through school's part counts as
    一贯制学校的小学部/初中部, a 完全中学's junior part as 完全中学的初中部, a teaching point that
    is its own unit (not merged) with ≥ 50 students as 50 人及以上教学点."""
    through = (vocab.NINE_YEAR, vocab.TWELVE_YEAR)
    out = dict.fromkeys(
        ("primary", "primary_through", "primary_points_50", "junior", "junior_through", "junior_complete"), 0
    )
    for u in result["units"]:
        info = schools.get(u["school_code"])
        kind = info.school_type if info else ""
        if u["stage"] == "primary":
            out["primary"] += 1
            out["primary_through"] += kind in through
            out["primary_points_50"] += kind == vocab.TEACHING_POINT and u["students"] >= 50
        else:
            out["junior"] += 1
            out["junior_through"] += kind in through
            out["junior_complete"] += kind == vocab.COMPLETE_MIDDLE
    return out


def table_2_2_note(result: Mapping, schools: Mapping[str, SchoolInfo]) -> str:
    c = note_counts(result, schools)
    return (
        f"注：小学学校总数 {c['primary']} 所（其中：一贯制学校的小学部有 {c['primary_through']} 所，"
        f"50 人及以上教学点有 {c['primary_points_50']} 个），初中学校总数 {c['junior']} 所"
        f"（其中：一贯制学校的初中部 {c['junior_through']} 所，完全中学的初中部 {c['junior_complete']} 所）。"
    )


def _sponsor_note() -> str:
    codes = "，".join(f"{name} {code}" for name, code in SPONSOR_CODES.items())
    return f"举办者类型代码：{codes}。学校数据只记录公办/民办：公办学校按县级教育部门（7）填写。"


# --- 表Ⅲ ---------------------------------------------------------------------------------------


def table_3(result: Mapping) -> FormTable:
    """表Ⅲ: per stage the county mean (2 places) and the CV (3 places) of each indicator; 综合:
    "——" for the mean and the plain mean of the 7 CVs (for information: the 2017 rule judges
    each CV separately)."""
    t3 = table3(result)
    rs = get_ruleset(result["scheme"])
    n = len(rs.indicators)
    header = [Span(0, 0, "学段"), Span(0, 1, "项目")]
    header += [Span(0, 2 + i, f"{ind.label}（{ind.unit}）") for i, ind in enumerate(rs.indicators)]
    header.append(Span(0, 2 + n, "综合"))
    rows, merges = [], []
    for s in t3:
        merges.append(Span(len(rows), 0, s["label"], rowspan=2))
        rows.append(
            [s["label"], "全县平均值", *[Figure(r["mean"], value_digits(r["key"])) for r in s["rows"]], DASH]
        )
        rows.append(
            [
                "",
                "差异系数",
                *[Figure(r["cv"], numbers.CV) for r in s["rows"]],
                Figure(s["composite_cv"], numbers.CV),
            ]
        )
    limits = "，".join(f"{s['label']} ≤ {s['threshold_text']}" for s in t3)
    return FormTable(
        sheet="表Ⅲ",
        title="表Ⅲ 县域义务教育校际均衡情况",
        columns=3 + n,
        header=header,
        header_rows=1,
        codes=["", "", *[f"L{i}" for i in range(1, n + 2)]],
        rows=rows,
        body_merges=merges,
        notes=[
            "注：全县平均值保留两位小数，差异系数保留三位小数。综合差异系数为 7 项差异系数的平均值，仅供参考；"
            f"每项差异系数分别判定（{limits}）。"
        ],
        widths=[7, 12, *[14] * n, 10],
    )


# --- 表Ⅳ, 表Ⅴ (rows from indicators.form_items) --------------------------------------------------


def items_table(sheet: str, title: str, rows: Sequence[Mapping], note: str = "") -> FormTable:
    """表Ⅳ / 表Ⅴ: {序号, 名称, 指标值或简要结论, 是否达标} from form-item rows
    ``{no, name, text, passed_text}`` (blanks in ``text`` printed as ＿)."""
    header = [Span(0, 0, "序号"), Span(0, 1, "名称"), Span(0, 2, "指标值或简要结论"), Span(0, 3, "是否达标")]
    body = [[r["no"], r["name"], r["text"], r.get("passed_text") or BLANK] for r in rows]
    return FormTable(
        sheet=sheet,
        title=title,
        columns=4,
        header=header,
        header_rows=1,
        codes=[],
        rows=body,
        notes=[note] if note else [],
        widths=[6, 48, 70, 10],
    )


# --- 表Ⅵ ---------------------------------------------------------------------------------------


def _rate_figure(part, whole, passed=None) -> Figure:
    """A share in %, 1 place, printed so that it never reads as the 85 % line when it fails."""
    if part is None or not whole:
        return Figure(None, numbers.RATE)
    value = numbers.exact(part) * 100 / numbers.exact(whole)
    digits = numbers.places_against(value, 85, numbers.RATE, passed=passed)
    return Figure(value, digits)


def table_6(survey_all: SurveyGroup, survey_parents: SurveyGroup, visits: Visits) -> FormTable:
    """表Ⅵ: questionnaires (L1 total, L2 valid), satisfaction (L3 %, L4 satisfied questionnaires),
    field visits (L5 people, L6 satisfied, L7 %), for all respondents and for parents."""
    header = [
        Span(0, 0, "项目", rowspan=2),
        Span(0, 1, "问卷总数（份）", colspan=2),
        Span(0, 3, "问卷调查综合满意度（%）", colspan=2),
        Span(0, 5, "实地走访人数（人）", colspan=2),
        Span(0, 7, "实地走访满意度（%）", rowspan=2),
        Span(1, 1, "计"),
        Span(1, 2, "其中：回收有效问卷数"),
        Span(1, 3, "计"),
        Span(1, 4, "其中：满意问卷数"),
        Span(1, 5, "计"),
        Span(1, 6, "其中：满意人数"),
    ]

    def row(label, s: SurveyGroup, visited, satisfied):
        rate = None if s.rate is None else numbers.exact(s.rate) * 100
        digits = (
            numbers.RATE if rate is None else numbers.places_against(rate, 85, numbers.RATE, passed=s.passed)
        )
        return [
            label,
            Figure(s.questionnaires),
            Figure(s.valid),
            Figure(rate, digits),
            Figure(s.satisfied),
            Figure(visited),
            Figure(satisfied),
            _rate_figure(satisfied, visited),
        ]

    return FormTable(
        sheet="表Ⅵ",
        title="表Ⅵ 社会认可度调查情况",
        columns=8,
        header=header,
        header_rows=2,
        codes=["", *[f"L{i}" for i in range(1, 8)]],
        rows=[
            row("计", survey_all, visits.visited, visits.satisfied),
            row("其中：家长", survey_parents, visits.parents_visited, visits.parents_satisfied),
        ],
        notes=[
            "注：问卷数据来自满意度调查。综合满意度按全部有效满意度答案计算（与“社会认可度”指标同一口径），"
            "保留一位小数；有效问卷为至少有一项有效满意度答案的问卷，满意问卷为其中满意（含比较满意）答案过半的问卷。"
            "实地走访由县教育局记录，满意度 = 满意人数 ÷ 走访人数。"
        ],
        widths=[12, 10, 14, 12, 14, 10, 12, 14],
    )


# --- figures a test or a checklist reads ----------------------------------------------------------


def numeric_cells(table: FormTable) -> list[tuple[int, int, Figure]]:
    """(data row, column, figure) of every number in the table's data rows."""
    return [
        (r, c, cell)
        for r, row in enumerate(table.rows)
        for c, cell in enumerate(row)
        if isinstance(cell, Figure)
    ]


def blank_cells(table: FormTable) -> list[str]:
    """The codes (or column heads) of the figures still blank in the table."""
    out = []
    for _r, c, cell in numeric_cells(table):
        if cell.value is None:
            code = table.codes[c] if c < len(table.codes) and table.codes[c] else f"第 {c + 1} 列"
            if code not in out:
                out.append(code)
    return out
