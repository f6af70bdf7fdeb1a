"""How a stored verdict reads (pure: no Django): 达标 / 未达标 / 未完成, and what is missing.

An assessment document carries ``verdict`` ("passed" / "failed" / "incomplete") and ``missing``
(keys of required county items without data; data-contract §3). Documents stored before the
verdict existed only have ``passed``; :func:`verdict_key` reads both, so old and new rows show the
same words everywhere (pages, dossier, readiness board, home page).
"""

from __future__ import annotations

from collections.abc import Mapping

from .county_items import BY_KEY
from .engine.assess import CHECK_LABELS, FAILED, INCOMPLETE, PASSED

TEXT: Mapping[str, str] = {PASSED: "达标", FAILED: "未达标", INCOMPLETE: "未完成"}
CSS: Mapping[str, str] = {PASSED: "ok", FAILED: "bad", INCOMPLETE: "warn"}


def verdict_key(value) -> str:
    """ "passed" / "failed" / "incomplete" of a result document, or of a stored ``passed``
    (True / False / None: None is an incomplete verdict)."""
    if isinstance(value, Mapping):
        if value.get("verdict") in TEXT:
            return value["verdict"]
        value = value.get("passed")
    return PASSED if value is True else FAILED if value is False else INCOMPLETE


def verdict_text(value) -> str:
    return TEXT[verdict_key(value)]


def verdict_css(value) -> str:
    return CSS[verdict_key(value)]


def missing_labels(result: Mapping | None) -> list[str]:
    """Chinese labels of what the verdict lacks (required county items, and school-data checks the
    data cannot judge), in the document's order."""
    if not result:
        return []
    labels = {row.get("key"): row.get("label") for row in result.get("county_items") or []}
    return [
        labels.get(key) or (BY_KEY[key].label if key in BY_KEY else CHECK_LABELS.get(key, key))
        for key in result.get("missing") or []
    ]
