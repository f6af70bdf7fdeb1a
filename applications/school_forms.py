"""学校自评表: one self-evaluation form per school, from the county's current assessment.

Every figure is read from the current assessment (``indicators.selectors.current_assessment``):
the indicator values, standards and states of 表Ⅱ (``indicators.tables.table2``), the room,
school-size and class checks of ``result["checks"]``, and the counts behind each value
(numerators, students, classes) from the assessment's stored ``inputs`` — the very units and
classes it was computed from, so a count never disagrees with the value beside it. Nothing is
recomputed here; the forms only arrange and format (``domain.numbers``).

:func:`build_school_forms` returns plain dicts (one per school, county school order), which the
xlsx writer (:func:`school_form_xlsx`), the PDF template and the zip of all read alike.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from balance_inspect.pdf import render_html, render_pdf
from balance_inspect.xlsx import FAIL_FILL, WARN_FILL, Num, safe_cell_value
from domain import numbers
from domain import vocabulary as vocab
from indicators.engine import STAGE_LABELS, STAGES, get_ruleset
from indicators.engine.rules import reaches
from indicators.selectors import current_assessment
from indicators.tables import table2, value_digits
from schools.models import SCHOOL_ORDER, School, school_year_label

FORM_TITLE = "义务教育优质均衡发展学校自评表"
TEMPLATE = "applications/school_form_pdf.html"

# 教督〔2017〕6号 政府保障 item 6: schools under 100 students are funded as if they had 100.
SMALL_SCHOOL_STUDENTS = 100

# Texts of a row's verdict (the states of indicators.tables.table2).
REACHED = "达标"
NOT_REACHED = "未达标"
TO_FILL = "（学校填写）"
COUNTY_FILLS = "由县填报"
NOT_REPORTED = "未填报"

_PHYSICAL_KINDS = ("area", "money")


class NoAssessment(ValueError):
    """The county has no finished assessment of its target scheme: there is nothing to print."""


# --- building the forms -------------------------------------------------------------------------


def build_school_forms(county, year: int | None = None) -> list[dict]:
    """The 学校自评表 of every school of ``county``, in the county's school order (SCHOOL_ORDER).

    From the current assessment of ``year`` (None: the data year). A teaching point merged into
    its central school has no form of its own: it is named on the central school's form, whose
    figures include it (as the assessment counts it). Raises :class:`NoAssessment` (a ValueError
    with a Chinese message) when the county has no finished assessment.
    """
    current = current_assessment(county, year)
    assessment = current.assessment
    if assessment is None:
        raise NoAssessment(f"{county.name}尚无已完成的评估，请先在“指标评估”中运行评估后再生成学校自评表。")
    result = assessment.result
    rs = get_ruleset(result["scheme"])
    facts = _stored_facts(county, assessment)

    compliance = table2(result)
    rows_by_school: dict[str, list[dict]] = defaultdict(list)
    for row in compliance["rows"]:
        rows_by_school[row["school_code"]].append(row)
    rooms = {r["code"]: r for r in result.get("checks", {}).get("rooms", [])}
    sizes = {r["code"]: r for r in result.get("checks", {}).get("school_sizes", [])}
    large = defaultdict(lambda: defaultdict(int))
    for c in result.get("checks", {}).get("large_classes", []):
        large[c["code"]][c["stage"]] += 1
    funding = next((i for i in result.get("county_items", []) if i["key"] == "village_school_funding"), None)

    merged_into = {}
    for unit in facts["units"].values():
        for code in unit.get("merged_codes") or ():
            merged_into[code] = unit["school_code"]
    schools = list(
        School.objects.filter(county=county)
        .select_related("township")
        .order_by(*SCHOOL_ORDER)
        .values_list("code", "name", "school_type", "township__name", "urban_rural", "sponsor")
    )
    names = {code: name for code, name, *_ in schools}
    header = {
        "county": county.name,
        "county_code": county.code,
        "year": assessment.year,
        "year_label": school_year_label(assessment.year),
        "scheme": rs.key,
        "scheme_label": rs.label,
        "document": rs.document,
        "assessment_id": assessment.pk,
        # Plain JSON values only: a job may hand forms between worker steps.
        "assessed_at": (
            f"{timezone.localtime(assessment.finished_at):%Y-%m-%d %H:%M}" if assessment.finished_at else ""
        ),
        "stale": current.stale,
        "per_school_rule": rs.per_school_rule,
        "rule_text": _rule_text(result) if rs.per_school_rule else "",
        "split_text": _split_text(result),
    }
    forms = []
    for code, name, school_type, township, urban_rural, sponsor in schools:
        if code in merged_into:
            continue
        units = rows_by_school.get(code, [])
        merged_codes = {
            c for row in units for c in facts["units"].get((code, row["stage"]), {}).get("merged_codes") or ()
        }
        merged = [c for c in names if c in merged_codes]  # the county's school order
        form = {
            **header,
            "number": len(forms) + 1,
            "code": code,
            "name": name,
            "school_type": school_type,
            "township": township,
            "urban_rural": urban_rural,
            "sponsor": sponsor,
            "founded": None,  # no founding year in the school data: the school fills it in
            "founded_text": TO_FILL,
            "teaching_points": [names.get(c, c) for c in merged],
            "multi_stage": len(vocab.TYPE_STAGES.get(school_type, ())) > 1,
        }
        form["stages"] = [_stage_section(form, rs, compliance["margin"], row, facts) for row in units]
        form["excluded_text"] = (
            ""
            if units
            else "本校未纳入资源配置评估（按评估设置不计入差异系数，或无在校生），资源配置指标不填报。"
        )
        other = _other_rows(code, facts, rooms.get(code), sizes.get(code), large[code], funding)
        # A merged teaching point is a site of its own: its rooms and classes are checked on its
        # own code, and printed here under its name (its students are in the central school's).
        for point in merged:
            other += _other_rows(
                point,
                facts,
                rooms.get(point),
                sizes.get(point),
                large[point],
                funding,
                prefix=names.get(point, point),
            )
        for no, row in enumerate(other, start=1):
            row["no"] = f"A2.{no}"
            row["verdict"] = _verdict_text(row["passed"])
        form["other_rows"] = other
        form["overall"] = _overall(form)
        forms.append(form)
    return forms


def _stored_facts(county, assessment) -> dict:
    """The counts the assessment was computed from: its stored units (by (code, stage)) and
    classes. Assessments stored before inputs were kept fall back to the loader the assessment
    service uses (indicators.facts.load_facts), under the assessment's own settings."""
    inputs = assessment.inputs or {}
    if "units" in inputs and "classes" in inputs:
        units = [*inputs["units"], *inputs.get("size_units", [])]
        classes = inputs["classes"]
    else:
        from dataclasses import asdict

        from indicators.engine import EngineSettings, build_units
        from indicators.selectors import load_facts

        loaded = load_facts(county, assessment.year)
        built = build_units(
            loaded.schools, loaded.teachers, EngineSettings.from_dict(assessment.result["settings"])
        )
        units = [asdict(u) for u in [*built.units, *built.size_units]]
        classes = [[c.school_code, c.stage, c.grade, c.students] for c in loaded.classes]
    by_key = {}
    for u in units:
        by_key.setdefault((u["school_code"], u["stage"]), u)
    per_school = defaultdict(list)
    for code, stage, _grade, students in classes:
        per_school[code].append((vocab.STAGE_BY_LABEL.get(stage, stage), students))
    return {"units": by_key, "classes": per_school}


