"""The duplicate-case check tells nothing of a case outside the user's area: typing a child's ID
number must not reveal another area's case (issue 15, finding 7)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dropout_control.models import DropoutCase

pytestmark = pytest.mark.django_db


def case_form(township, school, *, id_number, sex="male"):
    return {
        "township": township.pk,
        "school": school.pk,
        "village": "东村",
        "kind": "dropout",
        "name": "王小强",
        "sex": sex,
        "ethnicity": "汉族",
        "birth_date": "2012-03-05",
        "id_number": id_number,
        "household_address": "滨河县城关镇东村 12 号",
        "grade": 7,
        "class_name": "2班",
        "absent_since": (timezone.localdate() - timedelta(days=6)).isoformat(),
        "guardian_name": "王大山",
        "guardian_relation": "父亲",
        "guardian_phone": "13800000000",
        "reason": "learning",
    }


def file_again(client, township, school, case, sex="male"):
    response = client.post(
        reverse("dropout_control:create"), case_form(township, school, id_number=case.id_number, sex=sex)
    )
    assert response.status_code == 200  # the form again, with the refusal
    return response


def refusal(response):
    return " ".join(response.context["form"].errors["id_number"])


def assert_reveals_nothing(response, case):
    message = refusal(response)
    assert "其他地区已有未销号的个案" in message and "县教育局" in message
    for secret in (case.number, case.county.name, case.township.name, case.get_status_display()):
        assert secret not in message, secret
    assert case.number not in response.content.decode()


# --- finding 7: the duplicate-case check ---------------------------------------------------------


def test_typing_another_countys_childs_id_number_reveals_nothing_of_its_case(
    login, township_official, township_a, school_a, other_case
):
    assert_reveals_nothing(file_again(login(township_official), township_a, school_a, other_case), other_case)
    assert DropoutCase.objects.count() == 1


def test_another_townships_case_is_not_revealed_to_a_township_official(
    login, township_official, township_a, school_a, paper_b
):
    response = file_again(login(township_official), township_a, school_a, paper_b.case, sex="female")
    assert_reveals_nothing(response, paper_b.case)


def test_bureau_staff_of_another_county_learn_nothing_either(login, bureau, township_a, school_a, other_case):
    assert_reveals_nothing(file_again(login(bureau), township_a, school_a, other_case), other_case)


def test_within_own_area_the_open_case_is_named_so_work_goes_on_in_it(
    login, bureau, township_a, school_a, paper_b
):
    message = refusal(file_again(login(bureau), township_a, school_a, paper_b.case, sex="female"))
    assert paper_b.case.number in message and "河口乡" in message and "请在原个案中继续办理" in message
