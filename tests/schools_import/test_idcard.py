"""schools.idcard: GB 11643 check digit and masking, without a database."""

import pytest

from schools.idcard import id_check_digit, is_valid_id_number, mask_id_number, normalize_id_number


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),  # the standard's worked example, check character X
        ("11010519491231002x", True),  # typed in lower case
        ("110105194912310021", False),  # same number, wrong check digit
        ("440524188001010014", True),
        ("440524188001010015", False),
        ("11010519491331002X", False),  # month 13: not a birth date
        ("1101051949123100", False),  # too short
        ("11010519491231002XX", False),  # too long
        ("11010519491231００2X", False),  # full-width digits
        ("", False),
    ],
)
def test_it_checks_the_gb11643_check_character(number, valid):
    assert is_valid_id_number(number) is valid


def test_check_digit_of_the_worked_example_is_x():
    assert id_check_digit("11010519491231002") == "X"


def test_it_masks_birth_date_and_sequence():
    assert mask_id_number("110101199003071234") == "110101********1234"


def test_masking_a_short_value_hides_it_completely():
    assert mask_id_number("12345") == "*****"


def test_normalizing_trims_and_upper_cases_the_check_character():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("110105194912310021", "末位校验码应为 X，实际为 1"),
        ("11010519491331002X", "出生日期 19491331 不是真实日期"),
        ("1101051949123100", "应为 18 位，实际为 16 位"),
        ("11010519491231００2X", "前 17 位应全部为数字"),
        ("11010519491231002Y", "末位应为数字或 X"),
    ],
)
def test_a_wrong_number_says_which_check_failed(number, says):
    from schools.idcard import id_number_problem

    assert says in id_number_problem(number)
    assert id_number_problem("11010519491231002X") is None