def _rule_text(result: dict) -> str:
    s = result.get("settings", {})
    margin = numbers.line(numbers.exact(s.get("unit_rule_margin", 0.85)) * 100)
    return f"至少 {s.get('unit_rule_min_met', 6)} 项达到标准，其余项目达到标准的 {margin}% 以上"


def _split_text(result: dict) -> str:
    w = result.get("settings", {}).get("nine_year_weights") or {}
    if not w:
        return ""
    ratio = " : ".join(numbers.line(w[k]) for k in (vocab.PRIMARY, vocab.JUNIOR) if k in w)
    return f"一贯制学校共用的校舍、场地、设备按小学、初中学生 {ratio} 折算后分摊到各学段"


def _count_digits(kind: str, value) -> int:
    # Areas and money print to the cent; teachers and rooms are whole unless a multi-stage
    # school's shared rooms were split between its stages (then 2 places show the share).
    if kind in _PHYSICAL_KINDS:
        return 2
    x = numbers.exact(value)
    return 0 if x is None or x.denominator == 1 else 2


def _stage_section(form: dict, rs, margin: float, row: dict, facts: dict) -> dict:
    stage = row["stage"]
    margin_text = numbers.line(numbers.exact(margin) * 100)
    stored = facts["units"].get((row["school_code"], stage), {})
    label = STAGE_LABELS[stage]
    lines = []
    for no, (ind, cell) in enumerate(zip(rs.indicators, row["cells"], strict=True), start=1):
        count = stored.get(ind.resource)
        digits = _count_digits(ind.kind, count)
        state = cell["state"]
        if cell["standard"] is None:
            verdict = ""
        elif state == "":
            verdict = REACHED
        elif state == "warn":
            verdict = f"{NOT_REACHED}（达到标准的 {margin_text}% 以上）"
        else:
            verdict = NOT_REACHED
        lines.append(
            {
                "no": f"A1.{no}",
                "key": ind.key,
                "label": ind.label,
                "unit": ind.unit,
                "per": ind.per,
                "count_label": f"{ind.short_label}（{ind.resource_unit}）",
                "count": count,
                "count_digits": digits,
                "count_text": numbers.num(count, digits),
                "students": row["students"],
                "students_text": numbers.count(row["students"]),
                "value": cell["value"],
                "value_digits": value_digits(ind.key),
                "value_text": cell["value_text"],
                "standard": cell["standard"],
                "standard_text": f"≥ {cell['standard_text']}" if cell["standard"] is not None else "",
                "state": state,
                "reached": None if cell["standard"] is None else state == "",
                "verdict": verdict,
            }
        )
    passed = row["passed"]
    met = row["met"]
    return {
        "stage": stage,
        "stage_label": label,
        "part_label": f"{label}部" if form["multi_stage"] else label,
        "students": row["students"],
        "students_text": numbers.count(row["students"]),
        "rows": lines,
        "met": met,
        "passed": passed,
        "passed_text": numbers.yes_no(passed),
        "summary": (
            f"{len(lines)} 项指标中 {met} 项达标，综合评估{'达标' if passed else '未达标'}"
            if met is not None and passed is not None
            else ""
        ),
    }


