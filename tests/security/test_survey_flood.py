"""One respondent cannot fill a survey link (issue 15, finding 5).

The red team's attack: 150 of 150 answers from one address in 4.4 s. With the defaults a script
from one address gets a handful through, whether it keeps its cookie (one device), loads the
page afresh each time (a new device each time) or posts without the device cookie; the link is
flagged for review in the results. Real respondents — one answer each, several parents on one
school Wi-Fi — are not refused.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Invitation, Response
from tests.security import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_window(monkeypatch):
    """The limits count in fixed clock windows (a minute, an hour): a run that straddles a minute
    boundary, or a slow one, would see a fresh window. Hold the limiter's clock inside one."""
    from types import SimpleNamespace

    from surveys import throttle

    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_010.0))


@pytest.fixture
def link(bureau, county, school_a):
    from surveys import services

    rows = world.survey_rows(bureau, county, school_a)
    services.survey_open(user=bureau, survey=rows.survey)
    Invitation.objects.filter(pk=rows.invitation.pk).update(quota=150)
    rows.invitation.refresh_from_db()
    return rows.invitation


def _answer(client, invitation, *, keep_cookie=True):
    url = reverse("surveys:answer", args=[invitation.token])
    token = world.form_token(client.get(url).content.decode())
    if not keep_cookie:
        client.cookies.clear()
    return client.post(url, world.survey_answer_data(invitation, token)).status_code


def test_a_script_on_one_address_loading_the_page_afresh_each_time_gets_a_handful(
    link, settings, login, bureau
):
    started = time.monotonic()
    statuses = [_answer(Client(REMOTE_ADDR="203.0.113.66"), link) for _ in range(150)]
    assert time.monotonic() - started < 120
    accepted = statuses.count(302)
    assert accepted == settings.SURVEY_RATE_PER_IP_PER_MINUTE <= 5
    assert Response.objects.count() == accepted and set(statuses) == {302, 429}
    link.refresh_from_db()
    assert link.answers_count == accepted and link.refused_count == 150 - accepted
    assert "同一网络地址 1 分钟内提交过多" in link.flag_reason
    page = login(bureau).get(reverse("surveys:results", args=[link.survey_id])).content.decode()
    assert "需复核的链接（1）" in page and f"已拒绝 {150 - accepted} 次提交" in page


def test_one_device_gets_three_answers_an_hour_whatever_its_address(link, settings):
    device = Client()
    statuses = []
    for i in range(6):
        device.defaults["REMOTE_ADDR"] = f"198.51.100.{i}"  # a phone moving between networks
        statuses.append(_answer(device, link))
    assert statuses == [302] * settings.SURVEY_RATE_PER_DEVICE_PER_HOUR + [429] * (
        6 - settings.SURVEY_RATE_PER_DEVICE_PER_HOUR
    )
    link.refresh_from_db()
    assert "同一设备" in link.flag_reason


def test_posts_without_the_device_cookie_count_as_one_device_per_address(link, settings):
    statuses = [_answer(Client(REMOTE_ADDR="192.0.2.77"), link, keep_cookie=False) for _ in range(5)]
    assert statuses.count(302) == settings.SURVEY_RATE_PER_DEVICE_PER_HOUR
    link.refresh_from_db()
    assert "无设备标识" in link.flag_reason


def test_a_forged_device_cookie_is_no_device(link):
    client = Client(REMOTE_ADDR="192.0.2.78")
    url = reverse("surveys:answer", args=[link.token])
    statuses = []
    for i in range(5):
        token = world.form_token(client.get(url).content.decode())
        client.cookies["survey_device"] = f"forged-device-id-{i:04d}"  # unsigned: a new "device" each time
        statuses.append(client.post(url, world.survey_answer_data(link, token)).status_code)
    assert statuses.count(302) == 3


def test_parents_on_one_school_wifi_each_with_their_phone_are_not_refused(link):
    statuses = [_answer(Client(REMOTE_ADDR="10.20.30.40"), link) for _ in range(5)]
    assert statuses == [302] * 5
    link.refresh_from_db()
    assert link.flagged_at is None and link.refused_count == 0


def test_a_burst_on_one_link_from_many_addresses_is_accepted_but_flagged(link, settings, login, bureau):
    n = settings.SURVEY_BURST_PER_MINUTE + 3
    statuses = [_answer(Client(REMOTE_ADDR=f"100.64.0.{i}"), link) for i in range(n)]
    assert statuses == [302] * n
    link.refresh_from_db()
    assert link.refused_count == 0 and f"超过 {settings.SURVEY_BURST_PER_MINUTE} 份" in link.flag_reason
    page = login(bureau).get(reverse("surveys:results", args=[link.survey_id])).content.decode()
    assert "需复核的链接（1）" in page


def test_the_review_list_is_shown_only_to_readers_of_the_survey(link, login, other_bureau):
    Invitation.objects.filter(pk=link.pk).update(flag_reason="测试", refused_count=1)
    assert login(other_bureau).get(reverse("surveys:results", args=[link.survey_id])).status_code in (
        403,
        404,
    )
