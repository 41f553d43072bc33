"""Resident ID numbers (GB 11643-1999): check digit, normalisation, 15-to-18 upgrade, derived facts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


class IdProblem(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"  # not 15/18 (20/22 are disability-certificate numbers)
    NOT_UPGRADED = "not_upgraded"  # a 15-digit number
    CHARACTERS = "characters"
    BIRTH_DATE = "birth_date"  # not a real date, before 1900 or in the future
    CHECK_DIGIT = "check_digit"


def normalise(raw: object) -> str:
    """Strip spaces, the `="…"` Excel guard and apostrophes; upper-case the X."""
    if raw is None:
        return ""
    s = str(raw).strip()
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1]
    s = s.strip("'\u2018\u2019 \t")
    s = "".join(s.split())
    return s.upper()


def check_char(first17: str) -> str:
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"need 17 digits, got {first17!r}")
    # The weights are 2^(18-i) mod 11 and 13 = 2 (mod 11), so the weighted sum is, mod 11, twice
    # the 17 digits read as a base-13 number: one C-level int() instead of 17 multiplications.
    return CHECK_CHARS[2 * int(first17, 13) % 11]


def upgrade15(id15: str) -> str:
    """The 18-digit number of a 1989-style 15-digit one ('19' inserted, check digit appended)."""
    id15 = normalise(id15)
    if not _ID15.match(id15):
        raise ValueError(f"not a 15-digit ID number: {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


def birth_date(id_number: str) -> dt.date | None:
    s = normalise(id_number)
    try:
        if len(s) == 18:
            return dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
        if len(s) == 15:
            return dt.date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))
    except ValueError:
        return None
    return None


def sex_code(id_number: str) -> str | None:
    """'1' male (odd 17th digit), '2' female; None when the number is too short."""
    s = normalise(id_number)
    digit = s[16] if len(s) == 18 else s[14] if len(s) == 15 else None
    if digit is None or not digit.isdigit():
        return None
    return "1" if int(digit) % 2 else "2"


def problems(id_number: object, *, today: dt.date | None = None) -> list[IdProblem]:
    """Everything wrong with an 18-digit resident ID number; an empty list means valid."""
    s = normalise(id_number)
    if not s:
        return [IdProblem.EMPTY]
    if len(s) == 15 and s.isdigit():
        return [IdProblem.NOT_UPGRADED]
    if len(s) != 18:
        return [IdProblem.LENGTH]
    if not _ID18.match(s):
        return [IdProblem.CHARACTERS]
    found: list[IdProblem] = []
    born = birth_date(s)
    if born is None or born.year < 1900 or born > (today or dt.date.today()):
        found.append(IdProblem.BIRTH_DATE)
    if check_char(s[:17]) != s[17]:
        found.append(IdProblem.CHECK_DIGIT)
    return found


def is_valid(id_number: object, *, today: dt.date | None = None) -> bool:
    return not problems(id_number, today=today)


def age_on(born: dt.date, on: dt.date) -> int:
    """Completed years on a date (a person born on 29 Feb turns a year older on 1 Mar)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: dt.date | None
    sex: str | None
    region: str


def facts(id_number: str) -> IdFacts:
    s = normalise(id_number)
    return IdFacts(s, birth_date(s), sex_code(s), s[:6])


def make(region: str, born: dt.date, sequence: int) -> str:
    """A valid number for the demo county and tests: region + birth date + 3-digit sequence."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
