"""Resident ID numbers (GB 11643-1999): check digit, normalisation, 15-to-18 upgrade, derived facts.

The one parser of ID numbers: the rules, the importer, the registry, the exports and the printed
form read a number's sex, birth date and validity here (`facts`, `birth_date`, `sex_code`,
`well_formed`), and compute ages with `age_on`.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# ASCII digits only: a full-width digit is a character error, not a digit (check_char refuses it)
_ID18 = re.compile(r"^[0-9]{17}[0-9X]$")
_ID15 = re.compile(r"^[0-9]{15}$")


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


def key(raw: object) -> str:
    """`normalise(raw)`, taking a plain number (nearly all of them) as it is, without the cost:
    the form in which numbers are compared and looked up ("" for none)."""
    if isinstance(raw, str) and (raw.isdigit() or (raw.isalnum() and raw.isupper())):
        return raw
    return normalise(raw)


def well_formed(number: str) -> bool:
    """An 18-digit number's shape: 17 ASCII digits and a digit or X (check digit and date unchecked)."""
    return (len(number) == 18 and number.isascii() and number[:17].isdigit()
            and (number[17].isdigit() or number[17] == "X"))


def well_formed15(number: str) -> bool:
    """A 1989-style 15-digit number's shape (15 ASCII digits)."""
    return len(number) == 15 and number.isascii() and number.isdigit()


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


#: "YYYYMMDD" -> that day (None: no such day). Many people share a birthday: each is parsed once.
_DATES: dict[str, dt.date | None] = {}
#: the same, None also for a day before 1900 or after today (the birth date the rules believe)
_PAST_DATES: dict[str, dt.date | None] = {}
DATES_MAX = 200_000  # each cache stops growing here (a county has ~40,000 distinct birthdays)


def _date(digits: str) -> dt.date | None:
    born = _DATES.get(digits)
    if born is not None or digits in _DATES:
        return born
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        born = None
    if len(_DATES) < DATES_MAX:
        _DATES[digits] = born
    return born


def _past_date(digits: str) -> dt.date | None:
    born = _PAST_DATES.get(digits)
    if born is not None or digits in _PAST_DATES:
        return born
    born = _date(digits)
    if born is not None and (born.year < 1900 or born > dt.date.today()):
        born = None
    if len(_PAST_DATES) < DATES_MAX:
        _PAST_DATES[digits] = born
    return born


def birth_date(id_number: object) -> dt.date | None:
    """The day an 18- or 15-digit number gives, if it is a real day (of any year: a future or
    pre-1900 one is the rules' ID-005 to find, and is kept, as the number states it)."""
    s = key(id_number)
    if len(s) == 18:
        return _date(s[6:14])
    if len(s) == 15:
        try:
            return dt.date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))
        except ValueError:
            return None
    return None


def sex_code(id_number: object) -> str | None:
    """'1' male (odd 17th digit), '2' female; None when the number is too short."""
    s = key(id_number)
    digit = s[16] if len(s) == 18 else s[14] if len(s) == 15 else None
    if digit is None or not digit.isdigit():
        return None
    return "1" if int(digit) % 2 else "2"


def sex_and_birth(id_number: str) -> tuple[str | None, dt.date | None]:
    """`(sex_code(n), birth_date(n))`, quickly for an 18-digit number (the importer fills in the
    sex and birth date of every member of a roster without those columns)."""
    if len(id_number) == 18 and id_number.isascii() and id_number[:17].isdigit():
        digits = id_number[6:14]
        born = _DATES.get(digits)
        if born is None and digits not in _DATES:
            born = _date(digits)
        return ("1" if id_number[16] in "13579" else "2"), born
    return sex_code(id_number), birth_date(id_number)


def problems(id_number: object, *, today: dt.date | None = None) -> list[IdProblem]:
    """Everything wrong with an 18-digit resident ID number; an empty list means valid."""
    s = normalise(id_number)
    if not s:
        return [IdProblem.EMPTY]
    if well_formed15(s):
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
    """Completed years on a date (a person born on 29 Feb turns a year older on 1 Mar): the one
    age computation of povdesk (the rules, the assessment, the printed form, the window)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def birth_of(recorded: dt.date | None, id_number: str | None) -> dt.date | None:
    """A person's birth date for their age: the recorded one, else the one their ID number gives
    (`facts`: 18 characters, a real date from 1900 up to today). The rules take it so
    (`make_member`, from the facts it already holds); so does everything that shows an age."""
    return recorded if recorded is not None else facts(id_number)[2]


#: What an ID number says about its holder, as the rules read it (`facts`): (valid, sex,
#: birth date). `valid`: a valid 18-digit number (right check digit, a real birth date from 1900
#: up to today); `sex`: '1' male, '2' female (digit 17), None unless 18 characters of which the
#: first 17 are digits; `birth_date`: the one in digits 7-14 when a real day from 1900 up to today.
#: A plain tuple, not a NamedTuple: the cache holds one per person of the county, and the garbage
#: collector stops tracking a plain tuple of plain values (a NamedTuple it scans at every collection,
#: slowing the whole check run).
IdFacts = tuple[bool, str | None, dt.date | None]
NOT_AN_ID: IdFacts = (False, None, None)
_FACTS: dict[str | None, IdFacts] = {}
FACTS_MAX = 400_000  # numbers remembered; the cache starts over when full (a county has ~90,000)


def facts(number: str | None) -> IdFacts:
    """Validity, sex and birth date of an 18-character number whose first 17 are digits (a wrong
    check digit does not hide the sex and birth date the other digits give); `NOT_AN_ID` for any
    other. Any spelling (normalised here); fastest with a `key`.

    Remembered per number (a function of the number alone, up to the day's date): the check
    engine reads 90,000 members a run, and a county re-checked after an edit recomputes nothing
    for the people it has seen."""
    found = _FACTS.get(number)
    if found is not None:
        return found
    s = key(number)
    if len(s) != 18 or not (s.isascii() and s[:17].isdigit()):
        return NOT_AN_ID
    born = _past_date(s[6:14])
    found = check_char(s[:17]) == s[17] and born is not None, "2" if s[16] in "02468" else "1", born
    if len(_FACTS) >= FACTS_MAX:
        _FACTS.clear()
    _FACTS[number] = found
    return found


def make(region: str, born: dt.date, sequence: int) -> str:
    """A valid number for the demo county and tests: region + birth date + 3-digit sequence."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
