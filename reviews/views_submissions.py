"""Pages of submissions (报送) and their review.

County side: bureau staff and admins submit, answer comments and resubmit; inspectors read;
township and school users get 403; another county's submission or comment is a 404.
Reviewer side: city and province reviewers read the submissions of their region's counties (404
for another region's), comment, return or pass them when it is their level's step (403 otherwise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.access import area_page, county_for_reader, county_for_writer, require_writer
from reviews import submission_selectors as selectors
from reviews import submissions as services
from reviews import transitions as flow
from reviews.forms import AnswerForm, CommentForm, ReasonForm


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- county side -------------------------------------------------------------------------------


@login_required
@require_safe
def submission_list(request):
    """报送: the versions with their state, the submit button, the comments to answer."""
    county = county_for_reader(request.user)
    submissions = list(selectors.submissions_of(request.user, county)[:50])
    latest = submissions[0] if submissions else None
    return render(
        request,
        "reviews/submission_list.html",
        {
            "county": county,
            "submissions": submissions,
            "latest": latest,
            "may_submit": flow.may_submit(latest.state if latest else None),
            "steps": selectors.steps_of(latest) if latest else [],
            "comments": selectors.comments_of(latest) if latest else [],
            "answerable": latest is not None and latest.state in flow.RETURNED,
            "answer_form": AnswerForm(),
        },
    )


@require_POST
@login_required
def submission_submit(request):
    county = county_for_writer(request.user)
    try:
        submission = services.submission_submit(user=request.user, county=county)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("reviews:submissions")
    messages.success(request, f"已报送第 {submission.version} 版，等待市级复核。")
    return redirect("reviews:submission", pk=submission.pk)


@require_POST
@login_required
def comment_answer(request, pk):
    require_writer(request.user)
    comment = selectors.get_comment_for_writer(request.user, pk)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.comment_answer(user=request.user, comment=comment, text=form.cleaned_data["answer"])
        messages.success(request, "答复已保存。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reviews:submissions")


# --- both sides: one submission and its diff ---------------------------------------------------


@area_page
@login_required
@require_safe
def submission_detail(request, pk):
    """One version: its steps, comments (with the forms of whoever's step it is) and contents."""
    submission = selectors.get_submission_for_user(request.user, pk)
    level = selectors.reviewer_level(request.user)
    my_step = selectors.is_my_step(request.user, submission)
    return render(
        request,
        "reviews/submission_detail.html",
        {
            "submission": submission,
            "steps": selectors.steps_of(submission),
            "comments": selectors.comments_of(submission),
            "summary": selectors.snapshot_summary(submission.snapshot),
            "previous": selectors.previous_of(submission),
            "verified": services.verify(submission),
            "my_step": my_step,
            "level_label": flow.LEVEL_LABELS.get(level, ""),
            "comment_form": CommentForm(snapshot=submission.snapshot) if my_step else None,
            "reason_form": ReasonForm() if my_step else None,
            "actions": selectors.step_actions(level) if my_step else [],
        },
    )


@area_page
@login_required
@require_safe
def submission_diff(request, pk):
    """旧版本 | 新版本: what changed from the previous version to this one."""
    submission = selectors.get_submission_for_user(request.user, pk)
    previous, diff = selectors.diff_with_previous(submission)
    return render(
        request,
        "reviews/submission_diff.html",
        {"submission": submission, "previous": previous, "diff": diff},
    )


# --- reviewer side ------------------------------------------------------------------------------


@area_page
@login_required
@require_safe
def review_queue(request):
    """The submissions of the reviewer's region, newest first, those awaiting them marked."""
    submissions = list(selectors.reviewer_queue(request.user)[:200])
    level = selectors.reviewer_level(request.user)
    for s in submissions:
        s.awaits_me = flow.reviewing_level(s.state) == level
    return render(
        request,
        "reviews/review_queue.html",
        {"submissions": submissions, "level_label": flow.LEVEL_LABELS[level]},
    )


def _reviewable(request, pk):
    """The submission for a reviewer's write: 404 outside the region, 403 when not their step."""
    submission = selectors.get_submission_for_reviewer(request.user, pk)
    if not selectors.is_my_step(request.user, submission):
        raise PermissionDenied(f"当前状态为“{submission.get_state_display()}”，不是您的复核环节")
    return submission


@area_page
@require_POST
@login_required
def review_comment(request, pk):
    submission = _reviewable(request, pk)
    form = CommentForm(request.POST, snapshot=submission.snapshot)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        kind, key = form.cleaned_data["target"].split(":", 1)
        services.comment_add(
            user=request.user,
            submission=submission,
            target_kind=kind,
            target_key=key,
            text=form.cleaned_data["text"],
        )
        messages.success(request, "意见已保存。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reviews:submission", pk=submission.pk)


@area_page
@require_POST
@login_required
def review_step(request, pk, action):
    """Return (with the reason) or pass: the one step of the reviewer's level named ``action``."""
    submission = _reviewable(request, pk)
    service = services.STEP_SERVICES.get(action)
    if service is None or flow.TRANSITIONS[action].level != selectors.reviewer_level(request.user):
        raise PermissionDenied("您的角色无权进行此操作")
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        service(user=request.user, submission=submission, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"{flow.ACTION_LABELS[action]}：已完成。")
    return redirect("reviews:submission", pk=submission.pk)
