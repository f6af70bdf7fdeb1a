"""Workforce workbooks as plain rows for balance_inspect.xlsx (no teacher names: counts only)."""

from __future__ import annotations

from fractions import Fraction

from balance_inspect import tabular
from balance_inspect.xlsx import Flagged, Num, Sheet
from domain import numbers
from workforce import engine
from workforce.engine import STATUS_LABELS
from workforce.importing import allowed_values, required_label


def _num(value: Fraction | None, digits: int = 2):
    return Num(value, digits)


def _rate(value: Fraction | None, line: Fraction | int):
    """A rate as a number shown as a percentage, 1 place like the pages, more only where 1 place
    would show the line beside a failing rate (99.96% of a 100% requirement)."""
    return Num(value, numbers.RATE, percent=True, limit=line)


def _flag(value, bad: bool):
    return Flagged(value) if bad else value


def workforce_sheets(wf) -> list[Sheet]:
    return [
        _posts(wf),
        _coverage(wf),
        _plan_subjects(wf),
        _plan_assignments(wf),
        _exchange(wf),
        _training(wf),
    ]


def _posts(wf) -> Sheet:
    rows = []
    for p in wf.posts.schools:
        s, r = p.school, p.requirement
        rows.append(
            [
                s.code,
                s.name,
                s.township,
                s.urban_rural,
                s.primary_students,
                s.junior_students,
                s.class_count,
                _num(r.by_students),
                _num(r.by_classes),
                p.required,
                r.rule,
                p.approved,
                p.in_post,
                _flag(p.vacancies, p.vacancies is not None and p.vacancies > 0),
                _flag(p.shortfall, p.shortfall > 0),
            ]
        )
    for s in wf.posts.private_schools:
        rows.append(
            [
                s.code,
                s.name,
                s.township,
                s.urban_rural,
                s.primary_students,
                s.junior_students,
                s.class_count,
                None,
                None,
                None,
                "民办学校不核定编制",
                None,
                wf.in_post.get(s.code, 0),
                None,
                None,
            ]
        )
    return Sheet(
        f"编制 {wf.year}",
        [
            "学校标识码",
            "学校名称",
            "乡镇（街道）",
            "城乡类型",
            "小学在校生",
            "初中在校生",
            "班级数",
            "按生师比测算",
            "按班师比测算",
            "标准编制数",
            "适用规则",
            "核定编制数",
            "在岗教师",
            "空编（核定−在岗）",
            "缺编（标准−在岗）",
        ],
        rows,
        widths=[13, 22, 12, 9, 10, 10, 8, 12, 12, 11, 16, 11, 9, 16, 16],
    )


def _coverage(wf) -> Sheet:
    rows = []
    for cov in wf.coverages:
        s = cov.school
        for line in cov.lines:
            state = "缺专任教师" if line.gap else ("课时超负荷" if line.overloaded else "")
            rows.append(
                [
                    s.code,
                    s.name,
                    s.township,
                    line.stage,
                    line.subject,
                    "是" if line.required else "否",
                    _flag(line.teachers, line.gap),
                    _num(line.periods, 1),
                    _num(line.load, 1),
                    line.teachers_needed,
                    state,
                ]
            )
    return Sheet(
        "学科配备",
        [
            "学校标识码",
            "学校名称",
            "乡镇（街道）",
            "学段",
            "学科",
            "必设学科",
            "专任教师",
            "周课时需求",
            "人均周课时",
            "按课时需教师",
            "情况",
        ],
        rows,
        widths=[13, 22, 12, 6, 10, 9, 9, 11, 11, 12, 12],
    )


def _plan_subjects(wf) -> Sheet:
    rows = [
        [
            n.stage,
            n.subject,
            n.schools,
            n.teachers,
            n.travelling,
            n.movable,
            n.hire,
            "；".join(f"{name}（{code}）{k} 人" for code, name, k in n.sources),
        ]
        for n in wf.plan.subjects
    ]
    return Sheet(
        "补充计划汇总",
        [
            "学段",
            "学科",
            "缺该学科教师的学校",
            "需补充教师",
            "其中走教教师",
            "可从超配学校调配",
            "需招聘",
            "可调出教师的学校",
        ],
        rows,
        widths=[6, 10, 16, 11, 12, 16, 8, 60],
    )


