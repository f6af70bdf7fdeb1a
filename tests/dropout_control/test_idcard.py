"""GB 11643 identity numbers: check digit, validity, masking (schools.idcard, no database)."""

import pytest

from schools.idcard import id_check_digit, is_valid_id_number, mask_id_number, normalize_id_number


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # the standard's worked example
        ("44030819900101001", "7"),  # computed by hand: 192 mod 11 = 5
        ("13012320120305011", "3"),  # 141 mod 11 = 9
    ],
)
def test_check_digit_follows_iso_7064_mod_11_2(first17, check):
    assert id_check_digit(first17) == check


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),  # typed in lower case
        ("110105194912310021", False),  # wrong check digit
        ("11010519491331002X", False),  # month 13
        ("11010520230229002X", False),  # 2023-02-29 does not exist
        ("11010519491231002", False),  # 17 characters
        ("1101051949123100２X", False),  # a full-width digit
        ("", False),
    ],
)
def test_validity_needs_length_digits_real_date_and_check(number, valid):
    assert is_valid_id_number(number) is valid


def test_check_digit_refuses_non_digits():
    with pytest.raises(ValueError):
        id_check_digit("1101051949123100A")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("1101", "****"),
        ("", ""),
    ],
)
def test_masking_keeps_area_code_and_last_four(number, masked):
    assert mask_id_number(number) == masked


def test_normalize_upper_cases_and_trims():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
