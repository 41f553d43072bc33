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
    assert f.sex == "2" and f.birth_date == dt.date(2010, 6, 15) and f.region == "513437"
    assert idn.sex_code("513437198503120017") == "1"


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
