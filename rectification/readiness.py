"""Readiness of a county for the inspection: pure rules and the contract of contributed rows.

No Django imports: the board view (rectification.selectors.readiness_board) loads the facts and
calls the functions here.

Providers
---------
Apps that rectification may not import (dropout control, surveys, workforce …) contribute rows
to the readiness board through the signal ``balance_inspect.signals.readiness_requested``,
connected in their ``AppConfig.ready()`` from ``<app>/receivers.py``::

    readiness_requested.connect(receivers.readiness_rows, dispatch_uid="myapp.readiness")

The contract of a receiver:

- called as ``receiver(sender, county=county, year=year)`` with a ``schools.models.County``
  instance and the school year (starting year, e.g. 2025) the board shows;
- returns a list (possibly empty) of mappings with the keys
  ``area`` (str, e.g. "控辍保学"), ``item`` (str), ``status`` (``"pass"`` | ``"at_risk"`` |
  ``"fail"``), and optionally ``detail`` (str), ``owner`` (str), ``deadline`` (``datetime.date``
  or None);
- does its own reads (already limited to the county it is given) and writes nothing.

The board sends the signal with ``send_robust()``: a receiver that raises is shown as a failing
row naming it, and a row with another status or without ``area``/``item`` is shown as a failure
of the provider instead of being dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

PASS = "pass"  # noqa: S105 - a readiness status, not a password
AT_RISK = "at_risk"
FAIL = "fail"
STATUSES = (PASS, AT_RISK, FAIL)
STATUS_LABELS: Mapping[str, str] = {PASS: "达标", AT_RISK: "有风险", FAIL: "未达标"}
# For sorting: worst first.
STATUS_RANK: Mapping[str, int] = {FAIL: 0, AT_RISK: 1, PASS: 2}

# Within this many days of the inspection an incomplete archive folder no longer is "at risk"
# but failing: it matches the T-20 archive task of the default backward plan.
ARCHIVE_FAIL_WITHIN_DAYS = 20


@dataclass(frozen=True)
class ReadinessRow:
    area: str
    item: str
    status: str
    detail: str = ""
    owner: str = ""
    deadline: date | None = None
    url: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def css(self) -> str:
        return {PASS: "ok", AT_RISK: "warn", FAIL: "bad"}[self.status]


def row_from_mapping(data: Mapping[str, Any], *, source: str) -> ReadinessRow:
    """A provider's row checked against the contract; a broken row becomes a visible failure."""
    area = str(data.get("area") or "").strip()
    item = str(data.get("item") or "").strip()
    status = data.get("status")
    deadline = data.get("deadline")
    if not area or not item or status not in STATUSES or not (deadline is None or isinstance(deadline, date)):
        return ReadinessRow(
            area=area or source,
            item=item or "（数据格式错误）",
            status=FAIL,
            detail=f"数据来源 {source} 返回的行不符合约定：{dict(data)!r}"[:300],
        )
    return ReadinessRow(
        area=area,
        item=item,
        status=status,
        detail=str(data.get("detail") or ""),
        owner=str(data.get("owner") or ""),
        deadline=deadline,
    )


def provided_rows(source: str, response: Any) -> list[ReadinessRow]:
    """The rows of one receiver's response to ``readiness_requested.send_robust()``: its rows
    checked against the contract, or one failing row naming it when it raised."""
    if isinstance(response, Exception):
        return [
            ReadinessRow(
                area="数据来源",
                item=source,
                status=FAIL,
                detail=f"读取失败：{response.__class__.__name__}：{str(response)[:200]}",
            )
        ]
    return [row_from_mapping(r, source=source) for r in response or ()]


def worst(statuses: Iterable[str]) -> str | None:
    """The worst status of a group (fail < at_risk < pass); None for an empty group."""
    ranked = sorted(statuses, key=STATUS_RANK.__getitem__)
    return ranked[0] if ranked else None


