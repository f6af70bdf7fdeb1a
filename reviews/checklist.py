"""The items of the phone checklist: those of the 学校自评表 (application-forms.md), as plain data.

A1 资源配置: the seven resource indicators of the 2017 scheme (the 学校自评表 is the quality-balance
form, whichever scheme the county assesses by); A2: music and art rooms, school size, class size.
Each item names the ledger indicator a 不符合 is filed under (rectification's indicator catalogue:
the rule-set key, or the archive point 2.3 / 2.4 / 2.5 of the government-guarantee items).
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine.rules import get_ruleset

ROOMS, SCHOOL_SIZE, CLASS_SIZE = "rooms", "school_size", "class_size"


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    ledger_indicator: str
    group: str  # A1 资源配置 / A2 办学条件


def _items() -> tuple[CheckItem, ...]:
    resources = tuple(
        CheckItem(ind.key, ind.label, ind.key, "A1 资源配置")
        for ind in get_ruleset("quality-2017").indicators
    )
    return (
        *resources,
        CheckItem(
            ROOMS,
            "音乐、美术专用教室（每 12 个班各 1 间以上，面积不小于 96 ㎡ / 90 ㎡）",
            "2.3",
            "A2 办学条件",
        ),
        CheckItem(
            SCHOOL_SIZE, "学校规模（小学、初中不超过 2000 人，一贯制不超过 2500 人）", "2.4", "A2 办学条件"
        ),
        CheckItem(CLASS_SIZE, "班额（小学不超过 45 人，初中不超过 50 人）", "2.5", "A2 办学条件"),
    )


ITEMS: tuple[CheckItem, ...] = _items()
BY_KEY = {item.key: item for item in ITEMS}
