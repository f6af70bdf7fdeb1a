"""Plain helpers of the dropout-control tests (valid ID numbers, ledger data, a logged visit)."""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from dropout_control import services
from schools.idcard import id_check_digit

_seq = count(1)


def make_id(birth: date = date(2012, 3, 5), male: bool = True, area: str = "130123") -> str:
    """A valid 18-character ID number (fresh sequence number on every call)."""
    n = next(_seq) % 50
    seq = f"{n:02d}{1 if male else 2}"
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + id_check_digit(first17)


def ledger_data(township, school=None, **overrides) -> dict:
    birth = overrides.pop("birth_date", date(2012, 3, 5))
    male = overrides.pop("male", True)
    data = {
        "township": township,
        "school": school,
        "village": "东村",
        "kind": "dropout",
        "name": "张小明",
        "sex": "male" if male else "female",
        "ethnicity": "汉族",
        "birth_date": birth,
        "id_number": make_id(birth, male),
        "student_number": "",
        "household_address": "滨河县城关镇东村 12 号",
        "current_address": "",
        "grade": 7,
        "class_name": "2班",
        "absent_since": timezone.localdate() - timedelta(days=6),
        "poverty_household": False,
        "disability_type": "",
        "disability_grade": "",
        "left_behind": True,
        "orphan": False,
        "migrant": False,
        "guardian_name": "张大山",
        "guardian_relation": "父亲",
        "guardian_phone": "13800000000",
        "reason": "learning",
        "reason_detail": "",
        "assistance_measures": "",
    }
    data.update(overrides)
    return data


def add_visit(user, case, **overrides):
    data = {
        "visited_on": case.absent_since + timedelta(days=1),
        "method": "home_visit",
        "gov_people": "李镇长",
        "edu_people": "陈老师",
        "result": "undecided",
        "result_detail": "监护人同意考虑",
    }
    data.update(overrides)
    return services.persuasion_log_add(user=user, case=case, data=data)