def _verdict_text(passed) -> str:
    return numbers.UNDEFINED if passed is None else (REACHED if passed else NOT_REACHED)


def _other_rows(code, facts, room, size, large, funding, *, prefix: str = "") -> list[dict]:
    """A2 of one site: music/art rooms, school size, class size per stage, small-school funding.
    Each row: ``{no, label, content, standard, passed, verdict}`` (texts; ``no`` and ``verdict``
    set by the caller). ``prefix`` names a merged teaching point: only its rooms and classes."""
    out = []
    point = bool(prefix)

    # Music and art rooms (the room check of the assessment; areas once recorded).
    if room is None and point:
        pass  # a teaching point without room data: nothing to print
    elif room is None:
        out.append(
            {
                "label": "音乐、美术专用教室",
                "content": f"专用教室间数{NOT_REPORTED}或无班级数据",
                "standard": "每 12 个班各 1 间以上",
                "passed": None,
            }
        )
    else:
        for kind, label in (("music", "音乐"), ("art", "美术")):
            line = vocab.ROOM_MIN_AREAS[kind]
            rooms_n = room.get(f"{kind}_rooms")
            areas = room.get(f"{kind}_areas")
            ok = room.get(f"{kind}_ok")
            if rooms_n is None:
                content = f"{label}专用教室{NOT_REPORTED}"
                passed = None
            else:
                parts = [
                    f"班级 {numbers.count(room['classes'])} 个，应配 {numbers.count(room['required'])} 间，"
                    f"现有 {numbers.count(rooms_n)} 间"
                ]
                if areas:
                    # Each room's area; one below the line does not count (the engine's ``*_ok``).
                    parts.append(
                        "每间面积 "
                        + "、".join(
                            numbers.num(a, 2) + ("" if reaches(a, line) else "（不足）") for a in areas
                        )
                        + " ㎡"
                    )
                    if ok is not None and ok != rooms_n:
                        parts.append(f"达到 {numbers.line(line)} ㎡ 的 {numbers.count(ok)} 间")
                elif rooms_n and areas is None:
                    parts.append("面积未填报（按间数判断）")
                have = rooms_n if ok is None else ok
                content = "，".join(parts)
                passed = have >= room["required"]
            out.append(
                {
                    "label": f"{label}专用教室",
                    "content": content,
                    "standard": f"每 12 个班 1 间以上，每间 ≥ {numbers.line(line)} ㎡",
                    "passed": passed,
                    "areas": list(areas or []),
                    "rooms": rooms_n,
                    "ok": ok,
                    "required": room["required"],
                    "classes": room["classes"],
                }
            )

    # School size: the compulsory-education students of the school itself (teaching points apart).
    own = {}
    for stage in STAGES:
        stored = facts["units"].get((code, stage))
        if stored is not None:
            own[stage] = stored["students"] - stored.get("merged_students", 0)
    stage_text = "，".join(f"{STAGE_LABELS[s]} {numbers.count(n)} 人" for s, n in own.items())
    if size is not None:
        out.append(
            {
                "label": "学校规模",
                "content": f"义务教育在校生 {numbers.count(size['students'])} 人"
                + (f"（{stage_text}）" if len(own) > 1 else ""),
                "standard": f"≤ {numbers.count(size['limit'])} 人",
                "passed": not size["over"],
                "students": size["students"],
                "limit": size["limit"],
            }
        )
    elif not point:
        out.append({"label": "学校规模", "content": f"在校生{NOT_REPORTED}", "standard": "", "passed": None})

    # Class size per stage the school teaches.
    classes = facts["classes"].get(code, [])
    for stage in STAGES:
        sizes = [n for s, n in classes if s == stage]
        if not sizes:
            continue
        standard = vocab.CLASS_SIZE_STANDARD[stage]
        over = large.get(stage, 0)
        out.append(
            {
                "label": f"{STAGE_LABELS[stage]}班额",
                "content": f"班级 {numbers.count(len(sizes))} 个，最大班额 {numbers.count(max(sizes))} 人，超过 {standard} 人的班级 {numbers.count(over)} 个",
                "standard": f"每班 ≤ {standard} 人",
                "passed": over == 0,
                "classes": len(sizes),
                "largest": max(sizes),
                "over": over,
            }
        )

    # Small schools: funded as 100 students (the county's item; the amount is the county's figure).
    total = sum(own.values())
    if own and total < SMALL_SCHOOL_STUDENTS and not point:
        passed = funding.get("passed") if funding else None
        out.append(
            {
                "label": "规模较小学校公用经费",
                "content": f"在校生 {numbers.count(total)} 人，不足 {SMALL_SCHOOL_STUDENTS} 人，按 {SMALL_SCHOOL_STUDENTS} 人核定公用经费；公用经费 {COUNTY_FILLS}",
                "standard": f"按不低于 {SMALL_SCHOOL_STUDENTS} 人核定",
                "passed": passed,
            }
        )
    if prefix:
        for row in out:
            row["label"] = f"{prefix}{row['label']}"
    return out


