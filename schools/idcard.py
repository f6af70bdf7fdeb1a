"""Resident identity card numbers (居民身份证号码, GB 11643-1999), without Django.

An 18-character number is: 6-digit area code, 8-digit birth date (YYYYMMDD), 3-digit
sequence (odd = male, even = female) and one check character computed over the first 17
digits (ISO 7064 MOD 11-2; 10 is written "X").
"""

from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The check character for the first 17 digits; ValueError if they are not 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("身份证号前 17 位应为数字")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def id_birth_date(number: str) -> date | None:
    """The birth date encoded in an 18-character number, or None if it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_is_male(number: str) -> bool:
    """The 17th digit is odd for men and even for women."""
    return int(number[16]) % 2 == 1


def id_number_problem(number: str) -> str | None:
    """Which check of GB 11643 an ID number fails, in Chinese, or None when it passes them all.

    The checks run in the order a clerk would fix them: length, digits, birth date, check
    character. A lower-case "x" is accepted as the check character (people type it that way).
    """
    if not isinstance(number, str) or len(number) != 18:
        length = len(number) if isinstance(number, str) else 0
        return f"身份证号应为 18 位，实际为 {length} 位"
    first17, check = number[:17], number[17].upper()
    if not (first17.isdigit() and first17.isascii()):
        return "身份证号前 17 位应全部为数字"
    if check not in "0123456789X":
        return f"身份证号末位应为数字或 X，实际为“{number[17]}”"
    if id_birth_date(number) is None:
        return f"身份证号第 7–14 位的出生日期 {number[6:14]} 不是真实日期"
    expected = id_check_digit(first17)
    if expected != check:
        return f"身份证号末位校验码应为 {expected}，实际为 {check}（GB 11643），请核对是否有录错的数字"
    return None


def is_valid_id_number(number: str) -> bool:
    """True for 18 characters: 17 ASCII digits, a real birth date and the right check character.

    Callers should store the upper-case form (normalize_id_number).
    """
    return id_number_problem(number) is None


def normalize_id_number(number: str) -> str:
    """Trim spaces and write the check character "X" in upper case."""
    return (number or "").strip().upper()


def mask_id_number(number: str) -> str:
    """110101********1234: area code and the last four kept, birth date and sequence hidden.

    Anything shorter than 11 characters is masked completely, so a malformed value never leaks.
    """
    number = (number or "").strip()
    if len(number) < 11:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
