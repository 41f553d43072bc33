"""Problem lists read back with openpyxl: a row per problem, names and values, remark column, summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from povdesk.domain.records import ProblemRecord
from povdesk.reports.problem_lists import (
    LIST_HEADERS,
    summary_rows,
    write_lists_by,
    write_problem_list,
)


def _p(n: int, rule: str, town: str, village: str, **kw: object) -> ProblemRecord:
    values: dict[str, object] = dict(
        id=n, rule=rule, category="教育", severity="error", household_id=n, household_no=f"5134372042010000{n}",
        member_id=n * 10, member_name="沙马木呷", id_number="513437200809010031",
        fields=("member.school_status",), message_zh="沙马木呷（513437200809010031）11 岁，在校生状况为“非在校生”",
        message_en="...", status="open", opened_at=dt.datetime(2019, 11, 21, 9, 30), township=town,
        village=village)
    values.update(kw)
    return ProblemRecord(**values)  # type: ignore[arg-type]


PROBLEMS = [
    _p(1, "EDU-001", "帕哈乡", "八合村", remark="已返校", head_name="沙马拉则"),
    _p(2, "EDU-001", "锦城镇", "城郊村", head_name="张德明"),
    _p(3, "HH-015", "帕哈乡", "八合村", head_name="曲比阿呷", severity="warning", member_id=None,
       member_name=None, id_number=None, fields=("household.phone",), message_zh="户联系电话“1390000111”不是 11 位手机号码"),
]


def test_list_has_a_row_per_problem_with_names_values_and_remark(tmp_path: Path) -> None:
    path = write_problem_list(tmp_path / "list.xlsx", PROBLEMS, title="全县数据质量问题清单",
                              rule_titles={"EDU-001": "义务教育阶段辍学", "HH-015": "户联系电话不是 11 位手机号"})
    wb = load_workbook(path)
    ws = wb["问题清单"]
    assert ws["A1"].value == "全县数据质量问题清单"
    assert tuple(c.value for c in ws[3]) == LIST_HEADERS
    rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=4)]
    assert len(rows) == 3
    first = dict(zip(LIST_HEADERS, rows[0], strict=True))
    assert first["户主姓名"] == "沙马拉则" and first["成员姓名"] == "沙马木呷"
    assert first["证件号码"] == "513437200809010031" and ws["G4"].number_format == "@"
    assert "非在校生" in first["问题描述"] and first["涉及字段"] == "在校生状况"
    assert first["严重程度"] == "错误" and first["状态"] == "未整改" and first["村组备注"] == "已返校"
    third = dict(zip(LIST_HEADERS, rows[2], strict=True))
    assert not third["成员姓名"] and third["严重程度"] == "提醒"

    summary = wb["汇总"]
    table = [tuple(c.value for c in r) for r in summary.iter_rows(min_row=2)]
    assert table[0] == ("规则编号", "规则", "帕哈乡", "锦城镇", "合计")
    assert table[1] == ("EDU-001", "义务教育阶段辍学", 1, 1, 2)
    assert table[2] == ("HH-015", "户联系电话不是 11 位手机号", 1, 0, 1)
    assert table[3] == ("合计", None, 2, 1, 3)
    for sheet in (ws, summary):  # printable: landscape, one page wide, headings repeated
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert summary.print_title_rows == "$2:$2"


def test_summary_columns_follow_the_places_given_then_the_problems_order() -> None:
    header, body = summary_rows(PROBLEMS, places=["锦城镇", "西宁镇", "帕哈乡"])
    assert header == ["规则编号", "规则", "锦城镇", "西宁镇", "帕哈乡", "合计"]
    assert body[-1] == ["合计", "", 1, 0, 2, 3]
    header, _ = summary_rows(PROBLEMS)  # the problems' own order (by place code), not by character
    assert header[2:4] == ["帕哈乡", "锦城镇"]
    header, body = summary_rows(PROBLEMS, by="village")
    assert header[2:4] == ["八合村", "城郊村"] and body[0][2:] == [1, 1, 2]


def test_one_workbook_per_village(tmp_path: Path) -> None:
    paths = write_lists_by(tmp_path, PROBLEMS, level="village")
    assert sorted(p.name for p in paths) == ["问题清单_帕哈乡八合村.xlsx", "问题清单_锦城镇城郊村.xlsx"]
    wb = load_workbook(tmp_path / "问题清单_帕哈乡八合村.xlsx")
    assert wb["问题清单"].max_row == 3 + 2
    assert wb["汇总"]["A1"].value.endswith("规则 × 行政村汇总") and wb["汇总"]["C2"].value == "八合村"
    towns = write_lists_by(tmp_path / "t", PROBLEMS, level="township")
    assert len(towns) == 2


def test_two_villages_of_one_name_get_a_list_each(tmp_path: Path) -> None:
    """Villages are told apart by code: two 新村 of one township used to share one list."""
    problems = [_p(1, "EDU-001", "帕哈乡", "新村", township_code="513437204", village_code="513437204201"),
                _p(2, "EDU-001", "帕哈乡", "新村", township_code="513437204", village_code="513437204202"),
                _p(3, "EDU-001", "帕哈乡", "八合村", township_code="513437204", village_code="513437204203")]
    paths = write_lists_by(tmp_path, problems, level="village")
    assert sorted(p.name for p in paths) == ["问题清单_帕哈乡八合村.xlsx", "问题清单_帕哈乡新村（513437204201）.xlsx",
                                             "问题清单_帕哈乡新村（513437204202）.xlsx"]
    ws = load_workbook(tmp_path / "问题清单_帕哈乡新村（513437204202）.xlsx")["问题清单"]
    assert ws.max_row == 4 and ws["A1"].value == "帕哈乡新村（513437204202）数据质量问题清单"


def test_summary_of_nothing_is_just_totals() -> None:
    header, body = summary_rows([])
    assert header == ["规则编号", "规则", "合计"] and body == [["合计", "", 0]]


HOSTILE_VILLAGES = ["/../../x", "a/b", "a\\b", "a_b", "CON", "nul.txt", "名字\x0b村", "村" * 300, "Village",
                    "VILLAGE", "..", ""]


def test_lists_by_village_stay_in_the_folder_with_distinct_readable_names(tmp_path: Path) -> None:
    """Village names from an imported file name the files: none climbs out, makes a subfolder, takes a
    device name or another village's file (names differing only in case are one file on Windows)."""
    problems = [_p(n, "EDU-001", "帕哈乡", v) for n, v in enumerate(HOSTILE_VILLAGES, start=1)]
    out = tmp_path / "lists"
    paths = write_lists_by(out, problems, level="village")
    assert len(paths) == len(HOSTILE_VILLAGES)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # all there, no subfolder
    assert len({p.name.casefold() for p in paths}) == len(paths)
    assert {p.name for p in tmp_path.iterdir()} == {"lists"}  # nothing written beside the folder
    for path in paths:
        assert path.parent == out.resolve() and path.is_file() and len(path.name.encode()) <= 120
        assert path.name.split(".", 1)[0].upper() not in ("CON", "NUL")
        ws = load_workbook(path)["问题清单"]
        assert ws.max_row == 4
    by_name = {p.name for p in paths}
    assert {"问题清单_帕哈乡a_b.xlsx", "问题清单_帕哈乡a_b-2.xlsx", "问题清单_帕哈乡a_b-3.xlsx"} <= by_name
    assert "问题清单_帕哈乡名字村.xlsx" in by_name and "问题清单_帕哈乡.xlsx" in by_name
    towns = write_lists_by(tmp_path / "t", [_p(1, "EDU-001", "/../../x", "村"), _p(2, "EDU-001", "", "村")],
                           level="township")
    assert sorted(p.name for p in towns) == ["问题清单__._._x.xlsx", "问题清单_未命名乡镇.xlsx"]


