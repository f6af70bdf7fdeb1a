"""Survey fixtures: an open template survey of 滨河县 with invitations at school_a and school_b."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from surveys import services
from surveys.models import Invitation, Question, RespondentGroup, Survey


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the (process-wide locmem) cache: start every test at zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def draft_survey(bureau, county, today):
    return services.survey_create_from_template(user=bureau, county=county, today=today - timedelta(days=1))


@pytest.fixture
def survey(draft_survey, bureau, today):
    return services.survey_open(user=bureau, survey=draft_survey, today=today)


@pytest.fixture
def parent_invitation(survey, bureau, school_a):
    return services.invitation_create(
        user=bureau, survey=survey, school=school_a, group=RespondentGroup.PARENT, target=3, quota=5
    )


@pytest.fixture
def other_survey(other_bureau, other_county, today):
    return services.survey_create_from_template(user=other_bureau, county=other_county, today=today)


def questions_for(invitation: Invitation) -> list[Question]:
    return [q for q in invitation.survey.questions.all() if invitation.group in q.groups]


def form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def answer_data(
    invitation: Invitation, token: str, *, scale: int = 5, aware: int = 1, text: str = ""
) -> dict:
    data = {"form_token": token}
    for q in questions_for(invitation):
        if q.kind == Question.Kind.SCALE:
            data[f"q{q.pk}"] = str(scale)
        elif q.kind == Question.Kind.AWARENESS:
            data[f"q{q.pk}"] = str(aware)
        elif q.kind == Question.Kind.CHOICE:
            data[f"q{q.pk}"] = "0"
        elif text:
            data[f"q{q.pk}"] = text
    return data


@pytest.fixture
def respond():
    """respond(invitation, client=None, **answers) -> the POST response (loads the page first)."""

    def do(invitation, client=None, **kwargs):
        client = client or Client()
        url = f"/surveys/a/{invitation.token}/"
        page = client.get(url)
        assert page.status_code == 200, page.content.decode()[:500]
        return client.post(url, answer_data(invitation, form_token(page.content.decode()), **kwargs))

    return do


def make_open(survey: Survey) -> Survey:
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.OPEN)
    survey.refresh_from_db()
    return survey
