"""Reading the province's feedback (no database): headers, result words, rows a request spans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from povdesk.exchange import province_feedback as pf


def book(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_ids_words_and_rows_without_a_result_of_an_answered_request(tmp_path: Path) -> None:
    got = pf.read_feedback(book(tmp_path / "f.xlsx", [
        ["变更申请号", "审 核\n结果", "退回原因"],
        ["CR-12", "审核通过", None], [12, None, None],  # a second row of request 12: answered above
        [13.0, "驳回", "材料 不全"], ["#14", "accepted", None]]))
    assert [(r.request_id, r.result, r.reason) for r in got.rows] == [
        (12, pf.ACCEPTED, None), (13, pf.REJECTED, "材料 不全"), (14, pf.ACCEPTED, None)]
    assert got.issues == () and got.kind == "xlsx"


def test_row_problems_are_collected_with_their_rows(tmp_path: Path) -> None:
    got = pf.read_feedback(book(tmp_path / "f.xlsx", [
        ["申请编号", "结果", "结果", "原因"], [15, None, None, None], [16, None, None, "缺材料"]]))
    assert [(i.row, i.en) for i in got.issues] == [
        (1, "columns '结果' and '结果' both hold the result; remove one"),
        (3, "a reason without a result (通过 or 退回)"),
        (2, "the result is empty (通过 or 退回)")]
    assert got.issues[1].message("f.xlsx", "zh") == "文件“f.xlsx”，工作表“Sheet”，第 3 行：有退回原因但审核结果为空（应为“通过”或“退回”）"
