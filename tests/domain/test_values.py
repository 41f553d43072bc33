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


# --------------------------------------------------------------------------- ranges and lengths
@pytest.mark.parametrize(
    ("key", "raw", "zh_fragment", "en_fragment"),
    [
        ("member.work_months", "1e30", "超出本字段允许的范围（0 至 99 月）", "0 to 99 months"),
        ("member.work_months", 1e30, "超出本字段允许的范围", "outside what this field can hold"),
        ("member.work_months", -1, "超出本字段允许的范围", "0 to 99"),
        ("member.work_months", "inf", "不是数字", "is not a number"),
        ("member.work_months", "nan", "不是数字", "is not a number"),
        ("income.wage", "1e30", "-100,000,000 至 100,000,000 元", "100,000,000 yuan"),
        ("income.wage", -1e30, "超出本字段允许的范围", "outside"),
        ("income.wage", "1e400", "不是数字", "is not a number"),  # inf once read
        ("conditions.farmland", -3, "0 至 100,000 亩", "0 to 100,000 mu"),
        ("household.size", 100, "0 至 99 人", "0 to 99 persons"),
        ("household.exit_year", 1800, "不是合理的年份（1949–2100）", "plausible year"),
        ("member.name", "沙" * 41, "长 41 个字符，最多 40 个字符", "41 characters long; at most 40"),
        ("member.name", "沙" * 40_000, "最多 40 个字符", "at most 40"),
        # a workbook reader hands at most 32,767 characters of a cell: never "32,767 long" as if exact
        ("member.name", "沙" * 32_767, "长 至少 32,767 个字符", "at least 32,767 characters long"),
        ("member.id_number", "5" * 25, "最多 24 个字符", "at most 24"),
        ("member.phone", "1" * 21, "最多 20 个字符", "at most 20"),
        ("household.household_no", 5.13437204201e16, "后几位已丢失", "lost digits"),
    ],
)
def test_values_beyond_the_fields_limits_are_refused(key: str, raw: object, zh_fragment: str,
                                                     en_fragment: str) -> None:
    with pytest.raises(InvalidValue) as err:
        values.coerce(dd.field(key), raw)
    assert zh_fragment in err.value.zh and en_fragment in err.value.en
    assert len(err.value.zh) < 200  # a 40,000-character value is not quoted whole


def test_values_at_the_limits_are_kept() -> None:
    assert values.coerce(dd.field("member.work_months"), "13") == 13  # LAB-006 judges 0–12
    assert values.coerce(dd.field("member.name"), "沙" * 40) == "沙" * 40
    assert values.coerce(dd.field("income.business"), "-5000") == -5000  # INC-004 reports it
    assert values.coerce(dd.field("income.wage"), 100_000_000) == 100_000_000
    assert values.coerce(dd.field("household.other_causes"), "因病、因病、缺技术") == "01,07"


# --------------------------------------------------------------------------- control characters
def test_invisible_control_characters_are_removed_and_said() -> None:
    name = dd.field("member.name")
    cleaned = values.clean_text(name, " 沙马\x0b拉则\x00 ")
    assert (cleaned.text, cleaned.removed, cleaned.joined) == ("沙马拉则", ("U+000B", "U+0000"), False)
    zh, en = cleaned.note(name)
    assert "已删除 2 个不可见的控制字符（U+000B, U+0000）" in zh and "“沙马拉则”" in zh
    assert "removed 2 invisible control characters" in en
    assert not values.clean_text(name, "沙马拉则").changed


def test_format_characters_that_hide_or_reorder_text_are_removed_and_said() -> None:
    """A right-to-left override shows a stored "沙马ABC" as "沙马CBA"; zero-width spaces make two
    names that look alike differ. They were stored silently; now they go, with a note."""
    name = dd.field("member.name")
    for raw, codes in (("沙马\u202eABC", ("U+202E",)), ("沙\u200b马拉则", ("U+200B",)),
                       ("\ufeff沙马\u2066拉则\u2069", ("U+FEFF", "U+2066", "U+2069")),
                       ("沙马\u00ad拉则\u200d", ("U+00AD", "U+200D"))):
        cleaned = values.clean_text(name, raw)
        assert cleaned.removed == codes and cleaned.text.startswith("沙")
        assert not values.has_control(cleaned.text)
    with pytest.raises(InvalidValue) as err:
        values.coerce(name, "沙马\u202eABC")
    assert not values.has_control(err.value.zh)


def test_a_line_break_is_a_space_in_free_text_and_refused_in_a_name() -> None:
    company = dd.field("member.work_company")
    cleaned = values.clean_text(company, "雷波县\r\n  建筑公司\t\x7f")
    assert (cleaned.text, cleaned.joined) == ("雷波县 建筑公司", True)
    with pytest.raises(InvalidValue) as err:
        values.clean_text(dd.field("member.name"), "沙马拉则\n沙马阿依莫")
    assert "换行符或制表符" in err.value.zh and "\\n" in err.value.zh and "\n" not in err.value.zh
    # an ID number loses its spaces and breaks anyway (idnumber.normalise)
    assert values.clean_text(dd.field("member.id_number"), "513437\n19800517001\x011").text == \
        "513437198005170011"


def test_coerce_refuses_control_characters_so_edits_cannot_store_them() -> None:
    for raw in ("沙马\x0b拉则", "沙马\x1f拉则", "x\x00"):
        with pytest.raises(InvalidValue) as err:
            values.coerce(dd.field("member.name"), raw)
        assert "控制字符" in err.value.zh
        assert not values.has_control(err.value.zh) and not values.has_control(err.value.en)


def test_household_numbers_are_digits_of_the_countys_length() -> None:
    assert values.check_household_no("51343720420100001", 17) == "51343720420100001"
    for bad, fragment in (("5134372042010000/", "只能由数字组成"), ("５１３４", "只能由数字组成"),
                          ("5134372042010001", "为 16 位，本县的户编号为 17 位")):
        with pytest.raises(InvalidValue) as err:
            values.check_household_no(bad, 17)
        assert fragment in err.value.zh


def test_a_gps_position_keeps_six_decimals_and_an_area_two() -> None:
    longitude, area = dd.field("household.longitude"), dd.field("conditions.house_area")
    assert values.coerce(longitude, "103.5712345") == 103.571235
    assert values.to_text(longitude, 103.571235) == "103.571235"
    assert values.coerce(area, "80.456") == 80.46
