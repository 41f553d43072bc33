"""ID numbers against the published examples of GB 11643-1999 (domain.md §5.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from povdesk.domain import idnumber as idn

PUBLISHED = ["11010519491231002X", "360426199101010071", "513437198503120017", "513437201006150025"]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_examples_are_valid(number: str) -> None:
    assert idn.is_valid(number)
    assert idn.check_char(number[:17]) == number[17]


def test_lower_case_x_is_normalised() -> None:
    assert idn.normalise(" 11010519491231002x ") == "11010519491231002X"
    assert idn.is_valid("11010519491231002x")


def test_excel_text_guard_is_removed() -> None:
    assert idn.normalise('="513437198503120017"') == "513437198503120017"
    assert idn.normalise("'513437198503120017") == "513437198503120017"


def test_wrong_check_digit_is_found() -> None:
    assert idn.problems("513437198503120018") == [idn.IdProblem.CHECK_DIGIT]


def test_impossible_birth_date() -> None:
    first17 = "51343719850231001"  # 31 February
    assert idn.IdProblem.BIRTH_DATE in idn.problems(first17 + idn.check_char(first17))


def test_future_birth_date() -> None:
    number = idn.make("513437", dt.date(2030, 1, 1), 11)
    assert idn.problems(number, today=dt.date(2019, 12, 31)) == [idn.IdProblem.BIRTH_DATE]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("", idn.IdProblem.EMPTY), ("51343719850312001", idn.IdProblem.LENGTH),
     ("513437850312001", idn.IdProblem.NOT_UPGRADED), ("5134371985031200A7", idn.IdProblem.CHARACTERS),
     ("5.13437E+17", idn.IdProblem.LENGTH)],
)
def test_malformed_numbers(raw: str, problem: idn.IdProblem) -> None:
    assert idn.problems(raw) == [problem]


def test_upgrade_from_15_digits() -> None:
    # 1989-style number of the annex example's person: 110105 491231 002
    assert idn.upgrade15("110105491231002") == "11010519491231002X"


def test_sex_and_birth_date_are_derived() -> None:
    f = idn.facts("513437201006150025")
    assert f == (True, "2", dt.date(2010, 6, 15))  # (valid, sex, birth date)
    assert idn.sex_code("513437198503120017") == "1"
    assert idn.birth_date("513437198503120017") == dt.date(1985, 3, 12)


def test_age_on_birthday_boundaries() -> None:
    born = dt.date(2004, 2, 29)
    assert idn.age_on(born, dt.date(2019, 2, 28)) == 14
    assert idn.age_on(born, dt.date(2019, 3, 1)) == 15


def test_check_char_equals_the_textbook_weighted_sum() -> None:
    import random

    rng = random.Random(11643)
    for _ in range(5000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        total = sum(int(d) * w for d, w in zip(first17, idn.WEIGHTS, strict=True))
        assert idn.check_char(first17) == idn.CHECK_CHARS[total % 11]


def test_full_width_digits_are_not_an_id_number() -> None:
    with pytest.raises(ValueError):
        idn.check_char("５１３４３７１９８５０３１２００１")


FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "513437198503120017")  # ５１３４３７…


def _with_check(first17: str) -> str:
    return first17 + idn.check_char(first17)


def test_facts_of_a_wrong_check_digit_keep_sex_and_birth_date() -> None:
    """A mistyped last character makes the number invalid; the other digits still give the age."""
    assert idn.facts("513437198503120018") == (False, "1", dt.date(1985, 3, 12))


def test_facts_read_any_spelling() -> None:
    assert idn.facts("11010519491231002x") == (True, "2", dt.date(1949, 12, 31))
    assert idn.facts(' ="513437198503120017" ')[0]
    assert idn.facts(None) == idn.facts("") == idn.NOT_AN_ID


@pytest.mark.parametrize("number", ["513437850312001", "51343719850312001", "5134371985031200171",
                                    "5134371985031200A7", FULL_WIDTH])
def test_facts_of_what_is_not_an_18_digit_number(number: str) -> None:
    """A 15-digit number is to be upgraded: until then the rules take no sex or birth date from it."""
    assert idn.facts(number) == idn.NOT_AN_ID


@pytest.mark.parametrize("first17", ["51343719850231001",  # 31 February
                                     "51343718991231001",  # before 1900
                                     "51343720900101001"])  # in the future
def test_facts_of_a_bad_birth_date(first17: str) -> None:
    assert idn.facts(_with_check(first17)) == (False, "1", None)


def test_birth_date_gives_any_real_day_the_number_states() -> None:
    """What the importer fills in: the day as written, for ID-005 to question (facts do not believe it)."""
    assert idn.birth_date(_with_check("51343720900101001")) == dt.date(2090, 1, 1)
    assert idn.birth_date(_with_check("51343718991231001")) == dt.date(1899, 12, 31)
    assert idn.birth_date(_with_check("51343719850231001")) is None
    assert idn.birth_date("513437850312001") == dt.date(1985, 3, 12)  # 15 digits: 19YY
    assert idn.birth_date("5134378502310") is None


@pytest.mark.parametrize("number", ["513437198503120017", "11010519491231002x", "513437198503120018",
                                    "513437850312002", _with_check("51343720900101001"),
                                    "51343719850231001X", "5134371985031200A7", "5134", "", FULL_WIDTH])
def test_sex_and_birth_is_sex_code_and_birth_date(number: str) -> None:
    s = idn.normalise(number)
    assert idn.sex_and_birth(s) == (idn.sex_code(s), idn.birth_date(s))


@pytest.mark.parametrize("raw", ["513437198503120017", " 513437198503120017 ", "11010519491231002x",
                                 "11010519491231002X", "'513437198503120017", '="513437198503120017"',
                                 "5134 3719 8503 1200 17", None, "", "ABC", FULL_WIDTH])
def test_key_is_the_normalised_number(raw: str | None) -> None:
    assert idn.key(raw) == idn.normalise(raw)


def test_well_formed_means_ascii_digits() -> None:
    assert idn.well_formed("513437198503120018")  # shape only: the check digit is wrong
    assert idn.well_formed("11010519491231002X")
    assert not idn.well_formed("11010519491231002x")
    assert not idn.well_formed(FULL_WIDTH)
    assert idn.well_formed15("513437850312001") and not idn.well_formed15(FULL_WIDTH[:15])


def test_full_width_digits_are_a_character_problem() -> None:
    """Not a crash in the check digit (check_char refuses them)."""
    assert idn.problems(FULL_WIDTH) == [idn.IdProblem.CHARACTERS]
    assert idn.problems(FULL_WIDTH[:15]) == [idn.IdProblem.LENGTH]


def test_facts_are_plain_tuples_the_garbage_collector_leaves_alone() -> None:
    """The cache holds one per person; a tracked object each would slow every collection of a run."""
    import gc

    number = idn.make("513437", dt.date(1981, 2, 3), 5)
    found = idn.facts(number)
    gc.collect()
    assert type(found) is tuple and not gc.is_tracked(idn.facts(number))


def test_birth_of_prefers_the_recorded_date() -> None:
    assert idn.birth_of(dt.date(1985, 1, 1), "513437198503120017") == dt.date(1985, 1, 1)
    assert idn.birth_of(None, "513437198503120017") == dt.date(1985, 3, 12)
    assert idn.birth_of(None, "513437850312001") is None  # not upgraded: as the rules
    assert idn.birth_of(None, None) is None


def test_the_facts_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idn, "_FACTS", {})
    monkeypatch.setattr(idn, "FACTS_MAX", 5)
    numbers = [idn.make("513437", dt.date(1980, 1, 1) + dt.timedelta(days=i), i) for i in range(23)]
    for n in numbers:
        assert idn.facts(n)[0]
        assert len(idn._FACTS) <= 5
    assert [idn.facts(n)[2] for n in numbers] == [
        dt.date(1980, 1, 1) + dt.timedelta(days=i) for i in range(23)]


def test_the_date_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idn, "_FACTS", {})
    monkeypatch.setattr(idn, "_DATES", {})
    monkeypatch.setattr(idn, "_PAST_DATES", {})
    monkeypatch.setattr(idn, "DATES_MAX", 4)
    days = [dt.date(1980, 1, 1) + dt.timedelta(days=i) for i in range(10)]
    for i, day in enumerate(days):
        number = idn.make("513437", day, i)
        assert idn.birth_date(number) == day
        assert idn.facts(number)[2] == day
        assert idn.sex_and_birth(number)[1] == day
    assert len(idn._DATES) == len(idn._PAST_DATES) == 4