def _overall(form: dict) -> dict:
    """The school's conclusion: every A1 stage passes the per-school rule and every A2 row
    holds; a row without data leaves it open (待补充), never passed."""
    verdicts = [s["passed"] for s in form["stages"]] + [r["passed"] for r in form["other_rows"]]
    if any(v is False for v in verdicts):
        passed, text = False, "未达标"
    elif any(v is None for v in verdicts):
        passed, text = None, "尚有未填报项目，待补充后确定"
    else:
        passed, text = True, "达标"
    failing = [f"{s['part_label']}资源配置" for s in form["stages"] if s["passed"] is False]
    failing += [r["label"] for r in form["other_rows"] if r["passed"] is False]
    if failing:
        text += "（未达标：" + "、".join(failing) + "）"
    return {"passed": passed, "text": text}


# --- what the forms still need ------------------------------------------------------------------

SCHOOL_FORM_TABLE = "学校自评表"


def school_form_blanks(forms: list[dict]) -> list[dict]:
    """The blanks of the school forms for the package's checklist, in its row shape
    ``{item, table, who, blocking}``: the founding year every school writes in, the funding of
    small schools (the county's figure), and data a school has not reported (rooms, students)."""
    out = []

    def add(item, who):
        out.append({"item": item, "table": SCHOOL_FORM_TABLE, "who": who, "blocking": False})

    if not forms:
        return out
    if forms[0]["stale"]:
        add("数据已变更，学校自评表基于最近一次评估，请重新评估后再生成", "县教育局")
    unfilled = [f for f in forms if f["founded"] is None]
    if unfilled:
        add(f"建校年份（{len(unfilled)} 所学校，由学校填写）", "各学校")
    small = [f["name"] for f in forms for r in f["other_rows"] if r["label"] == "规模较小学校公用经费"]
    if small:
        add(
            f"规模较小学校按 {SMALL_SCHOOL_STUDENTS} 人核定的公用经费（{'、'.join(small)}）",
            "县教育局（财务）",
        )
    for f in forms:
        for r in f["other_rows"]:
            if r["passed"] is None and r["label"] != "规模较小学校公用经费":
                add(f"{f['name']}：{r['label']}（{r['content']}）", "学校（办学条件）")
    return out


