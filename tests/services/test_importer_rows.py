"""The import of rows as they are pasted: repeated rows, control characters, household numbers,
values beyond their field's limits. A faulty household is skipped whole, the rest imports."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from povdesk.db.models import Household, Member
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from tests.exchange.rosters import (
    PERSON_HEADER,
    col,
    excel_text,
    person_rows,
    person_xlsx,
    pid,
    write_csv,
)

FIRST, SECOND, THIRD = "51343720420100001", "51343720420100002", "51343720420100003"


def members(db: Database, household_no: str | None = None) -> list[tuple[str, str | None, str | None]]:
    with db.reading() as s:
        stmt = select(Member.name, Member.person_no, Member.id_number).join(Household)
        if household_no:
            stmt = stmt.where(Household.household_no == household_no)
        return sorted(tuple(r) for r in s.execute(stmt.order_by(Member.id)))


# --------------------------------------------------------------------------- repeated rows
def test_a_registered_households_rows_pasted_twice_add_no_members(db: Database, tmp_path: Path) -> None:
    service = ImportService(db=db)
    service.run(person_xlsx(tmp_path / "a.xlsx"))
    before = members(db)
    rows = person_rows()
    result = service.run(person_xlsx(tmp_path / "twice.xlsx", [*rows[:3], *rows, *rows[:3][::-1]]))
    assert (result.members_new, result.fields_changed, result.errors) == (0, 0, ())
    assert result.households_skipped == () and not result.missing_members
    assert [(n.row, n.household_no) for n in result.notices] == [
        (5, FIRST), (6, FIRST), (7, FIRST), (12, FIRST), (13, FIRST), (14, FIRST)]
    assert "第 12 行与本户第 4 行" in result.notices[3].zh  # the pasted rows need not be in order
    assert members(db) == before


def test_a_new_household_pasted_twice_gets_its_members_once(db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    result = ImportService(db=db).run(person_xlsx(tmp_path / "twice.xlsx", [*rows, *rows]))
    assert (result.households_new, result.members_new, result.errors) == (3, 7, ())
    assert len(result.notices) == 7
    assert len(members(db, FIRST)) == 3
    with db.reading() as s:  # the size a layout without 人数 would take from the members
        assert s.scalar(select(Household.size).where(Household.household_no == FIRST)) == 3


@pytest.mark.parametrize("column", ["人编号", "证件号码"])
def test_the_same_person_twice_with_other_content_skips_the_household(db: Database, tmp_path: Path,
                                                                       column: str) -> None:
    rows = person_rows()
    other = list(rows[4])  # household 2's second member, written again with another name
    other[col("姓名")] = "曲比阿果"
    other[col("证件号码" if column == "人编号" else "人编号")] = (
        pid(29) if column == "人编号" else "5134372042010000209")
    result = ImportService(db=db).run(person_xlsx(tmp_path / "conflict.xlsx", [*rows, other]))
    assert result.households_skipped == (SECOND,)
    [error] = result.errors
    assert (error.row, error.column, error.household_no) == (9, column, SECOND)
    assert "本户第 6 行已出现" in error.zh and "also on row 6" in error.en
    assert (result.households_new, result.members_new) == (2, 5)
    assert members(db, SECOND) == []


# --------------------------------------------------------------------------- control characters
def test_a_control_character_is_removed_said_and_the_export_still_works(db: Database,
                                                                          tmp_path: Path) -> None:
    rows = person_rows()
    rows[0][col("姓名")] = excel_text("沙马\x0b拉则")
    rows[3][col("乡(镇)")] = excel_text("帕哈\x00乡")
    service = ImportService(db=db)
    result = service.run(person_xlsx(tmp_path / "ctl.xlsx", rows))
    assert (result.households_new, result.members_new, result.errors) == (3, 7, ())
    assert [(n.row, n.column) for n in result.notices] == [(2, "姓名"), (5, "乡(镇)")]
    assert "U+000B" in result.notices[0].zh and "U+000B" in result.notices[0].en
    with db.reading() as s:
        assert s.scalar(select(Household.head_name).where(Household.household_no == FIRST)) == "沙马拉则"
    out = service.export_roster(tmp_path / "export.xlsx")
    assert out == 7
    names = {c.value for row in openpyxl.load_workbook(tmp_path / "export.xlsx").active.iter_rows()
             for c in row}
    assert "沙马拉则" in names


def test_a_line_break_inside_a_name_skips_its_household(db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    rows[5][col("姓名")] = "吉克伍呷\r\n吉克日哈"
    result = ImportService(db=db).run(write_csv(tmp_path / "br.csv", PERSON_HEADER, rows))
    assert result.households_skipped == (THIRD,)
    [error] = result.errors
    assert (error.row, error.column) == (7, "姓名") and "换行符" in error.zh and "\\r\\n" in error.zh


# --------------------------------------------------------------------------- household numbers
def test_a_household_number_of_another_length_than_the_countys_is_an_error_on_each_row(
        county_db: Database, tmp_path: Path) -> None:
    rows = person_rows()
    for r in rows[3:5]:
        r[col("户编号")] = "5134372042010002"  # 16 digits: the county's numbers have 17
    rows[5][col("户编号")] = rows[6][col("户编号")] = "51343720420100003/"
    result = ImportService(db=county_db).run(person_xlsx(tmp_path / "hn.xlsx", rows))
    assert [(e.row, e.column, e.household_no) for e in result.errors] == [
        (5, "户编号", "5134372042010002"), (6, "户编号", "5134372042010002"),
        (7, "户编号", None), (8, "户编号", None)]
    assert "为 16 位，本县的户编号为 17 位" in result.errors[0].zh and "has 16 digits" in result.errors[0].en
    assert "只能由数字组成" in result.errors[2].zh
    assert result.households_skipped == ("5134372042010002",)
    with county_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Household).where(
            func.length(Household.household_no) != 17)) == 0


def test_a_first_import_takes_the_length_most_households_of_the_file_have(db: Database,
                                                                         tmp_path: Path) -> None:
    rows = person_rows()
    rows[5][col("户编号")] = rows[6][col("户编号")] = "513437204201000031"  # 18 digits
    result = ImportService(db=db).run(person_xlsx(tmp_path / "first.xlsx", rows))
    assert result.households_skipped == ("513437204201000031",)
    assert (result.households_new, [e.row for e in result.errors]) == (2, [7, 8])


# --------------------------------------------------------------------------- limits
@pytest.mark.parametrize(("column", "value", "fragment"), [
    ("务工时间（月）", 1e30, "0 至 99 月"),
    ("务工时间（月）", "1e30", "0 至 99 月"),
    ("务工时间（月）", "3000000000", "0 至 99 月"),  # beyond an integer column: out of range on PostgreSQL
    ("务工时间（月）", "-inf", "不是数字"),
    ("人均纯收入", "1e30", "至 100,000,000 元"),
    ("人均纯收入", "NaN", "不是数字"),
    ("姓名", "曲比阿呷" * 10 + "莫", "长 41 个字符，最多 40 个字符"),  # varchar(40): a DataError on PostgreSQL
    ("证件号码", "5" * 25, "最多 24 个字符"),
    ("姓名", "阿" * 33_000, "最多 40 个字符"),  # more than an Excel cell holds
])
def test_a_value_beyond_its_limit_skips_its_household_or_cell_not_the_file(db: Database, tmp_path: Path,
                                                                   column: str, value: object,
                                                                   fragment: str) -> None:
    rows = person_rows()
    rows[3][col(column)] = value
    result = ImportService(db=db).run(write_csv(tmp_path / "big.csv", PERSON_HEADER, rows))
    if column == "务工时间（月）":  # a member field that is no key: only the cell is left out
        assert (result.households_skipped, result.errors) == ((), ())
        [error] = result.kept
        assert (result.households_new, result.members_new) == (3, 7)
    else:
        assert result.households_skipped == (SECOND,)
        [error] = result.errors
        assert (result.households_new, result.members_new) == (2, 5)
    assert (error.row, error.column, error.household_no) == (5, column, SECOND)
    assert fragment in error.zh
    with db.reading() as s:
        assert s.scalar(select(func.max(func.length(Member.name)))) <= 40
        assert s.scalar(select(func.max(Member.work_months))) <= 12
