"""The public answer page: no login, anonymous, one-time forms, quotas, rate limits."""

from datetime import timedelta

import pytest
from django.test import Client

from surveys import services
from surveys.models import Answer, Invitation, Question, RespondentGroup, Response, Survey
from tests.surveys.conftest import answer_data, form_token, questions_for


def test_it_shows_the_questions_of_the_invited_group_without_login(parent_invitation):
    page = Client().get(f"/surveys/a/{parent_invitation.token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "家长" in html and "城关小学" in html
    assert "您对学校提供的课后服务" in html  # a parent question
    assert "教师工资待遇" not in html  # a teachers-only question
    assert page["Cache-Control"].startswith("max-age=0")


def test_it_answers_404_for_an_unknown_token(survey):
    assert Client().get("/surveys/a/not-a-real-token/").status_code == 404
    assert Client().post("/surveys/a/not-a-real-token/", {}).status_code == 404
    assert Client().get("/surveys/a/not-a-real-token/done/").status_code == 404


def test_tokens_are_unguessable_and_distinct(parent_invitation, survey, bureau, school_b):
    other = services.invitation_create(
        user=bureau, survey=survey, school=school_b, group="parent", target=1, quota=1
    )
    assert len(parent_invitation.token) >= 22
    assert parent_invitation.token != other.token


def test_a_submission_is_stored_anonymously(parent_invitation, respond, today):
    response = respond(parent_invitation, scale=4, text="希望增加校车")
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/a/{parent_invitation.token}/done/"
    row = Response.objects.get()
    assert (row.group, row.school_id, row.submitted_on) == ("parent", parent_invitation.school_id, today)
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "user", "submitted_at", "created_at"}
    scale = [q for q in questions_for(parent_invitation) if q.kind == Question.Kind.SCALE]
    assert Answer.objects.filter(response=row, question__in=scale, value=4).count() == len(scale)
    assert Answer.objects.get(response=row, question__kind="text").text == "希望增加校车"
    parent_invitation.refresh_from_db()
    assert parent_invitation.answers_count == 1


def test_a_submission_sets_no_session(parent_invitation, respond):
    client = Client()
    respond(parent_invitation, client=client)
    assert "sessionid" not in client.cookies


def test_a_double_posted_form_counts_once(parent_invitation):
    client = Client()
    url = f"/surveys/a/{parent_invitation.token}/"
    data = answer_data(parent_invitation, form_token(client.get(url).content.decode()))
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Response.objects.count() == 1
    parent_invitation.refresh_from_db()
    assert parent_invitation.answers_count == 1


def test_two_page_loads_are_two_answers(parent_invitation, respond):
    respond(parent_invitation)
    respond(parent_invitation)
    assert Response.objects.count() == 2


def test_a_forged_or_foreign_form_token_is_not_accepted(parent_invitation, survey, bureau, school_b):
    other = services.invitation_create(
        user=bureau, survey=survey, school=school_b, group="parent", target=1, quota=2
    )
    client = Client()
    foreign = form_token(client.get(f"/surveys/a/{other.token}/").content.decode())
    url = f"/surveys/a/{parent_invitation.token}/"
    for token in (foreign, "forged", ""):
        page = client.post(url, answer_data(parent_invitation, token))
        assert page.status_code == 200
        assert "页面已过期" in page.content.decode()
    assert Response.objects.count() == 0


def test_an_expired_form_must_be_reloaded(parent_invitation, settings, monkeypatch):
    client = Client()
    url = f"/surveys/a/{parent_invitation.token}/"
    token = form_token(client.get(url).content.decode())
    import time

    later = time.time() + settings.SURVEY_FORM_MAX_AGE_HOURS * 3600 + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    page = client.post(url, answer_data(parent_invitation, token))
    assert "页面已过期" in page.content.decode()
    assert Response.objects.count() == 0
    fresh = form_token(page.content.decode())
    assert fresh != token
    assert client.post(url, answer_data(parent_invitation, fresh)).status_code == 302


def test_missing_required_answers_are_shown_again(parent_invitation):
    client = Client()
    url = f"/surveys/a/{parent_invitation.token}/"
    token = form_token(client.get(url).content.decode())
    page = client.post(url, {"form_token": token})
    assert page.status_code == 200
    assert "请选择一项" in page.content.decode()
    assert Response.objects.count() == 0
    # the same page's token still works once the answers are complete
    assert client.post(url, answer_data(parent_invitation, token)).status_code == 302


def test_an_invitation_accepts_no_more_than_its_quota(parent_invitation, respond):
    for _ in range(parent_invitation.quota):
        assert respond(parent_invitation).status_code == 302
    page = Client().get(f"/surveys/a/{parent_invitation.token}/")
    assert "答卷名额已满" in page.content.decode()
    assert Response.objects.count() == parent_invitation.quota


def test_a_form_loaded_before_the_quota_filled_is_refused_after(parent_invitation, respond):
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=1)
    client = Client()
    url = f"/surveys/a/{parent_invitation.token}/"
    late_token = form_token(client.get(url).content.decode())
    respond(parent_invitation)
    page = client.post(url, answer_data(parent_invitation, late_token))
    assert "答卷名额已满" in page.content.decode()
    assert Response.objects.count() == 1


def test_a_closed_survey_shows_a_clear_page_and_takes_no_answer(parent_invitation, bureau):
    client = Client()
    url = f"/surveys/a/{parent_invitation.token}/"
    token = form_token(client.get(url).content.decode())
    services.survey_close(user=bureau, survey=parent_invitation.survey)
    page = client.post(url, answer_data(parent_invitation, token))
    assert page.status_code == 410
    assert "问卷已结束" in page.content.decode()
    assert Response.objects.count() == 0
    assert "问卷已结束" in client.get(url).content.decode()


