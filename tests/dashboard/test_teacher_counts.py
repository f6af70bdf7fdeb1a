"""Finding 9: one count per teacher kind; the home page, the trends, the overview, the dossier
and the workforce pages name the kind they show and agree on it."""

from django.urls import reverse

from dashboard.selectors import trend_rows
from dossiers.sections import overview
from schools.models import Teacher
from tests.dashboard.conftest import YEAR
from tests.dashboard.test_overview import text


def add_non_counting_rows(small_county):
    """A 高中 teacher and a non-full-time 小学 teacher: 教职工, never 专任教师 (小学、初中)."""
    Teacher.objects.create(
        school=small_county.school_a,
        year=YEAR,
        staff_no="S1",
        name="高中教师",
        stage="高中",
        education="本科",
        title="一级",
        subject="语文",
    )
    Teacher.objects.create(
        school=small_county.school_a,
        year=YEAR,
        staff_no="S2",
        name="教辅人员",
        stage="小学",
        full_time=False,
        education="专科",
        title="未定级",
        subject="其他",
    )


def test_home_trends_overview_and_dossier_show_the_same_full_time_teachers(
    login, bureau, assessed, small_county
):
    add_non_counting_rows(small_county)
    roster = Teacher.objects.filter(school__county=small_county.county, year=YEAR)
    full_time = roster.filter(full_time=True, stage__in=("小学", "初中")).count()
    in_post = roster.filter(stage__in=("小学", "初中")).count()
    assert roster.count() == in_post + 1 and in_post == full_time + 1

    client = login(bureau)
    home = text(client.get(reverse("home")))
    assert f"专任教师（小学、初中） {full_time} " in home
    assert trend_rows(bureau, small_county.county)[-1]["teachers"] == full_time
    assert f"专任教师（小学、初中） {full_time}" in text(client.get(reverse("dashboard:overview")))
    assert (
        overview(small_county.county, YEAR, assessed["quality-2017"].result)["teachers"]["total"] == full_time
    )


def test_the_workforce_page_explains_a_county_surplus_beside_schools_short_of_staff(
    login, bureau, small_county
):
    page = text(login(bureau).get(reverse("workforce:overview")))
    assert "公办学校在岗教职工（小学、初中，含非专任）" in page
    assert "按标准应配" in page and "全县合计" in page