def counts(rows: Iterable[ReadinessRow]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for row in rows:
        out[row.status] += 1
    return out


def sort_rows(rows: Iterable[ReadinessRow]) -> list[ReadinessRow]:
    """Worst first, then earliest deadline, then area/item; the board's order."""
    far = date.max
    return sorted(rows, key=lambda r: (STATUS_RANK[r.status], r.deadline or far, r.area, r.item))


# --- archive completeness -------------------------------------------------------------------


@dataclass(frozen=True)
class PointFacts:
    code: str
    folder: str
    name: str
    required: int
    uploaded: int

    @property
    def counted(self) -> int:
        """Files that count towards the requirement (extra files do not make up for other points)."""
        return min(self.uploaded, self.required)

    @property
    def complete(self) -> bool:
        return self.uploaded >= self.required


@dataclass(frozen=True)
class FolderCompleteness:
    folder: str
    name: str
    points: int
    complete_points: int
    required: int
    counted: int

    @property
    def ratio(self) -> float:
        return 1.0 if self.required == 0 else self.counted / self.required

    @property
    def percent(self) -> int:
        """Whole percent, rounded down so that 99.6% never shows as a complete 100%."""
        return int(self.ratio * 100)


@dataclass(frozen=True)
class Completeness:
    folders: tuple[FolderCompleteness, ...]
    required: int
    counted: int

    @property
    def ratio(self) -> float:
        return 1.0 if self.required == 0 else self.counted / self.required

    @property
    def percent(self) -> int:
        return int(self.ratio * 100)

    @property
    def complete_points(self) -> int:
        return sum(f.complete_points for f in self.folders)

    @property
    def points(self) -> int:
        return sum(f.points for f in self.folders)


def completeness(points: Iterable[PointFacts], folder_names: Mapping[str, str]) -> Completeness:
    """Completeness per folder (in the order of ``folder_names``) and overall.

    A point counts at most its required number of files; a point requiring 0 files is complete.
    Folders without points are left out.
    """
    by_folder: dict[str, list[PointFacts]] = {}
    for p in points:
        by_folder.setdefault(p.folder, []).append(p)
    order = list(folder_names) + sorted(set(by_folder) - set(folder_names))
    folders = []
    for key in order:
        members = by_folder.get(key)
        if not members:
            continue
        folders.append(
            FolderCompleteness(
                folder=key,
                name=folder_names.get(key, key),
                points=len(members),
                complete_points=sum(1 for p in members if p.complete),
                required=sum(p.required for p in members),
                counted=sum(p.counted for p in members),
            )
        )
    return Completeness(
        folders=tuple(folders),
        required=sum(f.required for f in folders),
        counted=sum(f.counted for f in folders),
    )


def archive_status(ratio: float, days_left: int | None) -> str:
    """A folder is ready when complete; incomplete is at risk, and failing once the inspection is
    ARCHIVE_FAIL_WITHIN_DAYS days away or closer."""
    if ratio >= 1.0:
        return PASS
    if days_left is not None and days_left <= ARCHIVE_FAIL_WITHIN_DAYS:
        return FAIL
    return AT_RISK


# --- rectification items and prep tasks -----------------------------------------------------


def item_status(*, status: str, deadline: date | None, inspection_date: date | None, today: date) -> str:
    """Readiness of one rectification item.

    ``status`` is the item's workflow value: closed (已销号) and long-term (长期坚持) items pass;
    an open item fails when overdue or when its deadline falls after the inspection date (it
    cannot be finished in time); otherwise it is at risk, because the problem still exists.
    """
    if status in ("closed", "long_term"):
        return PASS
    if deadline is not None and deadline < today:
        return FAIL
    if deadline is not None and inspection_date is not None and deadline > inspection_date:
        return FAIL
    return AT_RISK


def task_status(*, done: bool, deadline: date | None, today: date, due_soon_days: int) -> str:
    """Readiness of one prep task: done or on schedule passes, due soon is at risk, overdue fails."""
    if done:
        return PASS
    if deadline is None:
        return AT_RISK
    if deadline < today:
        return FAIL
    if (deadline - today).days <= due_soon_days:
        return AT_RISK
    return PASS
