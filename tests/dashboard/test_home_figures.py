"""Key figures on the home page, per role and area."""

import re

from django.urls import reverse

from tests.dashboard.countydata import add_cases


def stats(response) -> dict[str, str]:
    html = response.content.decode()
    return {
        label: re.sub(r"<[^>]+>", "", value).strip()
        for label, value in re.findall(
            r'<div class="label">(.*?)</div>\s*<div class="value">(.*?)</div>', html, flags=re.S
        )
    }


def test_readers_see_county_figures_and_the_verdicts(login, inspector, assessed):
    found = stats(login(inspector).get(reverse("home")))
    assert found["学校"] == "4"
    assert found["义务教育在校生"] == "2,500"  # grouped, as on the dashboard and in the dossier
    assert found["优质均衡评估"] == "未达标"  # the target scheme's current run only
    assert "基本均衡评估" not in found
    assert found["距国检"] == "45 天"
    assert found["控辍在办个案"] == "0"


def test_a_township_official_sees_the_figures_of_the_own_township(login, township_official, small_county):
    add_cases(small_county.county, [small_county.school_a, small_county.third])  # 城关镇
    add_cases(small_county.county, [small_county.school_b])  # 河口乡
    found = stats(login(township_official).get(reverse("home")))
    assert found["本乡镇学校"] == "3"  # 城关小学, 东关小学, 城关中学
    assert found["义务教育在校生"] == "2,000"
    assert found["在办辍学个案"] == "2"
    assert "学校" not in found


def test_a_school_reporter_sees_the_figures_of_the_own_school(login, reporter, small_county):
    add_cases(small_county.county, [small_county.school_a, small_county.school_b])
    found = stats(login(reporter).get(reverse("home")))
    assert found["义务教育在校生"] == "1,000"
    assert found["超标准班额"] == "20"
    assert found["在办辍学个案"] == "1"
    assert "本乡镇学校" not in found


def test_an_admin_without_a_county_sees_the_first_county(login, admin_user, assessed):
    found = stats(login(admin_user).get(reverse("home")))
    assert found["学校"] == "4"
