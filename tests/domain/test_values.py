"""Typed values: what a file or an editor gives becomes the value the dictionary describes."""

from __future__ import annotations

import datetime as dt

import pytest

from povdesk.domain import dictionary as dd
from povdesk.domain import values
from povdesk.errors import InvalidValue


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("member.relation", "之子", "03"),
        ("member.relation", 3, "03"),
        ("member.ins_medical", "是", True),
        ("member.ins_medical", 0, False),
        ("member.ins_medical", "", None),
        ("member.work_months", "6", 6),
        ("member.work_months", 6.0, 6),
        ("income.wage", "12,000.50", 12000.5),
        ("member.birth_date", "2010年6月15日", dt.date(2010, 6, 15)),
        ("member.birth_date", "20100615", dt.date(2010, 6, 15)),
        ("member.id_number", "11010519491231002x", "11010519491231002X"),
        ("household.other_causes", "因病、缺技术", "01,07"),
        ("household.exit_year", "2018年", 2018),
    ],
)
def test_coerce(key: str, raw: object, expected: object) -> None:
    assert values.coerce(dd.field(key), raw) == expected


@pytest.mark.parametrize(
    ("key", "raw", "zh_fragment"),
    [
        ("member.id_number", 5.13437198503e17, "无法恢复"),
        ("member.id_number", "5.13437E+17", "科学计数法"),
        ("income.wage", "一万", "不是数字"),
        ("member.birth_date", "2019-02-30", "不是有效日期"),
        ("member.relation", "邻居", "与户主关系"),
        ("member.work_months", "6.5", "不是整数"),
    ],
)
def test_bad_values_are_named_in_chinese(key: str, raw: object, zh_fragment: str) -> None:
    with pytest.raises(InvalidValue) as err:
        values.coerce(dd.field(key), raw)
    assert zh_fragment in err.value.message("zh")
    assert dd.field(key).zh in err.value.message("zh")


def test_display_and_journal_text() -> None:
    f = dd.field("member.relation")
    assert values.display(f, "03", "zh") == "之子"
    assert values.display(f, "03", "en") == "Son"
    money = dd.field("income.wage")
    assert values.display(money, 12000.5) == "12,000.50"
    assert values.to_text(money, 12000.5) == "12000.5"
    assert values.to_text(dd.field("member.dibao"), False) == "0"