def _plan_assignments(wf) -> Sheet:
    rows = [
        [
            a.stage,
            a.subject,
            a.township,
            "走教" if a.travelling else "配备专任教师",
            "、".join(f"{g.school_name}（{g.school}）" for g in a.gaps),
            len(a.gaps),
            _num(a.periods, 1),
            a.teachers,
        ]
        for a in wf.plan.assignments
    ]
    return Sheet(
        "补充计划明细",
        ["学段", "学科", "乡镇（街道）", "方式", "服务学校", "学校数", "周课时", "教师数"],
        rows,
        widths=[6, 10, 12, 12, 60, 8, 8, 8],
    )


def _exchange(wf) -> Sheet:
    ex = wf.exchange
    rows = [
        [
            r.school.code,
            r.school.name,
            r.school.urban_rural,
            r.eligible,
            r.exchanged,
            _rate(r.rate, engine.EXCHANGE_MIN_RATE),
            r.backbone,
            _rate(r.backbone_share, engine.EXCHANGE_BACKBONE_MIN_SHARE),
            r.unknown_joined,
            _flag(STATUS_LABELS[r.status], r.status == "failed"),
        ]
        for r in ex.schools
    ]
    rows.append(
        [
            "全县",
            "",
            "",
            ex.eligible,
            ex.exchanged,
            _rate(ex.rate, engine.EXCHANGE_MIN_RATE),
            ex.backbone,
            _rate(ex.backbone_share, engine.EXCHANGE_BACKBONE_MIN_SHARE),
            ex.unknown_joined,
            {True: "达标", False: "未达标", None: "无法判断"}[ex.passed],
        ]
    )
    return Sheet(
        "交流轮岗",
        [
            "学校标识码",
            "学校名称",
            "城乡类型",
            "符合交流条件教师",
            "交流人数",
            "交流比例",
            "其中骨干教师",
            "骨干占比",
            "未填到本校年份",
            "结论",
        ],
        rows,
        widths=[13, 22, 9, 16, 9, 13, 12, 13, 14, 22],
    )


def _training(wf) -> Sheet:
    tr = wf.training
    rows = [
        [
            r.school.code,
            r.school.name,
            r.teachers,
            r.complete,
            _flag(_rate(r.completion_rate, 1), r.complete < r.teachers),
            r.full_time,
            r.certified,
            r.uncertified,
            r.cert_unknown,
            _flag(_rate(r.certified_rate, 1), r.certified < r.full_time),
        ]
        for r in tr.schools
    ]
    rows.append(
        [
            "全县",
            "",
            tr.teachers,
            tr.complete,
            _rate(tr.completion_rate, 1),
            tr.full_time,
            tr.certified,
            tr.uncertified,
            tr.cert_unknown,
            _rate(tr.certified_rate, 1),
        ]
    )
    # 持证 counts 专任教师 in post only (workforce.engine.counts_for_certificates).
    return Sheet(
        "培训与持证",
        [
            "学校标识码",
            "学校名称",
            "教师数",
            f"{wf.window_label}学年满360学时",
            "完成率",
            "专任教师",
            "持证",
            "未持证",
            "未填报",
            "持证率",
        ],
        rows,
        widths=[13, 22, 8, 22, 11, 9, 8, 8, 8, 11],
    )


def template_sheets(template) -> list[Sheet]:
    """The import template: an empty sheet with the headers, and the 填写说明."""
    return tabular.template_sheets(
        template.label,
        template.template_columns(allowed=allowed_values, required=required_label),
        (
            "第一个工作表第 1 行为表头，每行一条记录；任何一行有误则整个文件不导入，"
            "错误会列出行号、列名和原因；同一关键列（" + "、".join(template.key) + "）重复导入为更新。",
        ),
    )