# --- xlsx ---------------------------------------------------------------------------------------

_WIDTHS = (7, 30, 22, 13, 10, 11, 10, 14)
_COLS = len(_WIDTHS)
_THIN = Side(style="thin", color="777777")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_RIGHT = Alignment(vertical="center", horizontal="right")
_BOLD = Font(bold=True)
A1_HEADERS = ("序号", "指标", "计数项", "数量", "在校生数（人）", "指标值", "标准", "是否达标")
A2_HEADERS = ("序号", "项目", "情况", "", "", "", "标准", "是否达标")


def form_title(form: dict) -> str:
    return f"{form['county']}{FORM_TITLE}"


class _Writer:
    """Rows of one form sheet, top to bottom: values, merges, borders and fills in one place."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 0

    def put(
        self, values: Sequence, *, merges: Sequence[tuple[int, int]] = (), bold=False, box=True, height=None
    ):
        """Write one row; ``values`` by column (a Num writes a number with its format; a tuple
        (value, fill) shades the cell). ``merges``: (first, last) column spans, 1-based."""
        self.row += 1
        r = self.row
        for col, item in enumerate(values, start=1):
            fill = None
            if isinstance(item, tuple):
                item, fill = item
            cell = self.ws.cell(row=r, column=col)
            if isinstance(item, Num):
                cell.value = item.value
                cell.number_format = item.number_format
                cell.alignment = _RIGHT
            else:
                cell.value = safe_cell_value(item) if item not in (None, "") else None
                cell.alignment = _WRAP
            if fill is not None:
                cell.fill = fill
            if bold:
                cell.font = _BOLD
        for first, last in merges:
            self.ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
        if box:
            for col in range(1, _COLS + 1):
                self.ws.cell(row=r, column=col).border = _BOX
        if height:
            self.ws.row_dimensions[r].height = height
        return r


def _fill(state: str):
    return {"fail": FAIL_FILL, "warn": WARN_FILL}.get(state)


def school_form_xlsx(form: dict) -> bytes:
    """One school's form as a one-sheet workbook: title, merged header, A1 per stage, A2, the
    conclusion; numbers as numeric cells with the form's places; A4 portrait, fit to width, the
    title rows printed on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = "学校自评表"
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    w = _Writer(ws)
    full = [(1, _COLS)]
    title = w.put([form_title(form)], merges=full, box=False, height=28)
    ws.cell(row=title, column=1).font = Font(bold=True, size=15)
    ws.cell(row=title, column=1).alignment = _CENTER
    w.put(
        [
            f"{form['year_label']} · {form['scheme_label']}（{form['document']}）· 评估记录 #{form['assessment_id']}"
        ],
        merges=full,
        box=False,
    )
    pair = [(1, 2), (3, 5), (7, 8)]
    w.put(["学校名称", "", form["name"], "", "", "学校类型", form["school_type"], ""], merges=pair)
    w.put(["学校标识码", "", form["code"], "", "", "建校年份", None, ""], merges=pair)
    w.put(
        ["所属乡镇（街道）", "", form["township"], "", "", "城乡类型", form["urban_rural"], ""], merges=pair
    )
    w.put(["区县", "", form["county"], "", "", "举办者", form["sponsor"], ""], merges=pair)
    if form["teaching_points"]:
        w.put(["所含教学点", "", "、".join(form["teaching_points"])], merges=[(1, 2), (3, _COLS)])
    if form["stale"]:
        w.put(["注意：数据已变更，本表为最近一次评估的结果，请重新评估后再生成。"], merges=full)

    w.put(["一、资源配置（A1）"], merges=full, bold=True)
    if not form["stages"]:
        w.put([form["excluded_text"]], merges=full)
    for stage in form["stages"]:
        w.put([f"{stage['part_label']}（在校生 {stage['students_text']} 人）"], merges=full, bold=True)
        w.put(A1_HEADERS, bold=True)
        for line in stage["rows"]:
            w.put(
                [
                    line["no"],
                    f"{line['label']}（{line['unit']}）",
                    line["count_label"],
                    Num(line["count"], line["count_digits"]),
                    Num(line["students"], 0),
                    (Num(line["value"], line["value_digits"]), _fill(line["state"])),
                    line["standard_text"],
                    (line["verdict"], _fill(line["state"])),
                ]
            )
        if stage["summary"]:
            w.put(
                [
                    f"综合评估：{stage['summary']}（{form['rule_text']}）",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    stage["passed_text"],
                ],
                merges=[(1, _COLS - 1)],
            )
    if form["split_text"] and form["multi_stage"] and len(form["stages"]) > 1:
        w.put([f"注：{form['split_text']}；教师按任教学段计。"], merges=full)

    w.put(["二、音体美专用教室、学校规模、班额与公用经费（A2）"], merges=full, bold=True)
    w.put(A2_HEADERS, merges=[(3, 6)], bold=True)
    for row in form["other_rows"]:
        fill = FAIL_FILL if row["passed"] is False else None
        w.put(
            [row["no"], row["label"], row["content"], "", "", "", row["standard"], (row["verdict"], fill)],
            merges=[(3, 6)],
        )
        ws.row_dimensions[w.row].height = 30 if len(row["content"]) > 30 else None

    w.put(["三、自评结论"], merges=full, bold=True)
    w.put([f"本校自评：{form['overall']['text']}"], merges=full)
    w.put(
        ["校长（签字）：　　　　　　　学校（盖章）：　　　　　　　填表日期：　　年　　月　　日"],
        merges=full,
        box=False,
        height=30,
    )

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:3"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def school_forms_pdf_html(forms: list[dict]) -> str:
    """Several schools' forms as one HTML document (each form starts a page, anchored
    ``school-<code>``), for rendering many forms at once."""
    return render_html(TEMPLATE, {"forms": forms, "title": FORM_TITLE, "generated_at": timezone.now()})


