"""The schools × indicators table: one row per unit, cells coloured by the margin to the standard."""

import re

import pytest
from django.urls import reverse

from indicators.services import assessment_run_now
from tests.dashboard.countydata import build_county

URL = reverse("dashboard:schools")


def rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def cell(row_html: str, title_prefix: str = "标准 4.5") -> str:
    """The class of the first cell whose standard is the primary building-area line (4.5)."""
    return re.search(rf'<td class="num ([a-z]+)" title="{title_prefix}">', row_html).group(1)


@pytest.mark.parametrize("persona", ["township_official", "reporter"])
def test_township_officials_and_reporters_are_refused(request, login, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_each_unit_is_a_row_with_a_drill_down_to_its_school(login, inspector, assessed, small_county):
    response = login(inspector).get(URL)
    assert response.status_code == 200
    found = rows(response)
    assert len(found) == 4
    for school in (small_county.school_a, small_county.school_b, small_county.third, small_county.junior):
        assert reverse("schools:detail", args=[school.code]) + "?year=2025" in response.content.decode()


def test_cells_are_coloured_by_their_margin_to_the_per_school_standard(login, inspector, assessed):
    by_name = {re.search(r'">([^<]+)</a>', r).group(1): r for r in rows(login(inspector).get(URL))}
    assert cell(by_name["城关小学"]) == "ok"  # 4.5 ㎡ = 100 %
    assert cell(by_name["河口小学"]) == "warn"  # 4.0 ㎡ = 88.9 %
    assert cell(by_name["东关小学"]) == "fail"  # 3.0 ㎡ = 66.7 %
    assert "badge bad" in by_name["东关小学"] and "badge ok" in by_name["河口小学"]


def test_the_basic_scheme_lists_values_without_colours(login, inspector, assessed):
    response = login(inspector).get(URL, {"scheme": "basic-2012"})
    html = response.content.decode()
    assert "没有全国统一的逐校标准" in html
    assert not re.search(r'<td class="num (ok|warn|fail)"', html.split("<tbody>", 1)[1])


def test_the_table_is_sorted_on_the_server_by_any_column(login, inspector, assessed):
    response = login(inspector).get(URL, {"sort": "building_area_pp", "dir": "desc"})
    names = [re.search(r'">([^<]+)</a>', r).group(1) for r in rows(response)]
    # building area per student: 城关中学 6.0, 城关小学 4.5, 河口小学 4.0, 东关小学 3.0
    assert names == ["城关中学", "城关小学", "河口小学", "东关小学"]
    assert 'aria-sort="descending"' in response.content.decode()
    ascending = login(inspector).get(URL, {"sort": "building_area_pp", "dir": "asc"})
    assert [re.search(r'">([^<]+)</a>', r).group(1) for r in rows(ascending)] == list(reversed(names))


def test_an_unknown_sort_column_falls_back_to_the_school_code(login, inspector, assessed):
    response = login(inspector).get(URL, {"sort": "name; drop table"})
    assert response.status_code == 200
    assert [re.search(r"<small class=\"muted\">(\d+)</small>", r).group(1) for r in rows(response)] == [
        "1301230001",
        "1301230002",
        "1301230003",
        "1301230004",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "junior"}, {"城关中学"}),
        ({"township": "河口乡"}, {"河口小学"}),
        ({"urban_rural": "镇区"}, {"东关小学"}),
        ({"township": "城关镇", "stage": "primary"}, {"城关小学", "东关小学"}),
    ],
)
def test_filters_keep_the_matching_units(login, inspector, assessed, params, expected):
    found = {re.search(r'">([^<]+)</a>', r).group(1) for r in rows(login(inspector).get(URL, params))}
    assert found == expected


def test_the_table_is_paged_by_fifty_and_keeps_the_sort_on_other_pages(login, bureau, county):
    build_county(county, 60, cases=False)
    assessment_run_now(county=county, year=2025, scheme="quality-2017", user=bureau)
    first = login(bureau).get(URL, {"sort": "students"})
    assert len(rows(first)) == 50
    assert "第 1 / 2 页，共 60 条" in first.content.decode()
    second = login(bureau).get(URL, {"sort": "students", "page": 2})
    assert len(rows(second)) == 10
    last_students = [int(re.findall(r'<td class="num">(\d+)</td>', r)[0]) for r in rows(second)]
    assert last_students == sorted(last_students)


def test_a_county_without_an_assessment_says_so(login, inspector, small_county):
    response = login(inspector).get(URL)
    assert response.status_code == 200
    assert "尚无完成的评估" in response.content.decode()
