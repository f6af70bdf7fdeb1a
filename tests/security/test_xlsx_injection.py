"""Formula injection is neutralised in every xlsx the app serves.

Text fields that reach an export carry `=HYPERLINK(...)`, `+1+1`, `-1` and `@SUM(A1)`. In every
export no text cell starts with = + - @ (the shared writer prefixes an apostrophe), no cell is a
formula, and numbers stay numbers.
"""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from schools.models import School, SchoolClass, Township
from surveys.models import Survey
from tests.security import world
from tests.security.world import FORMULAS

pytestmark = pytest.mark.django_db

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(county, school_a, school_b, township_a, bureau, township_official):
    from indicators.services import assessment_run_now
    from rectification import services as rect_services
    from surveys import services as survey_services
    from workforce.models import ApprovedPosts

    world.small_county(school_a, school_b, teacher_names=list(FORMULAS))
    for code, name in (("1301230001", FORMULAS[0]), ("1301230002", FORMULAS[1]), ("1301230004", FORMULAS[3])):
        School.objects.filter(code=code).update(name=name)
    Township.objects.filter(pk=township_a.pk).update(name=FORMULAS[2])
    SchoolClass.objects.filter(school=school_a, grade=1).update(name=FORMULAS[1])
    ApprovedPosts.objects.create(school=school_a, year=2025, posts=30)
    school_a.refresh_from_db()
    township_a.refresh_from_db()
    assessment = assessment_run_now(county=county, year=2025, scheme="quality-2017", user=bureau)

    world.file_case(
        township_official,
        township_a,
        school_a,
        name=FORMULAS[0],
        village=FORMULAS[1],
        household_address=FORMULAS[2],
        guardian_name=FORMULAS[3],
        guardian_relation="=父亲",
        reason_detail=FORMULAS[0],
        class_name="-1班",
    )
    rect_services.item_create(
        user=bureau,
        county=county,
        schools=[school_a],
        data=world.rectification_item_data(
            problem=FORMULAS[0],
            measures=FORMULAS[1],
            target=FORMULAS[2],
            lead_unit=FORMULAS[3],
            responsible_person="-王科长",
            cooperating_units="+县财政局",
        ),
    )

    rows = world.survey_rows(bureau, county, school_a)
    Survey.objects.filter(pk=rows.survey.pk).update(title=FORMULAS[0])
    survey_services.survey_open(user=bureau, survey=rows.survey)
    url = reverse("surveys:answer", args=[rows.invitation.token])
    for text in FORMULAS:
        client = Client()
        token = world.form_token(client.get(url).content.decode())
        assert (
            client.post(url, world.survey_answer_data(rows.invitation, token, text=text)).status_code == 302
        )
    return {"assessment": assessment, "survey": rows.survey}


def _exports(h):
    """(name, persona, url, query, must the hostile text appear in it)."""
    a, s = h["assessment"].pk, h["survey"].pk
    rows = [
        ("schools", "bureau", reverse("schools:export", args=["schools"]), {}, True),
        ("conditions", "bureau", reverse("schools:export", args=["conditions"]), {"year": 2025}, False),
        ("teachers", "bureau", reverse("schools:export", args=["teachers"]), {"year": 2025}, True),
        ("classes", "bureau", reverse("schools:export", args=["classes"]), {"year": 2025}, True),
        ("表Ⅱ", "bureau", reverse("indicators:export_table2", args=[a]), {}, True),
        ("表Ⅲ", "bureau", reverse("indicators:export_table3", args=[a]), {}, False),
        ("dropout ledger", "township_official", reverse("dropout_control:ledger_export"), {}, True),
        ("dropout monthly report", "bureau", reverse("dropout_control:report_monthly_xlsx"), {}, True),
        ("dropout quarterly report", "bureau", reverse("dropout_control:report_quarterly_xlsx"), {}, True),
        ("rectification ledger", "bureau", reverse("rectification:export"), {}, True),
        ("workforce", "bureau", reverse("workforce:export"), {"year": 2025}, True),
        ("survey results", "bureau", reverse("surveys:results_export", args=[s]), {}, True),
    ]
    templates = [
        (f"school template {k}", "bureau", reverse("schools:import_template", args=[k]), {}, False)
        for k in ("schools", "conditions", "teachers", "classes")
    ]
    templates += [
        (f"workforce template {k}", "bureau", reverse("workforce:import_template", args=[k]), {}, False)
        for k in ("posts", "exchanges", "training", "joined")
    ]
    templates += [
        ("dropout ledger template", "bureau", reverse("dropout_control:ledger_template"), {}, False),
        ("retention template", "bureau", reverse("dropout_control:cohort_template"), {}, False),
        ("feedback template", "bureau", reverse("rectification:import_template"), {}, False),
    ]
    return rows + templates