FORMULAS = ['=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_names_that_look_like_formulas_stay_text_with_a_quote_prefix(tmp_path: Path) -> None:
    problems = [_p(n, "EDU-001", f, f, head_name=f, member_name=f, remark=f, message_zh=f, household_no=f)
                for n, f in enumerate(FORMULAS, start=1)]
    path = write_problem_list(tmp_path / "list.xlsx", problems, title=FORMULAS[0], places=FORMULAS[:2])
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c for c in cells if isinstance(c.value, str) and c.value.lstrip("\t\n").startswith(("=", "+", "-", "@"))]
    assert len(texts) > 6 * len(FORMULAS) and all(c.quotePrefix for c in texts)
    assert wb["问题清单"]["A1"].value == FORMULAS[0] and wb["问题清单"]["E4"].value == FORMULAS[0]  # no apostrophe
    assert wb["汇总"]["C2"].value == FORMULAS[0]


def test_a_control_character_in_stored_text_does_not_break_the_list(tmp_path: Path) -> None:
    problems = [_p(1, "EDU-001", "帕哈乡", "八合\x0b村", head_name="沙马\x0b拉则", member_name="a\x00b\x1fc",
                   remark="\ufffe备注\ud800")]
    path = write_problem_list(tmp_path / "list.xlsx", problems, title="八合\x0b村数据质量问题清单")
    ws = load_workbook(path)["问题清单"]
    assert ws["A1"].value == "八合村数据质量问题清单" and ws["C4"].value == "八合村"
    assert ws["E4"].value == "沙马拉则" and ws["F4"].value == "abc" and ws["P4"].value == "备注"
