"""Reads of submissions (报送), always through the access layer.

County staff (bureau, inspector, admin) read their county's submissions through `scope`; city
and province reviewers read the submissions of the counties of their region
(`accounts.access.enterable_county`); anything else is a 403, another area's a 404.
"""

from __future__ import annotations

from django.http import Http404

from accounts.access import enterable_county, require_reader, require_role, scope
from accounts.roles import AREA_REVIEWERS
from reviews import transitions as flow
from reviews.diff import diff_snapshots, figure_text
from reviews.models import ReviewComment, ReviewStep, Submission

_COUNTY = {"county": "county", "township": None, "school": None}


def submissions_of(user, county):
    """The submissions of ``county`` (resolved by the caller through the access layer), newest first."""
    return scope(
        user, Submission.objects.filter(county=county).select_related("submitted_by", "package"), **_COUNTY
    ).order_by("-version")


def _with_related():
    return Submission.objects.select_related("county", "submitted_by", "package")


def get_submission_for_user(user, pk: int) -> Submission:
    """A submission for reading: county staff of its county, or a reviewer whose region holds it
    (403 for other roles, 404 for another area)."""
    if user.is_authenticated and user.role in AREA_REVIEWERS:
        return get_submission_for_reviewer(user, pk)
    require_reader(user)
    submission = scope(user, _with_related(), **_COUNTY).filter(pk=pk).first()
    if submission is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return submission


def get_submission_for_reviewer(user, pk: int) -> Submission:
    """A submission a city or province reviewer reviews: 403 for other roles, 404 when its
    county is not in the reviewer's region."""
    require_role(user, *AREA_REVIEWERS)
    submission = _with_related().filter(pk=pk).first()
    if submission is None or enterable_county(user, submission.county_id) is None:
        raise Http404("未找到，或不在您的复核范围内")
    return submission


def get_comment_for_writer(user, pk: int) -> ReviewComment:
    """A comment the county answers: its own county's (404 otherwise); role checked by the caller."""
    comment = (
        scope(
            user,
            ReviewComment.objects.select_related("submission", "submission__county"),
            county="submission__county",
            township=None,
            school=None,
        )
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return comment


def steps_of(submission: Submission) -> list[ReviewStep]:
    return list(submission.steps.select_related("by").order_by("at", "id"))


def comments_of(submission: Submission) -> list[ReviewComment]:
    return list(submission.comments.select_related("author", "answered_by").order_by("created_at", "id"))


def previous_of(submission: Submission) -> Submission | None:
    return (
        Submission.objects.filter(county_id=submission.county_id, version__lt=submission.version)
        .order_by("-version")
        .first()
    )


def diff_with_previous(submission: Submission):
    """(previous version, the diff from it to ``submission``); (None, None) for the first one."""
    previous = previous_of(submission)
    if previous is None:
        return None, None
    return previous, diff_snapshots(previous.snapshot, submission.snapshot)


def reviewer_queue(user):
    """Submissions of the reviewer's region, those awaiting the reviewer's level first."""
    from schools.selectors import counties_in_region

    require_role(user, *AREA_REVIEWERS)
    if not user.region_id:
        return Submission.objects.none()
    return _with_related().filter(county__in=counties_in_region(user.region)).order_by("-submitted_at", "-id")


def reviewer_level(user) -> str | None:
    """flow.CITY / flow.PROVINCE for a city / province reviewer, None for everyone else."""
    from accounts.roles import Role

    return {Role.CITY: flow.CITY, Role.PROVINCE: flow.PROVINCE}.get(getattr(user, "role", None))


def is_my_step(user, submission: Submission) -> bool:
    level = reviewer_level(user)
    return level is not None and flow.reviewing_level(submission.state) == level


def step_actions(level: str | None) -> list[dict]:
    """The buttons of a level's step: ``{action, label, reason_required}``, pass last."""
    return [
        {"action": t.action, "label": t.label, "reason_required": t.reason_required}
        for t in sorted(flow.TRANSITIONS.values(), key=lambda t: not t.reason_required)
        if t.level == level
    ]


def _rows(figures: dict) -> list[tuple[str, str]]:
    return [(fig.get("label", key), figure_text(fig)) for key, fig in figures.items()]


def snapshot_summary(snapshot: dict) -> dict:
    """A snapshot as the detail page prints it: label and formatted text of every figure."""
    return {
        "county": _rows(snapshot.get("county_figures") or {}),
        "assessment": _rows((snapshot.get("assessment") or {}).get("figures") or {}),
        "schools": [
            {"key": k, "label": v["label"], "rows": _rows(v.get("figures") or {})}
            for k, v in (snapshot.get("schools") or {}).items()
        ],
        "items": [
            {"key": k, "label": v["label"], "rows": _rows(v.get("figures") or {})}
            for k, v in (snapshot.get("items") or {}).items()
        ],
        "evidence": _rows(snapshot.get("evidence") or {}),
    }