def school_form_pdf(form: dict) -> bytes:
    """One school's form as a PDF (A4 portrait, CJK font; balance_inspect.pdf)."""
    return render_pdf(TEMPLATE, {"forms": [form], "title": FORM_TITLE, "generated_at": timezone.now()})


def school_forms_pdfs(forms: list[dict]) -> list[bytes]:
    """One PDF per form, laid out in one render and cut at each form's first page: a county of
    300 schools costs one layout, not 300 (WeasyPrint's start-up and font loading dominate a
    one-page document)."""
    if not forms:
        return []
    from balance_inspect.pdf import MissingCJKFont, cjk_font_available

    if not cjk_font_available():
        raise MissingCJKFont("服务器缺少中文字体（Noto Sans CJK SC），请安装 fonts-noto-cjk 后重试。")
    from weasyprint import HTML

    document = HTML(string=school_forms_pdf_html(forms), base_url=str(settings.BASE_DIR)).render()
    starts = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith("school-"):
                starts.setdefault(name, number)
    firsts = [starts[f"school-{form['code']}"] for form in forms]
    ends = [*firsts[1:], len(document.pages)]
    return [document.copy(document.pages[a:b]).write_pdf() for a, b in zip(firsts, ends, strict=True)]


# --- the zip of all -----------------------------------------------------------------------------

ZIP_FOLDER = "学校自评表"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def form_filename(form: dict, width: int = 3) -> str:
    """``<序号>_<学校名>`` (no extension), safe on every file system."""
    name = _UNSAFE.sub("_", form["name"]).strip(" .") or form["code"]
    return f"{form['number']:0{width}d}_{name}"


def school_forms_zip(forms: list[dict], *, pdf: bool = True, chunk: int | None = None) -> bytes:
    """Every form as ``学校自评表/<序号>_<学校名>.xlsx`` (and ``.pdf`` with ``pdf``) in one zip.
    PDFs are laid out ``chunk`` schools at a time (setting APPLICATION_SCHOOL_FORM_CHUNK)."""
    chunk = chunk or getattr(settings, "APPLICATION_SCHOOL_FORM_CHUNK", 60)
    width = max(3, len(str(len(forms))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for start in range(0, len(forms), chunk):
            part = forms[start : start + chunk]
            pdfs = school_forms_pdfs(part) if pdf else [None] * len(part)
            for form, pdf_bytes in zip(part, pdfs, strict=True):
                stem = f"{ZIP_FOLDER}/{form_filename(form, width)}"
                zf.writestr(f"{stem}.xlsx", school_form_xlsx(form))
                if pdf_bytes is not None:
                    zf.writestr(f"{stem}.pdf", pdf_bytes)
    return buf.getvalue()
