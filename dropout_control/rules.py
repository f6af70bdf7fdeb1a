"""The dropout-case workflow and its deadlines as plain data and functions (no Django).

Status graph (控辍保学个案流程)::

    suspected 疑似辍学 ──confirm──► confirmed 已确认辍学 ──start persuasion──► persuading 劝返中
        │                              │                                        │
        │ close (returned/transferred) │ close (any outcome)                    │ serve notice
        ▼                              ▼                                        ▼
    closed 已销号 ◄──────────── close ───────────── legal 依法处置 ◄──start legal── notice_served 已发复学通知
        ▲                                                                        │
        └────────────────────────────── close (any outcome) ─────────────────────┘

- suspected → confirmed: the absence is confirmed as a dropout (township/bureau).
- suspected → closed: only with outcome "returned" or "transferred" — the child came back
  quickly, or had moved schools without the paperwork; no dropout was ever confirmed.
- confirmed → persuading: persuasion starts (the visits themselves may be logged at any open status).
- confirmed → closed, persuading → closed, notice_served → closed, legal → closed: any outcome
  (e.g. special-education placement or an approved deferral decided right after confirmation).
- persuading → notice_served: the written notice (复学入学通知书) has been delivered; needs at least
  one logged persuasion attempt first (the law asks for persuasion before coercion).
- notice_served → legal: only once the notice's deadline has passed without the child returning.
- closed → reopen (a separate step, not in TRANSITIONS): back to the status the case was closed from
  (a wrong closure, proof found false, the child left again), by bureau staff.

Closing is two-step: someone files the outcome and its proof (close request), and a *different*
user (bureau staff, or a township official of the case's township) reviews it; only that review
moves the case to closed. Proof: for "returned", the school returned to and the date; for every
other outcome a document or a written note.
"""

import re
from dataclasses import dataclass
from datetime import date

from schools.idcard import mask_id_number  # Django-free, like this module

SUSPECTED = "suspected"
CONFIRMED = "confirmed"
PERSUADING = "persuading"
NOTICE_SERVED = "notice_served"
LEGAL = "legal"
CLOSED = "closed"

OPEN_STATUSES = (SUSPECTED, CONFIRMED, PERSUADING, NOTICE_SERVED, LEGAL)

RETURNED = "returned"
TRANSFERRED = "transferred"
SPECIAL_EDUCATION = "special_education"
HOME_TEACHING = "home_teaching"
DEFERRAL = "deferral"
OTHER = "other"
OUTCOMES = (RETURNED, TRANSFERRED, SPECIAL_EDUCATION, HOME_TEACHING, DEFERRAL, OTHER)

TRANSITIONS: dict[str, frozenset[str]] = {
    SUSPECTED: frozenset({CONFIRMED, CLOSED}),
    CONFIRMED: frozenset({PERSUADING, CLOSED}),
    PERSUADING: frozenset({NOTICE_SERVED, CLOSED}),
    NOTICE_SERVED: frozenset({LEGAL, CLOSED}),
    LEGAL: frozenset({CLOSED}),
    # Nothing follows 已销号 in the normal flow; reopening is its own step (back to `closed_from`).
    CLOSED: frozenset(),
}

