"""自查自评报告 draft (.docx): the county's self-evaluation report, every figure the current assessment's.

The outline is the one counties commonly file (application-forms.md): 一、县域基本情况 ·
二、主要做法与成效 · 三、指标达成情况 · 四、存在问题及整改措施 · 五、下一步工作打算. The
figures come from the current assessment (its 表Ⅱ/表Ⅲ rows, checks and county items), the county
summary of schools/selectors, the workforce and dropout-control selectors and the open items of the
rectification ledger; the prose is a draft that the bureau edits in Word. What no database holds
(policy documents, construction, money) is left as a bracketed 【请补充…】 for the bureau to write.

Word shows Chinese in the East Asian font of a run (w:rFonts w:eastAsia), so every style and run
here sets it: 仿宋 body, 黑体 first-level and 楷体 second-level headings, 宋体 tables, on A4.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from accounts.access import county_reader
from domain import numbers
from domain.schemes import TARGET_NAMES
from dropout_control.selectors import case_summary
from indicators import form_items
from indicators.engine import STAGE_LABELS, STAGES, get_ruleset
from indicators.selectors import current_assessment
from indicators.tables import table2, table3
from indicators.verdict import missing_labels, verdict_text
from rectification.models import OPEN_STATUSES
from rectification.selectors import indicator_label, ledger_list
from schools.models import school_year_label
from schools.selectors import county_school_summary
from workforce.selectors import staffing_summary

from .school_forms import NoAssessment
from .tables import Figure, table_2_1

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
TABLE_FONT = "宋体"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TO_WRITE = "【请补充：{}】"


# --- the document's look ------------------------------------------------------------------------


def _fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a run or style properties element: Latin and East Asian."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def _style(doc, name: str, east_asia: str, size: float, *, bold: bool = False) -> None:
    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.name = LATIN_FONT
    _fonts(style.element, east_asia)
    if name.startswith("Heading"):
        style.font.color.rgb = None
        style.font.italic = False
        pf = style.paragraph_format
        pf.space_before = Pt(6)
        pf.space_after = Pt(3)
        pf.keep_with_next = True


def _new_document():
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # GB/T 9704 margins of official documents.
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _style(doc, "Normal", BODY_FONT, 14)
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing = Pt(28)
    normal.space_after = Pt(0)
    _style(doc, "Title", TITLE_FONT, 22, bold=True)
    _style(doc, "Heading 1", HEADING_FONT, 16)
    _style(doc, "Heading 2", SUBHEADING_FONT, 15)
    _style(doc, "Table Grid", TABLE_FONT, 10.5)
    _page_number_footer(section)
    return doc


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
            run._r.append(char)
        else:
            instr = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            instr.text = text
            run._r.append(instr)


class _Writer:
    def __init__(self, doc):
        self.doc = doc

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(p, text, TITLE_FONT)

    def heading(self, text: str, level: int = 1) -> None:
        p = self.doc.add_heading(level=level)
        self._run(p, text, HEADING_FONT if level == 1 else SUBHEADING_FONT)

    def para(self, text: str, *, indent: bool = True, center: bool = False, right: bool = False):
        p = self.doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._run(p, text, BODY_FONT)
        return p

    def table(self, headers: Sequence[str], rows: Sequence[Sequence], *, caption: str = "", widths=None):
        if caption:
            p = self.para(caption, indent=False, center=True)
            p.runs[0].bold = True
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self._cell(cell, text, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                self._cell(cell, text)
        if widths:
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = Cm(width)
        self.doc.add_paragraph()
        return table

    def _cell(self, cell, text, *, bold: bool = False) -> None:
        p = cell.paragraphs[0]
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.line_spacing = 1.0
        run = self._run(p, "" if text is None else str(text), TABLE_FONT, size=10.5)
        run.bold = bold

    @staticmethod
    def _run(paragraph, text: str, east_asia: str, size: float | None = None):
        run = paragraph.add_run(text)
        run.font.name = LATIN_FONT
        _fonts(run._r, east_asia)
        if size:
            run.font.size = Pt(size)
        return run


# --- the figures --------------------------------------------------------------------------------


def _form_rows(result: dict) -> dict:
    """Rows of 表Ⅳ (15 政府保障, the engine's room, school-size and class-size checks among
    them), 表Ⅴ (9 教育质量) and the vetoes, as the 申报表 prints them (indicators.form_items):
    ``{no, key, name, text, passed, passed_text, blanks, who, evidence}``."""
    return {
        "government": form_items.table4_rows(result),
        "quality": form_items.table5_rows(result),
        "veto": form_items.veto_rows(result),
    }


def _recognition(result: dict) -> dict | None:
    return next((i for i in result.get("county_items", []) if i.get("key") == "social_recognition"), None)


def _item(result: dict, key: str) -> dict | None:
    return next((i for i in result.get("county_items", []) if i.get("key") == key), None)


def _joined(parts: Sequence[str], sep: str = "、") -> str:
    return sep.join(p for p in parts if p)


def _unit_name(row: dict) -> str:
    return f"{row['school_name'] or row['school_code']}（{row['stage_label']}）"


def report_context(county, year: int | None = None) -> dict:
    """Everything the report prints, as plain data (also what the tests compare)."""
    current = current_assessment(county, year)
    assessment = current.assessment
    if assessment is None:
        raise NoAssessment(f"{county.name}尚无已完成的评估，请先在“指标评估”中运行评估后再生成自查自评报告。")
    result = assessment.result
    year = assessment.year
    rs = get_ruleset(result["scheme"])
    reader = county_reader(county)
    summary = county_school_summary(reader, year)
    compliance = table2(result)
    stages = table3(result)
    reach = []
    for stage in STAGES:
        rows = [r for r in compliance["rows"] if r["stage"] == stage]
        reach.append(
            {
                "stage": stage,
                "label": STAGE_LABELS[stage],
                "units": len(rows),
                "passed": sum(1 for r in rows if r["passed"]),
                "failing": [r for r in rows if r["passed"] is False],
            }
        )
    forms = _form_rows(result)
    ledger = list(ledger_list(reader).filter(county=county, status__in=OPEN_STATUSES))
    return {
        "county": county,
        "year": year,
        "year_label": school_year_label(year),
        "assessment": assessment,
        "stale": current.stale,
        "result": result,
        "ruleset": rs,
        "target_name": TARGET_NAMES.get(rs.key, rs.label),
        "summary": summary,
        "townships": county.townships.count(),
        "table3": stages,
        "reach": reach,
        "table_2_1": table_2_1(result),
        "forms": forms,
        "recognition": _recognition(result),
        "staffing": staffing_summary(county, year),
        "cases": case_summary(reader, county),
        "ledger": ledger,
        "missing": missing_labels(result),
    }


def failing_names(ctx: dict) -> list[str]:
    """The name of every failing item the report lists in 四: CVs, school units, checks, items."""
    names = []
    for stage in ctx["table3"]:
        for row in stage["rows"]:
            if row["cv_passed"] is False:
                names.append(f"{stage['label']}{row['label']}差异系数")
    for stage in ctx["reach"]:
        names += [_unit_name(r) for r in stage["failing"]]
    for part in ("government", "quality", "veto"):
        names += [r["name"] for r in ctx["forms"][part] if r["passed"] is False]
    return names


# --- the report ---------------------------------------------------------------------------------


def build_report_docx(county, year: int | None = None) -> bytes:
    """The 自查自评报告 draft of ``county`` from its current assessment (of ``year``; None: the
    data year), as .docx bytes. Raises NoAssessment without a finished assessment."""
    ctx = report_context(county, year)
    doc = _new_document()
    w = _Writer(doc)
    county_name = county.name
    w.title(f"{county_name}义务教育{ctx['target_name']}发展自查自评报告")
    a = ctx["assessment"]
    when = f"{timezone.localtime(a.finished_at):%Y-%m-%d %H:%M}" if a.finished_at else ""
    w.para(
        f"（草稿：{ctx['year_label']}数据，{ctx['ruleset'].label}（{ctx['ruleset'].document}），"
        f"评估记录 #{a.pk}，评估时间 {when}；文字由县教育局修改完善）",
        indent=False,
        center=True,
    )
    if ctx["stale"]:
        w.para("注意：数据已变更，本稿为最近一次评估的结果，请重新评估后再生成。", indent=False)
    w.para(
        f"根据《县域义务教育{ctx['target_name']}发展督导评估办法》（{ctx['ruleset'].document}）要求，"
        f"{county_name}对照评估内容和标准，对全县义务教育{ctx['target_name']}发展情况进行了全面自查，"
        f"现将自查自评情况报告如下。"
    )
    _basic(w, ctx)
    _measures(w, ctx)
    _results(w, ctx)
    _problems(w, ctx)
    _next_steps(w, ctx)
    w.para("")
    w.para(f"{county_name}人民政府", indent=False, right=True)
    w.para("年　　月　　日", indent=False, right=True)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _basic(w: _Writer, ctx: dict) -> None:
    s = ctx["summary"]
    w.heading("一、县域基本情况")
    by_type = "，".join(f"{t}{numbers.count(n)}所" for t, n in s["schools_by_type"])
    students = s["students"]
    stages = {r["stage"]: r for r in ctx["table3"]}
    w.para(
        f"{ctx['county'].name}辖{numbers.count(ctx['townships'])}个乡镇（街道）。{TO_WRITE.format('县域面积、户籍人口、常住人口、经济社会发展概况')}"
    )
    w.para(
        f"{ctx['year_label']}，全县共有义务教育阶段学校（含教学点）{numbers.count(s['schools'])}所，其中{by_type}。"
        f"义务教育在校生{numbers.count(students['compulsory'])}人，其中小学{numbers.count(students['primary'])}人、"
        f"初中{numbers.count(students['junior'])}人；教学班{numbers.count(s['classes']['total'])}个。"
        f"教职工（小学、初中、高中花名册）{numbers.count(s['teachers']['staff'])}人，其中专任教师"
        f"{numbers.count(s['teachers']['full_time'])}人。纳入资源配置评估的小学学校单元"
        f"{numbers.count(stages['primary']['units'])}个、初中学校单元{numbers.count(stages['junior']['units'])}个"
        f"（一贯制学校按学段分别计算，教学点并入所属中心校）。"
    )


def _measures(w: _Writer, ctx: dict) -> None:
    result = ctx["result"]
    forms = ctx["forms"]
    st = ctx["staffing"]
    w.heading("二、主要做法与成效")

    w.heading("（一）强化政府保障", 2)
    figures = [
        f"{r['name']}：{r['text']}" for r in forms["government"] if r.get("text") and r["passed"] is True
    ]
    w.para(
        f"{TO_WRITE.format('县委县政府推进义务教育优质均衡发展的组织领导、规划部署、经费投入和政策文件')}"
        + (f"经核算，{'；'.join(figures)}。" if figures else "")
    )

    w.heading("（二）优化资源配置", 2)
    parts = []
    for stage in ctx["table3"]:
        if not stage["units"]:
            continue
        passed = sum(1 for r in stage["rows"] if r["cv_passed"])
        parts.append(
            f"{stage['label']}7项指标校际差异系数在{_cv_range(stage)}之间，"
            f"{passed}项不高于{stage['threshold_text']}"
        )
    w.para(
        f"{TO_WRITE.format('近三年新建、改扩建校舍，新增教学仪器设备和图书等投入（本平台未记录建设项目）')}"
        + (f"{ctx['year_label']}，{'；'.join(parts)}。" if parts else "")
    )

    w.heading("（三）加强教师队伍建设", 2)
    posts = st["posts"]
    sentences = [
        f"全县核定教职工编制{numbers.count(posts['approved'])}名，在岗{numbers.count(posts['in_post'])}名"
        if posts.get("approved") is not None
        else "",
    ]
    for key in ("teacher_exchange", "teacher_training", "teacher_certificates"):
        item = _item(result, key)
        if item and item.get("detail"):
            sentences.append(f"{item['label']}：{item['detail']}")
    w.para(
        f"{TO_WRITE.format('教师招聘补充、县管校聘、交流轮岗和培训制度建设情况（本平台未记录新招聘教师）')}"
        + (_joined(sentences, "；") + "。" if _joined(sentences) else "")
    )

    w.heading("（四）提升教育质量", 2)
    quality = [f"{r['name']}：{r['text']}" for r in forms["quality"] if r.get("text") and r["passed"] is True]
    w.para(
        f"{TO_WRITE.format('课程开齐开足、德育和校园文化、减轻学生课业负担、信息化教学等工作')}"
        + (f"{'；'.join(quality)}。" if quality else "")
    )

    w.heading("（五）做好控辍保学", 2)
    cases = ctx["cases"]
    retention = _item(result, "junior_retention")
    text = (
        f"全县建立县、乡、村、家庭和教育局、学校、班主任、家长“双线”控辍保学责任制。平台共登记疑似辍学、辍学学生"
        f"{numbers.count(cases['total'])}人，已劝返复学{numbers.count(cases['returned'])}人，尚在跟踪{numbers.count(cases['open'])}人。"
    )
    if retention and retention.get("value_text"):
        text += f"全县初中三年巩固率{retention['value_text']}。"
    w.para(text)


def _cv_range(stage: dict) -> str:
    cvs = [r["cv"] for r in stage["rows"] if r["cv"] is not None]
    if not cvs:
        return numbers.UNDEFINED
    return f"{numbers.cv(min(cvs))}～{numbers.cv(max(cvs))}"


def _results(w: _Writer, ctx: dict) -> None:
    result = ctx["result"]
    rs = ctx["ruleset"]
    w.heading("三、指标达成情况")
    w.para(f"按照{rs.label}（{rs.document}）评估，全县自评结论：{verdict_text(result)}。")

    w.heading("（一）资源配置", 2)
    for stage in ctx["table3"]:
        if not stage["units"]:
            continue
        failing = [r["label"] for r in stage["rows"] if r["cv_passed"] is False]
        w.para(
            f"{stage['label']}：纳入评估的{numbers.count(stage['units'])}个学校单元，在校生"
            f"{numbers.count(stage['students'])}人。7项指标差异系数均应不高于{stage['threshold_text']}，"
            + (f"其中{_joined(failing)}差异系数超过标准。" if failing else "全部达到要求。")
        )
    rows = []
    for i, ind in enumerate(rs.indicators):
        row = [ind.label]
        for stage in ctx["table3"]:
            r = stage["rows"][i]
            row += [r["mean_text"], r["cv_text"], _cv_verdict(r)]
        rows.append(row)
    composite = ["7项差异系数平均值（仅供参考）"]
    for stage in ctx["table3"]:
        composite += ["——", stage["composite_text"], ""]
    rows.append(composite)
    w.table(
        ["指标", "小学全县平均值", "小学差异系数", "是否达标", "初中全县平均值", "初中差异系数", "是否达标"],
        rows,
        caption="表1 县域义务教育校际均衡情况（表Ⅲ）",
        widths=[5.2, 1.9, 1.7, 1.5, 1.9, 1.7, 1.5],
    )
    # 表Ⅱ-1 exactly as the 申报表 prints it (applications.tables.table_2_1).
    t21 = ctx["table_2_1"]
    w.table(
        [span.text for span in sorted(t21.header, key=lambda s: s.col)],
        [[c.text if isinstance(c, Figure) else c for c in row] for row in t21.rows],
        caption=f"表2 {t21.title.split(' ', 1)[-1]}（{t21.sheet}）",
    )

    for title, part in (("（二）政府保障程度", "government"), ("（三）教育质量", "quality")):
        rows = ctx["forms"][part]
        w.heading(title, 2)
        passed = sum(1 for r in rows if r["passed"] is True)
        failed = sum(1 for r in rows if r["passed"] is False)
        open_ = len(rows) - passed - failed
        w.para(
            f"共{len(rows)}项，达标{passed}项，未达标{failed}项"
            + (f"，尚未录入{open_}项" if open_ else "")
            + "。"
        )
        w.table(
            ["序号", "评估内容", "指标值或简要结论", "是否达标"],
            [[r["no"], r["name"], r.get("text") or "", r["passed_text"]] for r in rows],
            widths=[1.2, 6.0, 6.5, 1.8],
        )

    w.heading("（四）社会认可度", 2)
    rec = ctx["recognition"]
    if rec and rec.get("value_text") and rec.get("passed") is not None:
        w.para(
            f"社会认可度调查：{rec.get('detail') or rec['value_text']}，{'达到' if rec['passed'] else '未达到'}85%的要求。"
        )
    else:
        w.para(f"社会认可度尚无调查结果。{TO_WRITE.format('社会认可度调查情况')}")

    vetoes = ctx["forms"]["veto"]
    if vetoes:
        w.heading("（五）一票否决事项", 2)
        hit = [r["name"] for r in vetoes if r["passed"] is False]
        unknown = sum(1 for r in vetoes if r["passed"] is None)
        w.para(
            f"自查{len(vetoes)}项一票否决事项，"
            + (f"存在：{_joined(hit)}。" if hit else "未发现存在以上情形。")
            + (f"尚未录入{unknown}项，请补充。" if unknown else "")
        )
        w.table(
            ["序号", "事项", "是否存在"],
            [[r["no"], r["name"], r["passed_text"]] for r in vetoes],
            widths=[1.2, 11.0, 2.5],
        )


def _cv_verdict(row: dict) -> str:
    if row["cv_passed"] is None:
        return numbers.UNDEFINED
    return "是" if row["cv_passed"] else "否"


def _problems(w: _Writer, ctx: dict) -> None:
    w.heading("四、存在问题及整改措施")
    problems = []
    for stage in ctx["table3"]:
        for row in stage["rows"]:
            if row["cv_passed"] is False:
                problems.append(
                    f"{stage['label']}{row['label']}差异系数为{row['cv_text']}，高于{stage['threshold_text']}的要求。"
                )
    for stage in ctx["reach"]:
        if stage["failing"]:
            names = _joined(_unit_name(r) for r in stage["failing"])
            problems.append(
                f"{stage['label']}有{len(stage['failing'])}个学校单元资源配置综合评估未达标：{names}。"
            )
    for part, label in (("government", "政府保障程度"), ("quality", "教育质量"), ("veto", "一票否决")):
        for r in ctx["forms"][part]:
            if r["passed"] is False:
                problems.append(
                    f"{label}：{r['name']}" + (f"（{r['text']}）" if r.get("text") else "") + "。"
                )
    if ctx["missing"]:
        problems.append(f"尚未录入数据的县级评估项目：{_joined(ctx['missing'])}。")
    if not problems:
        problems.append("对照评估标准，本次自评未发现未达标项目。")
    w.heading("（一）存在问题", 2)
    for i, text in enumerate(dict.fromkeys(problems), start=1):
        w.para(f"{i}. {text}")

    w.heading("（二）整改措施", 2)
    ledger = ctx["ledger"]
    if ledger:
        w.para(f"针对上述问题和历次督导反馈，整改台账中尚未销号的整改事项{len(ledger)}项，正在按时限推进：")
        w.table(
            ["序号", "问题", "涉及指标", "整改措施", "牵头单位", "完成时限", "状态"],
            [
                [
                    item.number,
                    item.problem,
                    indicator_label(item.indicator) if item.indicator else "",
                    item.measures,
                    item.lead_unit,
                    f"{item.deadline:%Y-%m-%d}" if item.deadline else "",
                    item.get_status_display(),
                ]
                for item in ledger
            ],
            widths=[1.1, 4.0, 2.0, 4.0, 2.0, 1.9, 1.4],
        )
    else:
        w.para(f"整改台账中无未销号事项。{TO_WRITE.format('针对上述问题的整改措施')}")


_KIND_MEASURES = {
    "teachers": "通过招聘补充、交流轮岗、培养培训和职称评聘倾斜，补足相关学校教师",
    "area": "纳入校舍建设和改扩建计划，增加相关学校教学及辅助用房和体育运动场馆面积",
    "money": "加大教学仪器设备投入，按标准为相关学校补充配备",
    "rooms": "加快网络多媒体教室建设，补齐相关学校缺口",
    "computers": "补充配备教学用计算机",
    "books": "补充配备图书",
}


def _next_steps(w: _Writer, ctx: dict) -> None:
    w.heading("五、下一步工作打算")
    rs = ctx["ruleset"]
    steps = []
    for stage in ctx["table3"]:
        for ind, row in zip(rs.indicators, stage["rows"], strict=True):
            if row["cv_passed"] is False:
                steps.append(
                    f"针对{stage['label']}{row['label']}差异系数偏高（{row['cv_text']}）的问题，"
                    f"{_KIND_MEASURES.get(ind.kind, '加大投入')}，缩小校际差距。"
                )
    failing_units = [u for stage in ctx["reach"] for u in stage["failing"]]
    if failing_units:
        steps.append(
            f"对资源配置未达标的{len(failing_units)}个学校单元逐校制定达标计划，明确项目、资金和完成时限。"
        )
    for part in ("government", "quality"):
        for r in ctx["forms"][part]:
            if r["passed"] is False:
                steps.append(f"落实“{r['name']}”的要求，确保达到评估标准。")
    if ctx["missing"]:
        steps.append(f"尽快补齐{_joined(ctx['missing'])}的数据和佐证材料。")
    if ctx["ledger"]:
        steps.append(f"按整改台账推进{len(ctx['ledger'])}项未销号整改事项，逐项对账销号。")
    steps.append(TO_WRITE.format("巩固提升的长效机制和其他工作安排"))
    for i, text in enumerate(steps, start=1):
        w.para(f"{i}. {text}")
