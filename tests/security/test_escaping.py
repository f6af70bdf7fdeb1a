"""HTML and script typed into names and free text are shown as text everywhere.

Pages: the raw markup never appears and its escaped form does (so the value really is on the
page). xlsx: the cell holds exactly the typed text, as a string. PDFs: the text layer shows the
characters literally (neither run nor double-escaped).
"""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from schools.models import School
from tests.security import world

pytestmark = pytest.mark.django_db

# Script in an element and an attribute break-out; 48 characters fit every name field.
PAYLOAD = '<script>alert(1)</script>"><svg onload=alert(1)>'
RAW_MARKERS = ("<script>alert(1)</script>", "<svg onload=alert(1)>")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;svg onload=alert(1)&gt;"


def assert_shown_escaped(body: str, where: str) -> None:
    for raw in RAW_MARKERS:
        assert raw not in body, f"{where}: raw {raw!r} on the page"
    assert ESCAPED in body, f"{where}: the escaped value is not on the page"


@pytest.fixture
def hostile(
    county, school_a, school_b, township_a, bureau, township_official, django_capture_on_commit_callbacks
):
    """Every name the brief lists carries PAYLOAD: school_a's name, a teacher's name, a case's child
    name, a rectification problem, a survey comment. Also a finished assessment of the county."""
    from indicators.services import assessment_run_now
    from rectification import services as rect_services
    from surveys import services as survey_services

    School.objects.filter(pk=school_a.pk).update(name=PAYLOAD)
    school_a.refresh_from_db()
    world.small_county(school_a, school_b, teacher_names=[PAYLOAD])
    assessment = assessment_run_now(county=county, year=2025, scheme="quality-2017", user=bureau)
    paper = world.case_with_paperwork(township_official, township_a, school_a, name=PAYLOAD)
    item = rect_services.item_create(
        user=bureau,
        county=county,
        data=world.rectification_item_data(problem=PAYLOAD, measures=PAYLOAD),
        schools=[school_a],
    )
    rows = world.survey_rows(bureau, county, school_a)
    survey_services.survey_open(user=bureau, survey=rows.survey)
    client = Client()
    url = reverse("surveys:answer", args=[rows.invitation.token])
    token = world.form_token(client.get(url).content.decode())
    response = client.post(url, world.survey_answer_data(rows.invitation, token, text=PAYLOAD))
    assert response.status_code == 302
    return {
        "school": school_a,
        "assessment": assessment,
        "case": paper.case,
        "notice": paper.notice,
        "item": item,
        "survey": rows.survey,
    }


def test_pages_of_bureau_staff_show_names_escaped(login, bureau, hostile):
    h = hostile
    client = login(bureau)
    pages = {
        "school list": reverse("schools:list"),
        "school detail (name, teacher roster)": reverse("schools:detail", args=[h["school"].code]),
        "conditions form": reverse("schools:conditions_edit", args=[h["school"].code, 2025]),
        "workforce school page": reverse("workforce:school", args=[h["school"].code]),
        "workforce coverage": reverse("workforce:coverage"),
        "assessment (表Ⅱ)": reverse("indicators:detail", args=[h["assessment"].pk]),
        "dashboard schools": reverse("dashboard:schools"),
        "case list": reverse("dropout_control:list"),
        "case detail": reverse("dropout_control:detail", args=[h["case"].pk]),
        "case edit form": reverse("dropout_control:edit", args=[h["case"].pk]),
        "rectification ledger": reverse("rectification:list"),
        "rectification item": reverse("rectification:detail", args=[h["item"].pk]),
        "rectification edit form": reverse("rectification:edit", args=[h["item"].pk]),
        "survey comments": reverse("surveys:comments", args=[h["survey"].pk]),
        "survey invitations": reverse("surveys:invitations", args=[h["survey"].pk]),
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_shown_escaped(response.content.decode(), where)


def test_pages_of_township_officials_and_reporters_show_names_escaped(
    login, township_official, reporter, hostile
):
    for user in (township_official, reporter):
        client = login(user)
        for where, url in {
            "case list": reverse("dropout_control:list"),
            "case detail": reverse("dropout_control:detail", args=[hostile["case"].pk]),
            "school list": reverse("schools:list"),
        }.items():
            response = client.get(url)
            assert response.status_code == 200, where
            assert_shown_escaped(response.content.decode(), f"{user.username}: {where}")


def test_form_errors_echo_typed_markup_escaped(login, bureau, hostile):
    """A refused form shows what was typed back in its fields: escaped too."""
    response = login(bureau).post(
        reverse("rectification:edit", args=[hostile["item"].pk]), {"problem": PAYLOAD, "lead_unit": ""}
    )
    assert response.status_code == 200
    assert_shown_escaped(response.content.decode(), "refused rectification form")


# --- xlsx -------------------------------------------------------------------------------------


def _cells(body: bytes):
    wb = load_workbook(io.BytesIO(body))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def test_xlsx_exports_keep_names_as_plain_text(login, bureau, township_official, hostile):
    h = hostile
    bureau_client = login(bureau)
    exports = {
        "schools": bureau_client.get(reverse("schools:export", args=["schools"])),
        "teachers": bureau_client.get(reverse("schools:export", args=["teachers"]), {"year": 2025}),
        "表Ⅱ": bureau_client.get(reverse("indicators:export_table2", args=[h["assessment"].pk])),
        "rectification ledger": bureau_client.get(reverse("rectification:export")),
        "survey results": bureau_client.get(reverse("surveys:results_export", args=[h["survey"].pk])),
        "dropout ledger": login(township_official).get(reverse("dropout_control:ledger_export")),
    }
    for where, response in exports.items():
        assert response.status_code == 200, where
        cells = [c for c in _cells(response.content) if isinstance(c.value, str) and "alert(1)" in c.value]
        assert cells, f"{where}: the value is not in the export"
        for cell in cells:
            assert PAYLOAD in cell.value and cell.data_type == "s", (where, cell.value)


# --- PDFs -------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def _assert_literal(text: str, where: str) -> None:
    compact = "".join(PAYLOAD.split())
    assert compact in text, f"{where}: the name is not shown literally"
    assert "&lt;" not in text and "&amp;" not in text, f"{where}: double-escaped"


def test_the_notice_pdf_shows_the_childs_name_literally(login, township_official, hostile):
    response = login(township_official).get(
        reverse("dropout_control:notice_pdf", args=[hostile["notice"].pk])
    )
    assert response.status_code == 200
    _assert_literal(_pdf_text(response.content), "notice")


def test_the_school_brief_pdf_shows_the_school_name_literally(login, bureau, hostile):
    response = login(bureau).get(reverse("dossiers:school_brief", args=[hostile["school"].code]))
    assert response.status_code == 200
    _assert_literal(_pdf_text(response.content), "school brief")


def test_the_dossier_pdf_shows_school_and_county_names_literally(bureau, hostile):
    """The county name is also printed in the running head, a CSS string where HTML escaping
    would show "&lt;" as such."""
    from dossiers.services import build_dossier_pdf
    from schools.models import County

    county = hostile["school"].county
    County.objects.filter(pk=county.pk).update(name='县"&<b>')
    county.refresh_from_db()
    text = _pdf_text(build_dossier_pdf(county, 2025, "quality-2017", user=bureau).pdf)
    _assert_literal(text, "dossier")
    assert text.count('县"&<b>') >= 2  # body and running head