def test_a_survey_past_its_end_date_is_closed_for_answers(parent_invitation, today):
    Survey.objects.filter(pk=parent_invitation.survey_id).update(
        closes_on=today - timedelta(days=1), opens_on=today - timedelta(days=9)
    )
    page = Client().get(f"/surveys/a/{parent_invitation.token}/")
    assert page.status_code == 410 and "问卷已结束" in page.content.decode()


@pytest.mark.parametrize("how", ["draft", "future"])
def test_a_survey_not_yet_open_says_when_it_opens(parent_invitation, today, how):
    if how == "draft":
        Survey.objects.filter(pk=parent_invitation.survey_id).update(status=Survey.Status.DRAFT)
    else:
        Survey.objects.filter(pk=parent_invitation.survey_id).update(
            opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=30)
        )
    page = Client().get(f"/surveys/a/{parent_invitation.token}/")
    assert page.status_code == 200
    assert "问卷尚未开放" in page.content.decode()
    assert "form_token" not in page.content.decode()


def test_a_deactivated_link_takes_no_answer(parent_invitation, bureau):
    services.invitation_deactivate(user=bureau, invitation=parent_invitation)
    page = Client().get(f"/surveys/a/{parent_invitation.token}/")
    assert page.status_code == 410 and "本链接已停用" in page.content.decode()


def test_the_per_invitation_rate_limit_refuses_a_flood(parent_invitation, settings, respond):
    settings.SURVEY_RATE_PER_INVITATION_PER_MINUTE = 2
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    statuses = [
        respond(parent_invitation, client=Client(REMOTE_ADDR=f"10.0.0.{i}")).status_code for i in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Response.objects.count() == 2


def test_the_per_address_rate_limit_refuses_one_address_but_not_another(parent_invitation, settings, respond):
    settings.SURVEY_RATE_PER_IP_PER_HOUR = 2
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    same = [
        respond(parent_invitation, client=Client(REMOTE_ADDR="203.0.113.7")).status_code for _ in range(3)
    ]
    assert same == [302, 302, 429]
    busy = respond(parent_invitation, client=Client(REMOTE_ADDR="203.0.113.7"))
    assert "提交过于频繁" in busy.content.decode()
    assert respond(parent_invitation, client=Client(REMOTE_ADDR="198.51.100.1")).status_code == 302
    assert Response.objects.count() == 3


def test_the_rate_limit_window_passes(parent_invitation, settings, respond, monkeypatch):
    import time

    settings.SURVEY_RATE_PER_IP_PER_HOUR = 1
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    assert respond(parent_invitation).status_code == 302
    assert respond(parent_invitation).status_code == 429
    later = time.time() + 3601
    monkeypatch.setattr("surveys.throttle.time.time", lambda: later)
    assert respond(parent_invitation).status_code == 302


def test_zero_means_no_rate_limit(parent_invitation, settings, respond):
    settings.SURVEY_RATE_PER_IP_PER_HOUR = 0
    settings.SURVEY_RATE_PER_IP_PER_MINUTE = 0
    settings.SURVEY_RATE_PER_DEVICE_PER_HOUR = 0
    settings.SURVEY_RATE_PER_INVITATION_PER_MINUTE = 0
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    assert all(respond(parent_invitation).status_code == 302 for _ in range(6))


def test_the_address_is_kept_only_as_a_keyed_hash_in_the_cache(parent_invitation, respond):
    from django.core.cache import cache

    respond(parent_invitation, client=Client(REMOTE_ADDR="192.0.2.55"))
    keys = list(cache._cache.keys())
    assert keys and not any("192.0.2.55" in k for k in keys)


def test_behind_a_proxy_the_last_forwarded_address_counts(parent_invitation, settings, respond):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SURVEY_RATE_PER_IP_PER_HOUR = 1
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    proxy = "10.0.0.1"
    a = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    b = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.10")
    assert respond(parent_invitation, client=a).status_code == 302
    assert respond(parent_invitation, client=b).status_code == 302
    assert respond(parent_invitation, client=a).status_code == 429


def test_without_the_proxy_setting_a_forged_forwarded_address_changes_nothing(
    parent_invitation, settings, respond
):
    settings.BEHIND_PROXY = False
    settings.SURVEY_RATE_PER_IP_PER_HOUR = 1
    Invitation.objects.filter(pk=parent_invitation.pk).update(quota=100)
    a = Client(REMOTE_ADDR="192.0.2.8", HTTP_X_FORWARDED_FOR="203.0.113.9")
    b = Client(REMOTE_ADDR="192.0.2.8", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert respond(parent_invitation, client=a).status_code == 302
    assert respond(parent_invitation, client=b).status_code == 429  # same address: the header is ignored


def test_free_text_is_escaped_on_the_staff_pages(parent_invitation, respond, login, bureau):
    respond(parent_invitation, text='<script>alert("x")</script>')
    html = login(bureau).get(f"/surveys/{parent_invitation.survey_id}/comments/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html


def test_an_invitation_for_deputies_has_no_school(survey, bureau, respond):
    inv = services.invitation_create(
        user=bureau, survey=survey, group=RespondentGroup.DEPUTY, label="县人大代表", target=5, quota=10
    )
    assert respond(inv).status_code == 302
    assert Response.objects.get().school_id is None


def test_the_public_pages_name_the_bureau_not_the_platform(parent_invitation, respond):
    client = Client()
    html = client.get(f"/surveys/a/{parent_invitation.token}/").content.decode()
    assert "迎检" not in html and "平台" not in html
    assert f"{parent_invitation.survey.county.name}教育局" in html
    done = client.get(f"/surveys/a/{parent_invitation.token}/done/").content.decode()
    assert "迎检" not in done and "平台" not in done
