"""Countdown and backward scheduling (倒排工期), without Django.

Deadlines of prep tasks are counted backwards from the inspection date: a template task with
``days_before = 30`` is due on ``inspection_date − 30 days`` ("T-30"). Every function takes
``today`` explicitly so that pages, tests and the demo can travel in time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

DueState = Literal["done", "overdue", "due_soon", "open", "no_deadline"]

DUE_STATE_LABELS: Mapping[str, str] = {
    "done": "已完成",
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "open": "按计划推进",
    "no_deadline": "未设时限",
}


@dataclass(frozen=True)
class TaskTemplateSpec:
    """One line of the default backward plan: a task due ``days_before`` days before the inspection."""

    key: str
    title: str
    days_before: int
    owner_unit: str
    description: str = ""


# The default plan of a county in the last two months (common practice of county bureaus;
# bureau staff edit the templates in the admin, these are only the seed).
DEFAULT_TASK_TEMPLATES: tuple[TaskTemplateSpec, ...] = (
    TaskTemplateSpec(
        "plan",
        "成立迎检工作领导小组，印发迎检工作方案",
        60,
        "县教育局办公室",
        "明确分工、责任人和时间节点，报县政府审定。",
    ),
    TaskTemplateSpec(
        "data",
        "学校基础数据核查与指标测算",
        45,
        "县教育局计财股",
        "核对学校、办学条件、教师、班级数据，完成差异系数与逐校达标测算。",
    ),
    TaskTemplateSpec(
        "rectify",
        "反馈问题整改完成并逐项销号",
        35,
        "县教育局督导室",
        "对照整改台账，逐项核查佐证材料，完成对账销号。",
    ),
    TaskTemplateSpec(
        "report",
        "县级自评报告定稿",
        30,
        "县教育局督导室",
        "自评报告、县域基本情况表（表Ⅰ—表Ⅲ）定稿并经县政府审定。",
    ),
    TaskTemplateSpec(
        "survey",
        "社会认可度调查完成",
        25,
        "县教育局督导室",
        "面向学生、家长、教师、校长、人大代表、政协委员和其他群众开展问卷调查。",
    ),
    TaskTemplateSpec(
        "archive",
        "迎检档案整理归档",
        20,
        "县教育局督导室",
        "按指标体系整理综合卷、资源配置、政府保障、教育质量、社会认可度和整改卷。",
    ),
    TaskTemplateSpec(
        "schools",
        "学校自查与校园环境整治",
        14,
        "各中小学校",
        "学校对照标准自查，功能室、图书、仪器账实相符。",
    ),
    TaskTemplateSpec("briefing", "迎检汇报材料与汇报片定稿", 10, "县教育局办公室"),
    TaskTemplateSpec(
        "drill",
        "迎检演练",
        7,
        "县教育局",
        "按实地核查流程全程演练：汇报、查阅档案、随机抽查学校、问卷与座谈。",
    ),
    TaskTemplateSpec(
        "final_check", "迎检前最终核查", 3, "县教育局督导室", "逐项核对准备情况看板，未达标项目落实专人说明。"
    ),
)


def deadline_for(inspection_date: date, days_before: int) -> date:
    """The deadline of a task due ``days_before`` days before the inspection (T-days_before)."""
    if days_before < 0:
        raise ValueError("提前天数不能为负数")
    return inspection_date - timedelta(days=days_before)


def backward_plan(
    inspection_date: date, templates: Iterable[TaskTemplateSpec]
) -> list[tuple[TaskTemplateSpec, date]]:
    """Each template with its deadline, earliest first (ties keep the template order)."""
    planned = [(t, deadline_for(inspection_date, t.days_before)) for t in templates]
    return sorted(planned, key=lambda pair: pair[1])


def days_left(inspection_date: date | None, today: date) -> int | None:
    """Days from ``today`` to the inspection (0 on the day, negative after it, None when unset)."""
    if inspection_date is None:
        return None
    return (inspection_date - today).days


def due_state(deadline: date | None, *, done: bool, today: date, due_soon_days: int) -> DueState:
    """Where a deadline stands: done, overdue (deadline before today), due soon (today … today +
    ``due_soon_days`` inclusive), open, or without deadline."""
    if done:
        return "done"
    if deadline is None:
        return "no_deadline"
    if deadline < today:
        return "overdue"
    if deadline <= today + timedelta(days=due_soon_days):
        return "due_soon"
    return "open"
