"""Staff pages: who may read, who may write, and what each action does."""

import pytest

from accounts.models import AuditEntry
from surveys import services
from surveys.models import Invitation, Question, RespondentGroup, Survey


def survey_urls(survey, question, invitation):
    return {
        "get": [
            "/surveys/",
            f"/surveys/{survey.pk}/",
            f"/surveys/{survey.pk}/results/",
            f"/surveys/{survey.pk}/results.xlsx",
            f"/surveys/{survey.pk}/comments/",
        ],
        "write_get": [
            "/surveys/new/",
            f"/surveys/{survey.pk}/edit/",
            f"/surveys/{survey.pk}/questions/new/",
            f"/surveys/questions/{question.pk}/edit/",
            f"/surveys/{survey.pk}/invitations/",
            f"/surveys/{survey.pk}/qr/",
            f"/surveys/invitations/{invitation.pk}/qr.png",
            f"/surveys/invitations/{invitation.pk}/qr.svg",
        ],
        "post": [
            "/surveys/new/template/",
            f"/surveys/{survey.pk}/open/",
            f"/surveys/{survey.pk}/close/",
            f"/surveys/{survey.pk}/reopen/",
            f"/surveys/{survey.pk}/edit/",
            f"/surveys/{survey.pk}/questions/new/",
            f"/surveys/questions/{question.pk}/edit/",
            f"/surveys/questions/{question.pk}/delete/",
            f"/surveys/{survey.pk}/invitations/generate/",
            f"/surveys/{survey.pk}/invitations/new/",
            f"/surveys/invitations/{invitation.pk}/deactivate/",
        ],
    }


@pytest.fixture
def urls(survey, parent_invitation):
    return survey_urls(survey, survey.questions.first(), parent_invitation)


@pytest.mark.parametrize("persona", ["bureau", "admin_user"])
def test_bureau_staff_and_admins_open_every_page(request, persona, urls, login):
    client = login(request.getfixturevalue(persona))
    for url in urls["get"] + urls["write_get"]:
        assert client.get(url).status_code == 200, url


def test_an_inspector_reads_results_but_writes_nothing(inspector, urls, login, survey):
    client = login(inspector)
    for url in urls["get"]:
        assert client.get(url).status_code == 200, url
    for url in urls["write_get"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {}).status_code == 403, url
    assert Survey.objects.count() == 1
    assert Survey.objects.get().status == Survey.Status.OPEN


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_officials_and_school_reporters_are_refused(request, persona, urls, login):
    client = login(request.getfixturevalue(persona))
    for url in urls["get"] + urls["write_get"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {}).status_code == 403, url


def test_another_countys_staff_get_404(other_bureau, urls, login):
    client = login(other_bureau)
    for url in urls["get"][1:] + urls["write_get"][1:]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"][1:]:
        assert client.post(url, {}).status_code == 404, url


