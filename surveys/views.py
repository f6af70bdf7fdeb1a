"""Survey pages. Staff pages: bureau staff and admins write, inspectors read results; township
officials and school reporters get 403 (small per-school samples would let a school read its own
teachers' anonymous answers). The answer page is public by design: no login, only the token.
"""

import io
import ipaddress
import secrets
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import county_for_writer, get_scoped_or_404, require_reader, require_writer
from accounts.models import AuditEntry
from accounts.services import audit_record
from balance_inspect.downloads import private_download
from surveys import exports, selectors, services, throttle
from surveys.forms import (
    AnswerForm,
    GenerateInvitationsForm,
    InvitationForm,
    QuestionForm,
    SurveyForm,
    read_nonce,
    sign_nonce,
)
from surveys.models import Invitation, Question, RespondentGroup, Survey

SURVEY_SCOPE = {"county": "county", "township": None, "school": None}


def _survey_for(user, pk: int, *, write: bool = False) -> Survey:
    require_reader(user)
    if write:
        require_writer(user)
    return get_scoped_or_404(user, Survey.objects.select_related("county"), scope_kwargs=SURVEY_SCOPE, pk=pk)


def _question_for(user, pk: int) -> Question:
    require_writer(user)
    return get_scoped_or_404(
        user,
        Question.objects.select_related("survey", "survey__county"),
        scope_kwargs={"county": "survey__county", "township": None, "school": None},
        pk=pk,
    )


def _invitation_for(user, pk: int) -> Invitation:
    require_writer(user)
    return get_scoped_or_404(
        user,
        Invitation.objects.select_related("survey", "survey__county", "school"),
        scope_kwargs={"county": "survey__county", "township": None, "school": None},
        pk=pk,
    )


def _transition(request, pk: int, service):
    survey = _survey_for(request.user, pk, write=True)
    try:
        service(user=request.user, survey=survey)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"问卷状态已变为“{survey.get_status_display()}”")
    return redirect("surveys:detail", pk=survey.pk)


def public_url(request, invitation: Invitation) -> str:
    path = reverse("surveys:answer", args=[invitation.token])
    return (
        (settings.SURVEY_PUBLIC_BASE_URL + path)
        if settings.SURVEY_PUBLIC_BASE_URL
        else request.build_absolute_uri(path)
    )


