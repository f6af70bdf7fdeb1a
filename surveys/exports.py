"""xlsx export of a survey's results, through the one writer (balance_inspect.xlsx)."""

from balance_inspect.xlsx import Flagged, Num, Sheet, as_report, xlsx_response
from domain import numbers
from surveys import engine
from surveys.models import RespondentGroup

GROUP_LABELS = dict(RespondentGroup.choices)


def _rate_cells(rate: engine.Rate):
    value = Num(rate.rate, numbers.RATE, percent=True, limit=rate.line, passed=rate.passed)
    verdict = numbers.UNDEFINED if rate.passed is None else ("达标" if rate.passed else "未达标")
    if rate.passed is False:
        return [Flagged(value), Flagged(verdict)]
    return [value, verdict]


def result_sheets(res, comments) -> list[Sheet]:
    s = res.survey
    summary = Sheet(
        "总体",
        ["项目", "数值"],
        [
            ["问卷", s.title],
            ["调查期次", s.period],
            ["学年", s.year],
            ["区县", s.county.name],
            ["满意度计算方法", res.formula_label],
            ["达标线", Num(engine.PASS_LINE, 0, percent=True)],
            ["答卷数", res.responses],
            ["样本目标", res.target],
            ["有效满意度答案数", res.satisfaction.valid],
            ["满意度（社会认可度）", *_rate_cells(res.satisfaction)],
            ["有效知晓答案数", res.awareness.valid],
            ["知晓率", Num(res.awareness.rate, numbers.RATE, percent=True)],
        ],
        widths=[24, 60, 10],
    )
    questions = Sheet(
        "按题目（薄弱项在前）",
        [
            "考察项目",
            "题目",
            "题型",
            "有效满意度答案数",
            "满意度/知晓率",
            "是否达标",
            "满意",
            "比较满意",
            "一般",
            "不太满意",
            "不满意",
            "知晓",
            "不知晓",
        ],
        [
            [
                line.key.item,
                line.key.text,
                line.key.get_kind_display(),
                line.rate.valid,
                *_rate_cells(line.rate),
                *[line.rate.counts.get(v, 0) for v in (5, 4, 3, 2, 1, 1, 0)],
            ]
            if line.key.kind == "scale"
            else [
                line.key.item,
                line.key.text,
                line.key.get_kind_display(),
                line.rate.valid,
                *_rate_cells(line.rate),
                "",
                "",
                "",
                "",
                "",
                line.rate.counts.get(1, 0),
                line.rate.counts.get(0, 0),
            ]
            for line in res.questions
        ],
        widths=[12, 60, 14, 10, 12, 10],
    )
    groups = Sheet(
        "按调查对象",
        ["调查对象", "答卷数", "样本目标", "有效满意度答案数", "满意度", "是否达标", "知晓率"],
        [
            [
                g.label,
                g.responses,
                g.target,
                g.rate.valid,
                *_rate_cells(g.rate),
                Num(g.extra["awareness"].rate, numbers.RATE, percent=True),
            ]
            for g in res.groups
        ],
        widths=[20, 10, 10, 16, 10, 10, 10],
    )
    schools = Sheet(
        "按学校",
        ["乡镇", "学校", "学校标识码", "答卷数", "样本目标", "有效满意度答案数", "满意度", "是否达标"],
        [
            [
                line.extra["township"],
                line.label,
                line.key.code,
                line.responses,
                line.target,
                line.rate.valid,
                *_rate_cells(line.rate),
            ]
            for line in res.schools
        ],
        widths=[14, 28, 14, 10, 10, 10, 10, 10],
    )
    townships = Sheet(
        "按乡镇",
        ["乡镇", "答卷数", "样本目标", "有效满意度答案数", "满意度", "是否达标"],
        [
            [line.label, line.responses, line.target, line.rate.valid, *_rate_cells(line.rate)]
            for line in res.townships
        ],
        widths=[14, 10, 10, 10, 10, 10],
    )
    progress = Sheet(
        "样本进度",
        ["学校", "调查对象", "样本目标", "答卷数", "是否达到样本目标"],
        [
            [
                line.label,
                line.extra["group"],
                line.target,
                line.responses,
                "是" if line.responses >= line.target else Flagged("否"),
            ]
            for line in res.progress
        ],
        widths=[28, 18, 10, 10, 16],
    )
    texts = Sheet(
        "文字意见",
        ["答卷编号", "调查对象", "学校", "题目", "意见"],
        (
            [
                a.response_id,
                GROUP_LABELS.get(a.response.group, a.response.group),
                a.response.school.name if a.response.school_id else "全县",
                a.question.text,
                a.text,
            ]
            for a in comments.iterator(chunk_size=2000)
        ),
        widths=[10, 18, 24, 40, 80],
    )
    return [summary, questions, groups, schools, townships, progress, texts]


def results_response(res, comments):
    return xlsx_response(
        f"{res.survey.title}-结果.xlsx", as_report(result_sheets(res, comments), f"{res.survey.title} 结果")
    )