def test_an_inspector_of_another_county_gets_404(other_county, login, survey):
    from tests.factories import UserFactory

    other_inspector = UserFactory(username="other_inspector", role="inspector", county=other_county)
    assert login(other_inspector).get(f"/surveys/{survey.pk}/results/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(survey):
    from django.test import Client

    response = Client().get(f"/surveys/{survey.pk}/results/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_the_own_countys_surveys(
    survey, other_survey, login, bureau, django_assert_max_num_queries
):
    client = login(bureau)
    with django_assert_max_num_queries(8):
        html = client.get("/surveys/").content.decode()
    assert survey.title in html
    assert other_survey.title not in html


def test_one_click_creates_the_template_questionnaire(bureau, login, county):
    response = login(bureau).post("/surveys/new/template/")
    survey = Survey.objects.get(county=county)
    assert response["Location"] == f"/surveys/{survey.pk}/"
    assert survey.status == Survey.Status.DRAFT
    items = set(survey.questions.values_list("item", flat=True))
    assert {
        "学校布局",
        "办学条件",
        "教师队伍",
        "教育质量",
        "就近入学",
        "减负",
        "课后服务",
        "控辍保学",
        "教育公平",
    } <= items
    assert (
        survey.questions.filter(kind="awareness").exists() and survey.questions.filter(kind="text").exists()
    )
    for group in RespondentGroup.values:
        assert any(group in q.groups for q in survey.questions.all()), group
    assert AuditEntry.objects.filter(object_type="surveys.Survey", object_id=str(survey.pk)).exists()


def test_bureau_staff_create_and_edit_a_survey(bureau, login, county, today):
    client = login(bureau)
    data = {
        "title": "春季自测",
        "year": 2025,
        "period": "2026年春季",
        "intro": "",
        "opens_on": today.isoformat(),
        "closes_on": today.isoformat(),
    }
    response = client.post("/surveys/new/", data)
    survey = Survey.objects.get(title="春季自测")
    assert response.status_code == 302 and survey.county == county and survey.created_by == bureau
    client.post(f"/surveys/{survey.pk}/edit/", {**data, "title": "春季满意度自测"})
    survey.refresh_from_db()
    assert survey.title == "春季满意度自测"
    entry = AuditEntry.objects.filter(action="update", object_id=str(survey.pk)).get()
    assert entry.changes == {"title": ["春季自测", "春季满意度自测"]}


def test_an_end_date_before_the_start_is_refused(bureau, login, today):
    from datetime import timedelta

    response = login(bureau).post(
        "/surveys/new/",
        {
            "title": "x",
            "year": 2025,
            "period": "p",
            "opens_on": today.isoformat(),
            "closes_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200 and "截止日期不能早于开始日期" in response.content.decode()
    assert not Survey.objects.exists()


def test_questions_are_added_in_draft_and_frozen_once_open(draft_survey, bureau, login):
    client = login(bureau)
    before = draft_survey.questions.count()
    client.post(
        f"/surveys/{draft_survey.pk}/questions/new/",
        {
            "order": 99,
            "kind": "choice",
            "item": "寄宿",
            "text": "您的孩子是否寄宿？",
            "options_text": "是\n否",
            "groups": ["parent"],
            "required": "on",
        },
    )
    q = draft_survey.questions.get(order=99)
    assert q.options == ["是", "否"] and q.groups == ["parent"]
    client.post(f"/surveys/{draft_survey.pk}/open/")
    draft_survey.refresh_from_db()
    assert draft_survey.status == Survey.Status.OPEN
    response = client.post(f"/surveys/questions/{q.pk}/delete/", follow=True)
    assert "题目不能再修改" in response.content.decode()
    assert draft_survey.questions.count() == before + 1


def test_a_choice_question_needs_two_options(draft_survey, bureau, login):
    response = login(bureau).post(
        f"/surveys/{draft_survey.pk}/questions/new/",
        {"order": 99, "kind": "choice", "text": "？", "options_text": "只有一个", "groups": ["parent"]},
    )
    assert "单选题至少需要两个选项" in response.content.decode()


@pytest.mark.parametrize(
    ("start", "action", "end", "message"),
    [
        ("draft", "open", "open", "进行中"),
        ("open", "close", "closed", "已结束"),
        ("closed", "reopen", "open", "进行中"),
        ("draft", "close", "draft", "只有进行中的问卷可以结束"),
        ("open", "open", "open", "只有草稿可以发布"),
        ("draft", "reopen", "draft", "只有已结束的问卷可以重新开放"),
    ],
)
def test_status_transitions(draft_survey, bureau, login, start, action, end, message):
    Survey.objects.filter(pk=draft_survey.pk).update(status=start)
    response = login(bureau).post(f"/surveys/{draft_survey.pk}/{action}/", follow=True)
    draft_survey.refresh_from_db()
    assert draft_survey.status == end
    assert message in response.content.decode()


def test_a_survey_without_rated_questions_cannot_open(bureau, county, today):
    from django.core.exceptions import ValidationError

    survey = services.survey_create(
        user=bureau, county=county, title="空", year=2025, period="p", opens_on=today, closes_on=today
    )
    with pytest.raises(ValidationError, match="不能发布"):
        services.survey_open(user=bureau, survey=survey, today=today)


def test_transitions_are_audited(draft_survey, bureau, today):
    services.survey_open(user=bureau, survey=draft_survey, today=today)
    entry = AuditEntry.objects.get(action="transition", object_id=str(draft_survey.pk))
    assert entry.changes == {"status": ["draft", "open"]} and entry.county == draft_survey.county


def test_invitations_are_generated_once_per_school_and_group(
    survey, bureau, login, school_a, school_b, other_school
):
    client = login(bureau)
    data = {"groups": ["parent", "teacher"], "target": 30, "quota": 60}
    client.post(f"/surveys/{survey.pk}/invitations/generate/", data)
    client.post(f"/surveys/{survey.pk}/invitations/generate/", data)
    invs = Invitation.objects.filter(survey=survey)
    assert invs.count() == 4
    assert set(invs.values_list("school__code", "group")) == {
        ("1301230001", "parent"),
        ("1301230001", "teacher"),
        ("1301230002", "parent"),
        ("1301230002", "teacher"),
    }
    assert not invs.filter(school=other_school).exists()


def test_a_quota_below_the_target_is_refused(survey, bureau, login, school_a):
    response = login(bureau).post(
        f"/surveys/{survey.pk}/invitations/new/",
        {"school": school_a.pk, "group": "parent", "target": 10, "quota": 5},
    )
    assert response.status_code == 400 and "答卷上限不能小于样本目标" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_school_of_another_county_cannot_be_invited(survey, bureau, login, other_school):
    response = login(bureau).post(
        f"/surveys/{survey.pk}/invitations/new/",
        {"school": other_school.pk, "group": "parent", "target": 1, "quota": 1},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_the_invitation_page_lists_links_with_the_public_base_url(parent_invitation, bureau, login, settings):
    settings.SURVEY_PUBLIC_BASE_URL = "https://yjpt.example.gov.cn"
    html = login(bureau).get(f"/surveys/{parent_invitation.survey_id}/invitations/").content.decode()
    assert f"https://yjpt.example.gov.cn/surveys/a/{parent_invitation.token}/" in html


def test_qr_codes_are_made_server_side(parent_invitation, bureau, login):
    client = login(bureau)
    png = client.get(f"/surveys/invitations/{parent_invitation.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(f"/surveys/invitations/{parent_invitation.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_the_qr_sheet_has_a_card_per_active_invitation_of_the_school(
    parent_invitation, survey, bureau, login, school_b
):
    services.invitation_create(
        user=bureau, survey=survey, school=school_b, group="teacher", target=1, quota=1
    )
    client = login(bureau)
    html = client.get(f"/surveys/{survey.pk}/qr/?school={parent_invitation.school.code}").content.decode()
    assert html.count('class="qr-card"') == 1
    assert "data:image/svg+xml" in html and "城关小学" in html and "河口小学" not in html
    assert client.get(f"/surveys/{survey.pk}/qr/").content.decode().count('class="qr-card"') == 2


def test_the_qr_sheet_checks_scope_before_anything(parent_invitation, other_bureau, login):
    assert login(other_bureau).get(f"/surveys/invitations/{parent_invitation.pk}/qr.png").status_code == 404


def test_deactivating_an_invitation_is_audited(parent_invitation, bureau, login):
    login(bureau).post(f"/surveys/invitations/{parent_invitation.pk}/deactivate/")
    parent_invitation.refresh_from_db()
    assert not parent_invitation.active
    assert AuditEntry.objects.filter(object_type="surveys.Invitation", action="transition").exists()


def test_question_edit_is_audited_with_a_diff(draft_survey, bureau, login):
    q = draft_survey.questions.filter(kind=Question.Kind.SCALE).first()
    login(bureau).post(
        f"/surveys/questions/{q.pk}/edit/",
        {
            "order": q.order,
            "kind": q.kind,
            "item": q.item,
            "text": "新的题目",
            "groups": q.groups,
            "required": "on",
        },
    )
    entry = AuditEntry.objects.get(action="update", object_type="surveys.Question")
    assert entry.changes == {"text": [q.text, "新的题目"]}


def test_the_invitation_list_runs_a_constant_number_of_queries(
    survey, bureau, login, county, school_a, school_b, django_assert_max_num_queries
):
    from tests.factories import SchoolFactory

    for i in range(8):
        SchoolFactory(township=school_a.township, code=f"13012301{i:02d}", name=f"第{i}小学")
    services.invitations_generate(
        user=bureau,
        survey=survey,
        schools=county.schools.all(),
        groups=["parent", "teacher", "student"],
        target=10,
        quota=20,
    )
    client = login(bureau)
    with django_assert_max_num_queries(10):
        html = client.get(f"/surveys/{survey.pk}/invitations/").content.decode()
    assert html.count("/surveys/a/") == 30


def test_the_qr_sheet_lists_groups_in_their_usual_order(survey, bureau, login, school_a):
    for group in ("teacher", "principal", "parent"):
        services.invitation_create(
            user=bureau, survey=survey, school=school_a, group=group, target=1, quota=1
        )
    html = login(bureau).get(f"/surveys/{survey.pk}/qr/").content.decode()
    assert (
        html.index("<strong>家长</strong>")
        < html.index("<strong>教师</strong>")
        < html.index("<strong>校长</strong>")
    )


@pytest.mark.parametrize(
    ("day", "school_year"), [("2026-03-15", 2025), ("2025-09-01", 2025), ("2025-08-31", 2024)]
)
def test_the_template_survey_belongs_to_the_school_year(bureau, county, day, school_year):
    from datetime import date

    survey = services.survey_create_from_template(user=bureau, county=county, today=date.fromisoformat(day))
    assert survey.year == school_year


@pytest.mark.parametrize(
    ("base_url", "warned"),
    [
        ("", True),  # the test client browses as http://testserver — no dot, not a public host
        ("http://127.0.0.1:8000", True),
        ("http://192.168.1.20", True),
        ("https://yjpt.example.gov.cn", False),
    ],
)
def test_the_qr_sheet_warns_when_its_links_cannot_open_on_a_phone(
    parent_invitation, survey, bureau, login, settings, base_url, warned
):
    settings.SURVEY_PUBLIC_BASE_URL = base_url
    client = login(bureau)
    for url in (f"/surveys/{survey.pk}/qr/", f"/surveys/{survey.pk}/invitations/"):
        html = client.get(url).content.decode()
        assert ("家长和学生的手机无法访问" in html) is warned
