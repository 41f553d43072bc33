"""Rows as they are pasted: repeated rows, control characters, household numbers, values beyond
their field's limits. Each is said per row and column, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from povdesk.domain.codelists import builtin_codebook
from povdesk.exchange import layouts
from tests.exchange.rosters import (
    HOUSEHOLD_HEADER,
    PERSON_HEADER,
    col,
    excel_text,
    household_rows,
    person_rows,
    person_xlsx,
    pid,
    write_csv,
    write_xlsx,
)


def read(path: Path) -> layouts.ParsedRoster:
    return layouts.read_roster(str(path), builtin_codebook())


# --------------------------------------------------------------------------- repeated rows
def test_a_household_pasted_twice_is_read_once_with_a_notice_naming_both_rows(tmp_path: Path) -> None:
    rows = person_rows()
    rows = [*rows[:3], *rows[:3], *rows[3:]]  # household 1 (rows 2-4) pasted again as rows 5-7
    roster = read(person_xlsx(tmp_path / "dup.xlsx", rows))
    h = roster.households["51343720420100001"]
    assert [m.row for m in h.members] == [2, 3, 4] and not roster.errors
    assert [(n.row, n.household_no) for n in roster.notices] == [
        (5, "51343720420100001"), (6, "51343720420100001"), (7, "51343720420100001")]
    assert "第 5 行与本户第 2 行的成员各列完全相同" in roster.notices[0].zh
    assert "Row 5 repeats row 2" in roster.notices[0].en and "imported once" in roster.notices[0].en


def test_a_repeated_row_far_from_its_household_is_found_too(tmp_path: Path) -> None:
    rows = person_rows()
    rows.append(list(rows[1]))  # household 1's second member again, after households 2 and 3
    roster = read(person_xlsx(tmp_path / "far.xlsx", rows))
    assert len(roster.households["51343720420100001"].members) == 3
    [notice] = roster.notices
    assert notice.row == 9 and "第 3 行" in notice.zh


@pytest.mark.parametrize(("column", "changed"), [("人编号", "姓名"), ("证件号码", "文化程度")])
def test_the_same_person_with_other_content_is_an_error_naming_both_rows(
        tmp_path: Path, column: str, changed: str) -> None:
    rows = person_rows()
    again = list(rows[1])
    again[col(changed)] = "沙马阿果" if changed == "姓名" else "初中"
    if column == "证件号码":
        again[col("人编号")] = "5134372042010000109"  # only the ID number repeats
    else:
        again[col("证件号码")] = pid(19)  # only the person number repeats
    rows.insert(3, again)
    roster = read(person_xlsx(tmp_path / "conflict.xlsx", rows))
    [error] = roster.errors
    assert (error.row, error.column, error.household_no) == (5, column, "51343720420100001")
    assert "本户第 3 行已出现" in error.zh and "row 3" in error.en
    assert not roster.notices


def test_a_repeated_household_row_in_the_household_layout_is_said(tmp_path: Path) -> None:
    rows = household_rows()
    roster = read(write_xlsx(tmp_path / "d.xlsx", HOUSEHOLD_HEADER, [rows[0], rows[1], rows[0]]))
    assert not roster.errors and len(roster.households) == 2
    [notice] = roster.notices
    assert notice.row == 4 and "第 4 行与第 2 行完全相同" in notice.zh


# --------------------------------------------------------------------------- control characters
def test_control_characters_are_removed_per_cell_and_said(tmp_path: Path) -> None:
    rows = person_rows()
    rows[1][col("姓名")] = excel_text("沙马阿依\x0b莫")  # as Excel stores it: _x000B_
    rows[1][col("与户主关系")] = excel_text("配\x01偶")
    rows[3][col("乡(镇)")] = excel_text("帕哈\x1f乡")  # a household fact: said once, not on every row
    roster = read(person_xlsx(tmp_path / "ctl.xlsx", rows))
    assert not roster.errors
    m = roster.households["51343720420100001"].members[1].values
    assert (m["name"], m["relation"]) == ("沙马阿依莫", "02")
    assert roster.households["51343720420100002"].place["township"] == "帕哈乡"
    assert [(n.row, n.column) for n in roster.notices] == [(3, "姓名"), (3, "与户主关系"), (5, "乡(镇)")]
    assert "U+000B" in roster.notices[0].zh and "“沙马阿依莫”" in roster.notices[0].zh


def test_a_line_break_inside_a_name_is_a_row_error(tmp_path: Path) -> None:
    rows = person_rows()
    rows[1][col("姓名")] = "沙马阿依莫\n沙马木呷"
    roster = read(person_xlsx(tmp_path / "br.xlsx", rows))
    [error] = roster.errors
    assert (error.row, error.column) == (3, "姓名") and "换行符" in error.zh


# --------------------------------------------------------------------------- household numbers, limits
@pytest.mark.parametrize("number", ["5134372042010000/", "51343720420100001*", "５１３４３７２０４２０１００００１",
                                    excel_text("51343720420\x0b100001"), 5.13437204201e16])
def test_a_household_number_that_is_not_digits_is_a_row_error(tmp_path: Path, number: object) -> None:
    rows = person_rows()
    rows[1][col("户编号")] = number
    roster = read(person_xlsx(tmp_path / "hn.xlsx", rows))
    [error] = roster.errors
    assert (error.row, error.column) == (3, "户编号")
    assert "只能由数字组成" in error.zh or "后几位已丢失" in error.zh
    assert [m.row for m in roster.households["51343720420100001"].members] == [2, 4]


@pytest.mark.parametrize(("column", "value", "fragment"), [
    ("务工时间（月）", 1e30, "超出本字段允许的范围（0 至 99 月）"),
    ("务工时间（月）", "1e30", "超出本字段允许的范围"),
    ("务工时间（月）", "inf", "不是数字"),
    ("人均纯收入", "1e30", "至 100,000,000 元"),
    ("人均纯收入", "nan", "不是数字"),
    ("姓名", "沙马" * 21, "最多 40 个字符"),
    ("姓名", "沙" * 40_000, "最多 40 个字符"),  # beyond Excel's 32,767 characters a cell
    ("联系电话", "1" * 30, "最多 20 个字符"),
])
def test_a_value_beyond_its_fields_limit_is_a_row_error_naming_the_limit(
        tmp_path: Path, column: str, value: object, fragment: str) -> None:
    rows = person_rows()
    rows[1][col(column)] = value
    roster = read(write_csv(tmp_path / "big.csv", PERSON_HEADER, rows))  # CSV: no cell limit
    [error] = roster.errors
    assert (error.row, error.column, error.household_no) == (3, column, "51343720420100001")
    assert fragment in error.zh