# Outcomes a case may be closed with, by the status it is closed from.
CLOSE_OUTCOMES: dict[str, frozenset[str]] = {
    SUSPECTED: frozenset({RETURNED, TRANSFERRED}),
    CONFIRMED: frozenset(OUTCOMES),
    PERSUADING: frozenset(OUTCOMES),
    NOTICE_SERVED: frozenset(OUTCOMES),
    LEGAL: frozenset(OUTCOMES),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def closing_problems(
    *,
    status: str,
    outcome: str,
    has_return_school: bool,
    return_date: date | None,
    has_proof_file: bool,
    proof_note: str,
    absent_since: date | None,
    today: date,
    outcome_labels: dict[str, str] | None = None,
) -> list[str]:
    """Why a close request cannot be filed (empty list: it can). Messages are in Chinese."""
    labels = outcome_labels or {}
    problems = []
    if status not in CLOSE_OUTCOMES:
        return ["当前状态不能申请销号"]
    if outcome not in OUTCOMES:
        return ["请选择销号结果"]
    if outcome not in CLOSE_OUTCOMES[status]:
        allowed = "、".join(labels.get(o, o) for o in OUTCOMES if o in CLOSE_OUTCOMES[status])
        problems.append(f"疑似辍学尚未认定，只能以“{allowed}”销号；其他结果请先认定辍学")
    if outcome == RETURNED:
        if not has_return_school:
            problems.append("返校复学须填写返回的学校")
        if return_date is None:
            problems.append("返校复学须填写返校日期")
        elif return_date > today:
            problems.append("返校日期不能晚于今天")
        elif absent_since is not None and return_date < absent_since:
            problems.append("返校日期不能早于缺课起始日期")
    elif not has_proof_file and not (proof_note or "").strip():
        problems.append(
            "除返校复学外，销号须上传证明材料或填写证明说明（如转学证明、安置或送教上门认定、延缓入学批准文件）"
        )
    return problems


# --- deadlines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRules:
    """Days from settings.DROPOUT_*: report, confirm, first visit, notice deadline, review."""

    report_after_days: int = 7
    confirm_after_days: int = 30
    first_visit_days: int = 3
    notice_deadline_days: int = 15
    review_days: int = 7


@dataclass(frozen=True)
class CaseFacts:
    status: str
    absent_since: date
    reported_on: date
    first_contact_on: date | None = None  # earliest logged persuasion attempt
    notice_deadline: date | None = None  # deadline of the served notice
    close_requested_on: date | None = None


@dataclass(frozen=True)
class OverdueReason:
    key: str  # stable across days: used to tell a newly overdue case from one already reported
    text: str


def overdue_reasons(facts: CaseFacts, today: date, rules: DeadlineRules) -> list[OverdueReason]:
    """Every deadline the case has missed as of `today` (empty list: on time; closed: never overdue).

    - late report: still suspected and reported more than report_after_days after the absence began;
    - unconfirmed: still suspected more than confirm_after_days after the absence began;
    - no contact: open, nobody logged a visit/call within first_visit_days of the report;
    - notice expired: notice served, its deadline passed, neither returned nor legal steps;
    - review pending: a close request waiting longer than review_days for its reviewer.
    """
    if facts.status == CLOSED:
        return []
    out = []
    if facts.status == SUSPECTED:
        late = (facts.reported_on - facts.absent_since).days
        if late > rules.report_after_days:
            out.append(
                OverdueReason(
                    "late_report", f"缺课 {late} 天后才上报（应在 {rules.report_after_days} 天内上报）"
                )
            )
        absent = (today - facts.absent_since).days
        if absent > rules.confirm_after_days:
            out.append(
                OverdueReason(
                    "unconfirmed",
                    f"疑似辍学已缺课 {absent} 天，超过 {rules.confirm_after_days} 天仍未认定或销号",
                )
            )
    if facts.first_contact_on is None:
        waited = (today - facts.reported_on).days
        if waited > rules.first_visit_days:
            out.append(
                OverdueReason(
                    "no_contact", f"上报已 {waited} 天，超过 {rules.first_visit_days} 天仍无家访或联系记录"
                )
            )
    if facts.status == NOTICE_SERVED and facts.notice_deadline is not None and today > facts.notice_deadline:
        days = (today - facts.notice_deadline).days
        out.append(
            OverdueReason(
                "notice_expired",
                f"复学通知限期 {facts.notice_deadline:%Y-%m-%d} 已过 {days} 天，仍未返校，也未启动依法处置",
            )
        )
    if facts.close_requested_on is not None:
        waited = (today - facts.close_requested_on).days
        if waited > rules.review_days:
            out.append(
                OverdueReason(
                    "review_pending", f"销号申请已 {waited} 天未审核（时限 {rules.review_days} 天）"
                )
            )
    return out


# --- periods ------------------------------------------------------------------------------------


def term_of(day: date) -> tuple[int, int]:
    """(school year, term) of a day: term 1 = 秋季学期 (Aug–Jan), term 2 = 春季学期 (Feb–Jul).

    The school year is named by its starting year (2025 = 2025—2026 学年).
    """
    if day.month >= 8:
        return day.year, 1
    if day.month == 1:
        return day.year - 1, 1
    return day.year - 1, 2


def term_label(year: int, term: int) -> str:
    return f"{year}—{year + 1}学年{'秋季' if term == 1 else '春季'}学期"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("季度应为 1—4")
    start, _ = month_bounds(year, 3 * quarter - 2)
    _, end = month_bounds(year, 3 * quarter)
    return start, end


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


# --- privacy ------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """张* / 欧** : the surname's first character stays, the rest becomes stars."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


_CASE_NUMBER = re.compile(r"KC[0-9-]*", re.IGNORECASE)


def mask_search_term(term: str) -> str:
    """A case-list search as the audit trail keeps it, masked like the diffs.

    Case numbers (KC130123-2025-0001) are not personal and stay readable; any other term may be a
    child's name or (part of an) ID number: terms with a digit are masked like an ID number (area
    code and last four kept from 11 characters on, fully starred below), others like a name.
    """
    term = (term or "").strip()
    if not term or _CASE_NUMBER.fullmatch(term):
        return term
    if any(ch.isdigit() for ch in term):
        return mask_id_number(term)
    return mask_name(term)
