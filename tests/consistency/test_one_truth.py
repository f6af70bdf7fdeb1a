"""One truth: a headline figure, status or verdict reads the same on every surface.

For the demo county (and a generated county of multi-stage schools) the figures an inspection
team compares side by side are collected from every surface — the home page, the dashboard, the
assessment page, the readiness board, the dossier PDF's text, the 表Ⅲ workbook and `assess --json`
— and must agree; also after the other scheme was run as a comparison, which must change nothing
that the board, the home page or the dashboard's verdict says.

The expected values come from the stored current assessment and the apps' own selectors; each
surface is read as a person reads it (visible text, PDF text, cell values), never from the
context a template was given.
"""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role, User
from domain import numbers
from indicators.engine import STAGE_LABELS
from indicators.selectors import current_assessment
from indicators.verdict import verdict_text
from tests.ui.test_no_internal_codes import visible_text

pytestmark = pytest.mark.django_db


# --- the counties -------------------------------------------------------------------------------


@pytest.fixture
def demo_county(django_capture_on_commit_callbacks, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):  # the demo assessments run after commit
        call_command("seed_demo", stdout=io.StringIO())
    bureau = User.objects.get(username="bureau")
    return bureau.county, bureau


@pytest.fixture
def generated_county(settings):
    """A small county of every multi-stage kind (九年一贯制, 十二年一贯制, 完全中学) beside plain
    schools and a teaching point, with its assessment run through the same service as the pages."""
    settings.DASHBOARD_CACHE_SECONDS = 0
    from indicators.services import assessment_run_now
    from schools.models import County, School, SchoolClass, SchoolConditions, Teacher, Township

    county = County.objects.create(code="139901", name="一致县")
    towns = [
        Township.objects.create(county=county, name=name, position=i)
        for i, name in enumerate(["城关镇", "河西乡", "北山乡"], start=1)
    ]
    kinds = [
        "小学",
        "小学",
        "初中",
        "九年一贯制学校",
        "九年一贯制学校",
        "十二年一贯制学校",
        "完全中学",
        "小学",
        "初中",
    ]
    schools = []
    for i, kind in enumerate(kinds):
        schools.append(
            School.objects.create(
                code=f"139901{i:04d}",
                name=f"一致县第{i + 1}学校",
                county=county,
                township=towns[i % 3],
                school_type=kind,
                urban_rural="乡村",
            )
        )
    School.objects.create(
        code="1399010099",
        name="一致县河西教学点",
        county=county,
        township=towns[1],
        school_type="教学点",
        urban_rural="乡村",
        parent=schools[0],
    )
    stages = {
        "小学": ("小学",),
        "初中": ("初中",),
        "九年一贯制学校": ("小学", "初中"),
        "十二年一贯制学校": ("小学", "初中", "高中"),
        "完全中学": ("初中", "高中"),
    }
    for n, school in enumerate(schools):
        own = stages[school.school_type]
        pupils = {s: 180 + 37 * n + 11 * k for k, s in enumerate(own)}
        total = sum(pupils.values())
        SchoolConditions.objects.create(
            school=school,
            year=2025,
            primary_students=pupils.get("小学", 0),
            junior_students=pupils.get("初中", 0),
            senior_students=pupils.get("高中", 0),
            building_area=total * (4.1 + n % 4 * 0.6),
            sports_area=total * (7 + n % 3 * 2.1),
            equipment_value=total * (1900 + 300 * (n % 5)),
            computers=total // 9,
            books=total * 28,
            multimedia_rooms=total // 40 + n % 2,
            music_rooms=1,
            art_rooms=1,
        )
        for stage in own:
            if stage == "高中":
                continue
            for j in range(pupils[stage] // 16):
                Teacher.objects.create(
                    school=school,
                    year=2025,
                    staff_no=f"{school.code}{stage}{j}",
                    name=f"教师{j}",
                    stage=stage,
                    full_time=True,
                    education="本科" if j % 3 else "专科",
                    title="一级" if j % 2 else "二级",
                    backbone="县级" if j % 9 == 0 else "无",
                    subject=["语文", "数学", "体育", "音乐", "美术", "英语"][j % 6],
                )
            for j in range(max(1, pupils[stage] // 44)):
                grade = 1 + j % 6 if stage == "小学" else 7 + j % 3
                SchoolClass.objects.create(
                    school=school,
                    year=2025,
                    stage=stage,
                    grade=grade,
                    name=f"{stage}{j + 1}班",
                    students=40 + (n + j) % 14,
                )
    bureau = User.objects.create_user(
        username="yz_bureau", password="x", role=Role.BUREAU, county=county, display_name="一致县教育局"
    )
    assessment_run_now(county=county, year=2025, scheme="quality-2017", user=bureau)
    return county, bureau


# --- reading the surfaces -------------------------------------------------------------------------


def page_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return visible_text(response.content.decode())


def dossier_text(county, year: int, scheme: str) -> str:
    from dossiers.services import build_dossier_pdf

    built = build_dossier_pdf(county, year, scheme)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(built.pdf)).pages)


def table3_cvs(client, assessment) -> dict[tuple[str, str], float]:
    response = client.get(f"/indicators/{assessment.pk}/table3.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "学段")
    return {(r[0], r[1]): r[7] for r in rows[header + 1 :] if r[0] and r[7] is not None}


def assess_json(county, year: int, scheme: str) -> dict:
    out = io.StringIO()
    call_command("assess", county=county.code, year=year, scheme=scheme, json=True, stdout=out)
    return json.loads(out.getvalue())


def squash(text: str) -> str:
    """PDF text breaks lines anywhere: compare without whitespace."""
    return re.sub(r"\s+", "", text)


def headline(result: dict) -> dict:
    """The figures of an assessment document that every surface prints, as they are printed."""
    cvs = {}
    for stage, block in result["stages"].items():
        if not block["units"]:
            continue
        for key, row in block["indicators"].items():
            if row["cv"] is not None:
                cvs[(STAGE_LABELS[stage], key)] = numbers.cv(row["cv"])
    judged = [u for u in result["units"] if u.get("passed") is not None]
    return {
        "verdict": verdict_text(result),
        "cvs": cvs,
        "units": f"{sum(1 for u in judged if u['passed'])} / {len(judged)}",
        "classes": sum(b["classes"]["total"] for b in result["stages"].values()),
        "items": {row["key"]: row for row in result.get("county_items") or []},
    }


def item_figure(row: dict) -> str | None:
    """The figure a county item prints, e.g. "88.3%" from "… = 88.3%（要求 ≥ 85%）"."""
    match = re.search(r"(\d+(?:\.\d+)?%)", row.get("value_text") or row.get("detail") or "")
    return match.group(1) if match else None


# --- the checks ------------------------------------------------------------------------------------


def check_one_truth(county, bureau):
    client = Client()
    client.force_login(bureau)
    current = current_assessment(county)
    assert current.assessment is not None and not current.stale
    stored = current.assessment.result
    fig = headline(stored)

    # assess --json on the same data is the stored document, figure for figure
    fresh = assess_json(county, current.year, current.scheme)
    assert fresh["verdict"] == stored["verdict"] and fresh["passed"] == stored["passed"]
    assert fresh["missing"] == stored["missing"]
    assert headline(fresh)["cvs"] == fig["cvs"] and headline(fresh)["units"] == fig["units"]

    home = page_text(client, "/")
    dashboard = page_text(client, "/dashboard/")
    page = page_text(client, f"/indicators/{current.assessment.pk}/")
    board = page_text(client, "/rectification/readiness/")
    dossier = squash(dossier_text(county, current.year, current.scheme))

    # the verdict
    assert re.search(r"评估\n" + fig["verdict"] + r"\n", home), "home tile"
    assert f"当前评估\n{fig['verdict']} · " in dashboard
    assert page.count(fig["verdict"]) >= 1 and f"{fig['verdict']} · " in page
    assert f"#{current.assessment.pk}" in board
    assert fig["verdict"] in dossier

    # every coefficient, printed the same way
    xlsx = table3_cvs(client, current.assessment)
    labels = {key: label for key, label in _indicator_labels(current.scheme).items()}
    for (stage, key), text in fig["cvs"].items():
        assert text in page, (stage, key, text)
        assert text in dashboard, (stage, key, text)
        assert text in dossier, (stage, key, text)
        assert xlsx[(stage, labels[key])] == float(text), (stage, key)

    # units passing the per-school rule
    if any(u.get("passed") is not None for u in stored["units"]):
        assert f"逐校达标单元\n{fig['units']}" in dashboard

    # teachers and classes
    teachers = re.search(r"专任教师（小学、初中）\n([\d,]+)", home).group(1)
    assert f"专任教师（小学、初中）\n{teachers}" in dashboard
    assert f"班级 {numbers.count(fig['classes'])} 个" in dashboard

    # county items fed by other apps say on every surface what the assessment says
    for key, label in (("social_recognition", "社会认可度"), ("junior_retention", "初中三年巩固率")):
        row = fig["items"].get(key)
        if row is None:
            continue
        figure = item_figure(row)
        if row.get("passed") is None:
            assert figure is None, f"{key}: no data in the assessment, yet a figure {figure}"
            # a rate (the archive folder 社会认可度 "0 / 1" beside it is a count of files, not a figure)
            assert not re.search(label + r"\n[\d.]+%", dashboard), (
                f"{key}: dashboard shows a figure the assessment lacks"
            )
        else:
            assert figure in page and figure in dossier, (key, figure)
            if key == "social_recognition":
                assert f"{label}\n{figure}" in dashboard

    # open ledger items and overdue cases
    open_items = re.search(r"整改未完成\n(\d+)", home)
    if open_items:
        assert f"未完成 {open_items.group(1)} 项" in dashboard
    overdue_home = re.search(r"逾期 (\d+) 件", home)
    if overdue_home:
        n = int(overdue_home.group(1))
        assert f"逾期 {n}" in dashboard
        overdue_page = client.get("/dropout/?overdue=1").content.decode()
        assert overdue_page.count('class="badge bad"') == n
    return {"home": home, "dashboard": dashboard, "board": board, "figures": fig}


def _indicator_labels(scheme: str) -> dict[str, str]:
    from indicators.engine import get_ruleset

    return {ind.key: ind.label for ind in get_ruleset(scheme).indicators}


def board_summary(board: str) -> str:
    """The board's counts (未达标 / 有风险 / 达标) and the assessment it names."""
    head = board.split("方面\n", 1)[0]
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "", head)


def run_other_scheme(county, bureau):
    from indicators.services import assessment_run_now

    other = "basic-2012" if current_assessment(county).scheme == "quality-2017" else "quality-2017"
    assessment_run_now(county=county, year=current_assessment(county).year, scheme=other, user=bureau)


def test_the_demo_county_says_the_same_everywhere_also_after_a_comparison_run(demo_county, monkeypatch):
    from django.utils import timezone

    # The board counts days to the inspection: hold "today" still, so a run that passes midnight
    # (Asia/Shanghai) compares the comparison run's effect, not the calendar's.
    real_localdate, today = timezone.localdate, timezone.localdate()
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: real_localdate(value, tz) if value else today
    )
    county, bureau = demo_county
    before = check_one_truth(county, bureau)
    run_other_scheme(county, bureau)
    after = check_one_truth(county, bureau)
    assert board_summary(after["board"]) == board_summary(before["board"])
    assert after["figures"] == before["figures"]
    tile = re.compile(r"评估\n(达标|未达标|未完成)\n")
    assert tile.search(after["home"]).group(1) == tile.search(before["home"]).group(1)


