"""Pure computations behind the dashboards (no Django imports): counting, sorting, ratios.

Everything here takes plain data (dicts, lists, dates) derived from stored assessment results
and selector outputs, so it is tested table-driven without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from domain.vocabulary import BAND_LABELS, BAND_LARGE, BAND_SUPER_LARGE

SORT_FIELDS = ("school_code", "school_name", "township", "urban_rural", "stage", "students", "met", "passed")


def days_until(target: date | None, today: date) -> int | None:
    """Whole days from ``today`` to ``target`` (negative once it has passed); None without a date."""
    if target is None:
        return None
    return (target - today).days


def ratio(part: float | int | None, whole: float | int | None) -> float | None:
    """part / whole, or None when either is missing or ``whole`` is 0 (never a division by zero)."""
    if part is None or not whole:
        return None
    return part / whole


def keep_row(row: dict, *, stage: str = "", township: str = "", urban_rural: str = "") -> bool:
    """Whether a unit row (``stage``, ``township``, ``urban_rural`` keys) passes the filters;
    an empty filter lets every row through."""
    return (
        (not stage or row.get("stage") == stage)
        and (not township or row.get("township") == township)
        and (not urban_rural or row.get("urban_rural") == urban_rural)
    )


def unit_rule_counts(rows: Iterable[dict]) -> dict:
    """Units meeting the per-school rule: ``{"passed", "total", "failed", "ratio"}``.

    A row's ``passed`` is True/False under a scheme with a per-school rule and None otherwise
    (basic-2012); rows with None are not counted, so a scheme without the rule gives total 0.
    """
    judged = [r["passed"] for r in rows if r.get("passed") is not None]
    passed = sum(1 for p in judged if p)
    return {
        "passed": passed,
        "total": len(judged),
        "failed": len(judged) - passed,
        "ratio": ratio(passed, len(judged)),
    }


def class_band_counts(classes: Iterable[dict]) -> dict:
    """Counts of over-standard classes by band: ``{"over_standard", "large", "super_large"}``.

    ``classes`` are the assessment's over-standard classes (each with the label of its ``band``,
    domain.vocabulary.BAND_LABELS); every one of them is above the standard size, so
    ``over_standard`` (超标准班额) includes the other two.
    """
    out = {"over_standard": 0, "large": 0, "super_large": 0}
    for c in classes:
        out["over_standard"] += 1
        if c.get("band") == BAND_LABELS[BAND_LARGE]:
            out["large"] += 1
        elif c.get("band") == BAND_LABELS[BAND_SUPER_LARGE]:
            out["super_large"] += 1
    return out


def _sort_value(row: dict, field: str):
    if field in SORT_FIELDS:
        return row.get(field)
    for cell in row.get("cells", ()):
        if cell["key"] == field:
            return cell["value"]
    return None


def sort_rows(rows: Sequence[dict], field: str, descending: bool = False) -> list[dict]:
    """Rows sorted by a column (a field of SORT_FIELDS or an indicator key found in ``cells``).

    Missing values (None) always go last, in either direction; ties keep school code order.
    """
    base = sorted(rows, key=lambda r: (r.get("school_code", ""), r.get("stage", "")))
    present = [r for r in base if _sort_value(r, field) is not None]
    missing = [r for r in base if _sort_value(r, field) is None]
    present.sort(key=lambda r: _sort_value(r, field), reverse=descending)
    return present + missing


def top_subject_gaps(subjects: Iterable[dict], limit: int = 8) -> list[dict]:
    """Required subjects that some schools teach without a full-time teacher, the most schools
    first (rows of workforce.selectors.staffing_summary()["subjects"])."""
    gaps = [s for s in subjects if s.get("required") and s.get("schools_without", 0) > 0]
    gaps.sort(key=lambda s: (-s["schools_without"], s.get("stage", ""), s.get("subject", "")))
    return gaps[:limit]


def latest_per(refs: Iterable[dict], *keys: str) -> dict[tuple, dict]:
    """The first ref for each combination of ``keys`` (refs come newest first)."""
    out: dict[tuple, dict] = {}
    for ref in refs:
        out.setdefault(tuple(ref[k] for k in keys), ref)
    return out


def per_student(total: float | int | None, students: int | None, per: int = 1) -> float | None:
    """A county-wide per-student figure: total / students × per (None without students)."""
    value = ratio(total, students)
    return None if value is None else value * per