def unreachable_link_warning(request) -> str:
    """Why a printed QR code would not open on a parent's phone, or "" when the links look public.

    Without SURVEY_PUBLIC_BASE_URL the links carry the address the staff member browses with, which
    on a bureau's own machine is 127.0.0.1 or a LAN address: printed on 500 cards it fails silently.
    """
    base = settings.SURVEY_PUBLIC_BASE_URL or request.build_absolute_uri("/")
    host = (urlsplit(base).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith((".local", ".localhost", ".lan")) or "." not in host
    else:
        local = address.is_private or address.is_loopback or address.is_link_local
    if not local:
        return ""
    return (
        f"二维码中的地址是 {base.rstrip('/')}，只有本机或本单位内网能打开，家长和学生的手机无法访问。"
        "请由系统管理员设置对外访问地址（SURVEY_PUBLIC_BASE_URL）后再打印。"
    )


# --- surveys ----------------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request):
    require_reader(request.user)
    return render(request, "surveys/survey_list.html", {"surveys": selectors.survey_list_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    county = county_for_writer(request.user)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(user=request.user, county=county, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "问卷已创建，请添加题目")
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "title": "新建问卷"})


@login_required
@require_POST
def survey_create_from_template(request):
    county = county_for_writer(request.user)
    survey = services.survey_create_from_template(
        user=request.user, county=county, today=timezone.localdate()
    )
    messages.success(request, "已按模板创建问卷草稿，请检查题目后生成邀请链接并发布")
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_GET
def survey_detail(request, pk):
    survey = _survey_for(request.user, pk)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "questions": survey.questions.all(),
            "counts": selectors.survey_counts(survey),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    survey = _survey_for(request.user, pk, write=True)
    # The form gets its own copy: validation writes into its instance, the service diffs old → new.
    form = SurveyForm(request.POST or None, instance=Survey.objects.get(pk=survey.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(user=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "问卷信息已保存")
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey, "title": "修改问卷"})


@login_required
@require_POST
def survey_open(request, pk):
    return _transition(request, pk, services.survey_open)


@login_required
@require_POST
def survey_close(request, pk):
    return _transition(request, pk, services.survey_close)


@login_required
@require_POST
def survey_reopen(request, pk):
    return _transition(request, pk, services.survey_reopen)


# --- questions --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request, pk):
    survey = _survey_for(request.user, pk, write=True)
    next_order = (survey.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    form = QuestionForm(request.POST or None, initial={"order": next_order, "kind": Question.Kind.SCALE})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_create(user=request.user, survey=survey, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "题目已添加")
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request, "surveys/question_form.html", {"form": form, "survey": survey, "title": "添加题目"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk):
    question = _question_for(request.user, pk)
    # A separate copy for the form (see survey_edit).
    form = QuestionForm(request.POST or None, instance=Question.objects.get(pk=question.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(user=request.user, question=question, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "题目已保存")
            return redirect("surveys:detail", pk=question.survey_id)
    return render(
        request,
        "surveys/question_form.html",
        {"form": form, "survey": question.survey, "question": question, "title": "修改题目"},
    )


@login_required
@require_POST
def question_delete(request, pk):
    question = _question_for(request.user, pk)
    try:
        services.question_delete(user=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "题目已删除")
    return redirect("surveys:detail", pk=question.survey_id)


# --- invitations and QR codes -----------------------------------------------------------------


def _invitations_page(request, survey, *, generate_form=None, add_form=None, status=200):
    invitations = list(selectors.invitations_of(survey))
    for inv in invitations:
        inv.url = public_url(request, inv)
    return render(
        request,
        "surveys/invitation_list.html",
        {
            "survey": survey,
            "invitations": invitations,
            "generate_form": generate_form or GenerateInvitationsForm(),
            "add_form": add_form or InvitationForm(schools=selectors.schools_of_county(survey.county)),
            "schools_with_links": sorted(
                {(i.school.code, i.school.name) for i in invitations if i.school_id}
            ),
            "link_warning": unreachable_link_warning(request),
        },
        status=status,
    )


@login_required
@require_GET
def invitation_list(request, pk):
    survey = _survey_for(request.user, pk, write=True)
    return _invitations_page(request, survey)


@login_required
@require_POST
def invitation_generate(request, pk):
    survey = _survey_for(request.user, pk, write=True)
    form = GenerateInvitationsForm(request.POST)
    if form.is_valid():
        try:
            made = services.invitations_generate(
                user=request.user,
                survey=survey,
                schools=selectors.schools_of_county(survey.county),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已生成 {made} 个邀请链接" if made else "各校所选对象均已有邀请链接")
            return redirect("surveys:invitations", pk=survey.pk)
    return _invitations_page(request, survey, generate_form=form, status=400)


@login_required
@require_POST
def invitation_create(request, pk):
    survey = _survey_for(request.user, pk, write=True)
    form = InvitationForm(request.POST, schools=selectors.schools_of_county(survey.county))
    if form.is_valid():
        try:
            services.invitation_create(user=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "邀请链接已生成")
            return redirect("surveys:invitations", pk=survey.pk)
    return _invitations_page(request, survey, add_form=form, status=400)


@login_required
@require_POST
def invitation_deactivate(request, pk):
    invitation = _invitation_for(request.user, pk)
    try:
        services.invitation_deactivate(user=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已停用：{invitation}")
    return redirect("surveys:invitations", pk=invitation.survey_id)


@login_required
@require_GET
@private_download
def invitation_qr(request, pk, fmt):
    invitation = _invitation_for(request.user, pk)
    qr = segno.make(public_url(request, invitation), error="m")
    if fmt == "svg":
        body, content_type = qr.svg_inline(scale=8, border=2).encode(), "image/svg+xml"
    else:
        buf = io.BytesIO()
        qr.save(buf, kind="png", scale=10, border=2)
        body, content_type = buf.getvalue(), "image/png"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="survey-{invitation.survey_id}-qr-{invitation.pk}.{fmt}"'
    )
    return response


@login_required
@require_GET
def qr_sheet(request, pk):
    """Printable QR cards, one per active invitation, a page per school (?school=<code> for one)."""
    survey = _survey_for(request.user, pk, write=True)
    invitations = selectors.invitations_of(survey).filter(active=True)
    code = request.GET.get("school", "")
    if code == "county":
        invitations = invitations.filter(school__isnull=True)
    elif code:
        invitations = invitations.filter(school__code=code)
    cards = []
    order = {g: i for i, g in enumerate(RespondentGroup.values)}
    for inv in sorted(
        invitations,
        key=lambda i: (i.school is None, i.school.code if i.school else "", order.get(i.group, 99), i.pk),
    ):
        url = public_url(request, inv)
        cards.append(
            {"invitation": inv, "url": url, "qr": segno.make(url, error="m").svg_data_uri(scale=6, border=2)}
        )
    pages = {}
    for card in cards:
        inv = card["invitation"]
        pages.setdefault(inv.school_id, {"title": inv.school.name if inv.school_id else "全县", "cards": []})
        pages[inv.school_id]["cards"].append(card)
    return render(
        request,
        "surveys/qr_sheet.html",
        {"survey": survey, "pages": list(pages.values()), "link_warning": unreachable_link_warning(request)},
    )


# --- results ----------------------------------------------------------------------------------


@login_required
@require_GET
def results(request, pk):
    survey = _survey_for(request.user, pk)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "res": selectors.survey_results(survey),
            "comment_count": selectors.comments_of(survey).count(),
            "flagged": list(selectors.flagged_invitations(survey)),
        },
    )


@login_required
@require_GET
@private_download
def results_export(request, pk):
    survey = _survey_for(request.user, pk)
    res = selectors.survey_results(survey)
    audit_record(
        user=request.user, action=AuditEntry.Action.EXPORT, obj=survey, note="导出满意度调查结果 xlsx"
    )
    return exports.results_response(res, selectors.comments_of(survey))


@login_required
@require_GET
def comments(request, pk):
    survey = _survey_for(request.user, pk)
    page = Paginator(selectors.comments_of(survey), 50).get_page(request.GET.get("page"))
    return render(request, "surveys/comments.html", {"survey": survey, "page_obj": page})


# --- the public answer page -------------------------------------------------------------------


def _closed_page(request, invitation, reason: str, status: int):
    return render(
        request,
        "surveys/answer_closed.html",
        {"invitation": invitation, "survey": invitation.survey, "reason": reason},
        status=status,
    )


def _answer_form_page(request, invitation, form, status=200):
    return render(
        request,
        "surveys/answer.html",
        {"invitation": invitation, "survey": invitation.survey, "form": form},
        status=status,
    )


def _fresh_token(invitation) -> str:
    return sign_nonce(invitation.pk, secrets.token_urlsafe(16))


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    """Public and anonymous: the token is the only credential; nothing personal is kept."""
    invitation = get_object_or_404(Invitation.objects.select_related("survey", "school"), token=token)
    phase = invitation.survey.phase(timezone.localdate())
    if phase == "not_open":
        return _closed_page(request, invitation, "not_open", 200)
    if phase == "closed" or not invitation.active:
        return _closed_page(request, invitation, "closed" if invitation.active else "inactive", 410)
    if invitation.answers_count >= invitation.quota:
        return _closed_page(request, invitation, "full", 200)
    questions = [
        q for q in selectors.questions_for_answering(invitation.survey) if invitation.group in q.groups
    ]
    if request.method == "GET":
        form = AnswerForm(initial={"form_token": _fresh_token(invitation)}, questions=questions)
        response = _answer_form_page(request, invitation, form)
        throttle.remember_device(request, response)
        return response
    return _answer_submit(request, invitation, questions)


def _answer_submit(request, invitation, questions):
    decision = throttle.check_submission(request, invitation.pk)
    if decision.reason:
        services.invitation_flag(invitation=invitation, reason=decision.reason, refused=not decision.allowed)
    if not decision.allowed:
        return render(request, "surveys/answer_busy.html", {"survey": invitation.survey}, status=429)
    nonce = read_nonce(
        request.POST.get("form_token", ""), invitation.pk, settings.SURVEY_FORM_MAX_AGE_HOURS * 3600
    )
    data = request.POST.copy()
    if nonce is None:
        data["form_token"] = _fresh_token(invitation)
    form = AnswerForm(data, questions=questions)
    if nonce is None:
        form.is_valid()
        form.add_error(None, "页面已过期，请检查答案后再次提交。")
        return _answer_form_page(request, invitation, form)
    if not form.is_valid():
        return _answer_form_page(request, invitation, form)
    try:
        services.response_submit(
            invitation=invitation, answers=form.answers(), nonce=nonce, today=timezone.localdate()
        )
    except services.QuotaFull:
        return _closed_page(request, invitation, "full", 200)
    except services.DuplicateSubmission:
        pass  # the first submission of this form stands; the respondent sees the same thanks
    return redirect("surveys:answer_done", token=invitation.token)


@require_GET
def answer_done(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("survey"), token=token)
    return render(request, "surveys/answer_done.html", {"survey": invitation.survey})
