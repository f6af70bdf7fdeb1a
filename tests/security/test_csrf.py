"""A POST without the CSRF token is refused (403) on the key endpoints and changes nothing.

The test client normally skips the check; `Client(enforce_csrf_checks=True)` runs it as a
browser request would. Each test also proves the same POST goes through with the token, so the
403 is the token's doing and not some other refusal.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dossiers.models import Dossier
from dropout_control.models import DropoutCase
from rectification.models import ItemStatus
from schools.models import ImportRecord, SchoolConditions
from surveys.models import Response
from tests.dropout_control.casedata import make_id
from tests.factories import ConditionsFactory
from tests.security import world

pytestmark = pytest.mark.django_db


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def token_of(client, url) -> str:
    """The token a real form on `url` carries (sets the CSRF cookie too)."""
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_login_without_token_is_refused(bureau):
    client = csrf_client()
    response = client.post(reverse("login"), {"username": "bureau", "password": "Demo-pass-2025"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    token = token_of(client, reverse("login"))
    response = client.post(
        reverse("login"), {"username": "bureau", "password": "Demo-pass-2025", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(bureau.pk)


def test_the_refusal_page_is_in_chinese(bureau):
    response = csrf_client().post(reverse("login"), {"username": "bureau", "password": "x"})
    assert response.status_code == 403
    assert re.search(r"[\u4e00-\u9fff]", response.content.decode())


def _case_form(township, school):
    return {
        "township": township.pk,
        "school": school.pk,
        "village": "东村",
        "kind": "dropout",
        "name": "张小明",
        "sex": "male",
        "ethnicity": "汉族",
        "birth_date": "2012-03-05",
        "id_number": make_id(),
        "household_address": "滨河县城关镇东村 12 号",
        "grade": 7,
        "class_name": "2班",
        "absent_since": "2025-01-06",
        "guardian_name": "张大山",
        "guardian_relation": "父亲",
        "guardian_phone": "13800000000",
        "reason": "learning",
    }


def test_case_create_without_token_is_refused(township_official, township_a, school_a):
    client = csrf_client(township_official)
    url = reverse("dropout_control:create")
    data = _case_form(township_a, school_a)
    assert client.post(url, data).status_code == 403
    assert DropoutCase.objects.count() == 0
    token = token_of(client, url)
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert DropoutCase.objects.count() == 1


def test_conditions_edit_without_token_is_refused(bureau, school_a):
    conditions = ConditionsFactory(school=school_a, year=2025, books=12000)
    client = csrf_client(bureau)
    url = reverse("schools:conditions_edit", args=[school_a.code, 2025])
    data = {
        "primary_students": 400,
        "junior_students": 0,
        "senior_students": 0,
        "building_area": 2200,
        "sports_area": 3500,
        "equipment_value": 900000,
        "computers": 60,
        "books": 99999,
        "multimedia_rooms": 12,
    }
    assert client.post(url, data).status_code == 403
    conditions.refresh_from_db()
    assert conditions.books == 12000
    assert client.post(url, {**data, "csrfmiddlewaretoken": token_of(client, url)}).status_code == 302
    assert SchoolConditions.objects.get(pk=conditions.pk).books == 99999


def test_import_upload_without_token_is_refused(bureau, school_a):
    client = csrf_client(bureau)
    url = reverse("schools:import_start")
    headers = [
        "学年",
        "学校标识码",
        "小学在校生数",
        "初中在校生数",
        "教学及辅助用房面积",
        "体育运动场馆面积",
        "教学仪器设备值",
        "教学用计算机台数",
        "图书册数",
        "网络多媒体教室数",
    ]
    body = world.xlsx_bytes(headers, [[2025, school_a.code, 400, 0, 2200, 3500, 900000, 60, 12000, 12]])

    def upload():
        return SimpleUploadedFile("办学条件.xlsx", body)

    assert client.post(url, {"kind": "conditions", "file": upload()}).status_code == 403
    assert ImportRecord.objects.count() == 0
    token = token_of(client, url)
    assert (
        client.post(url, {"kind": "conditions", "file": upload(), "csrfmiddlewaretoken": token}).status_code
        == 302
    )
    assert ImportRecord.objects.count() == 1


def test_rectification_close_without_token_is_refused(bureau, county):
    from rectification import services

    rows = world.rectification_rows(bureau, county)
    services.item_start(user=bureau, item=rows.item)
    services.item_complete(user=bureau, item=rows.item)
    client = csrf_client(bureau)
    url = reverse("rectification:close", args=[rows.item.pk])
    assert client.post(url, {"verification": "经核查已整改到位"}).status_code == 403
    rows.item.refresh_from_db()
    assert rows.item.status == ItemStatus.COMPLETED
    token = token_of(client, reverse("rectification:detail", args=[rows.item.pk]))
    assert (
        client.post(url, {"verification": "经核查已整改到位", "csrfmiddlewaretoken": token}).status_code
        == 302
    )
    rows.item.refresh_from_db()
    assert rows.item.status == ItemStatus.CLOSED


def test_dossier_request_without_token_is_refused(bureau, county, django_capture_on_commit_callbacks):
    client = csrf_client(bureau)
    url = reverse("dossiers:create")
    assert client.post(url, {"year": 2025, "scheme": "quality-2017"}).status_code == 403
    assert Dossier.objects.count() == 0
    token = token_of(client, reverse("dossiers:list"))
    # The task is not run here (no commit callbacks executed): only the row matters.
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"year": 2025, "scheme": "quality-2017", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Dossier.objects.count() == 1


def test_the_public_survey_answer_without_token_is_refused(bureau, county, school_a):
    from surveys import services

    rows = world.survey_rows(bureau, county, school_a)
    services.survey_open(user=bureau, survey=rows.survey)
    client = csrf_client()
    url = reverse("surveys:answer", args=[rows.invitation.token])
    page = client.get(url).content.decode()
    data = world.survey_answer_data(rows.invitation, world.form_token(page))
    assert Client(enforce_csrf_checks=True).post(url, data).status_code == 403
    assert Response.objects.count() == 0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert Response.objects.count() == 1
