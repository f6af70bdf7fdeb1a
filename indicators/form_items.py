"""The rows of 表Ⅳ (政府保障程度), 表Ⅴ (教育质量) and the 一票否决 list of the national application
form, read from one stored assessment document (application-forms.md).

Pure module: no Django imports. Every row's verdict is the assessment's own: a county item's
``passed`` from ``result["county_items"]`` (indicators.county_items.merge_items), a data item's
from ``result["checks"]``/``result["stages"]`` (the engine) — the form never judges again. The
fill-in sentence is printed from the stored inputs with indicators.county_items.fill_sentence
(domain.numbers: ratios 1 place, other numbers integers, rounded half up at output only).

Row (one dict per item, in the form's order)::

    {"no": 1, "key": "school_layout", "name": official item text,
     "text": the sentence with every blank filled ("＿" where still empty), then the conclusion,
     "passed": True / False / None, "passed_text": "是" / "否" / "未录入",
     "blanks": [Chinese labels of what is still empty], "who": "教育局录入" / "自动：师资数据" / …,
     "evidence": [str, …]}

Veto rows: ``passed`` True when the situation does not exist; ``passed_text`` says whether it
exists ("是" / "否" / "未录入"); ``fails_application`` True when it exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain import vocabulary

from .county_items import (
    BLANK,
    BY_KEY,
    DATA_CHECKS,
    TABLE4_KEYS,
    TABLE5_KEYS,
    VETO_KEYS,
    CheckSpec,
    ItemSpec,
    fill_sentence,
)

NOT_ENTERED = "未录入"
CONCLUSION_LABEL = "简要结论"


def _passed_text(passed: bool | None) -> str:
    return "是" if passed is True else "否" if passed is False else NOT_ENTERED


def _items_by_key(result: Mapping) -> dict[str, Mapping]:
    return {r.get("key"): r for r in (result or {}).get("county_items") or []}


def _item_row(spec: ItemSpec, row: Mapping | None) -> dict:
    row = row or {}
    sentence, blanks = fill_sentence(spec, row)
    conclusion = (row.get("conclusion") or "").strip()
    if spec.conclusion and not spec.sentence and not conclusion:
        blanks.append(CONCLUSION_LABEL)
    parts = [p for p in (sentence, conclusion) if p]
    if not parts:
        parts = [BLANK]
    passed = row.get("passed")
    return {
        "no": spec.no,
        "key": spec.key,
        "name": row.get("name") or spec.official_name,
        "text": "。".join(p.rstrip("。") for p in parts),
        "passed": passed,
        "passed_text": _passed_text(passed),
        "blanks": blanks,
        "who": spec.who,
        "evidence": list(row.get("evidence") or []),
    }


# --- items the engine judges from the school data --------------------------------------------------


def _rooms(result: Mapping) -> tuple[dict, bool | None, list[str]]:
    """表Ⅳ-3 from ``checks.rooms`` (indicators.engine.assess.room_checks): per school the rooms
    required (⌈classes / 12⌉), the rooms of each kind and, when their areas are entered,
    ``music_ok``/``art_ok`` = the rooms reaching 96 / 90 ㎡ (None when not entered; documents
    stored before areas existed have no such keys and count as "areas not entered")."""
    rows = ((result or {}).get("checks") or {}).get("rooms") or []
    short_rooms = short_area = missing = 0
    area_known = False
    for r in rows:
        need = r.get("required") or 0
        kinds = [(r.get(f"{k}_rooms"), r.get(f"{k}_ok")) for k in ("music", "art")]
        if any(count is not None and count < need for count, _ in kinds):
            short_rooms += 1
        # Enough rooms, but too few of them reach the area line.
        if any(count is not None and count >= need and ok is not None and ok < need for count, ok in kinds):
            short_area += 1
        if r.get("areas_missing", True):
            missing += 1
        area_known = area_known or any(ok is not None for _, ok in kinds)
    figures = {
        "schools": len(rows),
        "short_rooms": short_rooms,
        "short_area": short_area if area_known else None,
        "areas_missing": missing,
    }
    # The engine's verdict per school (counts, and areas where entered).
    passed = None if not rows else all(r.get("passed") is True for r in rows)
    blanks = []
    if not rows:
        blanks.append("学校班级数与音乐、美术专用教室数")
    if missing:
        blanks.append(f"专用教室面积（{missing} 所学校未填报）")
    return figures, passed, blanks


_THROUGH = {vocabulary.NINE_YEAR, vocabulary.TWELVE_YEAR}
_PRIMARY = {vocabulary.PRIMARY_SCHOOL, vocabulary.TEACHING_POINT}


def _school_size(result: Mapping) -> tuple[dict, bool | None, list[str]]:
    checks = (result or {}).get("checks") or {}
    sizes = checks.get("school_sizes")
    over = checks.get("school_size") or []
    figures = {"primary": 0, "junior": 0, "through": 0}
    if sizes is None:
        # A document without per-school sizes: the engine's list of schools over the limit.
        figures = {"primary": None, "junior": None, "through": None}
        passed = not over if result.get("units") else None
        return figures, passed, ["各校规模"] if passed is None else []
    for s in sizes:
        if not s.get("over"):
            continue
        kind = s.get("school_type")
        group = "through" if kind in _THROUGH else "primary" if kind in _PRIMARY else "junior"
        figures[group] += 1
    # The engine's verdict: no school over its limit (checks.school_size is its list).
    passed = None if not sizes else not over
    return figures, passed, ["各校在校生数"] if not sizes else []


def _class_size(result: Mapping) -> tuple[dict, bool | None, list[str]]:
    stages = (result or {}).get("stages") or {}
    counts = {s: (stages.get(s) or {}).get("classes") or {} for s in ("primary", "junior")}
    total = sum(c.get("total") or 0 for c in counts.values())
    figures = {
        "primary": counts["primary"].get("over_standard"),
        "junior": counts["junior"].get("over_standard"),
    }
    if not total:
        return {"primary": None, "junior": None}, None, ["班级学生数"]
    passed = not any(figures.values())
    return figures, passed, []


_CHECK_READERS = {"music_art_rooms": _rooms, "school_size": _school_size, "class_size": _class_size}
_CHECK_EVIDENCE = {
    "music_art_rooms": "学校办学条件数据（班级数、音乐美术专用教室及面积）",
    "school_size": "学校在校生数据（各校规模）",
    "class_size": "班级学生数数据（班额）",
}


def _check_row(spec: CheckSpec, result: Mapping) -> dict:
    figures, passed, blanks = _CHECK_READERS[spec.key](result)
    text, _ = fill_sentence(spec, {}, figures)
    return {
        "no": spec.no,
        "key": spec.key,
        "name": spec.name,
        "text": text,
        "passed": passed,
        "passed_text": _passed_text(passed),
        "blanks": blanks,
        "who": spec.who,
        "evidence": [_CHECK_EVIDENCE[spec.key]],
    }


# --- the tables -------------------------------------------------------------------------------------


def table4_rows(result: Mapping) -> list[dict]:
    """The 15 rows of 表Ⅳ 政府保障程度评估指标, in the form's order."""
    items = _items_by_key(result)
    out = []
    for key in TABLE4_KEYS:
        if key in DATA_CHECKS:
            out.append(_check_row(DATA_CHECKS[key], result))
        else:
            out.append(_item_row(BY_KEY[key], items.get(key)))
    return out


def table5_rows(result: Mapping) -> list[dict]:
    """The 9 rows of 表Ⅴ 教育质量评估指标, in the form's order."""
    items = _items_by_key(result)
    return [_item_row(BY_KEY[key], items.get(key)) for key in TABLE5_KEYS]


def veto_rows(result: Mapping) -> list[dict]:
    """The 7 one-vote vetoes (一票否决): ``passed_text`` 是 when the situation exists."""
    items = _items_by_key(result)
    out = []
    for no, key in enumerate(VETO_KEYS, start=1):
        spec = BY_KEY[key]
        row = items.get(key) or {}
        passed = row.get("passed")
        exists = None if passed is None else not passed
        conclusion = (row.get("conclusion") or "").strip()
        if conclusion:
            text = conclusion
        elif exists is None:
            text = BLANK
        else:
            text = "存在该情形" if exists else "不存在该情形"
        out.append(
            {
                "no": no,
                "key": key,
                "name": spec.official_name,
                "text": text,
                "passed": passed,
                "passed_text": _passed_text(exists),
                "fails_application": exists is True,
                "blanks": [] if exists is not None else [spec.fields[0].label],
                "who": spec.who,
                "evidence": list(row.get("evidence") or []),
            }
        )
    return out
