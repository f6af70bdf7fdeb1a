"""学校自评表: every figure is the current assessment's, per stage, in xlsx, PDF and the zip."""

import io
import json
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from applications import school_forms
from applications.school_forms import (
    NoAssessment,
    build_school_forms,
    school_form_pdf,
    school_form_xlsx,
    school_forms_zip,
)
from domain import numbers
from indicators.engine import get_ruleset
from indicators.services import assessment_run_now
from indicators.tables import table2, value_digits
from tests.applications.test_school_forms_data import YEAR, build_county, school_order

pytestmark = pytest.mark.django_db

SCHEME = "quality-2017"


@pytest.fixture
def county_data(county, township_a, township_b, school_a, school_b):
    schools = build_county(county, township_a, township_b, school_a, school_b)
    assessment = assessment_run_now(county=county, year=YEAR, scheme=SCHEME)
    return {"county": county, "assessment": assessment, "result": assessment.result, **schools}


def _form(forms, code):
    return next(f for f in forms if f["code"] == code)


def _a1_rows(ws):
    """The A1 rows of a form sheet in order: (序号, 数量, 在校生数, 指标值, 是否达标)."""
    return [
        (r[0].value, r[3].value, r[4].value, r[5].value, r[7].value)
        for r in ws.iter_rows()
        if isinstance(r[0].value, str) and r[0].value.startswith("A1.")
    ]


def test_a_nine_year_school_shows_both_stages_with_the_assessment_values_in_the_workbook(county_data):
    forms = build_school_forms(county_data["county"])
    nine = _form(forms, county_data["nine"].code)
    assert [s["part_label"] for s in nine["stages"]] == ["小学部", "初中部"]
    units = {(u["school_code"], u["stage"]): u for u in county_data["result"]["units"]}
    stored = {(u["school_code"], u["stage"]): u for u in county_data["assessment"].inputs["units"]}
    rs = get_ruleset(SCHEME)

    ws = load_workbook(io.BytesIO(school_form_xlsx(nine))).active
    cells = _a1_rows(ws)
    assert len(cells) == 2 * len(rs.indicators)
    for i, stage in enumerate(("primary", "junior")):
        unit = units[(nine["code"], stage)]
        for j, ind in enumerate(rs.indicators):
            no, count, students, value, _ = cells[i * len(rs.indicators) + j]
            assert no == f"A1.{j + 1}"
            assert value == numbers.xlsx_value(unit["values"][ind.key], value_digits(ind.key))
            assert students == unit["students"]
            assert count == pytest.approx(stored[(nine["code"], stage)][ind.resource], abs=0.005)
            # The form's row holds the unrounded value itself, not a recomputation.
            assert nine["stages"][i]["rows"][j]["value"] == unit["values"][ind.key]


def test_each_row_verdict_follows_the_states_of_table2(county_data):
    forms = build_school_forms(county_data["county"])
    expected = {
        (r["school_code"], r["stage"]): [c["state"] for c in r["cells"]]
        for r in table2(county_data["result"])["rows"]
    }
    seen = 0
    for form in forms:
        for stage in form["stages"]:
            states = expected[(form["code"], stage["stage"])]
            assert [line["state"] for line in stage["rows"]] == states
            for line, state in zip(stage["rows"], states, strict=True):
                assert line["verdict"].startswith("达标" if state == "" else "未达标")
            seen += 1
    assert seen == len(county_data["result"]["units"])


def test_the_small_school_fails_its_stage_and_the_workbook_says_so(county_data):
    forms = build_school_forms(county_data["county"])
    small = _form(forms, county_data["small"].code)
    unit = next(u for u in county_data["result"]["units"] if u["school_code"] == small["code"])
    assert unit["passed"] is False
    assert small["stages"][0]["passed_text"] == "否"
    assert small["overall"]["passed"] is False
    ws = load_workbook(io.BytesIO(school_form_xlsx(small))).active
    verdicts = [v for *_, v in _a1_rows(ws)]
    assert "未达标" in verdicts
    summary = [
        r for r in ws.iter_rows(values_only=True) if isinstance(r[0], str) and r[0].startswith("综合评估")
    ]
    assert summary[0][7] == "否"


