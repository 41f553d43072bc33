"""Reading a filled comparison-table workbook: each sheet's form code and non-blank cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from povdesk.errors import BadInput
from povdesk.exchange.filled_forms import cell_text, read_filled_forms
from povdesk.exchange.xlsx_stream import column_letters


def _workbook(path: Path, *, formula: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "51343720420100001"
    ws["A1"] = "建档立卡贫困户基础信息与帮扶措施对照表"
    ws["A2"] = "2019年度  户编号 51343720420100001  记录版本 1  打印批次 3  查询码 pd1-B3-H51343720420100001-V1"
    ws["L9"] = 13911112222
    ws["M19"] = "文化程度：初中"
    ws["E10"] = "   "
    if formula:
        ws["E11"] = "=1+1"
    other = wb.create_sheet("说明")
    other["A1"] = "办公室备注"
    wb.save(path)
    return path


def test_sheets_give_their_form_code_and_non_blank_cells(tmp_path: Path) -> None:
    sheets = read_filled_forms(_workbook(tmp_path / "f.xlsx"))
    assert [s.title for s in sheets] == ["51343720420100001", "说明"]
    first, notes = sheets
    assert first.payload == "PD1-B3-H51343720420100001-V1" and notes.payload is None
    assert cell_text(first.cells[(9, 12)]) == "13911112222" and first.cells[(19, 13)] == "文化程度：初中"
    assert (10, 5) not in first.cells


def test_a_formula_without_its_value_and_a_csv_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="E11"):
        read_filled_forms(_workbook(tmp_path / "f.xlsx", formula=True))
    csv = tmp_path / "f.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not a CSV"):
        read_filled_forms(csv)


def test_cell_text_and_column_letters() -> None:
    assert cell_text(3.0) == "3" and cell_text(2.5) == "2.5" and cell_text(dt.datetime(2019, 5, 1)) == "2019-05-01"
    assert [column_letters(n) for n in (1, 13, 26, 27)] == ["A", "M", "Z", "AA"]
