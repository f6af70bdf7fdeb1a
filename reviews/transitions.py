"""The review workflow of a submission (报送), declared once as data.

Pure module: no Django imports. A county submits its application package; the city reviewer
(市级复核) returns it with a reason or passes it up; the province (省级评估) does the same. A
returned submission stays as it is (its comments and steps are its record); the county answers
and submits a new version. reviews.submissions performs each step through :func:`check`, so an
illegal step is refused in one place with one message.

    (none / last returned) ──submit──► 待市级复核 ──city_pass──► 待省级评估 ──province_pass──► 省级通过
                                         │                         │
                                     city_return               province_return
                                         ▼                         ▼
                                      市级退回                   省级退回
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PENDING_CITY = "pending_city"
CITY_RETURNED = "city_returned"
PENDING_PROVINCE = "pending_province"
PROVINCE_RETURNED = "province_returned"
PROVINCE_PASSED = "province_passed"

STATE_LABELS: Mapping[str, str] = {
    PENDING_CITY: "待市级复核",
    CITY_RETURNED: "市级退回",
    PENDING_PROVINCE: "待省级评估",
    PROVINCE_RETURNED: "省级退回",
    PROVINCE_PASSED: "省级通过",
}
# The page's colour of each state (the CSS classes ok / warn / bad of static/).
STATE_CSS: Mapping[str, str] = {
    PENDING_CITY: "warn",
    CITY_RETURNED: "bad",
    PENDING_PROVINCE: "warn",
    PROVINCE_RETURNED: "bad",
    PROVINCE_PASSED: "ok",
}

COUNTY, CITY, PROVINCE = "county", "city", "province"
LEVEL_LABELS: Mapping[str, str] = {COUNTY: "区县", CITY: "市级", PROVINCE: "省级"}

SUBMIT = "submit"
CITY_RETURN = "city_return"
CITY_PASS = "city_pass"  # noqa: S105  (a workflow action, not a password)
PROVINCE_RETURN = "province_return"
PROVINCE_PASS = "province_pass"  # noqa: S105  (a workflow action)

RETURNED = frozenset({CITY_RETURNED, PROVINCE_RETURNED})
# The state in which each reviewing level works on a submission (comments, return, pass).
REVIEW_STATE: Mapping[str, str] = {CITY: PENDING_CITY, PROVINCE: PENDING_PROVINCE}


@dataclass(frozen=True)
class Transition:
    """One step: who takes it (``level``), from which states (``source``; for ``submit`` the
    state of the county's last submission, None when there is none), to which state."""

    action: str
    label: str
    level: str
    source: tuple[str | None, ...]
    target: str
    reason_required: bool = False


TRANSITIONS: Mapping[str, Transition] = {
    t.action: t
    for t in (
        Transition(SUBMIT, "报送", COUNTY, (None, CITY_RETURNED, PROVINCE_RETURNED), PENDING_CITY),
        Transition(CITY_RETURN, "市级退回", CITY, (PENDING_CITY,), CITY_RETURNED, reason_required=True),
        Transition(CITY_PASS, "市级复核通过，报省级评估", CITY, (PENDING_CITY,), PENDING_PROVINCE),
        Transition(
            PROVINCE_RETURN,
            "省级退回",
            PROVINCE,
            (PENDING_PROVINCE,),
            PROVINCE_RETURNED,
            reason_required=True,
        ),
        Transition(PROVINCE_PASS, "省级评估通过", PROVINCE, (PENDING_PROVINCE,), PROVINCE_PASSED),
    )
}

ACTION_LABELS: Mapping[str, str] = {a: t.label for a, t in TRANSITIONS.items()}


class TransitionError(ValueError):
    """A step that the workflow does not allow; the message is for people (Chinese)."""


def _refusal(transition: Transition, state: str | None) -> str:
    if transition.action == SUBMIT:
        if state == PROVINCE_PASSED:
            return "申报材料已通过省级评估，无需再次报送"
        return f"已有报送（{STATE_LABELS[state]}）尚未退回，不能再次报送"
    now = STATE_LABELS.get(state, "未报送") if state else "未报送"
    return f"当前状态为“{now}”，不能{transition.label}"


def check(action: str, state: str | None, reason: str = "") -> Transition:
    """The transition ``action`` from ``state`` (for ``submit``: the state of the county's last
    submission, None without one); TransitionError (Chinese) when it is not allowed or a
    required reason is missing."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(f"未知的操作：{action}")
    if state not in transition.source:
        raise TransitionError(_refusal(transition, state))
    if transition.reason_required and not (reason or "").strip():
        raise TransitionError(f"{transition.label}须填写退回理由")
    return transition


def may_submit(last_state: str | None) -> bool:
    return last_state in TRANSITIONS[SUBMIT].source


def reviewing_level(state: str) -> str | None:
    """The level whose step it is in ``state`` (None: nobody reviews, e.g. returned or passed)."""
    return next((level for level, s in REVIEW_STATE.items() if s == state), None)