def test_forms_follow_the_county_school_order_and_a_merged_teaching_point_is_on_its_central_school(
    county_data,
):
    forms = build_school_forms(county_data["county"])
    point = county_data["point"]
    assert [f["code"] for f in forms] == [c for c in school_order(county_data["county"]) if c != point.code]
    assert [f["number"] for f in forms] == list(range(1, len(forms) + 1))
    nine = _form(forms, county_data["nine"].code)
    assert nine["teaching_points"] == [point.name]
    # The teaching point's own classes are printed on the central school's form.
    assert any(r["label"].startswith(point.name) for r in nine["other_rows"])


def test_school_size_and_class_size_rows_are_the_assessment_checks(county_data):
    forms = build_school_forms(county_data["county"])
    nine = _form(forms, county_data["nine"].code)
    size = next(r for r in nine["other_rows"] if r["label"] == "学校规模")
    check = next(r for r in county_data["result"]["checks"]["school_sizes"] if r["code"] == nine["code"])
    assert (size["students"], size["limit"], size["passed"]) == (check["students"], 2500, True)
    assert "小学 300 人，初中 200 人" in size["content"]
    primary = next(r for r in nine["other_rows"] if r["label"] == "小学班额")
    over = [
        c
        for c in county_data["result"]["checks"]["large_classes"]
        if c["code"] == nine["code"] and c["stage"] == "primary"
    ]
    assert (primary["classes"], primary["largest"], primary["over"]) == (8, 47, len(over)) == (8, 47, 1)
    assert primary["passed"] is False
    assert nine["overall"]["passed"] is False and "小学班额" in nine["overall"]["text"]


def test_a_school_under_100_students_is_funded_as_100_with_the_amount_left_to_the_county(county_data):
    forms = build_school_forms(county_data["county"])
    small = _form(forms, county_data["small"].code)
    row = next(r for r in small["other_rows"] if r["label"] == "规模较小学校公用经费")
    assert "按 100 人核定" in row["content"] and "由县填报" in row["content"]
    assert row["verdict"] == numbers.UNDEFINED  # the county item is not entered
    primary = _form(forms, county_data["primary"].code)
    assert not any(r["label"] == "规模较小学校公用经费" for r in primary["other_rows"])


def test_rooms_follow_the_room_check_of_the_assessment(county_data):
    forms = build_school_forms(county_data["county"])
    checks = {r["code"]: r for r in county_data["result"]["checks"]["rooms"]}
    for form in forms:
        rows = [r for r in form["other_rows"] if r["label"] in ("音乐专用教室", "美术专用教室")]
        check = checks[form["code"]]
        for row in rows:
            assert (row["classes"], row["required"]) == (check["classes"], check["required"])
            assert f"应配 {check['required']} 间" in row["content"]
        assert all(r["passed"] for r in rows) == check["passed"]


def test_the_figures_equal_the_assess_json_output(county_data, capsys):
    call_command("assess", county=county_data["county"].code, year=YEAR, scheme=SCHEME, json=True)
    printed = json.loads(capsys.readouterr().out)
    units = {(u["school_code"], u["stage"]): u for u in printed["units"]}
    for form in build_school_forms(county_data["county"]):
        for stage in form["stages"]:
            unit = units[(form["code"], stage["stage"])]
            assert stage["students"] == unit["students"]
            assert stage["passed"] == unit["passed"]
            for line in stage["rows"]:
                assert line["value_text"] == numbers.num(
                    unit["values"][line["key"]], value_digits(line["key"])
                )


def test_the_workbook_is_an_a4_portrait_form_with_a_merged_title_and_print_titles(county_data):
    form = _form(build_school_forms(county_data["county"]), county_data["primary"].code)
    ws = load_workbook(io.BytesIO(school_form_xlsx(form))).active
    assert ws["A1"].value == "滨河县义务教育优质均衡发展学校自评表"
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.page_setup.orientation == "portrait"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == "$1:$3"
    assert ws["C3"].value == "城关小学"
    assert ws["G3"].value == "小学"


def test_no_assessment_is_refused_with_a_chinese_message(county, school_a):
    with pytest.raises(NoAssessment, match="尚无已完成的评估"):
        build_school_forms(county)


_PDF = {}