def test_every_xlsx_export_neutralises_formulas(request, login, hostile):
    problems = []
    for name, persona, url, query, carries in _exports(hostile):
        response = login(request.getfixturevalue(persona)).get(url, query)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), name
        workbook = load_workbook(io.BytesIO(response.content))
        seen = False
        for ws in workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append((name, cell.coordinate, "formula cell", cell.value))
                    elif isinstance(cell.value, str):
                        if cell.value.startswith(DANGEROUS):
                            problems.append((name, cell.coordinate, cell.value))
                        seen = seen or cell.value.startswith("'")
        if carries and not seen:
            problems.append((name, "the hostile text does not reach this export"))
    assert problems == [], "\n".join(map(str, problems))


def test_the_neutralised_text_keeps_what_was_typed_after_the_apostrophe(login, bureau, hostile):
    body = login(bureau).get(reverse("rectification:export")).content
    values = {
        c.value for ws in load_workbook(io.BytesIO(body)).worksheets for row in ws.iter_rows() for c in row
    }
    assert "'" + FORMULAS[0] in values and "'" + FORMULAS[3] in values


def test_numbers_stay_numbers_even_when_negative():
    from balance_inspect.xlsx import Sheet, write_xlsx

    data = write_xlsx([Sheet("t", ["a", "b", "c", "d"], [[-1, -2.5, "-1", "=1+1"]])])
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))[0]
    assert [c.value for c in cells] == [-1, -2.5, "'-1", "'=1+1"]
    assert [c.data_type for c in cells] == ["n", "n", "s", "s"]


# --- the round trip: export, re-import, the data comes back without the guard (finding 14) -------

CMD = "=cmd|' /C calc'!A0"


def test_a_school_named_like_a_formula_survives_export_and_re_import(
    login, bureau, county, school_a, school_b
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schools.models import ImportRecord

    School.objects.filter(pk=school_a.pk).update(name=CMD)
    School.objects.filter(pk=school_b.pk).update(name="'普通名称")  # the user's own apostrophe stays
    client = login(bureau)
    response = client.get(reverse("schools:export", args=["schools"]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [c for row in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True) for c in row]
    assert "'" + CMD in cells  # the export is guarded

    School.objects.filter(pk=school_a.pk).update(name="改过的名字")
    upload = SimpleUploadedFile("学校.xlsx", body)
    assert (
        client.post(reverse("schools:import_start"), {"kind": "schools", "file": upload}).status_code == 302
    )
    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportRecord.Status.PREVIEWED, record.errors
    client.post(reverse("schools:import_confirm", args=[record.pk]))
    school_a.refresh_from_db()
    school_b.refresh_from_db()
    assert school_a.name == CMD
    assert school_b.name == "'普通名称"


@pytest.mark.parametrize("text", [CMD, "+1+1", "-1", "@SUM(A1)", "\t=1", "-", "'=x", "'普通", "普通", 12])
def test_reading_back_undoes_exactly_what_the_writer_did(text):
    from balance_inspect.xlsx import safe_cell_value, unguard_cell_value

    assert unguard_cell_value(safe_cell_value(text)) == text