def test_a_county_of_multi_stage_schools_says_the_same_everywhere(generated_county):
    county, bureau = generated_county
    before = check_one_truth(county, bureau)
    run_other_scheme(county, bureau)
    after = check_one_truth(county, bureau)
    assert board_summary(after["board"]) == board_summary(before["board"])


def test_satisfaction_on_the_dashboard_is_the_assessments_county_item(demo_county):
    county, bureau = demo_county
    row = headline(current_assessment(county).assessment.result)["items"]["social_recognition"]
    client = Client()
    client.force_login(bureau)
    dashboard = page_text(client, "/dashboard/")
    shown = re.search(r"社会认可度\n([\d.]+%)", dashboard)
    assert row["passed"] is not None, "the survey feeds the county item"
    assert shown and shown.group(1) == item_figure(row)
    assert Decimal(shown.group(1).rstrip("%")) >= 0


def test_the_readiness_board_names_each_item_once(demo_county):
    from rectification.selectors import readiness_board

    county, _bureau = demo_county
    from django.utils import timezone

    rows = readiness_board(county, today=timezone.localdate())["rows"]
    names = [(r.area, r.item) for r in rows]
    items = [r.item for r in rows]
    assert len(names) == len(set(names))
    assert not [i for i in set(items) if items.count(i) > 1 and not i.startswith("第")], items
    for word in (
        "360学时培训完成率",
        "教师资格证上岗率",
        "交流轮岗比例（",
    ):  # workforce items: once, as county items
        assert sum(word in i for i in items) == 1, [i for i in items if word in i]