def test_the_pdf_holds_the_school_name_and_its_values_and_renders(county_data, tmp_path):
    forms = build_school_forms(county_data["county"])
    nine = _form(forms, county_data["nine"].code)
    if "nine" not in _PDF:
        _PDF["nine"] = school_form_pdf(nine)
    pdf = _PDF["nine"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "城关学校" in text and "小学部" in text and "初中部" in text
    for stage in nine["stages"]:
        for line in stage["rows"]:
            assert line["value_text"] in text, line["label"]
            assert line["count_text"] in text
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert sum(1 for px in image.get_flattened_data() if px < 128) > 500, "page 1 looks blank"


def test_the_zip_holds_one_workbook_and_one_pdf_per_school_named_by_number_and_name(county_data):
    forms = build_school_forms(county_data["county"])
    data = school_forms_zip(forms, chunk=2)  # two layouts of two forms: the cut at each form's first page
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        expected = [f"学校自评表/{f['number']:03d}_{f['name']}" for f in forms]
        assert sorted(names) == sorted([*(e + ".xlsx" for e in expected), *(e + ".pdf" for e in expected)])
        for form, stem in zip(forms, expected, strict=True):
            text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(zf.read(stem + ".pdf"))).pages)
            assert form["name"] in text
            others = [f["name"] for f in forms if f["name"] != form["name"] and f["name"] not in form["name"]]
            assert not any(f"（{o}）" in text for o in others)  # each PDF holds its own school only
            assert load_workbook(io.BytesIO(zf.read(stem + ".xlsx"))).active["C3"].value == form["name"]


def test_the_zip_without_pdfs_holds_only_workbooks(county_data):
    forms = build_school_forms(county_data["county"])
    with zipfile.ZipFile(io.BytesIO(school_forms_zip(forms, pdf=False))) as zf:
        assert all(n.endswith(".xlsx") for n in zf.namelist())
        assert len(zf.namelist()) == len(forms)


def test_a_school_name_with_a_slash_gives_a_safe_file_name():
    assert (
        school_forms.form_filename({"number": 7, "name": "城关/小学:一", "code": "1"}) == "007_城关_小学_一"
    )


def test_forms_are_plain_json_so_a_job_can_pass_them_between_steps(county_data):
    forms = build_school_forms(county_data["county"])
    assert json.loads(json.dumps(forms, ensure_ascii=False)) == forms


def test_an_assessment_stored_without_inputs_takes_its_counts_from_the_loader(county_data):
    from indicators.models import Assessment

    before = build_school_forms(county_data["county"])
    Assessment.objects.filter(pk=county_data["assessment"].pk).update(inputs=None)
    after = build_school_forms(county_data["county"])
    assert [f["code"] for f in after] == [f["code"] for f in before]
    for a, b in zip(after, before, strict=True):
        assert [[line["count"] for line in s["rows"]] for s in a["stages"]] == [
            [line["count"] for line in s["rows"]] for s in b["stages"]
        ]
        assert a["other_rows"] == b["other_rows"]


@pytest.mark.parametrize(("second_room", "passes"), [(96, True), (95.99, False)])
def test_a_music_room_counts_from_96_square_metres(county_data, second_room, passes):
    from schools.models import SchoolConditions

    nine = county_data["nine"]  # 13 classes: 2 music rooms needed, 2 recorded
    SchoolConditions.objects.filter(school=nine, year=YEAR).update(
        music_room_areas=[120, second_room], art_room_areas=[90, 90]
    )
    result = assessment_run_now(county=county_data["county"], year=YEAR, scheme=SCHEME).result
    check = next(r for r in result["checks"]["rooms"] if r["code"] == nine.code)
    form = _form(build_school_forms(county_data["county"]), nine.code)
    music = next(r for r in form["other_rows"] if r["label"] == "音乐专用教室")
    art = next(r for r in form["other_rows"] if r["label"] == "美术专用教室")
    assert (music["required"], music["rooms"], music["ok"]) == (2, 2, check["music_ok"])
    assert music["passed"] is passes and art["passed"] is True
    assert check["passed"] is passes
    assert music["verdict"] == ("达标" if passes else "未达标")
    assert ("95.99（不足）" in music["content"]) is not passes
    assert "每间 ≥ 96 ㎡" in music["standard"] and "每间 ≥ 90 ㎡" in art["standard"]
    ws = load_workbook(io.BytesIO(school_form_xlsx(form))).active
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "音乐专用教室")
    assert row[7] == music["verdict"] and "120.00" in row[2]


def test_the_blanks_name_the_founding_year_and_the_small_school_funding(county_data):
    from applications.school_forms import school_form_blanks

    forms = build_school_forms(county_data["county"])
    blanks = school_form_blanks(forms)
    items = [b["item"] for b in blanks]
    assert f"建校年份（{len(forms)} 所学校，由学校填写）" in items
    assert any("规模较小学校" in i and "河口小学" in i for i in items)
    assert all(b["table"] == "学校自评表" and not b["blocking"] for b in blanks)
