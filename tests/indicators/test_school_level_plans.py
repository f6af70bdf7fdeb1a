"""A nine-year school in a stored assessment: the gap plan, the what-if, the gaps page and the
rectification proposals all speak of the addition to the WHOLE school (issue 13, finding 5).

东关学校 (九年一贯制, 400 primary + 300 junior pupils) has 3500 ㎡ of teaching rooms, shared by
400 + 1.1 × 300 = 730 student-equivalents: the junior part's 1582.19 ㎡ is 5.27 per pupil, short
of 5.8. The junior part needs 157.81 ㎡ more, which it gets only from ≈ 349.08 ㎡ added to the
whole school; the per-part figure (157.81) added to the school would leave it short.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Assessment
from indicators.selectors import what_if_for
from tests.factories import ConditionsFactory, SchoolFactory
from tests.indicators.conftest import YEAR, add_teachers

pytestmark = pytest.mark.django_db

CODE = "1301230009"
SHARE = 330 / 730


@pytest.fixture
def nine_year(county_data):
    school = SchoolFactory(
        township=county_data.school_a.township,
        code=CODE,
        name="东关学校",
        school_type="九年一贯制学校",
        urban_rural="城区",
    )
    ConditionsFactory(
        school=school,
        year=YEAR,
        primary_students=400,
        junior_students=300,
        building_area=3500,
        sports_area=12000,
        equipment_value=2_000_000,
        computers=120,
        books=30000,
        multimedia_rooms=20,
        music_rooms=2,
        art_rooms=2,
    )
    add_teachers(school, 25, backbone="县级", subject="体育", prefix="N")
    add_teachers(school, 20, stage="初中", backbone="县级", subject="美术", prefix="M")
    return school


@pytest.fixture
def assessed(nine_year, bureau):
    from indicators.services import assessment_run_now

    return assessment_run_now(county=nine_year.county, year=YEAR, scheme="quality-2017", user=bureau)


def building_gap(assessment):
    return next(
        g
        for g in assessment.result["gaps"]["units"]
        if g["school_code"] == CODE and g["indicator"] == "building_area_pp"
    )


def junior_building(result):
    return next(u for u in result["units"] if u["school_code"] == CODE and u["stage"] == "junior")["values"][
        "building_area_pp"
    ]


def test_the_stored_gap_plan_states_the_addition_to_the_whole_school(assessed):
    gap = building_gap(assessed)
    need_for_part = 5.8 * 300 - 3500 * SHARE
    assert gap["stage"] == "junior" and gap["school_level"] is True
    assert gap["addition"] == pytest.approx(need_for_part / SHARE, abs=0.01)
    assert gap["part_addition"] == pytest.approx(gap["addition"] * SHARE)
    assert [s["school_code"] for s in assessed.inputs["splits"]] == [CODE]


def test_the_plans_addition_through_the_what_if_makes_the_part_reach_the_standard(assessed):
    gap = building_gap(assessed)
    after = what_if_for(assessed, [(CODE, "school", "building_area", gap["addition"])])
    assert junior_building(after) >= 5.8
    assert junior_building(after) == pytest.approx(gap["new_value"], rel=1e-12)
    one_cent_less = float(Decimal(str(gap["addition"])) - Decimal("0.01"))
    assert junior_building(what_if_for(assessed, [(CODE, "school", "building_area", one_cent_less)])) < 5.8
    # Naming the junior part changes the shared rooms of the whole school all the same.
    same = what_if_for(assessed, [(CODE, "junior", "building_area", gap["addition"])])
    assert junior_building(same) == junior_building(after)


def test_a_what_if_on_an_assessment_stored_without_splits_still_runs(assessed):
    inputs = dict(assessed.inputs)
    inputs.pop("splits")
    Assessment.objects.filter(pk=assessed.pk).update(inputs=inputs)
    assessed.refresh_from_db()
    after = what_if_for(assessed, [(CODE, "junior", "building_area", 100)])
    assert junior_building(after) == pytest.approx(junior_building(assessed.result) + 100 / 300)


def test_gaps_page_says_the_addition_is_for_the_whole_school(assessed, bureau, login):
    html = login(bureau).get(reverse("indicators:gaps", args=[assessed.pk])).content.decode()
    gap = building_gap(assessed)
    assert f"{gap['addition']:.2f}" in html
    assert "全校增加，初中部分按折算比例分得" in html


def test_what_if_page_offers_the_whole_school_and_names_it(assessed, inspector, login):
    client = login(inspector)
    url = reverse("indicators:what_if", args=[assessed.pk])
    assert f'value="{CODE}:school"' in client.get(url).content.decode()
    params = {"unit_0": f"{CODE}:junior", "field_0": "building_area", "delta_0": "350"}
    html = client.get(url, params).content.decode()
    assert "东关学校（全校，按折算比例分摊到各学段）" in html
    refused = client.get(
        url, {"unit_0": f"{CODE}:school", "field_0": "students", "delta_0": "5"}
    ).content.decode()
    assert "在校生和教师须按学段调整" in refused


def test_rectification_proposal_targets_the_whole_school(assessed, bureau):
    from rectification.services import proposals_from_assessment

    proposals = {p.key: p for p in proposals_from_assessment(assessed, user=bureau)}
    proposal = proposals[f"unit:{CODE}:junior:building_area_pp"]
    gap = building_gap(assessed)
    found = re.match(
        r"全校增加教学及辅助用房面积 ([\d,.]+) ㎡（按折算学生数分摊，初中部分分得 ([\d,.]+) ㎡）",
        proposal.target,
    )
    assert found, proposal.target
    school_level, part = (float(x.replace(",", "")) for x in found.groups())
    assert school_level == pytest.approx(gap["addition"], abs=0.005)
    assert part == pytest.approx(gap["part_addition"], abs=0.005) and part < school_level
    assert "使初中部分生均教学及辅助用房面积达到 5.8" in proposal.target


def test_the_gaps_pages_link_to_the_what_if_shows_the_part_reaching_the_standard(assessed, bureau, login):
    client = login(bureau)
    gaps_html = client.get(reverse("indicators:gaps", args=[assessed.pk])).content.decode()
    links = re.findall(r'href="([^"]*what-if/\?[^"]*)"', gaps_html)
    link = next(u for u in links if f"{CODE}%3Ajunior" in u and "building_area" in u).replace("&amp;", "&")
    html = client.get(link).content.decode()
    assert "东关学校（全校，按折算比例分摊到各学段）" in html
    junior_row = re.search(
        r"<td>东关学校（初中）</td><td>生均教学及辅助用房面积</td>.*?</tr>", html, re.S
    ).group(0)
    assert "达到" in junior_row and "未达到" not in junior_row
    # The primary part shares the addition too: its row shows its new value.
    assert "<td>东关学校（小学）</td><td>生均教学及辅助用房面积</td>" in html
