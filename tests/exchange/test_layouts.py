"""Layouts are recognised by header names; values are read faithfully or reported per cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from povdesk.domain.codelists import builtin_codebook
from povdesk.exchange import layouts
from tests.exchange.rosters import (
    HOUSEHOLD_HEADER,
    PERSON_HEADER,
    col,
    household_rows,
    person_rows,
    person_xlsx,
    write_csv,
    write_xlsx,
)


def read(path: Path, **kw: object) -> layouts.ParsedRoster:
    return layouts.read_roster(str(path), builtin_codebook(), **kw)  # type: ignore[arg-type]


def test_person_list_headers_map_to_the_dictionary(tmp_path: Path) -> None:
    roster = read(person_xlsx(tmp_path / "a.xlsx"))
    keys = {c.header: c.field_key for c in roster.header.columns}
    assert roster.header.layout == layouts.PERSON
    assert keys["脱贫属性"] == "household.status"
    assert keys["参加大病医疗"] == "member.ins_major_illness"
    assert keys["危房户"] == "conditions.dangerous_house"
    assert keys["饮水安全"] == "conditions.drinking_safe"
    assert keys["饮水困难"] == "conditions.drinking_difficult"
    assert keys["人均纯收入"] == "income.per_capita_net"
    assert keys["人数"] == "household.size"
    assert keys["证件号码"] == "member.id_number"
    assert keys["联系电话"] == "household.phone"
    assert not roster.header.unknown


def test_household_layout_is_recognised_and_unknown_headers_reported(tmp_path: Path) -> None:
    roster = read(write_xlsx(tmp_path / "d.xlsx", HOUSEHOLD_HEADER, household_rows()))
    assert roster.header.layout == layouts.HOUSEHOLD
    assert [c.header for c in roster.header.unknown] == ["户主编号"]
    h = roster.households["51343720420100004"]
    assert h.values["conditions"] == {
        "dangerous_house": True, "drinking_safe": True, "farmland": 2.0, "electricity": True,
        "radio_tv": False, "road_distance": 1.2, "road_type": "02", "house_area": 60.0, "fuel": "01",
        "house_grade": "3"}
    assert h.values["income"]["total_income"] == 17000
    assert h.year == 2019
    assert h.members == []


def test_header_spelling_variants_meet(tmp_path: Path) -> None:
    header = ["户 编 号", "姓\n名", "证件号码", "务工时间(月)", "与户主关系"]
    rows = [["1", "甲", "513437198005170011", 3, "户主"]]
    roster = read(write_xlsx(tmp_path / "v.xlsx", header, rows))
    assert [c.field_key for c in roster.header.columns] == [
        "household.household_no", "member.name", "member.id_number", "member.work_months", "member.relation"]


def test_codes_and_labels_and_yes_no_forms_are_all_accepted(tmp_path: Path) -> None:
    rows = person_rows()
    rows[0][col("与户主关系")] = "01"
    rows[1][col("与户主关系")] = "配偶"
    rows[0][col("参加大病医疗")] = 1
    rows[1][col("参加大病医疗")] = "否"
    roster = read(person_xlsx(tmp_path / "c.xlsx", rows))
    members = roster.households["51343720420100001"].members
    assert [m.values["relation"] for m in members[:2]] == ["01", "02"]
    assert [m.values["ins_major_illness"] for m in members[:2]] == [True, False]


@pytest.mark.parametrize(("column", "value", "fragment"), [
    ("证件号码", 5.13437e17, "科学计数法"),
    ("证件号码", "5.13437E+17", "科学计数法"),
    ("与户主关系", "表哥", "代码表"),
    ("人均纯收入", "三千", "不是数字"),
    ("务工时间（月）", "2.5", "不是整数"),
])
def test_format_errors_are_reported_per_cell(tmp_path: Path, column: str, value: object,
                                             fragment: str) -> None:
    rows = person_rows()
    rows[1][col(column)] = value
    roster = read(person_xlsx(tmp_path / "bad.xlsx", rows))
    [error] = roster.errors
    assert (error.row, error.column, error.household_no) == (3, column, "51343720420100001")
    assert fragment in error.zh or ("转换为数字" in error.zh and fragment == "科学计数法")


def test_impossible_date_is_a_format_error(tmp_path: Path) -> None:
    header = ["户编号", "姓名", "出生日期", "与户主关系"]
    roster = read(write_xlsx(tmp_path / "d.xlsx", header, [["1", "甲", "2019-02-30", "户主"]]))
    [error] = roster.errors
    assert error.column == "出生日期" and "不是有效日期" in error.zh


def test_household_facts_that_disagree_between_rows_are_reported(tmp_path: Path) -> None:
    rows = person_rows()
    rows[2][col("人数")] = 4
    roster = read(person_xlsx(tmp_path / "x.xlsx", rows))
    [error] = roster.errors
    assert error.row == 4 and error.column == "人数" and "第 2 行" in error.zh


def test_domain_problems_are_not_format_errors(tmp_path: Path) -> None:
    rows = person_rows()
    rows[0][col("证件号码")] = rows[0][col("证件号码")][:-1] + ("0" if rows[0][col("证件号码")][-1] != "0" else "1")
    rows[1][col("与户主关系")] = "户主"  # two heads: a check finds this, the import does not
    assert not read(person_xlsx(tmp_path / "ok.xlsx", rows)).errors


def test_formula_neutralisation_round_trips() -> None:
    for text in ("=SUM(A1)", "+86 139", "-5", "@x", "plain", "'quoted"):
        assert layouts.restore(layouts.neutralise(text)) == text
    assert layouts.neutralise("=1+1") == "'=1+1"


def test_user_mapping_maps_an_unknown_column_and_can_ignore_a_known_one(tmp_path: Path) -> None:
    header = [*PERSON_HEADER, "户主手机"]
    rows = [[*r, "13812345678"] for r in person_rows()]
    path = write_xlsx(tmp_path / "m.xlsx", header, rows)
    roster = read(path, mappings={"户主手机": "member.phone", "民族": ""})
    cols = {c.header: (c.field_key, c.source) for c in roster.header.columns}
    assert cols["户主手机"] == ("member.phone", "remembered")
    assert cols["民族"] == (None, "ignored")
    member = roster.households["51343720420100001"].members[0].values
    assert member["phone"] == "13812345678" and "ethnicity" not in member


def test_csv_ids_guarded_by_excel_formula_quotes_are_text(tmp_path: Path) -> None:
    rows = person_rows()
    rows[0][col("证件号码")] = f'="{rows[0][col("证件号码")]}"'
    roster = read(write_csv(tmp_path / "g.csv", PERSON_HEADER, rows, encoding="gbk"))
    assert roster.households["51343720420100001"].members[0].values["id_number"] == person_rows()[0][7]


def test_members_read_cleanly_share_one_column_index(tmp_path: Path) -> None:
    """Issue 17: 600,000 members are held at once while an import plans. A member read cleanly is
    its cells in one tuple against the file's column index (not a dict each); a household whose
    facts all come from its first row keeps no per-field row numbers."""
    rows = person_rows()
    rows[1][col("与户主关系")] = "表哥"  # not in the code list: that member is read cell by cell
    roster = read(person_xlsx(tmp_path / "a.xlsx", rows))
    h = roster.households["51343720420100001"]
    clean, faulty = h.members[0].values, h.members[1].values
    assert isinstance(clean, layouts.MemberCells) and isinstance(faulty, dict)
    assert all(isinstance(m.values, layouts.MemberCells) and m.values.columns is clean.columns
               for m in roster.households["51343720420100002"].members)
    assert dict(clean) == {k: clean[k] for k in clean.columns.keys} and len(clean) == len(clean.columns.keys)
    assert clean["relation"] == "01" and "relation" in clean and clean.get("sex") is None and "sex" not in clean
    assert layouts.pick(clean, ("name", "sex")) == (clean["name"], None)
    assert layouts.pick(faulty, ("name", "relation")) == (faulty["name"], None)
    assert h.value_rows == {} and not hasattr(h, "__dict__") and not hasattr(h.members[0], "__dict__")
