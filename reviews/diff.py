"""What changed between two submission snapshots (pure: no Django).

A snapshot (reviews.submissions.build_snapshot) is self-describing: every figure is stored as
``{"label", "value", "fmt"[, "digits", "unit"]}``, grouped in four sections:

- ``county_figures``: 表Ⅰ's county facts and 表Ⅵ's field visits;
- ``assessment["figures"]``: the verdict, every difference coefficient per stage, units
  passing, the engine's checks, what is missing;
- ``schools[code]``: ``{"label", "figures"}``, the figures the assessment used per stage;
- ``items[key]``: ``{"label", "table", "figures"}``, a county item's inputs, conclusion and
  verdict (表Ⅳ, 表Ⅴ, 一票否决);
- ``evidence``: the package files and the evidence files, each with its sha256.

:func:`diff_snapshots` compares two of them figure by figure (raw values, never rounded) and
names exactly what changed; labels come from the snapshots themselves (the new one's when both
have the figure), so an old version shows the words it was filed with. :func:`figure_text`
prints a figure with the project formatter (domain.numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain import numbers

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
STATUS_LABELS: Mapping[str, str] = {ADDED: "新增", REMOVED: "删除", CHANGED: "有变化"}
_LEVELS: Mapping[int, str] = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}


def figure_text(fig: Mapping | None) -> str:
    """One stored figure as people read it (``UNDEFINED`` when absent or empty)."""
    if not fig or fig.get("value") in (None, "", []):
        return numbers.UNDEFINED if not fig or fig.get("fmt") != "list" else "无"
    value, fmt = fig["value"], fig.get("fmt", "text")
    if fmt == "num":
        text = numbers.num(value, fig.get("digits", numbers.MEAN))
    elif fmt == "count":
        text = numbers.count(value)
    elif fmt == "cv":
        text = numbers.cv(value)
    elif fmt == "pct":
        text = numbers.pct(value)
    elif fmt == "yesno":
        text = numbers.yes_no(value)
    elif fmt == "pass":
        text = "达标" if value is True else "未达标" if value is False else numbers.UNDEFINED
    elif fmt == "level":
        exact = numbers.exact(value)
        text = (
            _LEVELS.get(int(exact), str(value))
            if exact is not None and exact.denominator == 1
            else str(value)
        )
    elif fmt == "hash":
        text = str(value)[:12]
    elif fmt == "list":
        text = "、".join(str(v) for v in value)
    else:
        text = str(value)
    unit = fig.get("unit")
    return f"{text} {unit}" if unit and text != numbers.UNDEFINED and fmt in ("num", "count") else text


@dataclass(frozen=True)
class Change:
    """One figure that differs: ``key`` unique over the whole snapshot, ``path`` its Chinese
    label path (section, entity, figure), ``old``/``new`` the stored figures (None: absent)."""

    key: str
    path: tuple[str, ...]
    old: Mapping | None
    new: Mapping | None

    @property
    def label(self) -> str:
        return " / ".join(self.path)

    @property
    def old_text(self) -> str:
        return figure_text(self.old)

    @property
    def new_text(self) -> str:
        return figure_text(self.new)


@dataclass(frozen=True)
class EntityChange:
    """A school or a county item that was added, removed or whose figures changed."""

    key: str
    label: str
    status: str
    changes: tuple[Change, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Diff:
    county: tuple[Change, ...]
    assessment: tuple[Change, ...]
    schools: tuple[EntityChange, ...]
    items: tuple[EntityChange, ...]
    evidence: tuple[Change, ...]

    @property
    def figures(self) -> tuple[Change, ...]:
        """Every changed figure, in page order (county, assessment, schools, items, evidence)."""
        out = [*self.county, *self.assessment]
        for entity in (*self.schools, *self.items):
            out.extend(entity.changes)
        out.extend(self.evidence)
        return tuple(out)

    @property
    def empty(self) -> bool:
        return not self.figures


def _value(fig: Mapping | None):
    return None if fig is None else fig.get("value")


def _figures(prefix: str, head: tuple[str, ...], old: Mapping, new: Mapping) -> tuple[Change, ...]:
    """Changes of one group of figures; order: the new snapshot's, then those only in the old."""
    out = []
    for name in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(name), new.get(name)
        if _value(a) != _value(b) or (a is None) != (b is None):
            label = (b or a).get("label", name)
            out.append(Change(f"{prefix}.{name}", (*head, label), a, b))
    return tuple(out)


def _entities(section: str, title: str, old: Mapping, new: Mapping) -> tuple[EntityChange, ...]:
    out = []
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key), new.get(key)
        status = ADDED if a is None else REMOVED if b is None else CHANGED
        label = (b or a).get("label", key)
        changes = _figures(
            f"{section}.{key}", (title, label), (a or {}).get("figures", {}), (b or {}).get("figures", {})
        )
        if status != CHANGED or changes:
            out.append(EntityChange(key, label, status, changes))
    return tuple(out)


def diff_snapshots(old: Mapping, new: Mapping) -> Diff:
    """What changed from snapshot ``old`` to snapshot ``new`` (see the module docstring)."""
    return Diff(
        county=_figures(
            "county", ("县域数据",), old.get("county_figures") or {}, new.get("county_figures") or {}
        ),
        assessment=_figures(
            "assessment",
            ("评估结果",),
            (old.get("assessment") or {}).get("figures", {}),
            (new.get("assessment") or {}).get("figures", {}),
        ),
        schools=_entities("school", "学校", old.get("schools") or {}, new.get("schools") or {}),
        items=_entities("item", "县级指标", old.get("items") or {}, new.get("items") or {}),
        evidence=_figures("evidence", ("佐证材料",), old.get("evidence") or {}, new.get("evidence") or {}),
    )
