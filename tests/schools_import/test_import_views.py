"""The browser flow: upload → preview → confirm, the history, and who may use them."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import Role
from schools.models import ImportRecord, SchoolClass, Teacher
from tests.factories import UserFactory
from tests.schools_import.helpers import CLASS_HEADERS, TEACHER_HEADERS

pytestmark = pytest.mark.django_db

START = reverse("schools:import_start")
HISTORY = reverse("schools:import_history")


def preview_url(record):
    return reverse("schools:import_preview", args=[record.pk])


def confirm_url(record):
    return reverse("schools:import_confirm", args=[record.pk])


@pytest.fixture
def upload(login, xlsx_upload):
    """upload(user, kind, headers, rows) -> (response, record) of a POST to the upload page."""

    def post(user, kind, headers, rows):
        response = login(user).post(START, {"kind": kind, "file": xlsx_upload(headers, rows)})
        return response, ImportRecord.objects.order_by("pk").last()

    return post


def test_bureau_uploads_previews_and_confirms(
    login, upload, bureau, school_a, teacher_row, django_capture_on_commit_callbacks
):
    rows = [teacher_row(教师编号=f"T{n}") for n in range(3)]
    response, record = upload(bureau, "teachers", TEACHER_HEADERS, rows)
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert record.status == ImportRecord.Status.PREVIEWED and not Teacher.objects.exists()
    assert default_storage.exists(record.stored_file) and record.stored_file.startswith("imports/")

    page = login(bureau).get(preview_url(record)).content.decode()
    assert "确认导入" in page and "新增 3 条" in page
    assert "T0" in page and "110105********002X" in page and "11010519491231002X" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = login(bureau).post(confirm_url(record), follow=True)
    assert response.redirect_chain[-1][0] == reverse("schools:list")
    assert "教师：新增 3 条，更新 0 条" in response.content.decode()
    assert Teacher.objects.count() == 3
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED and record.stored_file == ""
    assert not default_storage.exists(f"imports/{record.pk}.xlsx")


def test_a_confirmed_import_cannot_be_confirmed_twice(login, upload, bureau, school_a, teacher_row):
    _, record = upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row()])
    client = login(bureau)
    client.post(confirm_url(record))
    response = client.post(confirm_url(record), follow=True)
    assert "不能再确认" in response.content.decode()
    assert Teacher.objects.count() == 1


def test_preview_lists_every_error_and_offers_no_confirmation(
    login, upload, bureau, school_a, other_school, class_row
):
    rows = [
        class_row(),
        class_row(班级名称="2班", 学校标识码=other_school.code),
        class_row(班级名称="3班", 年级=8),
    ]
    response, record = upload(bureau, "classes", CLASS_HEADERS, rows)
    page = login(bureau).get(preview_url(record)).content.decode()
    assert record.status == ImportRecord.Status.REFUSED
    assert "发现 2 处错误" in page and "确认导入" not in page
    assert '<td class="num">3</td><td>学校标识码</td>' in page
    assert '<td class="num">4</td><td>年级</td>' in page
    response = login(bureau).post(confirm_url(record), follow=True)
    assert "不能再确认" in response.content.decode()
    assert not SchoolClass.objects.exists()


def test_a_tampered_kept_file_is_refused_on_confirmation(login, upload, bureau, school_a, teacher_row):
    _, record = upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row()])
    path = Path(default_storage.path(record.stored_file))
    path.write_bytes(path.read_bytes() + b"tampered")
    assert hashlib.sha256(path.read_bytes()).hexdigest() != record.sha256
    response = login(bureau).post(confirm_url(record), follow=True)
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.REFUSED
    assert "SHA-256" in response.content.decode()
    assert not Teacher.objects.exists()


def test_only_the_uploader_confirms(login, upload, bureau, county, school_a, teacher_row):
    colleague = UserFactory(username="colleague", role=Role.BUREAU, county=county)
    _, record = upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row()])
    assert login(colleague).get(preview_url(record)).status_code == 200
    assert login(colleague).post(confirm_url(record)).status_code == 403
    assert not Teacher.objects.exists()


def test_the_upload_page_offers_downloads_and_exports(login, bureau, school_a):
    page = login(bureau).get(START).content.decode()
    for kind in ("schools", "conditions", "teachers", "classes"):
        assert reverse("schools:import_template", args=[kind]) in page


# --- access matrix --------------------------------------------------------------------------


def test_bureau_may_not_import_rows_of_another_county(upload, bureau, school_a, other_school, teacher_row):
    _, record = upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row(学校标识码=other_school.code)])
    assert record.status == ImportRecord.Status.REFUSED
    assert record.errors[0][:2] == [2, "学校标识码"]


def test_reporter_imports_own_school(login, upload, reporter, school_a, class_row):
    _, record = upload(reporter, "classes", CLASS_HEADERS, [class_row()])
    assert record.status == ImportRecord.Status.PREVIEWED and record.school == school_a
    login(reporter).post(confirm_url(record))
    assert SchoolClass.objects.get().school == school_a


def test_reporter_rows_of_another_school_are_refused(upload, reporter, school_a, school_b, class_row):
    _, record = upload(reporter, "classes", CLASS_HEADERS, [class_row(学校标识码=school_b.code)])
    assert record.status == ImportRecord.Status.REFUSED
    assert "只能导入本校" in record.errors[0][2]


def test_reporter_is_not_offered_the_schools_template(login, reporter, xlsx_upload):
    client = login(reporter)
    assert 'value="schools"' not in client.get(START).content.decode()
    response = client.post(START, {"kind": "schools", "file": xlsx_upload(["学校标识码"], [])})
    assert response.status_code == 200 and not ImportRecord.objects.exists()


@pytest.mark.parametrize("persona", ["township_official", "inspector"])
def test_township_officials_and_inspectors_cannot_import(request, login, persona, xlsx_upload, school_a):
    user = request.getfixturevalue(persona)
    client = login(user)
    assert client.get(START).status_code == 403
    assert client.post(START, {"kind": "classes", "file": xlsx_upload(CLASS_HEADERS, [])}).status_code == 403
    assert client.get(HISTORY).status_code == 403
    assert client.get(reverse("schools:import_template", args=["classes"])).status_code == 403
    assert not ImportRecord.objects.exists()


def test_inspector_cannot_confirm_a_previewed_import(login, upload, bureau, inspector, school_a, teacher_row):
    _, record = upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row()])
    assert login(inspector).post(confirm_url(record)).status_code == 403
    assert login(inspector).get(preview_url(record)).status_code == 403
    assert not Teacher.objects.exists()


def test_another_countys_import_is_not_found(login, upload, bureau, other_bureau, school_a, teacher_row):
    _, record = upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row()])
    assert login(other_bureau).get(preview_url(record)).status_code == 404
    assert login(other_bureau).post(confirm_url(record)).status_code == 404


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(START).status_code == 302


# --- history --------------------------------------------------------------------------------


def test_history_is_scoped_to_the_county(
    login, upload, bureau, other_bureau, school_a, other_school, teacher_row, django_assert_max_num_queries
):
    upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row()])
    upload(bureau, "teachers", TEACHER_HEADERS, [teacher_row(教师编号="T9")])
    upload(other_bureau, "teachers", TEACHER_HEADERS, [teacher_row(学校标识码=other_school.code)])
    client = login(bureau)
    with django_assert_max_num_queries(10):  # session, user, OTP, area label, count, page, session save
        page = client.get(HISTORY).content.decode()
    assert page.count("待确认") == 2 and "被拒绝" not in page


def test_reporter_history_shows_own_school_only(login, upload, bureau, reporter, school_a, class_row):
    upload(bureau, "classes", CLASS_HEADERS, [class_row()])
    upload(reporter, "classes", CLASS_HEADERS, [class_row(班级名称="2班")])
    page = login(reporter).get(HISTORY).content.decode()
    assert page.count("待确认") == 1
