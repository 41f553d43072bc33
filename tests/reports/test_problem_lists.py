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


def test_summary_of_nothing_is_just_totals() -> None:
    header, body = summary_rows([])
    assert header == ["规则编号", "规则", "合计"] and body == [["合计", "", 0]]
