"""One school's page: facts, yearly conditions, teachers (names only for those who keep the data),
classes with size bands, teaching points; other areas are a 404."""

import pytest

from tests.factories import ClassFactory, ConditionsFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "13012319850312002X"


def url(school):
    return f"/schools/{school.code}/"


@pytest.fixture
def school_data(school_a):
    ConditionsFactory(school=school_a, year=2024, primary_students=790)
    ConditionsFactory(school=school_a, year=2025, primary_students=812)
    TeacherFactory(school=school_a, year=2025, name="刘珺", id_number=ID_NUMBER, subject="音乐")
    TeacherFactory(school=school_a, year=2025, name="张堃", subject="数学", backbone="县级")
    TeacherFactory(school=school_a, year=2024, name="王昇", subject="体育")
    ClassFactory(school=school_a, year=2025, grade=1, name="一年级（1）班", students=44)
    ClassFactory(school=school_a, year=2025, grade=1, name="一年级（2）班", students=47)
    ClassFactory(school=school_a, year=2025, grade=6, name="六年级（1）班", students=58)
    ClassFactory(school=school_a, year=2025, grade=6, name="六年级（2）班", students=67)
    return school_a


def html_of(client, school, **params):
    response = client.get(url(school), params)
    assert response.status_code == 200
    return response.content.decode()


def test_bureau_sees_facts_all_years_and_teacher_names(login, bureau, school_data):
    html = html_of(login(bureau), school_data)
    assert "城关小学" in html and "1301230001" in html and "城关镇" in html
    assert "2024—2025" in html and "2025—2026" in html and ">790<" in html and ">812<" in html
    assert "刘珺" in html and "张堃" in html
    assert "王昇" not in html  # 2024 roster; the page shows the latest year


def test_the_year_parameter_switches_teachers_and_classes(login, bureau, school_data):
    html = html_of(login(bureau), school_data, year=2024)
    assert "王昇" in html and "刘珺" not in html
    assert "该学年尚无班级数据" in html


def test_identity_numbers_are_masked_even_for_bureau(login, bureau, school_data):
    html = html_of(login(bureau), school_data)
    assert ID_NUMBER not in html
    assert "130123********002X" in html


def test_own_reporter_sees_teacher_names(login, reporter, school_data):
    assert "刘珺" in html_of(login(reporter), school_data)


def test_inspector_sees_counts_but_no_teacher_names(login, inspector, school_data):
    html = html_of(login(inspector), school_data)
    assert "刘珺" not in html and "张堃" not in html
    assert "音乐" in html and "数学" in html  # the subject × stage count table
    assert "仅向教育局工作人员和本校填报员显示" in html


def test_township_official_sees_counts_but_no_teacher_names(login, township_official, school_data):
    html = html_of(login(township_official), school_data)
    assert "刘珺" not in html and "音乐" in html


def test_over_standard_classes_include_the_large_bands_and_each_class_names_its_band(
    login, bureau, school_data
):
    html = html_of(login(bureau), school_data)
    # 47, 58 and 67 are all above 45: one 超标准班额 figure, the bands inside it named as such.
    assert "超标准班额 3 个（其中大班额 1 个，超大班额 1 个）" in html
    assert '<span class="badge bad">超大班额</span>' in html
    assert '<span class="badge warn">超标准（未达大班额）</span>' in html


def test_a_central_school_lists_its_teaching_points(login, bureau, school_a, township_a):
    point = SchoolFactory(
        township=township_a, code="1301230009", name="城关东沟教学点", school_type="教学点", parent=school_a
    )
    html = html_of(login(bureau), school_a)
    assert "下辖教学点" in html and "城关东沟教学点" in html
    assert "城关小学" in html_of(login(bureau), point)  # and the point links back to its parent


def test_edit_links_show_for_editors_only(login, bureau, inspector, school_data):
    assert "/conditions/2025/edit/" in html_of(login(bureau), school_data)
    assert "/conditions/add/" in html_of(login(bureau), school_data)
    assert "/conditions/" not in html_of(login(inspector), school_data)


@pytest.mark.parametrize("who", ["other_bureau", "other_township_official"])
def test_a_school_outside_the_area_is_a_404(request, login, who, school_data):
    user = request.getfixturevalue(who)
    assert login(user).get(url(school_data)).status_code == 404


def test_a_reporter_gets_404_for_another_school(login, reporter, school_b):
    assert login(reporter).get(url(school_b)).status_code == 404


def test_an_unknown_code_is_a_404(login, bureau):
    assert login(bureau).get("/schools/9999999999/").status_code == 404


def test_it_requires_login(client, school_a):
    assert client.get(url(school_a)).status_code == 302


def test_the_read_pages_only_answer_get(login, inspector, school_a):
    client = login(inspector)
    assert client.post(url(school_a)).status_code == 405
    assert client.post("/schools/").status_code == 405
